"""A transcript written in Markdown: ``**Name:** text`` paragraphs, times here and there.

    # Episode title                                  (or a title in YAML front matter)
    0:00 Intro                                       a chapter list before the first turn
    ## Why scaling stopped [12:30]                   a heading with a time: a chapter
    **Lex Fridman:** \\[07:45\\] So tell me…
    **Guest:** [00:03:18.16] Yeah. \\[laugh\\] …     the time may come before or after the name
    A line without a name continues the turn above; a blank line starts a new paragraph.

Times are sparse: a turn without one has none (it is shown without a time) and is never given
one by guessing. A time alone on a line belongs to the turn after it. Markdown escapes are undone
(``\\[laugh\\]`` reads ``[laugh]``) and emphasis is dropped; the words stay as written.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.chapter_list import chapter_line, longest_list
from index.formats.common import NAME_WORD, RawTurn, Row, strip_emphasis, turns_with_ends
from index.formats.front_matter import episode_metadata, read_front_matter
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.timecode import CLOCK, parse_time

NAME = "markdown-transcript"
LABEL = "Markdown transcript"


def _stamp(group: str) -> str:
    """A time in (parentheses) or [brackets], escaped or not, perhaps with a fraction."""
    return rf"\\?[\[(]\s*(?P<{group}>{CLOCK})(?:[.,]\d+)?\s*\\?[\])]"


_SPEAKER = rf"(?P<speaker>{NAME_WORD}(?: {NAME_WORD}){{0,4}}(?: \d{{1,2}})?)"
# **Name:** text · **Name**: text · [07:45] **Name:** text · **Name:** [07:45] text
_TURN = re.compile(
    rf"^(?:{_stamp('before')}\s*)?"
    rf"\*\*{_SPEAKER}\s*(?::\s*\*\*|\*\*\s*:)"
    rf"\s*(?:{_stamp('after')})?\s*(?P<text>.*)$"
)
_LONE_STAMP = re.compile(rf"^{_stamp('time')}$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*#*$")
_ESCAPABLE = "\\`*_{}[]()#+-.!>|~"
_ESCAPE = re.compile("\\\\([" + re.escape(_ESCAPABLE) + "])")
_HIDDEN = 0xE000  # escaped characters wait in the private use area while emphasis is dropped
_SHOW = {_HIDDEN + ord(character): character for character in _ESCAPABLE}


def sniff(head: str) -> float:
    turns = sum(1 for line in head.split("\n") if _TURN.match(line.strip()))
    return min(0.95, 0.6 + 0.05 * turns) if turns >= 2 else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    lines = source.text.lstrip("\ufeff").split("\n")
    front, body_start = read_front_matter(path, lines)
    reader = _Reader()
    for number, line in enumerate(lines[body_start:], body_start + 1):
        reader.read(Row(number, line.strip()))
    if not reader.turns:
        raise FormatError(path, None, "no turns (“**Name:** text” paragraphs) found")
    raw_turns = reader.raw_turns()
    duration = max((turn[1] for turn in raw_turns if turn[1] is not None), default=0)
    chapters = chapters_with_ends(reader.chapters or longest_list(reader.preamble), duration)
    metadata = episode_metadata(front)
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        **metadata | {"title": metadata["title"] or reader.title},
        duration=duration or None,
        chapters=tuple(chapters),
        turns=tuple(turns_with_ends(raw_turns, chapters, duration)),
    )


class _Reader:
    """Reads the body line by line: preamble (title, chapter list), then turns."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.preamble: list[Row] = []
        self.chapters: list[tuple[int, str]] = []
        self.turns: list[tuple[str, int | None, list[list[str]]]] = []
        self.pending_time: int | None = None

    def read(self, row: Row) -> None:
        if heading := _HEADING.match(row.text):
            self._heading(row, heading["title"])
        elif turn := _TURN.match(row.text):
            time = turn["before"] or turn["after"]
            start = parse_time(time) if time else self.pending_time
            self.turns.append((turn["speaker"], start, [[turn["text"]]]))
            self.pending_time = None
        elif stamp := _LONE_STAMP.match(row.text):
            self.pending_time = parse_time(stamp["time"])
        elif not self.turns:
            self.preamble.append(row)
        elif not row.text:
            self.turns[-1][2].append([])
        else:
            self.turns[-1][2][-1].append(row.text)

    def _heading(self, row: Row, title: str) -> None:
        if not self.turns and self.title is None and row.text.startswith("# "):
            self.title = clean_line(_plain(title))
        elif chapter := chapter_line(title):
            self.chapters.append(chapter)

    def raw_turns(self) -> list[RawTurn]:
        return [
            (speaker, start, paragraphs)
            for speaker, start, pieces in self.turns
            if (paragraphs := tuple(p for p in (_plain(" ".join(ps)) for ps in pieces) if p))
        ]


def _plain(markdown: str) -> str:
    """Markdown escapes undone and emphasis dropped: the words as they were said. An escaped
    character (``\\_``) is kept out of the emphasis rules while they run."""
    hidden = _ESCAPE.sub(lambda m: chr(_HIDDEN + ord(m[1])), markdown)
    shown = strip_emphasis(hidden).translate(_SHOW)
    return clean_line(shown)
