"""The podcast-namespace elements of each item: ``podcast:transcript``, ``podcast:chapters``,
``podcast:person``, and the item's ``guid`` to match them with feedparser's entries.

feedparser keeps an unknown namespace's element as one key per name, so an item's second
``<podcast:transcript>`` replaces its first, and a ``<podcast:person>`` keeps its attributes but
loses the name it holds (feedparser 6.0.11). The standard XML parser would read them, but not
from a feed that is not well-formed XML, which real feeds sometimes are; the standard library's
lenient markup tokenizer (`html.parser`) reads both. It builds no tree, so a broken tag deep in a
description cannot move an element to another item. The namespace is found by its URI: a feed
may give it any prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.feeds.html_text import character
from index.text import clean_line

NAMESPACES = frozenset(
    {
        "https://podcastindex.org/namespace/1.0",
        "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    }
)
_ITEMS = ("item", "entry")  # RSS and Atom; `podcast:liveItem` is not an episode


@dataclass(frozen=True, slots=True)
class Offer:
    """A file an item offers: a transcript or chapters, by URL and declared MIME type."""

    url: str
    type: str
    rel: str | None = None
    language: str | None = None


@dataclass(slots=True)
class ItemElements:
    guid: str | None = None
    transcripts: list[Offer] = field(default_factory=list)
    chapters: list[Offer] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, role)


def item_elements(text: str) -> list[ItemElements]:
    """Every item's podcast elements, in the order the items appear."""
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.items


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)  # `character` keeps controls for `clean_line`
        self.items: list[ItemElements] = []
        self._prefix = "podcast"
        self._item: ItemElements | None = None
        self._capturing: str | None = None  # "guid" or "person", while inside one
        self._text: list[str] = []
        self._role = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("xmlns:") and value.strip().lower() in NAMESPACES:
                self._prefix = name.removeprefix("xmlns:")
        if tag in _ITEMS:
            self._item = ItemElements()
            self.items.append(self._item)
            return
        if self._item is None:
            return
        element = tag.removeprefix(f"{self._prefix}:") if ":" in tag else None
        if tag in ("guid", "id") and self._item.guid is None:
            self._start_text("guid")
        elif element in ("transcript", "chapters") and (url := values.get("url", "").strip()):
            offer = Offer(
                url,
                values.get("type", "").split(";")[0].strip().lower(),
                values.get("rel") or None,
                values.get("language") or None,
            )
            (self._item.transcripts if element == "transcript" else self._item.chapters).append(
                offer
            )
        elif element == "person":
            self._role = values.get("role", "host").strip().lower()
            self._start_text("person")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._capturing:  # an empty <guid/> or <podcast:person/>
            self.handle_endtag(tag)

    def _start_text(self, what: str) -> None:
        self._capturing, self._text = what, []

    def handle_data(self, data: str) -> None:
        if self._capturing:
            self._text.append(data)

    def handle_charref(self, name: str) -> None:
        self.handle_data(character(f"#{name}"))

    def handle_entityref(self, name: str) -> None:
        self.handle_data(character(name))

    def unknown_decl(self, data: str) -> None:
        if self._capturing and data.startswith("CDATA["):
            self._text.append(data.removeprefix("CDATA["))

    def handle_endtag(self, tag: str) -> None:
        if tag in _ITEMS:
            self._item, self._capturing = None, None
            return
        if self._item is None or self._capturing is None:
            return
        text = clean_line("".join(self._text))
        if self._capturing == "guid" and tag in ("guid", "id"):
            self._item.guid = text or None
            self._capturing = None
        elif self._capturing == "person" and tag == f"{self._prefix}:person":
            if text:
                self._item.people.append((text, self._role))
            self._capturing = None
