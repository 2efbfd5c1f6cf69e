"""The format registry: which parser reads a file.

Every format module has a ``NAME``, a ``LABEL``, ``sniff(head) -> float`` (0..1 confidence from
the first few KB of text) and ``parse(path, source=None) -> Document``, which raises
``FormatError`` for input it cannot read and nothing else, whatever the bytes.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from index.errors import FormatError
from index.formats import (
    chapter_list,
    markdown_transcript,
    obsidian_note,
    podcast_chapters_json,
    podcast_transcript_html,
    podcast_transcript_json,
    srt_captions,
    takeaway_thread,
    transcript_page,
    video_summary,
    webvtt_captions,
)
from index.formats.source import SourceText, read_source
from index.model import Document

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
    )
}
SNIFF_CHARS = 16_384
MIN_CONFIDENCE = 0.3


def detect(source: SourceText) -> ModuleType:
    """The format whose sniff is most confident about this text."""
    head = source.text[:SNIFF_CHARS]
    confidence, module = max(
        ((module.sniff(head), module) for module in FORMATS.values()), key=lambda pair: pair[0]
    )
    if confidence < MIN_CONFIDENCE:
        known = ", ".join(FORMATS)
        raise FormatError(source.path, None, f"not a format earmark reads (known: {known})")
    return module


def parse_file(path: Path, format_name: str | None = None) -> tuple[Document, str | None]:
    """Read and parse one file; returns the document and a warning about its decoding, if any.

    ``format_name`` (from an ``episode.toml``) skips sniffing.
    """
    source = read_source(path)
    if format_name is None:
        module = detect(source)
    elif format_name in FORMATS:
        module = FORMATS[format_name]
    else:
        raise FormatError(
            path, None, f"unknown format {format_name!r} (known: {', '.join(FORMATS)})"
        )
    return module.parse(path, source), source.warning
