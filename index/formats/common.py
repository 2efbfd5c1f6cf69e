"""Small pieces the format parsers share: numbered lines, dates, emphasis, chapters and turns."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import datetime

from index.model import Chapter, Turn

WHOLE_TRANSCRIPT = "Transcript"


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


def chapters_with_ends(starts_and_titles: list[tuple[int, str]], duration: int) -> list[Chapter]:
    """Chapters sorted by start, the first title given for a start second winning, each ending
    where the next begins. A transcript without chapters gets one chapter for all of it, so that
    every turn belongs to a chapter."""
    titles: dict[int, str] = {}
    for start, title in starts_and_titles:
        titles.setdefault(start, title)
    ordered = sorted(titles.items()) or [(0, WHOLE_TRANSCRIPT)]
    ends = [start for start, _ in ordered[1:]]
    ends.append(max(duration, ordered[-1][0]))
    return [
        Chapter(index, title, start, end)
        for index, ((start, title), end) in enumerate(zip(ordered, ends, strict=True))
    ]


def turns_with_ends(
    raw_turns: list[tuple[str, int, tuple[str, ...]]], chapters: list[Chapter], duration: int
) -> list[Turn]:
    """Turns in reading order, each ending where the next begins (the last at ``duration``),
    each in the last chapter that starts at or before it."""
    starts = [chapter.start for chapter in chapters]
    turns = []
    for index, (speaker, start, paragraphs) in enumerate(raw_turns):
        following = raw_turns[index + 1][1] if index + 1 < len(raw_turns) else duration
        chapter = max(bisect.bisect_right(starts, start) - 1, 0)
        turns.append(Turn(index, speaker, start, max(start, following), paragraphs, chapter))
    return turns
