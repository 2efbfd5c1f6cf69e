"""Plain-text transcripts as Otter.ai, Rev and Descript export them: a header naming the speaker
and the time, then the words, until the next header::

    Emma  0:34                              Otter: the name, two or more spaces, the time
    Welcome to the show…
    Speaker 1 (00:00):                      Rev: the time in parentheses, then a colon
    Good morning, everyone…
    Lenny Rachitsky (00:00:09): So…         Descript: the same with hours; words may follow

Names are as the tool or the person wrote them ("Unknown Speaker", "Speaker 2", "dana"). A
header counts only when words follow it (on its line or the next), so a chapter list written
``Intro  0:00`` is not a transcript. Each header is a turn with its own time, as each block of a
transcript page is (docs/decisions.md, "One block, one turn"); a blank line inside a turn starts
a paragraph. Before the first header, YAML front matter or a ``# Title`` line gives the title and
the rest is not the transcript; Otter's closing "Transcribed by https://otter.ai" is not words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import FormatError
from index.formats.common import RawTurn, turns_with_ends
from index.formats.front_matter import episode_metadata, read_front_matter
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.timecode import CLOCK, parse_time

NAME = "speaker-text"
LABEL = "Otter/Rev/Descript text"

# A name as written: no parentheses or colons, at most 60 characters.
_NAME = r"(?P<speaker>[^\s():](?:[^():]{0,58}[^\s():])?)"
_OTTER_HEADER = re.compile(rf"^{_NAME}(?:[ \t]{{2,}}|\t)(?P<time>{CLOCK})$")
_PARENTHESISED_HEADER = re.compile(rf"^{_NAME} \((?P<time>{CLOCK})\):(?:\s+(?P<text>.*))?$")
_TITLE = re.compile(r"^#\s+(?P<title>.+)$")
_CREDIT = re.compile(r"^Transcribed by https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Header:
    speaker: str
    time: str
    text: str  # words on the header's own line


def sniff(head: str) -> float:
    """Confident in two headers or more; one alone only resembles a transcript."""
    found = len(_headers([line.strip() for line in head.split("\n")]))
    if found >= 2:
        return min(0.95, 0.7 + 0.05 * found)
    return 0.1 if found else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    lines = source.text.lstrip("\ufeff").split("\n")
    front, body_start = read_front_matter(path, lines)
    body = [line.strip() for line in lines[body_start:]]
    headers = _headers(body)
    if not headers:
        raise FormatError(
            path, None, "no speaker headers (“Name  0:00” or “Name (00:00):” lines) found"
        )
    title = next(
        (match["title"] for line in body[: min(headers)] if (match := _TITLE.match(line))), None
    )
    raw_turns = _turns(body, headers)
    duration = max((start for _, start, _ in raw_turns if start is not None), default=0)
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        **episode_metadata(front, clean_line(title) if title else None),
        duration=duration or None,
        turns=tuple(turns_with_ends(raw_turns, [], duration)),
    )


def _headers(lines: list[str]) -> dict[int, _Header]:
    """The lines that open a turn, by index: a header with words after it."""
    candidates = {i: header for i, line in enumerate(lines) if (header := _header(line))}
    found = {}
    for index, header in candidates.items():
        following = next((i for i in range(index + 1, len(lines)) if lines[i]), None)
        if header.text or (following is not None and following not in candidates):
            found[index] = header
    return found


def _header(line: str) -> _Header | None:
    if match := _OTTER_HEADER.match(line):
        return _Header(match["speaker"], match["time"], "")
    if match := _PARENTHESISED_HEADER.match(line):
        return _Header(match["speaker"], match["time"], match["text"] or "")
    return None


def _turns(lines: list[str], headers: dict[int, _Header]) -> list[RawTurn]:
    turns: list[tuple[str, int, list[list[str]]]] = []
    for index in range(min(headers), len(lines)):
        line = lines[index]
        if header := headers.get(index):
            turns.append((clean_line(header.speaker), parse_time(header.time), [[header.text]]))
        elif not line:
            turns[-1][2].append([])
        elif not _CREDIT.match(line):
            turns[-1][2][-1].append(line)
    return [
        (speaker, start, paragraphs)
        for speaker, start, pieces in turns
        if (paragraphs := tuple(p for p in (clean_line(" ".join(ps)) for ps in pieces) if p))
    ]
