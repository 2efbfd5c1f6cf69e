"""The format registry: which parser reads a file.

Every format module has a ``NAME``, a ``LABEL``, ``sniff(head) -> float`` (0..1 confidence from
the first few KB of text) and ``parse(path, source=None) -> Document``, which raises
``FormatError`` for input it cannot read and nothing else, whatever the bytes. `parse_file`
holds them to that: anything else a parser raises (a bug) becomes a `ParserFailure`, so one file
never stops a library from loading.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from index.errors import FormatError
from index.formats import (
    chapter_list,
    markdown_transcript,
    obsidian_note,
    podcast_chapters_json,
    podcast_transcript_html,
    podcast_transcript_json,
    show_notes,
    srt_captions,
    takeaway_thread,
    transcript_page,
    video_summary,
    webvtt_captions,
)
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line

FORMATS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (
        transcript_page,
        obsidian_note,
        video_summary,
        takeaway_thread,
        webvtt_captions,
        srt_captions,
        podcast_transcript_json,
        podcast_transcript_html,
        podcast_chapters_json,
        markdown_transcript,
        chapter_list,
        show_notes,
    )
}
_KNOWN = ", ".join(FORMATS)
SNIFF_CHARS = 16_384
MIN_CONFIDENCE = 0.3
T = TypeVar("T")


class ParserFailure(FormatError):
    """A parser (or sniffer) raised something other than `FormatError`: a bug in it, reported as
    one file that cannot be read. The exception is the ``__cause__``, for tests to raise."""


def _guarded(path: Path, function: Callable[..., T], *args: object) -> T:
    """``function(*args)``, a parser's or a sniffer's, raising only `FormatError`, with Python's
    cycle collector paused: a parser makes a million small objects and no cycles, and the
    collector's passes over them took a quarter of a 45 MB caption file's parse (decisions.md).
    The collector is left as it was found (a parse in another thread may have paused it)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return function(*args)
    except FormatError:
        raise
    except Exception as error:
        detail = ": " + clean_line(str(error)[:200]) if str(error) else ""
        message = f"earmark could not read this file ({type(error).__name__}{detail})"
        raise ParserFailure(path, None, message) from error
    finally:
        if collecting:
            gc.enable()


def candidates(source: SourceText) -> list[ModuleType]:
    """The formats that think they can read this text, the most confident first; an error
    when none does."""
    head = source.text[:SNIFF_CHARS]
    scored = [
        (_guarded(source.path, module.sniff, head), index, module)
        for index, module in enumerate(FORMATS.values())
    ]
    ranked = sorted(scored, key=lambda item: (-item[0], item[1]))
    found = [module for confidence, _, module in ranked if confidence >= MIN_CONFIDENCE]
    if not found:
        raise FormatError(source.path, None, f"not a format earmark reads (known: {_KNOWN})")
    return found


def detect(source: SourceText) -> ModuleType:
    """The format whose sniff is most confident about this text."""
    return candidates(source)[0]


def parse_file(path: Path, format_name: str | None = None) -> tuple[Document, str | None]:
    """Read and parse one file; returns the document and a warning about its decoding, if any.

    ``format_name`` (from an ``episode.toml``) skips sniffing. Otherwise, when the most likely
    format cannot read the file after all, the next one that sniffed it tries; the first one's
    error is the one reported if none can.
    """
    source = read_source(path)
    if format_name is not None:
        if format_name not in FORMATS:
            raise FormatError(path, None, f"unknown format {format_name!r} (known: {_KNOWN})")
        return _guarded(path, FORMATS[format_name].parse, path, source), source.warning
    first_error: FormatError | None = None
    for module in candidates(source):
        try:
            return _guarded(path, module.parse, path, source), source.warning
        except FormatError as error:
            first_error = first_error or error
    assert first_error is not None
    raise first_error
