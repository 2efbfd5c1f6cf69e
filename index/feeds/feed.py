"""A podcast feed read into what following needs: the show's title and each item's episode.

feedparser reads the feed (RSS or Atom, any encoding, and leniently when it is not well-formed
XML: it marks it ``bozo`` and still returns the items); `podcast_elements` reads the podcast
namespace. Every string is cleaned as document text is. URLs are read against the feed's address
and only http(s) ones are kept; an item names the others in its ``problems``.
"""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from index.errors import EarmarkError
from index.feeds.fetch import is_web_url
from index.feeds.html_text import notes_text
from index.feeds.podcast_elements import ItemElements, Offer, item_elements
from index.text import clean_line


class FeedError(EarmarkError):
    """What was downloaded is not a feed earmark can read."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One episode of a feed. ``key`` is its identity: the guid, else its audio, link or title,
    so that a changed title is still the same episode."""

    key: str
    title: str
    published: str | None  # the date it says, ISO (2025-03-21)
    published_at: float | None  # seconds since the epoch, to find the newest
    guid: str | None = None
    link: str | None = None
    audio: str | None = None
    show_notes: str = ""
    transcripts: tuple[Offer, ...] = ()
    chapters: tuple[Offer, ...] = ()
    guests: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Feed:
    url: str
    title: str
    items: tuple[FeedItem, ...]


def read_feed(body: bytes, url: str) -> Feed:
    """The feed in ``body`` (fetched from ``url``); `FeedError` when it holds no feed."""
    import feedparser  # only for the commands that follow feeds

    # A stream, never a string: feedparser would open a string that looks like a path or URL.
    # No base address either: it would read every guid as a link relative to it.
    parsed = feedparser.parse(io.BytesIO(body))
    if not parsed.entries and not parsed.feed.get("title"):
        reason = parsed.get("bozo_exception") if parsed.bozo else "no title and no items"
        raise FeedError(f"{url}: not a podcast feed ({clean_line(str(reason))})")
    text = body.decode(parsed.get("encoding") or "utf-8", errors="replace")
    elements = _matched(parsed.entries, item_elements(text))
    title = clean_line(parsed.feed.get("title", "")) or url
    items = tuple(
        _item(entry, found, url) for entry, found in zip(parsed.entries, elements, strict=True)
    )
    return Feed(url, title, items)


def newest_first(items: tuple[FeedItem, ...]) -> list[FeedItem]:
    """The items by date, newest first; undated ones after, in the feed's order."""
    return sorted(items, key=lambda item: -(item.published_at or float("-inf")))


def _matched(entries: list[Any], found: list[ItemElements]) -> list[ItemElements]:
    """Each entry's podcast elements: by guid, or by position when both readers saw the same
    number of items (feedparser skips none that the scanner sees, unless the feed is broken)."""
    by_guid = {elements.guid: elements for elements in found if elements.guid}
    same_count = len(found) == len(entries)
    matched = []
    for position, entry in enumerate(entries):
        guid = clean_line(entry.get("id", ""))
        if guid in by_guid:
            matched.append(by_guid[guid])
        elif same_count:
            matched.append(found[position])
        else:
            matched.append(ItemElements())
    return matched


def _item(entry: Any, found: ItemElements, feed_url: str) -> FeedItem:
    title = clean_line(entry.get("title", ""))
    problems: list[str] = []

    def web(url: str | None, what: str) -> str | None:
        if not url:
            return None
        absolute = urljoin(feed_url, url.strip())
        if is_web_url(absolute):
            return absolute
        problems.append(f"{what} {clean_line(url)!r} is not an http(s) URL; not followed")
        return None

    def offers(listed: list[Offer], what: str) -> tuple[Offer, ...]:
        kept = []
        for offer in listed:
            if url := web(offer.url, what):
                kept.append(Offer(url, offer.type, offer.rel, offer.language))
        return tuple(kept)

    enclosures = [link for link in entry.get("links", []) if link.get("rel") == "enclosure"]
    audio = web(enclosures[0].get("href"), "audio") if enclosures else None
    link = web(entry.get("link"), "link")
    guid = clean_line(entry.get("id", "")) or None
    published, published_at = _published(entry)
    return FeedItem(
        key=guid or audio or link or title,
        title=title,
        published=published,
        published_at=published_at,
        guid=guid,
        link=link,
        audio=audio,
        show_notes=notes_text(_show_notes_html(entry), feed_url),
        transcripts=offers(found.transcripts, "transcript"),
        chapters=offers(found.chapters, "chapters"),
        guests=tuple(dict.fromkeys(name for name, role in found.people if role == "guest")),
        problems=tuple(problems),
    )


def _show_notes_html(entry: Any) -> str:
    """``content:encoded`` (the full notes) when given, else the ``description``."""
    contents = [content.get("value", "") for content in entry.get("content", [])]
    return next((value for value in contents if value.strip()), entry.get("summary", ""))


def _published(entry: Any) -> tuple[str | None, float | None]:
    """The date as the feed writes it (its own time zone), and the moment, for ordering."""
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    moment = float(calendar.timegm(parsed)) if parsed else None
    written = entry.get("published") or entry.get("updated") or ""
    try:
        return parsedate_to_datetime(written).date().isoformat(), moment
    except (TypeError, ValueError, IndexError):
        pass
    if parsed:
        return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}", moment
    return None, moment
