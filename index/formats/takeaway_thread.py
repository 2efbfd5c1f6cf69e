"""A social-media thread of numbered takeaways: ``1/ Title``, paragraphs, ``Why it matters: …``.

Before the first numbered point: short navigation and title lines, then the intro paragraphs,
which become one point of their own. Each ``N/ Title`` starts a point whose body is every paragraph
up to the next point (the "Why it matters" paragraph included). Each ``P.S.`` / ``P.P.S.`` paragraph
is a point of its own. After the last postscript comes the sign-off; an ``@handle`` in it names the
author of every point, the rest of it ("Stay tuned", "Links:") is not content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import FormatError
from index.formats.common import rows
from index.formats.source import SourceText, read_source
from index.model import Document, Note
from index.text import clean, clean_line
from index.timecode import find_spans

NAME = "takeaway-thread"
LABEL = "Takeaways thread"

_NUMBERED = re.compile(r"^(?P<number>\d{1,3})\s*/\s*(?P<title>\S.*)$")
_POSTSCRIPT = re.compile(r"^(?:P\.\s*)+S\.")
_HANDLE = re.compile(r"(?<![\w@])@(?P<handle>\w{2,30})\b")
_SENTENCE_END = re.compile(r"[.!?:;…”\"]$")


def sniff(head: str) -> float:
    numbered = sum(1 for line in head.split("\n") if _NUMBERED.match(line.strip()))
    return min(0.85, 0.3 + 0.15 * numbered) if numbered >= 2 else 0.0


@dataclass
class _Point:
    title: str | None
    section: str | None
    paragraphs: list[str] = field(default_factory=list)


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    lines = [row.text for row in rows(source.text)]
    first = next((i for i, line in enumerate(lines) if _NUMBERED.match(line)), None)
    if first is None:
        raise FormatError(path, None, "no numbered points (“1/ Title” lines) found")
    header, intro = _split_header(lines[:first])
    points: list[_Point] = [_Point(None, "Intro", intro)] if intro else []
    sign_off: list[str] = []
    for line in lines[first:]:
        if match := _NUMBERED.match(line):
            points.append(_Point(clean_line(match["title"]), None))
        elif _POSTSCRIPT.match(line):
            points.append(_Point(None, "Postscript", [line]))
        elif points[-1].section == "Postscript" or sign_off:
            sign_off.append(line)
        else:
            points[-1].paragraphs.append(line)
    author = next((f"@{m['handle']}" for line in sign_off for m in _HANDLE.finditer(line)), None)
    notes = tuple(_note(str(i), point, author) for i, point in enumerate(points))
    title = clean_line(header[-1]) if header else None
    return Document(path=path, format=NAME, source=LABEL, title=title or None, notes=notes)


def _split_header(lines: list[str]) -> tuple[list[str], list[str]]:
    """Leading short lines without sentence punctuation are navigation and title; the rest intro."""
    split = 0
    while split < len(lines) and len(lines[split]) <= 60 and not _SENTENCE_END.search(lines[split]):
        split += 1
    return lines[:split], lines[split:]


def _note(note_id: str, point: _Point, author: str | None) -> Note:
    text = clean("\n\n".join(point.paragraphs))
    return Note(
        id=note_id,
        kind="summary",
        source=LABEL,
        text=text,
        author=author,
        section=point.section,
        title=point.title,
        times=find_spans(f"{point.title or ''}\n{text}"),
    )
