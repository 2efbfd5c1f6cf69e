"""Following podcasts: `follow` a feed (bringing in its last N items), `update_feed` (what is new
since), `unfollow` (what was brought in stays).

An item is new when ``feeds.toml`` has neither brought it in nor left it out (``--last``); its
identity is its guid, so a re-run never brings an episode twice and a changed title is the same
episode. Items come in a few at a time (`fetch.MAX_DOWNLOADS` threads sharing one client), each
whole or not at all; one that fails is named in one line and the next update tries it again
(that update asks for the whole feed, not "only if changed", so that it sees the item).
The feed's ETag and Last-Modified are recorded only once every item has been tried, so a
command stopped half-way never leaves a 304 hiding what it did not get to.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import EarmarkError
from index.feeds.episode_folder import Arrival, EpisodeFailed, bring_in
from index.feeds.feed import Feed, FeedItem, newest_first, read_feed
from index.feeds.fetch import MAX_DOWNLOADS, Fetched, Fetcher, is_web_url
from index.feeds.followed import (
    FollowedFeed,
    find_followed,
    read_followed,
    write_followed,
)
from index.library import slug

DEFAULT_LAST = 10
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class FeedReport:
    """What one follow or update of a feed did: the episodes that came in, the items that
    failed (one line each, tried again next time), and what was noticed on the way."""

    title: str
    url: str
    arrived: list[Arrival] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    not_modified: bool = False

    @property
    def summary(self) -> str:
        """One line for a person: what came in."""
        if self.not_modified:
            return f"{self.title}: nothing new"
        count = len(self.arrived)
        without = sum(1 for arrival in self.arrived if arrival.transcript is None)
        words = [f"{count} new episode{'' if count == 1 else 's'}" if count else "nothing new"]
        if without:
            words.append(f"{without} without a transcript")
        if self.failed:
            words.append(f"{len(self.failed)} failed, tried again by the next update")
        return f"{self.title}: {', '.join(words)}"


def follow(
    root: Path,
    url: str,
    *,
    last: int | None = DEFAULT_LAST,
    fetcher: Fetcher,
    progress: Progress | None = None,
) -> FeedReport:
    """Follow the feed at ``url`` and bring in its ``last`` newest items (None: all). Following
    a feed again brings in those of its last items that are not in the library yet."""
    if not is_web_url(url):
        raise EarmarkError(f"{url}: not an http(s) URL of a feed")
    feeds = read_followed(root)
    followed = find_followed(feeds, url)
    fetched = fetcher.get(url)
    feed = _read(fetched, url)
    chosen = newest_first(feed.items)[:last] if last is not None else list(feed.items)
    chosen_keys = {item.key for item in chosen}
    if followed is None:
        followed = FollowedFeed(url=url, title=feed.title)
        followed.skipped = {item.key for item in feed.items} - chosen_keys
        feeds.append(followed)
    else:
        followed.skipped -= chosen_keys
    wanted = [item for item in chosen if item.key not in followed.episodes]
    return _bring_in(root, feeds, followed, fetched, feed, wanted, fetcher, progress)


def update_feed(
    root: Path, url: str, *, fetcher: Fetcher, progress: Progress | None = None
) -> FeedReport:
    """Bring in what is new in the followed feed at ``url``, and what failed last time."""
    feeds = read_followed(root)
    followed = find_followed(feeds, url)
    if followed is None:
        raise EarmarkError(f"not following {url}")
    if followed.failed:  # the failed items are wanted even if the feed has not changed
        fetched = fetcher.get(url)
    else:
        fetched = fetcher.get(url, etag=followed.etag, modified=followed.last_modified)
    if fetched.body is None:
        followed.checked = _now()
        write_followed(root, feeds)
        return FeedReport(followed.title, url, not_modified=True)
    feed = _read(fetched, url)
    wanted = [item for item in feed.items if not followed.knows(item.key)]
    return _bring_in(root, feeds, followed, fetched, feed, wanted, fetcher, progress)


def unfollow(root: Path, name: str) -> FollowedFeed:
    """Stop following the feed named by URL or name; its episodes stay in the library."""
    feeds = read_followed(root)
    followed = find_followed(feeds, name)
    if followed is None:
        known = ", ".join(feed.name for feed in feeds) or "none"
        raise EarmarkError(f"not following {name!r} (followed: {known})")
    feeds.remove(followed)
    write_followed(root, feeds)
    return followed


def _read(fetched: Fetched, url: str) -> Feed:
    assert fetched.body is not None  # asked without a condition
    return read_feed(fetched.body, url)


def _bring_in(
    root: Path,
    feeds: list[FollowedFeed],
    followed: FollowedFeed,
    fetched: Fetched,
    feed: Feed,
    wanted: list[FeedItem],
    fetcher: Fetcher,
    progress: Progress | None,
) -> FeedReport:
    followed.title = feed.title
    report = FeedReport(feed.title, followed.url)
    wanted = list({item.key: item for item in wanted}.values())  # a guid given twice: once
    ids = _new_ids(root, feed, wanted)
    failed: set[str] = set()
    write_followed(root, feeds)  # followed from now on, even if stopped before the end
    pool = ThreadPoolExecutor(MAX_DOWNLOADS, thread_name_prefix="earmark-feed")
    try:
        futures: dict[Future[Arrival], FeedItem] = {
            pool.submit(bring_in, root, feed, item, ids[item.key], fetcher): item for item in wanted
        }
        if progress:
            progress(0, len(wanted))
        for done, future in enumerate(as_completed(futures), 1):
            item = futures[future]
            try:
                arrival = future.result()
            except EpisodeFailed as error:
                report.failed.append(str(error))
                failed.add(item.key)
            else:
                report.problems += arrival.problems
                if arrival.episode_id is None:  # nothing to read: not worth asking again
                    followed.skipped.add(item.key)
                else:
                    followed.episodes[item.key] = arrival.episode_id
                    report.arrived.append(arrival)
                write_followed(root, feeds)
            if progress:
                progress(done, len(wanted))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl-C: start no more downloads
    followed.failed = failed
    followed.etag, followed.last_modified = fetched.etag, fetched.last_modified
    followed.checked = _now()
    write_followed(root, feeds)
    return report


def _new_ids(root: Path, feed: Feed, items: list[FeedItem]) -> dict[str, str]:
    """An unused episode id (folder name) for each item: the show's and the episode's names."""
    taken: set[str] = set()
    ids = {}
    for item in items:
        base = slug(f"{feed.title} {item.title or item.published or 'episode'}")
        episode_id, number = base, 2
        while episode_id in taken or (root / episode_id).exists():
            episode_id, number = f"{base}-{number}", number + 1
        taken.add(episode_id)
        ids[item.key] = episode_id
    return ids


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
