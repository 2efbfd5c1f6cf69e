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
from dataclasses import dataclass
from pathlib import Path

from index.errors import FormatError
from index.formats.cues import (
    Cue,
    caption_speakers,
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
_SPACES_LINE = re.compile(r"\n[ \t]+(?=\n)")
_SNIFF_TIMING = re.compile(r"^\d+:\d{2}:\d{2}[,.]\d{1,3} *--> *\d+:\d{2}:\d{2}[,.]\d{1,3}")
_STYLE_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_MARKUP = re.compile(r"[<&{]")  # a tag, an entity, a style override: `plain_text` has work


def sniff(head: str) -> float:
    lines = [line.strip() for line in head.lstrip("\ufeff").split("\n") if line.strip()]
    if len(lines) < 2 or not lines[0].isdigit():
        return 0.0
    return 0.95 if _SNIFF_TIMING.match(lines[1]) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    subtitles = [s for s in _Reader(path, source.text).subtitles() if s.start is not None]
    for subtitle in subtitles:
        if _MARKUP.search("\n".join(subtitle.lines)):  # once for all its lines: few have any
            subtitle.lines = [
                plain_text(_STYLE_OVERRIDE.sub("", line) if "{" in line else line)
                for line in subtitle.lines
            ]
    speakers = caption_speakers([subtitle.lines for subtitle in subtitles])
    cues = [cue for subtitle in subtitles for cue in _cues(subtitle, speakers)]
    return captions_document(path, NAME, LABEL, cues)


def _cues(subtitle: _Subtitle, speakers: set[str]) -> list[Cue]:
    """A subtitle's cues: one, unless its lines name speakers (`labelled`)."""
    assert subtitle.start is not None
    start, end = subtitle.start / 1000, None if subtitle.end is None else subtitle.end / 1000
    if not subtitle.lines:
        return []
    text = " ".join(subtitle.lines)
    if not speakers or ":" not in text:  # no label: quickly
        return [Cue(start, end, text)]
    said = [labelled(line, speakers, opens_cue=i == 0) for i, line in enumerate(subtitle.lines)]
    return speaker_cues(start, end, said)


@dataclass(slots=True)
class _Subtitle:
    """One cue: its times in milliseconds (None: not a time in an episode) and its lines."""

    start: int | None
    end: int | None
    lines: list[str]


class _Reader:
    """The file's cues, block by block (blocks are separated by blank lines)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        # A line of spaces separates blocks like an empty one: made one, the blocks are split
        # by str.split (three times quicker than a pattern), and no line moves.
        self.text = _SPACES_LINE.sub("\n", text)
        self.read: list[_Subtitle] = []

    def subtitles(self) -> list[_Subtitle]:
        offset = 0  # where the block starts in the text, for an error's line
        for piece in self.text.split("\n\n"):
            lines = piece.split("\n")
            # Nearly every block is a number, a timing line and text, without another cue in
            # it: read at once (_block reads these the same, and every other kind).
            if (
                len(lines) > 2
                and lines[0].isdigit()
                and lines[-1].strip()
                and piece.count("-->") == 1
                and (timing := _TIMING.match(lines[1]))
            ):
                self.read.append(_subtitle(timing, lines[2:]))
            elif piece.strip():
                self._block(lines, offset, arrows=piece.count("-->"))
            offset += len(piece) + 2
        return self.read

    def _block(self, lines: list[str], offset: int, *, arrows: int) -> None:
        while not lines[0].strip():  # after more than one blank line, or at the file's start
            offset += len(lines.pop(0)) + 1
        while not lines[-1].strip():
            lines.pop()
        if found := _timing(lines):
            at, timing = found
            subtitle = _subtitle(timing, [])
            self.read.append(subtitle)
            rest, arrows = lines[at + 1 :], arrows - 1
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
            found = _timing(rest[index : index + 2])
            if found and found[0] == 1:  # a numbered cue without a blank line before it
                subtitle = _subtitle(found[1], [])
                self.read.append(subtitle)
                index += 2
            else:
                subtitle.lines.append(rest[index])
                index += 1


def _timing(lines: list[str]) -> tuple[int, re.Match[str]] | None:
    """The block's timing line, first or after the cue's number: where, and its clocks."""
    if ">" in lines[0] and (timing := _TIMING.match(lines[0])):
        return 0, timing
    if len(lines) > 1 and _INDEX.match(lines[0]) and (timing := _TIMING.match(lines[1])):
        return 1, timing
    return None


def _looks_like_a_cue(lines: list[str]) -> bool:
    """A block that starts like a cue (a clock, perhaps after a number) whose timing is wrong."""
    if _STARTS_WITH_CLOCK.match(lines[0]):
        return True
    return len(lines) > 1 and bool(_INDEX.match(lines[0]) and _STARTS_WITH_CLOCK.match(lines[1]))


def _subtitle(timing: re.Match[str], lines: list[str]) -> _Subtitle:
    clocks = timing.groups()
    return _Subtitle(clock_milliseconds(*clocks[:4]), clock_milliseconds(*clocks[4:]), lines)
