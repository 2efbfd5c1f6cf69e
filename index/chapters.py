"""Chapters and the turns in them: shared by the parsers and by the library, which applies a
chapter list from one file to the transcript of another."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace

from index.model import Chapter, Turn


def chapters_with_ends(starts_and_titles: list[tuple[int, str]], duration: int) -> list[Chapter]:
    """Chapters sorted by start, the first title given for a start second winning, each ending
    where the next begins and the last at ``duration``."""
    titles: dict[int, str] = {}
    for start, title in starts_and_titles:
        titles.setdefault(start, title)
    ordered = sorted(titles.items())
    ends = [start for start, _ in ordered[1:]]
    if ordered:
        ends.append(max(duration, ordered[-1][0]))
    return [
        Chapter(index, title, start, end)
        for index, ((start, title), end) in enumerate(zip(ordered, ends, strict=True))
    ]


def in_chapters(turns: Iterable[Turn], chapters: Sequence[Chapter]) -> list[Turn]:
    """The turns, each in the last chapter that starts at or before it; an untimed turn in the
    chapter of the turn before it."""
    starts = [chapter.start for chapter in chapters]
    placed, chapter = [], 0
    for turn in turns:
        if turn.start is not None:
            chapter = max(bisect.bisect_right(starts, turn.start) - 1, 0)
        placed.append(turn if turn.chapter == chapter else replace(turn, chapter=chapter))
    return placed
