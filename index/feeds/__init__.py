"""Following podcasts from their RSS feeds: each item becomes an episode folder of the library.

- `fetch`: HTTP(S) downloads, bounded in time, size and number at once (httpx);
- `feed`: a feed read into items (feedparser), with `podcast_elements` for the podcast
  namespace and `html_text` for show notes;
- `episode_folder`: one item written into the library, whole or not at all;
- `followed`: ``feeds.toml``, what the library follows and what came in from each feed;
- `following`: follow, update and unfollow.

Nothing here is imported when earmark starts: only the commands that follow feeds load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.feeds.fetch import Fetcher, is_web_url
    from index.feeds.followed import find_followed, read_followed
    from index.feeds.following import DEFAULT_LAST, FeedReport, follow, unfollow, update_feed

__all__ = [
    "DEFAULT_LAST",
    "FeedReport",
    "Fetcher",
    "find_followed",
    "follow",
    "is_web_url",
    "read_followed",
    "unfollow",
    "update_feed",
]
__getattr__ = exports(
    __name__,
    {
        "Fetcher": "fetch",
        "is_web_url": "fetch",
        "find_followed": "followed",
        "read_followed": "followed",
        "DEFAULT_LAST": "following",
        "FeedReport": "following",
        "follow": "following",
        "unfollow": "following",
        "update_feed": "following",
    },
)
