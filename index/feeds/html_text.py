"""Show notes from a feed (HTML, or plain text with line breaks) made text, links kept.

A link becomes ``words (https://…)`` so the address survives in a terminal; a link whose words
are its address is written once; only http(s) and mailto links are kept (``javascript:`` and
the like lose the address, never the words). Blocks (paragraphs, list items, headings) become
paragraphs and lines, so a chapter list written one ``<br>`` per line stays one chapter per
line. A description with no block markup at all is plain text: its own line breaks count.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from index.text import clean

_PARAGRAPHS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
)
_LINES = frozenset({"br", "li", "tr", "hr", "dt", "dd"})
_SKIPPED = frozenset({"script", "style", "head", "title"})
_BLOCK_MARKUP = re.compile(r"<\s*/?\s*(?:p|br|div|li|h[1-6]|ul|ol|table|tr|blockquote)\b", re.I)
_SPACE = re.compile(r"\s+")
_KEPT_SCHEMES = ("http", "https", "mailto")


def notes_text(markup: str, base: str) -> str:
    """The text of show notes, cleaned as every document's text is; relative links are read
    against ``base`` (the feed's address)."""
    maker = _TextMaker(base, plain=not _BLOCK_MARKUP.search(markup))
    maker.feed(markup)
    maker.close()
    return clean(maker.text())


def character(reference: str) -> str:
    """The character a reference (``#x1b``, ``#169``, ``amp``) stands for, controls included.

    `html.unescape` drops control characters, which would leave the rest of an escape
    sequence (``&#x1b;[2J`` → ``[2J``) for `clean` to miss; kept, `clean` removes it whole.
    """
    if reference.startswith("#"):
        digits = reference[1:]
        try:
            return chr(int(digits[1:], 16) if digits[:1] in "xX" else int(digits))
        except (ValueError, OverflowError):
            return ""
    return html.unescape(f"&{reference};")


class _TextMaker(HTMLParser):
    def __init__(self, base: str, *, plain: bool) -> None:
        super().__init__(convert_charrefs=False)
        self._base = base
        self._plain = plain
        self._parts: list[str] = []
        self._skipping = 0
        self._links: list[tuple[str | None, int]] = []  # (kept address, where its words start)

    def text(self) -> str:
        return "".join(self._parts)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _PARAGRAPHS:
            self._parts.append("\n\n")
        elif tag in _LINES:
            self._parts.append("\n- " if tag == "li" else "\n")
        elif tag == "a":
            written = (dict(attrs).get("href") or "").strip()
            href = urljoin(self._base, written) if written else ""
            kept = href if urlsplit(href).scheme.lower() in _KEPT_SCHEMES else None
            self._links.append((kept, len(self._parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED:
            self._skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _PARAGRAPHS:
            self._parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            words = " ".join("".join(self._parts[start:]).split())
            if href and href.removeprefix("mailto:") not in words:
                self._parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data if self._plain else _SPACE.sub(" ", data))

    def handle_charref(self, name: str) -> None:
        self.handle_data(character(f"#{name}"))

    def handle_entityref(self, name: str) -> None:
        self.handle_data(character(name))
