"""Timed captions (WebVTT and SRT cues, podcast JSON segments) merged into speaker turns.

Captions cut speech into screen-sized pieces, sometimes single words. A turn is one speaker's
run of them; a piece that names no speaker continues the turn before it (captions name the
speaker when it changes). Inside a turn a pause starts a new paragraph, and so does a length
that would make a wall of text, at the end of a sentence. When no speaker is named at all, each
paragraph is a turn of its own, so that every stretch of talk keeps its time.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import FormatError
from index.formats.common import MAX_SECONDS, SPEAKER_LABEL, turns_with_ends, unmarked
from index.model import Document, Turn
from index.text import clean_line

PARAGRAPH_PAUSE_S = 2.0
PARAGRAPH_WORDS = 150
_MAX_FIELD_DIGITS = 9  # far more than a time in an episode needs in any field
_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_NO_SPACE_BEFORE = re.compile(r"^[,.;:!?…)\]}%]")


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed piece of text; ``speaker`` None when the piece does not name one."""

    start: float
    end: float | None
    text: str
    speaker: str | None = None
    ends_paragraph: bool = False


def clock_milliseconds(
    hours: str | None, minutes: str, seconds: str, fraction: str | None
) -> int | None:
    """A caption's clock, ``H:MM:SS.mmm`` as digits, in milliseconds (the fraction read as a
    decimal: ``.5`` is 500 ms); None past `MAX_SECONDS`, where no episode is. The digits are
    counted before they are converted: a field of a million digits is none of Python's ints."""
    hours = hours or "0"
    if any(len(field.lstrip("0")) > _MAX_FIELD_DIGITS for field in (hours, minutes, seconds)):
        return None
    milliseconds = ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000
    milliseconds += int((fraction or "")[:3].ljust(3, "0"))
    return milliseconds if milliseconds < MAX_SECONDS * 1000 else None


def speaker_cues(start: float, end: float | None, lines: list[tuple[str | None, str]]) -> list[Cue]:
    """A caption's lines, each with the speaker it names (None: nobody), as one cue per change
    of speaker: captions may change speaker from one line to the next."""
    cues: list[Cue] = []
    for speaker, text in lines:
        if speaker is not None or not cues:
            cues.append(Cue(start, end, text, speaker))
        else:
            cues[-1] = Cue(start, end, f"{cues[-1].text} {text}", cues[-1].speaker)
    return cues


def labelled(line: str, speakers: set[str], *, opens_cue: bool) -> tuple[str | None, str]:
    """The speaker a caption line's label names (``Name:``, ``[SPEAKER_00]:``, after ``- `` or
    ``>> ``), and the words after the label. A label counts when its name is one of
    ``speakers`` (names that label several lines), or when it opens a cue in a file that labels
    its speakers (a caller heard once); a "Chapter One:" in a file without labels is words."""
    text = unmarked(line)
    match = SPEAKER_LABEL.match(text)
    if match and (match["speaker"] in speakers or (opens_cue and speakers)):
        return match["speaker"], text[match.end() :]
    return None, line


def plain_text(markup: str) -> str:
    """Caption text without its tags (``<i>``, ``<c.loud>``, ``<00:01.500>``), entities decoded."""
    return html.unescape(_TAG.sub("", markup))


def captions_document(path: Path, name: str, label: str, cues: list[Cue]) -> Document:
    """The transcript document the cues of one file make."""
    turns, duration = merge_cues(cues)
    if not turns:
        raise FormatError(path, None, f"no {label} with text found")
    return Document(path=path, format=name, source=label, duration=duration, turns=tuple(turns))


def merge_cues(cues: list[Cue]) -> tuple[list[Turn], int]:
    """The turns the cues make (chapter 0, for the library to place) and the duration."""
    builder = _TurnBuilder()
    for cue in sorted(cues, key=lambda cue: cue.start):
        text = clean_line(cue.text)
        if text:
            builder.add(cue, text)
    duration = math.ceil(max((cue.end or cue.start for cue in cues), default=0))
    return builder.turns(duration), duration


class _TurnBuilder:
    def __init__(self) -> None:
        self.raw: list[tuple[str, float, list[list[str]]]] = []  # speaker, start, paragraphs
        self.speaker = ""
        self.last_end: float | None = None
        self.paragraph_closed = False

    def add(self, cue: Cue, text: str) -> None:
        speaker = self.speaker if cue.speaker is None else cue.speaker
        paused = self.last_end is not None and cue.start - self.last_end >= PARAGRAPH_PAUSE_S
        if not self.raw or speaker != self.speaker:
            self.raw.append((speaker, cue.start, [[]]))
        elif self.paragraph_closed or paused or self._paragraph_full():
            if speaker:
                self.raw[-1][2].append([])
            else:  # nobody named: a new paragraph is a new turn, with its own time
                self.raw.append((speaker, cue.start, [[]]))
        self.raw[-1][2][-1].append(text)
        self.speaker = speaker
        self.last_end = cue.end if cue.end is not None else cue.start
        self.paragraph_closed = cue.ends_paragraph

    def _paragraph_full(self) -> bool:
        """Long enough, at the end of a sentence; or twice as long, for captions that have no
        punctuation at all (automatic ones)."""
        paragraph = self.raw[-1][2][-1]
        words = sum(len(piece.split()) for piece in paragraph)
        sentence_ends = bool(_SENTENCE_END.search(paragraph[-1]))
        return words >= 2 * PARAGRAPH_WORDS or (words >= PARAGRAPH_WORDS and sentence_ends)

    def turns(self, duration: int) -> list[Turn]:
        raw = [
            (speaker, int(start), tuple(_join(pieces) for pieces in paragraphs))
            for speaker, start, paragraphs in self.raw
        ]
        return turns_with_ends(raw, [], duration)


def _join(pieces: list[str]) -> str:
    """Caption pieces → running text: a piece that starts with punctuation ("," "." "?") joins
    the word before it without a space."""
    text = pieces[0]
    for piece in pieces[1:]:
        text += piece if _NO_SPACE_BEFORE.match(piece) else " " + piece
    return text
