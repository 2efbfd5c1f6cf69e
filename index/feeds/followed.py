"""The feeds a library follows: ``feeds.toml`` at the library's root.

    [[feed]]
    url = "https://example.org/feed.xml"
    title = "The Show"
    etag = '"abc"'                      # for the next conditional GET
    last_modified = "Fri, 21 Mar 2025 07:00:00 GMT"
    checked = "2026-11-25T10:00:00+00:00"
    skipped = ["guid-1"]                # left out by --last: not new to `update`
    failed = ["guid-9"]                 # did not come in: the next `update` tries again
    [feed.episodes]                     # item (guid) → episode id, its folder
    "guid-2" = "the-show-episode-2"

It is written whole and atomically (temporary file, fsync, rename) each time an episode comes
in, so a command stopped half-way leaves a record of what is in the library, and a re-run never
brings an episode twice. A file earmark cannot read is an error and is never overwritten: it is
the only record of what the reader follows.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import EarmarkError
from index.files import write_whole
from index.library import FEEDS_FILE, slug


@dataclass(slots=True)
class FollowedFeed:
    url: str
    title: str
    etag: str | None = None
    last_modified: str | None = None
    checked: str | None = None
    episodes: dict[str, str] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)

    def knows(self, key: str) -> bool:
        """Whether the item was brought in or deliberately left out."""
        return key in self.episodes or key in self.skipped

    @property
    def name(self) -> str:
        """How a person names the feed on the command line (`earmark unfollow NAME`)."""
        return slug(self.title)


def read_followed(root: Path) -> list[FollowedFeed]:
    """The feeds followed in the library at ``root`` (none when it has no feeds.toml)."""
    file = root / FEEDS_FILE
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise EarmarkError(f"{file}: cannot read the feeds you follow: {error}") from None
    tables = data.get("feed", [])
    if not isinstance(tables, list):
        raise EarmarkError(f"{file}: [[feed]] must be a list of tables")
    return [_feed(file, number, table) for number, table in enumerate(tables, 1)]


def _feed(file: Path, number: int, table: object) -> FollowedFeed:
    def wrong(key: str, expected: str) -> EarmarkError:
        return EarmarkError(f"{file}: feed {number}: {key} must be {expected}")

    if not isinstance(table, dict) or not isinstance(table.get("url"), str):
        raise wrong("url", "a string")
    texts = {}
    for key in ("title", "etag", "last_modified", "checked"):
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            raise wrong(key, "a string")
        texts[key] = value
    episodes = table.get("episodes", {})
    if not isinstance(episodes, dict) or not all(isinstance(v, str) for v in episodes.values()):
        raise wrong("episodes", "a table of strings")
    lists = {}
    for key in ("skipped", "failed"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong(key, "a list of strings")
        lists[key] = set(value)
    return FollowedFeed(
        url=table["url"],
        title=texts["title"] or table["url"],
        etag=texts["etag"],
        last_modified=texts["last_modified"],
        checked=texts["checked"],
        episodes=dict(episodes),
        skipped=lists["skipped"],
        failed=lists["failed"],
    )


def write_followed(root: Path, feeds: list[FollowedFeed]) -> None:
    import tomli_w  # only for the commands that follow feeds

    tables = []
    for feed in feeds:
        table: dict[str, object] = {"url": feed.url, "title": feed.title}
        for key in ("etag", "last_modified", "checked"):
            if (value := getattr(feed, key)) is not None:
                table[key] = value
        table |= {
            "skipped": sorted(feed.skipped),
            "failed": sorted(feed.failed),
            "episodes": feed.episodes,
        }
        tables.append(table)
    text = tomli_w.dumps({"feed": tables})
    write_whole(root / FEEDS_FILE, text.encode(), durable=True)


def find_followed(feeds: list[FollowedFeed], name: str) -> FollowedFeed | None:
    """The feed a person names: by its URL or by its name as `earmark list` shows it."""
    return next((feed for feed in feeds if name in (feed.url, feed.name)), None)
