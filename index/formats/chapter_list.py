"""Chapter lists as episode descriptions give them, under whatever header (or none)::

    0:00:00 – Intro                (0:00:50) - The guest          [00:00:03] Cold open
    Why scaling stopped (12:30)    00:00 Welcome                  - 1:02:03 | Outro

Lines may be bullets or numbered, and emphasised. The list is the longest run of such lines in
the file (a line whose time goes back is left out of it); the rest of the description (links,
credits, a "0:45" inside a sentence) is not chapters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.common import Row, rows, strip_emphasis, written_time
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.timecode import CLOCK, parse_time

NAME = "chapter-list"
LABEL = "Chapter list"

MIN_CHAPTERS = 2
# A chapter line is a title and a time. Longer lines are prose, and the patterns below would
# take time to the square of their length to say so.
MAX_LINE_CHARS = 300
_BRACKETED_TIME = written_time("time", bracketed=False)
_SEPARATOR = r"(?:\s*[-–—:|·•]\s*|\s+)"
_MARKER = re.compile(r"^(?:[-*•+]\s+|\d{1,3}[.)]\s+)")
_TIME_FIRST = re.compile(rf"^{_BRACKETED_TIME}{_SEPARATOR}(?P<title>.*\w.*)$")
# The title must not end inside the time: "End (1:02:03)" is not "End (1" at 2:03.
_TIME_LAST = re.compile(rf"^(?P<title>.*\w.*?)(?<![\d(\[:]){_SEPARATOR}{_BRACKETED_TIME}$")
_ONLY_TIMES = re.compile(r"^[\s\d:.,()\[\]\\–—-]*$")
# Most lines of any file hold no time at all: one quick search says so before the slow patterns;
# and few end in one, which _TIME_LAST (slow: its title may end anywhere) needs.
_ANY_CLOCK = re.compile(CLOCK)
_ENDS_IN_A_TIME = re.compile(rf"{_BRACKETED_TIME}$")


def chapter_line(text: str) -> tuple[int, str] | None:
    """``"(0:00:50) - The guest"`` → ``(50, "The guest")``; None for a line that is not one."""
    if len(text) > MAX_LINE_CHARS or not _ANY_CLOCK.search(text):
        return None
    line = strip_emphasis(_MARKER.sub("", text.strip()))
    match = _TIME_FIRST.match(line) or (_ENDS_IN_A_TIME.search(line) and _TIME_LAST.match(line))
    if not match or _ONLY_TIMES.match(match["title"]):
        return None
    title = clean_line(match["title"].strip(" -–—:|·•"))
    return (parse_time(match["time"]), title) if title else None


def longest_list(lines: Iterable[Row]) -> list[tuple[int, str]]:
    """The longest run of consecutive chapter lines, less any whose time goes back (a typo in
    one line does not cost the chapters before it)."""
    best: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for row in lines:
        chapter = chapter_line(row.text)
        if chapter is None:
            best, run = max(best, run, key=len), []
        elif not run or chapter[0] >= run[-1][0]:
            run.append(chapter)
    return max(best, run, key=len)


def sniff(head: str) -> float:
    found = longest_list(rows(head))
    if len(found) < 3:
        return 0.0
    starts_at_zero = found[0][0] == 0
    return min(0.8, 0.4 + 0.05 * len(found) + (0.1 if starts_at_zero else 0.0))


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    found = longest_list(rows(source.text))
    if len(found) < MIN_CHAPTERS:
        raise FormatError(path, None, "no list of chapters (“0:00 Title” lines) found")
    return Document(
        path=path, format=NAME, source=LABEL, chapters=tuple(chapters_with_ends(found, 0))
    )
