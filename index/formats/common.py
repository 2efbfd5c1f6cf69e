"""Small pieces the format parsers share: numbered lines, dates, emphasis, chapters and turns."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from index.chapters import in_chapters
from index.model import Chapter, Turn
from index.timecode import CLOCK

# A time past this (over 115 days) is not a time in an episode: a file that says so is wrong, and
# the time is read as not given.
MAX_SECONDS = 10_000_000

# One word of a person's name: capitalised, or a name particle ("van", "de", "bin"…).
NAME_WORD = (
    r"(?:[A-Z\u00c0-\u024f][\w.'’-]*|van|von|der|den|de|da|del|della|di|du|la|le|bin|ibn|al)"
)
# A speaker's name: up to five such words, perhaps numbered ("Speaker 2").
SPEAKER_NAME = rf"{NAME_WORD}(?: {NAME_WORD}){{0,4}}(?: \d{{1,2}})?"
# "Sarah:", "Alban :", "Speaker 2:", "[SPEAKER_00]:" (WhisperX) at the start of a line: who
# speaks the words after it.
SPEAKER_LABEL = re.compile(
    rf"^(?P<open>\[)?(?P<speaker>{SPEAKER_NAME})"
    rf"(?(open)\]) ?:(?:\s+|$)"
)


# Marks of a change of speaker before a label in captions: "- Alice:", ">> CAROL:".
_CHANGE_MARK = re.compile(r"^(?:>>\s*|-\s+)")


def recurring_speakers(lines: Iterable[str]) -> set[str]:
    """Names that label more than one line (``Name: text``): speakers, not a "Note:" or a
    "Chapter One:" that happens to start a line."""
    counts = Counter(
        match["speaker"]
        for line in lines
        if ":" in line and (match := SPEAKER_LABEL.match(unmarked(line)))
    )
    return {name for name, count in counts.items() if count > 1}


def unmarked(line: str) -> str:
    """The line without a speaker-change mark before its label."""
    line = line.strip()
    return _CHANGE_MARK.sub("", line) if line[:1] in (">", "-") else line


def written_time(group: str, *, bracketed: bool = True) -> str:
    """A regular expression for a time as transcripts and descriptions write it: perhaps with a
    fraction of a second, in (parentheses) or [brackets] (Markdown-escaped or not), the clock
    in the named ``group``. ``bracketed=False``: the brackets are optional."""
    opening, closing = r"(?:\\?\[|\()\s*", r"\s*(?:\\?\]|\))"
    if not bracketed:
        opening, closing = f"(?:{opening})?", f"(?:{closing})?"
    return rf"{opening}(?P<{group}>{CLOCK})(?:[.,]\d+)?{closing}"


@dataclass(frozen=True, slots=True)
class Row:
    """A non-blank line of a file, stripped, with its 1-based line number."""

    number: int
    text: str


def rows(text: str) -> list[Row]:
    return [Row(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]


_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d")


def iso_date(text: str) -> str | None:
    """``"Nov 25, 2025"``, ``"25 November 2025"``, ``"2025-11-25"`` → ``"2025-11-25"``."""
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)")


def strip_emphasis(text: str) -> str:
    """Markdown ``**bold**``, ``__bold__``, ``*italic*`` and ``_italic_`` → their plain words."""
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    return _ITALIC.sub(lambda m: m.group(1) or m.group(2), text)


RawTurn = tuple[str, int | None, tuple[str, ...]]  # speaker, start (None: not given), paragraphs


def turns_with_ends(raw_turns: list[RawTurn], chapters: list[Chapter], duration: int) -> list[Turn]:
    """Turns in reading order, each timed turn ending where the next timed one begins (the last
    at ``duration``), placed in chapters by `in_chapters`. An untimed turn stays untimed."""
    ends: list[int | None] = [None] * len(raw_turns)
    following = duration
    for index in reversed(range(len(raw_turns))):
        start = raw_turns[index][1]
        if start is not None:
            ends[index] = max(start, following)
            following = start
    turns = [
        Turn(index, speaker, start, ends[index], paragraphs, 0)
        for index, (speaker, start, paragraphs) in enumerate(raw_turns)
    ]
    return in_chapters(turns, chapters)
