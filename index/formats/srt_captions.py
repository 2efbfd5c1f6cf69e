"""SubRip captions (``.srt``), read with the ``srt`` library.

SRT has no speaker field; transcripts name the speaker with a ``Name:`` prefix (``[SPEAKER_00]:``
from WhisperX, perhaps after ``- `` or ``>> ``) on the cue or line where the speaker changes, and
the following cues without one are the same turn. A label counts when its name labels several
lines, or opens a cue in a file that labels its speakers (`cues.labelled`). Formatting tags
(``<i>``, ``{\\an8}``) are dropped.
"""

from __future__ import annotations

import re
from pathlib import Path

import srt

from index.errors import FormatError
from index.formats.cues import (
    caption_speakers,
    captions_document,
    labelled,
    plain_text,
    speaker_cues,
)
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
    texts = [plain_text(_STYLE_OVERRIDE.sub("", subtitle.content)) for subtitle in subtitles]
    speakers = caption_speakers([text.split("\n") for text in texts])
    cues = [
        cue
        for subtitle, text in zip(subtitles, texts, strict=True)
        for cue in speaker_cues(
            subtitle.start.total_seconds(),
            subtitle.end.total_seconds(),
            [
                labelled(line, speakers, opens_cue=index == 0)
                for index, line in enumerate(text.split("\n"))
            ],
        )
    ]
    return captions_document(path, NAME, LABEL, cues)
