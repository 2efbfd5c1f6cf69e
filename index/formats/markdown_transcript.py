r"""A transcript written in Markdown, as blogs and transcription tools publish them.

    # Episode title                                  (or a title in YAML front matter)
    - [0:00](#intro) – Intro                          a chapter list before the first turn
    ## Why scaling stopped [12:30]                   a heading with a time: a chapter
    **Lex Fridman:** \[07:45\] So tell me…           the time before or after the name,
    [00:03:18.16] **Guest**: Yeah. \[laugh\] …       or between the name and the colon:
    **Marco** \[00:00:00\]: Hey everyone…
    Theo: Welcome back…                              a plain label, for names used more than once
    Alex Moreau                                      a name alone on its line, its time
    [(00:01:12)](https://youtu.be/…&t=72) What…      starting the next line (lexfridman.com)

A line without a label continues the turn above, unless a heading, a rule (``---``, where posts
end the transcript and start their footer) or an aside wholly in italics came between; a blank
line starts a new paragraph. Each label starts a turn, as the file presents it, so that every
time it gives is kept. Labels before the first label of a recurring speaker (a "**Sponsor:**"
line in the show notes) are not turns.

Times are sparse: a turn without one has none (it is shown without a time) and is never given
one by guessing. A time alone on a line belongs to the turn after it. Markdown links show their
text, escapes are undone (``\[laugh\]`` reads ``[laugh]``) and emphasis is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.chapter_list import chapter_line, longest_list
from index.formats.common import (
    SPEAKER_LABEL,
    SPEAKER_NAME,
    RawTurn,
    Row,
    recurring_speakers,
    strip_emphasis,
    turns_with_ends,
    written_time,
)
from index.formats.front_matter import episode_metadata, read_front_matter
from index.formats.source import SourceText, read_source
from index.model import Chapter, Document, Turn
from index.text import clean_line
from index.timecode import parse_time

NAME = "markdown-transcript"
LABEL = "Markdown transcript"


_SPEAKER = rf"(?P<speaker>{SPEAKER_NAME})"
# **Name:** text · **Name**: text · [07:45] **Name:** text · **Name:** [07:45] text ·
# **Name** [07:45]: text
_BOLD_TURN = re.compile(
    rf"^(?:{written_time('before')}\s*)?"
    rf"\*\*{_SPEAKER}\s*(?::\s*\*\*|\*\*\s*:|\*\*\s*{written_time('between')}\s*:?)"
    rf"\s*(?:{written_time('after')})?\s*(?P<text>.*)$"
)
_NAME_ALONE = re.compile(rf"^\**{_SPEAKER}\**$")
_STAMP_FIRST = re.compile(rf"^{written_time('time')}\s*(?P<text>.*)$")
_LONE_STAMP = re.compile(rf"^{written_time('time')}$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*#*$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
# A paragraph wholly in italics, unlabelled: an editor's aside ("*Thanks for reading!…*").
_ASIDE = re.compile(r"^([*_])(?!\1)\S.*\S\1$")
# Neither part holds its opening bracket: "[[[[…" or "](](](…" would take quadratic time.
_LINK = re.compile(r"(?<!!)\[([^\[\]]*)\]\([^()\s]*\)")
_ESCAPABLE = "\\`*_{}[]()#+-.!>|~"
_ESCAPE = re.compile("\\\\([" + re.escape(_ESCAPABLE) + "])")
_HIDDEN = 0xE000  # escaped characters wait in the private use area while emphasis is dropped
_SHOW = {_HIDDEN + ord(character): character for character in _ESCAPABLE}


@dataclass(frozen=True, slots=True)
class _Label:
    """A turn's first line: who, when (if it says), and the words after the label."""

    speaker: str
    time: str | None
    text: str
    lines: int = 1  # how many lines it takes (a name alone takes the next one too)


def sniff(head: str) -> float:
    """Confident in labels of speakers who speak more than once: a note's one-off
    "**Summary:**", "**Verdict:**" labels are not a conversation."""
    labels = _labels([_unlinked(line.strip()) for line in head.split("\n")]).values()
    counts = Counter(label.speaker for label in labels)
    if len(labels) < 3 or max(counts.values()) < 2:
        return 0.0
    return min(0.95, 0.6 + 0.05 * len(labels))


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    lines = source.text.lstrip("\ufeff").split("\n")
    front, body_start = read_front_matter(path, lines)
    rows = [
        Row(n, _unlinked(line.strip())) for n, line in enumerate(lines[body_start:], body_start + 1)
    ]
    reader = _Reader(rows)
    reader.read()
    if not reader.turns:
        raise FormatError(path, None, "no turns (“**Name:** text” paragraphs) found")
    raw_turns, sections = reader.raw_turns()
    duration = max((turn[1] for turn in raw_turns if turn[1] is not None), default=0)
    chapters = chapters_with_ends(reader.chapters or longest_list(reader.preamble), duration)
    turns = _untimed_in_sections(turns_with_ends(raw_turns, chapters, duration), sections, chapters)
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        **episode_metadata(front, reader.title),
        duration=duration or None,
        chapters=tuple(chapters),
        turns=tuple(turns),
    )


def _unlinked(line: str) -> str:
    """``[text](url)`` → ``text``: a link reads as what it shows (and a linked time as a time)."""
    return _LINK.sub(r"\1", line)


def _labels(lines: list[str]) -> dict[int, _Label]:
    """The lines that start a turn, by line index."""
    plain_names = recurring_speakers(lines)
    return {i: label for i in range(len(lines)) if (label := _label(lines, i, plain_names))}


def _label(lines: list[str], index: int, plain_names: set[str]) -> _Label | None:
    line = lines[index]
    if match := _BOLD_TURN.match(line):
        time = match["before"] or match["between"] or match["after"]
        return _Label(match["speaker"], time, match["text"])
    if (match := SPEAKER_LABEL.match(line)) and match["speaker"] in plain_names:
        return _Label(match["speaker"], None, line[match.end() :])
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if (name := _NAME_ALONE.match(line)) and (stamp := _STAMP_FIRST.match(following)):
        return _Label(name["speaker"], stamp["time"], stamp["text"], lines=2)
    return None


@dataclass
class _Reader:
    """Reads the body: preamble (title, chapter list), then turns."""

    rows: list[Row]
    title: str | None = None
    preamble: list[Row] = field(default_factory=list)
    chapters: list[tuple[int, str]] = field(default_factory=list)
    turns: list[tuple[str, int | None, list[list[str]]]] = field(default_factory=list)
    # Turns that follow a chapter heading → the start of that chapter.
    sections: dict[int, int] = field(default_factory=dict)
    section_start: int | None = None

    def read(self) -> None:
        lines = [row.text for row in self.rows]
        labels = _labels(lines)
        recurring = {
            n for n, count in Counter(lb.speaker for lb in labels.values()).items() if count > 1
        }
        pending_time: str | None = None
        heading_seen = False
        broken = False  # after a heading or a rule, unlabelled text is not the turn's
        index = 0
        while index < len(lines):
            line, label = lines[index], labels.get(index)
            if label and not self.turns and label.speaker not in recurring:
                label = None  # show notes before the transcript ("**Sponsor:** …")
            if heading := _HEADING.match(line):
                self._heading(line, heading["title"])
                heading_seen = broken = True
            elif label:
                if heading_seen and self.section_start is not None:
                    self.sections[len(self.turns)] = self.section_start
                time = label.time or pending_time
                start = parse_time(time) if time else None
                self.turns.append((label.speaker, start, [[label.text]]))
                pending_time, heading_seen, broken = None, False, False
                index += label.lines - 1
            elif stamp := _LONE_STAMP.match(line):
                pending_time = stamp["time"]
            elif _RULE.match(line) or _ASIDE.match(line):
                broken = True
            elif not self.turns:
                self.preamble.append(self.rows[index])
            elif not line:
                self.turns[-1][2].append([])
            elif not broken:
                self.turns[-1][2][-1].append(line)
            index += 1

    def _heading(self, line: str, title: str) -> None:
        if not self.turns and self.title is None and line.startswith("# "):
            self.title = clean_line(_plain(title))
        elif chapter := chapter_line(title):
            self.chapters.append(chapter)
            self.section_start = chapter[0]

    def raw_turns(self) -> tuple[list[RawTurn], dict[int, int]]:
        """The turns, and for those that open a chapter heading's section, its start."""
        raw: list[RawTurn] = []
        sections: dict[int, int] = {}
        for index, (speaker, start, pieces) in enumerate(self.turns):
            paragraphs = tuple(p for p in (_plain(" ".join(ps)) for ps in pieces) if p)
            if paragraphs:
                if (section := self.sections.get(index)) is not None:
                    sections[len(raw)] = section
                raw.append((speaker, start, paragraphs))
        return raw, sections


def _untimed_in_sections(
    turns: list[Turn], sections: dict[int, int], chapters: list[Chapter]
) -> list[Turn]:
    """An untimed turn under a chapter heading belongs to that chapter (still without a time):
    in a transcript whose only times are its headings, ] still finds each chapter's turns."""
    index_of = {chapter.start: chapter.index for chapter in chapters}
    placed, chapter = [], 0
    for index, turn in enumerate(turns):
        if index in sections and sections[index] in index_of:
            chapter = index_of[sections[index]]
        elif turn.start is not None:
            chapter = turn.chapter
        placed.append(turn if turn.start is not None else replace(turn, chapter=chapter))
    return placed


def _plain(markdown: str) -> str:
    """Markdown escapes undone and emphasis dropped: the words as they were said. An escaped
    character (``\\_``) is kept out of the emphasis rules while they run."""
    hidden = _ESCAPE.sub(lambda m: chr(_HIDDEN + ord(m[1])), markdown)
    shown = strip_emphasis(hidden).translate(_SHOW)
    return clean_line(shown)
