"""Podcast-namespace transcript JSON: ``segments`` with ``speaker``, ``startTime``, ``endTime``
and ``body``.

Segments may be whole sentences or single words; either way they are merged into turns like
captions (`index.formats.cues`, `cues.segment_cues`: a ``null`` speaker is nobody named, a body
ending in a newline ends a paragraph). Whisper's JSON has ``segments`` too, with ``start`` and
``text``: only a file whose segments have this format's own keys is sniffed as one.
"""

from __future__ import annotations

from pathlib import Path

from index.formats.cues import captions_document, segment_cues
from index.formats.json_source import load_object, looks_like_json_with
from index.formats.source import SourceText
from index.model import Document

NAME = "podcast-transcript-json"
LABEL = "Podcast transcript (JSON)"


def sniff(head: str) -> float:
    if not looks_like_json_with(head, "segments"):
        return 0.0
    return 0.95 if '"startTime"' in head or '"body"' in head else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    data = load_object(path, source, "segments")
    cues = segment_cues(data["segments"], start="startTime", end="endTime", words="body")
    return captions_document(path, NAME, LABEL, cues)
