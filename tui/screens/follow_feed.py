"""Ask for the address of a podcast's feed to follow; only an http(s) URL is accepted."""

from __future__ import annotations

from index.feeds import is_web_url
from tui.screens.ask import AskScreen


class FollowFeedScreen(AskScreen[str]):
    DEFAULT_CSS = """
    FollowFeedScreen > Vertical {
        width: 70;
    }
    """
    QUESTION = "Follow a podcast"
    PLACEHOLDER = "https://example.org/feed.xml"
    HINT = "The address of the podcast's RSS feed"
    UNREAD = "Type a feed's address, starting with https:// or http://"

    def read(self, typed: str) -> str:
        url = typed.strip()
        if not is_web_url(url):
            raise ValueError(url)
        return url
