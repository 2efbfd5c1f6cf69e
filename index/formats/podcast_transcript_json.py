"""Podcast-namespace transcript JSON: ``segments`` with ``speaker``, ``startTime``, ``endTime``
and ``body``.

Segments may be whole sentences or single words; either way they are merged into turns like
captions (`index.formats.cues`). Every segment says who speaks it: a ``null`` or missing
``speaker`` (music, a sponsor read, the audience) is nobody named, not the speaker before. A body
that ends in a newline ends a paragraph. A segment without a ``startTime`` or a ``body`` (or with
``null`` there) is skipped.
"""

from __future__ import annotations

from pathlib import Path

from index.formats.cues import Cue, captions_document
from index.formats.json_source import load_object, looks_like_json_with, seconds
from index.formats.source import SourceText
from index.model import Document

NAME = "podcast-transcript-json"
LABEL = "Podcast transcript (JSON)"


def sniff(head: str) -> float:
    return 0.95 if looks_like_json_with(head, "segments") else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    data = load_object(path, source, "segments")
    cues = []
    for segment in data["segments"]:
        if not isinstance(segment, dict):
            continue
        start, body = seconds(segment.get("startTime")), segment.get("body")
        if start is None or not isinstance(body, str) or not body.strip():
            continue
        speaker = segment.get("speaker")
        cues.append(
            Cue(
                start,
                seconds(segment.get("endTime")),
                body,
                speaker.strip() if isinstance(speaker, str) else "",
                ends_paragraph=body.endswith("\n"),
            )
        )
    return captions_document(path, NAME, LABEL, cues)
