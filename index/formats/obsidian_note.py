"""An Obsidian (Markdown) note about an episode: YAML front matter, ``##`` sections, bullets.

Each top-level bullet is a summary point; a bold label at its start (``- **Label:** text``) is the
point's title. Indented lines, nested bullets and lines that continue without a blank line stay
with the bullet above them, as Markdown reads them. A paragraph outside any bullet is a point of its
own. A section heading may end in a time, ``## The Crux of Generalization (25:00):``, which every
point under it inherits as ``section_times``. Embeds (``![[image.png]]``) are images, not text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import FormatError
from index.formats.common import strip_emphasis
from index.formats.front_matter import WIKILINK, episode_metadata, read_front_matter
from index.formats.source import SourceText, read_source
from index.model import Document, Note, Span
from index.text import clean, clean_line
from index.timecode import find_spans, strip_trailing_spans

NAME = "obsidian-note"
LABEL = "Obsidian note"

_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*+]\s+(?P<text>.*)$")
_NESTED = re.compile(r"^\s+(?:[-*+]|\d+[.)])\s+")
_LABEL = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*\s*(?P<rest>.*)$")
_EMBED = re.compile(r"!\[\[[^\[\]]*\]\]")


def sniff(head: str) -> float:
    score = 0.0
    if head.lstrip("\ufeff").startswith("---\n"):
        score += 0.5
    if re.search(r"^#{1,6} ", head, re.MULTILINE):
        score += 0.2
    if "[[" in head:
        score += 0.2
    if re.search(r"^[-*+] ", head, re.MULTILINE):
        score += 0.1
    return score if score >= 0.5 else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    lines = source.text.lstrip("\ufeff").split("\n")
    front, body_start = read_front_matter(path, lines)
    points = _points(lines, body_start)
    if not points:
        raise FormatError(path, None, "no bullets or paragraphs found after the front matter")
    notes = tuple(point.note(str(index)) for index, point in enumerate(points))
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        **episode_metadata(front),
        notes=notes,
    )


@dataclass
class _Point:
    section: str | None
    section_times: tuple[Span, ...]
    lines: list[str] = field(default_factory=list)

    def note(self, note_id: str) -> Note:
        first, *rest = self.lines
        title = None
        if label := _LABEL.match(first):
            title = label["label"].strip().rstrip(":").strip()
            first = label["rest"]
        text = clean("\n".join(_inline(line) for line in [first, *rest]))
        title_text, title_times = (
            strip_trailing_spans(clean_line(_inline(title))) if title else ("", ())
        )
        return Note(
            id=note_id,
            kind="summary",
            source=LABEL,
            text=text,
            section=self.section,
            title=title_text or None,
            times=title_times + find_spans(text),
            section_times=self.section_times,
        )


def _points(lines: list[str], start: int) -> list[_Point]:
    points: list[_Point] = []
    section: str | None = None
    section_times: tuple[Span, ...] = ()
    current: _Point | None = None
    for raw in lines[start:]:
        if not raw.strip():
            current = None
            continue
        line = _EMBED.sub("", raw).rstrip()
        if not line.strip():
            continue
        if heading := _HEADING.match(line):
            title = clean_line(strip_emphasis(heading["title"])).rstrip(":").strip()
            section, section_times = strip_trailing_spans(title)
            section = section.rstrip(":").strip() or None
            current = None
        elif bullet := _BULLET.match(line):
            current = _Point(section, section_times, [bullet["text"]])
            points.append(current)
        elif current is not None:
            nested = _NESTED.match(line)
            current.lines.append("- " + line[nested.end() :] if nested else line.strip())
        else:
            current = _Point(section, section_times, [line.strip()])
            points.append(current)
    return [point for point in points if clean("".join(point.lines))]


def _inline(text: str) -> str:
    """Markdown emphasis and wiki links → the words they show."""
    return WIKILINK.sub(lambda m: m["text"], strip_emphasis(text))
