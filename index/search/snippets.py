"""A hit's snippet: the stretch of its text where the query's words are densest, and where
they are in it, as offsets (the display decides how to light them).

Only words that can match are looked at: a regular expression finds the words starting like a
mark (a stem's first letters, a typed prefix, a fuzzy word), and only those are stemmed and
checked, so a long turn costs one scan in C, not one Python step per word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.analysis import MIN_WORD
from index.search.query import Marks
from index.words import ELLIPSIS

SNIPPET_CHARS = 160
# How much text to show before the first lit word, so it reads in context.
LEAD_CHARS = 30

Span = tuple[int, int]


def snippet(text: str, marks: Marks, width: int = SNIPPET_CHARS) -> tuple[str, tuple[Span, ...]]:
    """The best ``width``-character stretch of ``text`` (on one line) and its lit spans."""
    spans = lit_spans(text, marks)
    start = _window_start(text, spans, width)
    end = _word_end(text, min(len(text), start + width))
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    shown = " ".join(text[start:end].split("\n"))  # one line, offsets unchanged
    shift = len(lead) - start
    inside = tuple((s + shift, e + shift) for s, e in spans if s >= start and e <= end)
    return lead + shown + tail, inside


def lit_spans(text: str, marks: Marks) -> list[Span]:
    """Where in ``text`` the words ``marks`` matches are."""
    if not marks:
        return []
    return [
        match.span()
        for match in _candidates(marks).finditer(text)
        if len(match.group()) >= MIN_WORD and marks.matches(match.group().lower())
    ]


@lru_cache(maxsize=64)
def _candidates(marks: Marks) -> re.Pattern[str]:
    """Whole words that start like a mark. A Porter stem is a word's start but for its last
    letter (``happi`` ← ``happy``, ``hope`` ← ``hoping``), so stems count without it."""
    starts = {term[:-1] or term for term in marks.terms if len(term) > 1} | set(marks.terms)
    starts |= set(marks.prefixes)
    alternatives = "|".join(re.escape(start) for start in sorted(starts, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})\w*(?:\.\w+)*", re.IGNORECASE)


def _window_start(text: str, spans: list[Span], width: int) -> int:
    """Where the window holding the most different lit words (then the most lit words)
    begins: a little before the first of them, at a word boundary."""
    if not spans:
        return 0
    words = [text[start:end].lower() for start, end in spans]
    best, best_rank, last = 0, (0, 0), 0
    for first in range(len(spans)):
        while last < len(spans) and spans[last][1] - spans[first][0] <= width - LEAD_CHARS:
            last += 1
        rank = (len(set(words[first:last])), last - first)
        if rank > best_rank:
            best, best_rank = first, rank
    start = max(0, spans[best][0] - LEAD_CHARS)
    if start == 0:
        return 0
    space = text.find(" ", start, spans[best][0])
    return space + 1 if space >= 0 else spans[best][0]


def _word_end(text: str, end: int) -> int:
    """``end`` moved back to the end of a word, unless that loses the whole window."""
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", end - 40, end + 1)
    return space if space > 0 else end
