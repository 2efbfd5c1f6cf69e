"""Podcast-namespace transcript HTML: ``<cite>`` (speaker), ``<time>`` (start), ``<p>`` (words).

The low-fidelity form: a speaker or a time may be missing. A ``<p>`` after a new ``<cite>`` or
``<time>`` starts a turn; one straight after another ``<p>`` continues it as a new paragraph.
Two turns of one speaker in a row stay two, each with its time. A turn without a ``<time>`` (or
with one that is not a time) has no time. Paragraphs before the first ``<cite>`` or ``<time>``
(a page's title and notes) and inside ``<header>``, ``<footer>``, ``<nav>`` and ``<aside>`` are
not transcript.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from index.errors import FormatError
from index.formats.common import RawTurn, turns_with_ends, written_time
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.timecode import parse_time

NAME = "podcast-transcript-html"
LABEL = "Podcast transcript (HTML)"

_FIELDS = ("cite", "time", "p")
_PAGE_PARTS = ("header", "footer", "nav", "aside")
_TIME = re.compile(rf"^{written_time('clock', bracketed=False)}$")


def sniff(head: str) -> float:
    """An HTML file (it starts with a tag) with the transcript's tags; Markdown that quotes
    them in a code block is not one."""
    lowered = head.lstrip("\ufeff \n\t").lower()
    tags = "<cite>" in lowered and ("<p>" in lowered or "<time>" in lowered)
    return 0.9 if lowered.startswith("<") and tags else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    reader = _FieldReader()
    try:
        reader.feed(source.text)
        reader.close()
    except AssertionError:  # how HTMLParser says it cannot read a declaration
        line, _column = reader.getpos()
        message = "not valid HTML: a <!…> declaration that cannot be read"
        raise FormatError(path, line, message) from None
    raw_turns: list[RawTurn] = []
    speaker, start, fresh = "", None, False
    for tag, value in reader.fields:
        if tag == "cite":
            speaker, start, fresh = value.rstrip(":").strip(), None, True
        elif tag == "time":
            start, fresh = _seconds(value), True
        elif value and fresh:
            raw_turns.append((speaker, start, (value,)))
            fresh = False
        elif value and raw_turns:
            last_speaker, last_start, paragraphs = raw_turns[-1]
            raw_turns[-1] = (last_speaker, last_start, (*paragraphs, value))
    if not raw_turns:
        raise FormatError(path, None, "no <p> paragraphs of transcript found")
    duration = max((turn[1] for turn in raw_turns if turn[1] is not None), default=0)
    turns = turns_with_ends(raw_turns, [], duration)
    return Document(path=path, format=NAME, source=LABEL, duration=duration, turns=tuple(turns))


def _seconds(text: str) -> int | None:
    match = _TIME.match(text)
    return parse_time(match["clock"]) if match else None


class _FieldReader(HTMLParser):
    """The text of each ``<cite>``, ``<time>`` and ``<p>``, in document order; entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._open: str | None = None
        self._parts: list[str] = []
        self._outside = 0  # inside how many page parts that are not the transcript

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _PAGE_PARTS:
            self._outside += 1
        elif tag in _FIELDS and not self._outside:
            self._finish()
            self._open, self._parts = tag, []
        elif tag == "br" and self._open:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _PAGE_PARTS:
            self._outside = max(self._outside - 1, 0)
        elif tag == self._open:
            self._finish()

    def handle_data(self, data: str) -> None:
        if self._open:
            self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._finish()

    def _finish(self) -> None:
        if self._open:
            self.fields.append((self._open, clean_line("".join(self._parts))))
        self._open = None
