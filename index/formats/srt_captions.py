"""SubRip captions (``.srt``): numbered, timed cues separated by blank lines.

SRT has no speaker field; transcripts name the speaker with a ``Name:`` prefix (``[SPEAKER_00]:``
from WhisperX, perhaps after ``- `` or ``>> ``) on the cue or line where the speaker changes, and
the following cues without one are the same turn. A label counts when its name labels several
lines, or opens a cue in a file that labels its speakers (`cues.labelled`). Formatting tags
(``<i>``, ``{\\an8}``) are dropped.

The cues are read here, in one pass, as leniently as the ``srt`` library read them (the index
may be missing, the separators may be ``.`` or ``:``, a cue's text may hold a blank line, a cue
may follow another without one): that library was too slow (docs/decisions.md). A block that
looks like a cue but whose timing cannot be read is an error naming its line; a cue whose start
is past `MAX_SECONDS` is not a time in an episode and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import FormatError
from index.formats.common import recurring_speakers
from index.formats.cues import (
    captions_document,
    clock_milliseconds,
    labelled,
    plain_text,
    speaker_cues,
)
from index.formats.source import SourceText, read_source
from index.model import Document

NAME = "srt"
LABEL = "SRT captions"

_SEPARATOR = "[,.:，．。：]"
_CLOCK = rf"(\d+){_SEPARATOR}(\d+){_SEPARATOR}(\d+)(?:{_SEPARATOR}(\d*))?"
_TIMING = re.compile(rf"\s*{_CLOCK} *-[ -] *> *{_CLOCK}")
_STARTS_WITH_CLOCK = re.compile(rf"\s*{_CLOCK}")
_INDEX = re.compile(r"\s*-?\d+(?:\.\d*)?\s*$")
_BLANK_LINES = re.compile(r"(\n(?:[ \t]*\n)+)")
_SNIFF_TIMING = re.compile(r"^\d+:\d{2}:\d{2}[,.]\d{1,3} *--> *\d+:\d{2}:\d{2}[,.]\d{1,3}")
_STYLE_OVERRIDE = re.compile(r"\{\\[^{}]*\}")


def sniff(head: str) -> float:
    lines = [line.strip() for line in head.lstrip("\ufeff").split("\n") if line.strip()]
    if len(lines) < 2 or not lines[0].isdigit():
        return 0.0
    return 0.95 if _SNIFF_TIMING.match(lines[1]) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    subtitles = [s for s in _Reader(path, source.text).subtitles() if s.start is not None]
    texts = [
        [plain_text(_STYLE_OVERRIDE.sub("", line)) for line in subtitle.lines]
        for subtitle in subtitles
    ]
    speakers = recurring_speakers(line for lines in texts for line in lines)
    cues = [
        cue
        for subtitle, lines in zip(subtitles, texts, strict=True)
        for cue in speaker_cues(
            subtitle.start / 1000,
            None if subtitle.end is None else subtitle.end / 1000,
            [labelled(line, speakers, opens_cue=index == 0) for index, line in enumerate(lines)],
        )
    ]
    return captions_document(path, NAME, LABEL, cues)


@dataclass(slots=True)
class _Subtitle:
    """One cue: its times in milliseconds (None: not a time in an episode) and its lines."""

    start: int | None
    end: int | None
    lines: list[str] = field(default_factory=list)


class _Reader:
    """The file's cues, block by block (blocks are separated by blank lines)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.read: list[_Subtitle] = []

    def subtitles(self) -> list[_Subtitle]:
        offset = 0
        for number, piece in enumerate(_BLANK_LINES.split(self.text)):
            if number % 2 == 0 and piece.strip():
                self._block(piece.split("\n"), offset, arrows=piece.count("-->"))
            offset += len(piece)
        return self.read

    def _block(self, lines: list[str], offset: int, *, arrows: int) -> None:
        while not lines[0].strip():  # only the file's first block can start with a blank line
            offset += len(lines.pop(0)) + 1
        while not lines[-1].strip():
            lines.pop()
        timing = _timing_line(lines)
        if timing is not None:
            subtitle = _subtitle(lines[timing])
            self.read.append(subtitle)
            rest, arrows = lines[timing + 1 :], arrows - 1
        elif self.read and not _looks_like_a_cue(lines):
            subtitle, rest = self.read[-1], ["", *lines]  # a blank line inside a cue's text
        else:
            line = self.text.count("\n", 0, offset) + 1
            raise FormatError(self.path, line, "not valid SRT: expected a numbered, timed cue")
        if not arrows:  # no other cue can start in this block
            subtitle.lines += rest
            return
        index = 0
        while index < len(rest):
            if _timing_line(rest[index : index + 2]) == 1:  # numbered, without a blank line before
                subtitle = _subtitle(rest[index + 1])
                self.read.append(subtitle)
                index += 2
            else:
                subtitle.lines.append(rest[index])
                index += 1


def _timing_line(lines: list[str]) -> int | None:
    """Where the block's timing line is: first, or after the cue's number; None for neither."""
    if _TIMING.match(lines[0]):
        return 0
    if len(lines) > 1 and _INDEX.match(lines[0]) and _TIMING.match(lines[1]):
        return 1
    return None


def _looks_like_a_cue(lines: list[str]) -> bool:
    """A block that starts like a cue (a clock, perhaps after a number) whose timing is wrong."""
    if _STARTS_WITH_CLOCK.match(lines[0]):
        return True
    return len(lines) > 1 and bool(_INDEX.match(lines[0]) and _STARTS_WITH_CLOCK.match(lines[1]))


def _subtitle(timing_line: str) -> _Subtitle:
    clocks = _TIMING.match(timing_line)
    assert clocks is not None, "called on a timing line"
    return _Subtitle(
        clock_milliseconds(*clocks.groups()[:4]), clock_milliseconds(*clocks.groups()[4:])
    )
