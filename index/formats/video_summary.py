"""A video-summary web page saved as text: a title, then sections of emoji bullets, then widgets.

A section heading is the line just before a run of ``- `` bullets; page widgets sometimes glue it
to the text before (``…entities in this video→Ilya Sutskever's Core Insights``), so only what
follows the last arrow counts. Lines not followed by bullets (``Knowledge graph40 entities``,
``Topics15 themes``, run-together topic lists) are widgets, not points. Each bullet is a summary
point; its leading emoji is decoration and is dropped from every point alike.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from index.errors import FormatError
from index.formats.common import rows, strip_emphasis
from index.formats.source import SourceText, read_source
from index.model import Document, Note
from index.text import clean, clean_line
from index.timecode import find_spans

NAME = "video-summary"
LABEL = "Video summary"

_BULLET = re.compile(r"^[-*•]\s+(?P<text>.+)$")
_GLUE = re.compile(r"^.*[→»›]\s*")  # anchored: unanchored, sub() tries .* at every position
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


def sniff(head: str) -> float:
    bullets = [m["text"] for line in head.split("\n") if (m := _BULLET.match(line.strip()))]
    decorated = sum(1 for text in bullets if _leading_symbols(text))
    if decorated < 3 or head.lstrip().startswith("---"):
        return 0.0
    return min(0.9, 0.4 + 0.05 * decorated)


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    page = rows(source.text)
    notes: list[Note] = []
    section: str | None = None
    for index, row in enumerate(page):
        if bullet := _BULLET.match(row.text):
            text = clean(strip_emphasis(bullet["text"][len(_leading_symbols(bullet["text"])) :]))
            if text:
                notes.append(_note(str(len(notes)), section, text))
        elif index + 1 < len(page) and _BULLET.match(page[index + 1].text):
            section = clean_line(_GLUE.sub("", row.text)) or None
    if not notes:
        raise FormatError(path, None, "no summary bullets (“- text” lines) found")
    title = clean_line(page[0].text) if not _BULLET.match(page[0].text) else None
    return Document(path=path, format=NAME, source=LABEL, title=title or None, notes=tuple(notes))


def _note(note_id: str, section: str | None, text: str) -> Note:
    return Note(
        id=note_id, kind="summary", source=LABEL, text=text, section=section, times=find_spans(text)
    )


def _leading_symbols(text: str) -> str:
    """The emoji or pictographs (with their joiners and a following space) a bullet starts with."""
    end = 0
    while end < len(text) and (unicodedata.category(text[end]) == "So" or text[end] in _JOINERS):
        end += 1
    if end and end < len(text) and text[end] == " ":
        end += 1
    return text[:end]
