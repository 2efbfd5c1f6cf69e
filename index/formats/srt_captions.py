"""SubRip captions (``.srt``), read with the ``srt`` library.

SRT has no speaker field; transcripts name the speaker with a ``Name:`` prefix on the cue (or
the line) where the speaker changes, and the following cues without one are the same turn.
Formatting tags (``<i>``, ``{\\an8}``) are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import srt

from index.errors import FormatError
from index.formats.common import SPEAKER_LABEL
from index.formats.cues import Cue, captions_document, plain_text
from index.formats.source import SourceText, read_source
from index.model import Document

NAME = "srt"
LABEL = "SRT captions"

_TIMING = re.compile(r"^\d+:\d{2}:\d{2}[,.]\d{1,3} *--> *\d+:\d{2}:\d{2}[,.]\d{1,3}")
_STYLE_OVERRIDE = re.compile(r"\{\\[^}]*\}")


def sniff(head: str) -> float:
    lines = [line.strip() for line in head.lstrip("\ufeff").split("\n") if line.strip()]
    if len(lines) < 2 or not lines[0].isdigit():
        return 0.0
    return 0.95 if _TIMING.match(lines[1]) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    try:
        subtitles = list(srt.parse(source.text))
    except srt.SRTParseError as error:
        rest = source.text[error.expected_start :]
        cue_start = error.expected_start + len(rest) - len(rest.lstrip())
        line = source.text.count("\n", 0, cue_start) + 1
        raise FormatError(path, line, "not valid SRT: expected a numbered, timed cue") from None
    except (srt.TimestampParseError, ValueError) as error:
        raise FormatError(path, None, f"not valid SRT: {error}") from None
    cues = [cue for subtitle in subtitles for cue in _cues(subtitle)]
    return captions_document(path, NAME, LABEL, cues)


def _cues(subtitle: srt.Subtitle) -> list[Cue]:
    """One cue per speaker the subtitle's lines name (most subtitles: one)."""
    start, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
    cues: list[Cue] = []
    for line in plain_text(_STYLE_OVERRIDE.sub("", subtitle.content)).split("\n"):
        label = SPEAKER_LABEL.match(line.strip())
        if label or not cues:
            speaker = label["speaker"] if label else None
            text = line.strip()[label.end() :] if label else line
            cues.append(Cue(start, end, text, speaker))
        else:
            cues[-1] = Cue(start, end, f"{cues[-1].text} {line}", cues[-1].speaker)
    return cues
