"""The format registry: which parser reads a file.

Every format module has a ``NAME`` (what ``[formats]`` in an ``episode.toml`` calls it), a
``LABEL`` (the name people know it by), ``sniff(head) -> float`` and ``parse(path, source=None)
-> Document``, which raises ``FormatError`` for input it cannot read (with the line, where there
is one) and nothing else, whatever the bytes. `REGISTRY` holds one typed `Format` a format, with
its priority (which is tried first when two formats are as sure) and an example file that a
test reads: adding a format is its module and one line here (and a row in the README, which a
test checks).

``sniff`` says, from the first few KB of text, how sure the format is that it reads the file:
0 when it does not, ``MIN_CONFIDENCE`` or more when it does, and in between when the text only
resembles it (a WebVTT file without its header): that format is then the closest one, and its
``parse`` says why it refuses the file, for the message that no format reads it.

`parse_file` is the way in: what it returns holds no control character, whatever the format
decoded (`index.untrusted`), and anything else a parser raises (a bug) becomes a
`ParserFailure`, so one file never stops a library from loading.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from pathlib import Path
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
    speaker_text,
    srt_captions,
    takeaway_thread,
    transcript_page,
    video_summary,
    webvtt_captions,
    whisper_json,
    ytdlp_info,
)
from index.formats.registry import Format
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.untrusted import sanitized

_SEEDS = "data/ilya-sutskever-2025-11"
_SPEC = "tests/fixtures/formats"
_REAL = "tests/fixtures/realworld"
REGISTRY: tuple[Format, ...] = (
    Format.of(transcript_page, priority=15, example=f"{_SEEDS}/transcript-page.txt"),
    Format.of(obsidian_note, priority=14, example=f"{_SEEDS}/obsidian-note.md"),
    Format.of(video_summary, priority=13, example=f"{_SEEDS}/video-summary.txt"),
    Format.of(takeaway_thread, priority=12, example=f"{_SEEDS}/takeaways-thread.txt"),
    Format.of(webvtt_captions, priority=11, example=f"{_SPEC}/podcastindex_example_transcript.vtt"),
    Format.of(srt_captions, priority=10, example=f"{_SPEC}/podcastindex_example_transcript.srt"),
    Format.of(
        podcast_transcript_json, priority=9, example=f"{_SPEC}/podcastindex_example_transcript.json"
    ),
    Format.of(whisper_json, priority=8, example=f"{_REAL}/whisper_cli_result.json"),
    Format.of(
        ytdlp_info,
        priority=7,
        example=f"{_REAL}/Fixing a wobbly chair, properly [Qx7pL2mVb0s].info.json",
    ),
    Format.of(
        podcast_transcript_html, priority=6, example=f"{_SPEC}/podcastindex_example_transcript.html"
    ),
    Format.of(
        podcast_chapters_json, priority=5, example=f"{_SPEC}/podcastindex_example_chapters.json"
    ),
    Format.of(markdown_transcript, priority=4, example=f"{_REAL}/lexfridman_style_transcript.md"),
    Format.of(speaker_text, priority=3, example=f"{_REAL}/otter_export.txt"),
    Format.of(chapter_list, priority=2, example=f"{_REAL}/youtube_description_chapters.txt"),
    Format.of(
        show_notes,
        priority=1,
        example=f"{_REAL}/podcast_description_outline.txt",
        guessed=False,
    ),
)
# By name: what `parse_file` and the sniffing use.
FORMATS: dict[str, Format] = {entry.name: entry for entry in REGISTRY}
SNIFF_CHARS = 16_384
MIN_CONFIDENCE = 0.3
# A sniffer's confidence is 0..1: one sure of a text ranks above every format of lower priority.
SURE = 1.0
_LABELS = ", ".join(entry.label for entry in REGISTRY)
_NAMES = ", ".join(f"{entry.name} ({entry.label})" for entry in REGISTRY)
_WHERE = "under [formats] in the episode folder's episode.toml"

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


def candidates(source: SourceText, *, sure_first: bool = False) -> list[Format]:
    """The formats that think they can read this text, the most confident first (the higher
    priority first among as confident); an error that says why none does, when none does.

    ``sure_first``: the sniffers are asked in order of priority, and the first one sure of the
    text ends it, alone in the list (no format after it can rank above it): a transcript page
    is then sniffed once instead of fifteen times (a third of parsing one, without placing its
    notes). `parse_file` asks the rest only if that format cannot read the file after all."""
    head = source.text[:SNIFF_CHARS]
    scored = []
    for entry in sorted(FORMATS.values(), key=lambda entry: -entry.priority):
        scored.append((confidence := _guarded(source.path, entry.sniff, head), entry))
        if sure_first and confidence >= SURE:
            return [entry]
    ranked = sorted(scored, key=lambda item: (-item[0], -item[1].priority))
    found = [entry for confidence, entry in ranked if confidence >= MIN_CONFIDENCE]
    if not found:
        closest = next((entry for confidence, entry in ranked if confidence > 0), None)
        raise _unread(source, closest)
    return found


def detect(source: SourceText) -> Format:
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
            raise FormatError(path, None, f"unknown format {format_name!r} (known: {_NAMES})")
        return sanitized(_guarded(path, FORMATS[format_name].parse, path, source)), source.warning
    found = candidates(source, sure_first=True)
    first_error: FormatError | None = None
    for entry in _then_the_rest(found, source):
        try:
            return sanitized(_guarded(path, entry.parse, path, source)), source.warning
        except FormatError as error:
            first_error = first_error or error
    assert first_error is not None
    raise _refused(found[0], first_error)


def _then_the_rest(found: list[Format], source: SourceText) -> Iterator[Format]:
    """``found``; then, when it is one format alone (sure of the text, or the only one that
    thinks it can read it), the others `candidates` ranks: asked only once it has refused."""
    yield from found
    if len(found) == 1:
        yield from (entry for entry in candidates(source) if entry is not found[0])


def _unread(source: SourceText, closest: Format | None) -> FormatError:
    """No format reads the file: the format it resembles most and why that one refuses it (or
    that there is too little to be sure), and what the person can do."""
    if closest is None:
        return FormatError(
            source.path,
            None,
            f"not a format earmark reads (it reads {_LABELS}); "
            f"if it is one of these, name its format {_WHERE}",
        )
    try:
        _guarded(source.path, closest.parse, source.path, source)
    except FormatError as error:
        return _refused(closest, error)
    entry = f"{json.dumps(source.path.name, ensure_ascii=False)} = {json.dumps(closest.name)}"
    return FormatError(
        source.path,
        None,
        f"looks like {closest.label}, but too little of it to be sure; "
        f"to read it as one, put {entry} {_WHERE}",
    )


def _refused(entry: Format, error: FormatError) -> FormatError:
    """The format the file looks most like could not read it, and why; a parser's own failure
    (a bug, not the file's format) as it is."""
    if isinstance(error, ParserFailure):
        return error
    return FormatError(
        error.path,
        error.line,
        f"looks like {entry.label}, but {error.message}; if it is another format, name it {_WHERE}",
    )
