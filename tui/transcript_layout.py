"""The transcript laid out for a width: which line shows which turn, paragraph and characters.

Pure data, no Textual: the transcript widget renders these lines and a jump to a turn is a lookup in
``first_line``. Wrapping counts terminal cells (wide characters take two), breaks at spaces, and
breaks words longer than the width.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len

from index.model import Turn

LineKind = Literal["chapter", "header", "text", "blank"]


@dataclass(frozen=True, slots=True)
class Line:
    """One screen line: a chapter title, a turn's header, part of a paragraph, or a gap.

    For text lines ``start``/``end`` are character offsets into ``paragraph`` of ``turn``.
    """

    kind: LineKind
    turn: int
    paragraph: int = -1
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    lines: tuple[Line, ...]
    first_line: tuple[
        int, ...
    ]  # the first line of each turn (its chapter's title, if it opens one)

    def turn_at(self, line: int) -> int:
        """The turn a line belongs to (lines past the end belong to the last turn)."""
        if not self.first_line:
            return 0
        return max(bisect.bisect_right(self.first_line, line) - 1, 0)

    def last_line(self, turn: int) -> int:
        """The last line of a turn, its trailing gap excluded."""
        following = (
            self.first_line[turn + 1] if turn + 1 < len(self.first_line) else len(self.lines)
        )
        return max(following - 2, self.first_line[turn])


def lay_out(turns: tuple[Turn, ...], width: int) -> Layout:
    """Every turn as a header line, its wrapped paragraphs with a blank line between, then a gap;
    a turn that opens a chapter is preceded by the chapter's title."""
    width = max(width, 8)
    lines: list[Line] = []
    first_line: list[int] = []
    for turn in turns:
        first_line.append(len(lines))
        if turn.index == 0 or turns[turn.index - 1].chapter != turn.chapter:
            lines.append(Line("chapter", turn.index))
        lines.append(Line("header", turn.index))
        for number, paragraph in enumerate(turn.paragraphs):
            if number:
                lines.append(Line("blank", turn.index))
            lines.extend(
                Line("text", turn.index, number, start, end)
                for start, end in wrap(paragraph, width)
            )
        lines.append(Line("blank", turn.index))
    return Layout(width, tuple(lines), tuple(first_line))


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap by terminal cells; returns (start, end) character offsets per line.

    Spaces at a break are dropped; a word wider than ``width`` is cut where the width runs out.
    """
    narrow = _narrow(text)  # every character one cell: offsets are columns
    lines: list[tuple[int, int]] = []
    start, length = 0, len(text)
    while start < length:
        if text[start] == " ":
            start += 1
            continue
        end = min(start + width, length) if narrow else _fit(text, start, width)
        if end < length and text[end] != " ":
            space = text.rfind(" ", start, end)
            if space > start:
                end = space
        lines.append((start, end))
        start = end
    return lines or [(0, 0)]


# Characters seen to take one cell: a paragraph is checked by its new characters only, since
# measuring whole paragraphs (curly quotes miss rich's fast path) was most of a first layout.
_ONE_CELL: set[str] = set()


def _narrow(text: str) -> bool:
    """Whether every character of ``text`` takes one terminal cell."""
    new = set(text) - _ONE_CELL
    if all(cell_len(character) == 1 for character in new):
        _ONE_CELL.update(new)
        return True
    return False


def _fit(text: str, start: int, width: int) -> int:
    """The end of the longest run from ``start`` that fits ``width`` cells (at least one char)."""
    cells, end = 0, start
    while end < len(text):
        cells += cell_len(text[end])
        if cells > width:
            break
        end += 1
    return max(end, start + 1)
