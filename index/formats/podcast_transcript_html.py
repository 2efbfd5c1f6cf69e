"""Podcast-namespace transcript HTML: ``<cite>`` (speaker), ``<time>`` (start), ``<p>`` (words).

The low-fidelity form: a speaker or a time may be missing. A ``<p>`` after a new ``<cite>`` or
``<time>`` starts a turn; one straight after another ``<p>`` continues the turn as a new
paragraph. A turn without a ``<time>`` (or with one that is not a time) has no time.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from index.errors import FormatError
from index.formats.common import RawTurn, turns_with_ends
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line
from index.timecode import CLOCK, parse_time

NAME = "podcast-transcript-html"
LABEL = "Podcast transcript (HTML)"

_FIELDS = ("cite", "time", "p")
_TIME = re.compile(rf"^(?P<clock>{CLOCK})(?:[.,]\d+)?$")


def sniff(head: str) -> float:
    """An HTML file (it starts with a tag) with the transcript's tags; Markdown that quotes
    them in a code block is not one."""
    lowered = head.lstrip("\ufeff \n\t").lower()
    tags = "<cite>" in lowered and ("<p>" in lowered or "<time>" in lowered)
    return 0.9 if lowered.startswith("<") and tags else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    reader = _FieldReader()
    reader.feed(source.text)
    reader.close()
    raw_turns: list[RawTurn] = []
    speaker, start, fresh = "", None, True
    for tag, value in reader.fields:
        if tag == "cite":
            speaker, start, fresh = value.rstrip(":").strip(), None, True
        elif tag == "time":
            start, fresh = _seconds(value), True
        elif value and (fresh or not raw_turns):
            raw_turns.append((speaker, start, (value,)))
            fresh = False
        elif value:
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

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _FIELDS:
            self._finish()
            self._open, self._parts = tag, []
        elif tag == "br" and self._open:
            self._parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
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
