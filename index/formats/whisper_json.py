"""Whisper's JSON, as openai-whisper (``--output_format json``), WhisperX and the OpenAI API
(``verbose_json``) write it: ``segments`` with ``start`` and ``end`` in seconds and ``text``;
WhisperX's diarization adds a ``speaker`` (``SPEAKER_00``) and ``words`` to each segment.

openai-whisper writes the whole ``text`` first, on one line: for a long recording the segments
begin far past the first few KB that sniffing sees, so a JSON object that opens with ``"text"``
is taken for Whisper's (and refused, if it has no segments after all). Segments are merged into
turns like captions (`index.formats.cues`); a diarized segment without a ``speaker`` is nobody
named. Each segment has its own times, so WhisperX's per-word times are not needed.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.formats.cues import captions_document, segment_cues
from index.formats.json_source import load_object, looks_like_json_with
from index.formats.source import SourceText
from index.model import Document

NAME = "whisper-json"
LABEL = "Whisper JSON"

_OPENS_WITH_TEXT = re.compile(r'^\{\s*"text"\s*:')


def sniff(head: str) -> float:
    if looks_like_json_with(head, "segments", "start", "end", "text"):
        return 0.95
    if _OPENS_WITH_TEXT.match(head.lstrip("\ufeff \n\t")):
        return 0.9
    return 0.1 if looks_like_json_with(head, "segments") else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    data = load_object(path, source, "segments")
    cues = segment_cues(data["segments"], start="start", end="end", words="text")
    return captions_document(path, NAME, LABEL, cues)
