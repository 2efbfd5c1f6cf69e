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
from html import unescape
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
# A comment's opening, a tag, or a declaration (``<!DOCTYPE …>``, ``<?xml …?>``).
_MARKUP = re.compile(
    r"<(?:(?P<comment>!--)|(?P<end>/)?(?P<tag>[a-zA-Z][^\s/<>]*)[^<>]*>|[!?][^<>]*>)"
)
_RAW_TEXT = ("script", "style")


def sniff(head: str) -> float:
    """An HTML file (it starts with a tag) with the transcript's tags; Markdown that quotes
    them in a code block is not one."""
    lowered = head.lstrip("\ufeff \n\t").lower()
    tags = "<cite>" in lowered and ("<p>" in lowered or "<time>" in lowered)
    return 0.9 if lowered.startswith("<") and tags else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    raw_turns: list[tuple[str, int | None, list[str]]] = []
    speaker, start, fresh = "", None, False
    for tag, value in _fields(source.text):
        if tag == "cite":
            speaker, start, fresh = value.rstrip(":").strip(), None, True
        elif tag == "time":
            start, fresh = _seconds(value), True
        elif value and fresh:
            raw_turns.append((speaker, start, [value]))
            fresh = False
        elif value and raw_turns:
            raw_turns[-1][2].append(value)
    if not raw_turns:
        raise FormatError(path, None, "no <p> paragraphs of transcript found")
    duration = max((turn[1] for turn in raw_turns if turn[1] is not None), default=0)
    finished: list[RawTurn] = [
        (who, when, tuple(paragraphs)) for who, when, paragraphs in raw_turns
    ]
    turns = turns_with_ends(finished, [], duration)
    return Document(path=path, format=NAME, source=LABEL, duration=duration, turns=tuple(turns))


def _seconds(text: str) -> int | None:
    match = _TIME.match(text)
    return parse_time(match["clock"]) if match else None


def _fields(html: str) -> list[tuple[str, str]]:
    """The text of each ``<cite>``, ``<time>`` and ``<p>``, in document order; entities decoded.

    Tags are found by one regular expression that never looks past the next ``<``, so that a
    file of unclosed tags (``<a <a <a…``) costs one pass; HTMLParser takes quadratic time on
    them (5 s for 20 KB). Comments and the text of ``<script>`` and ``<style>`` are skipped.
    """
    reader = _FieldReader()
    position = 0
    while markup := _MARKUP.search(html, position):
        reader.data(html[position : markup.start()])
        position = markup.end()
        if markup["comment"]:
            end = html.find("-->", position)
            position = len(html) if end < 0 else end + 3
        elif markup["tag"]:
            tag = markup["tag"].lower()
            if markup["end"]:
                reader.end(tag)
            elif tag in _RAW_TEXT:
                closing = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(html, position)
                position = len(html) if closing is None else closing.end()
            else:
                reader.start(tag)
    reader.data(html[position:])
    reader.finish()
    return reader.fields


class _FieldReader:
    """Collects the fields from the tags and text `_fields` finds."""

    def __init__(self) -> None:
        self.fields: list[tuple[str, str]] = []
        self._open: str | None = None
        self._parts: list[str] = []
        self._outside = 0  # inside how many page parts that are not the transcript

    def start(self, tag: str) -> None:
        if tag in _PAGE_PARTS:
            self._outside += 1
        elif tag in _FIELDS and not self._outside:
            self.finish()
            self._open, self._parts = tag, []
        elif tag == "br" and self._open:
            self._parts.append(" ")

    def end(self, tag: str) -> None:
        if tag in _PAGE_PARTS:
            self._outside = max(self._outside - 1, 0)
        elif tag == self._open:
            self.finish()

    def data(self, text: str) -> None:
        if self._open and text:
            self._parts.append(text)

    def finish(self) -> None:
        if self._open:
            self.fields.append((self._open, clean_line(unescape("".join(self._parts)))))
        self._open = None
