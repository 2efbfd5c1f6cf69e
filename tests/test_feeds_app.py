"""The reader's palette commands for podcasts, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import shutil

from textual.widgets import Input

from index.library import Library
from index.library.user_library import user_library
from tests.feed_server import FORMATS, FeedServer, Route
from tests.screen import notified, screen_text
from tests.test_feeds import CHAPTERS_ONLY, ROOKIE, TRAILER, serve_buzzsprout
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.screens.follow_feed import FollowFeedScreen
from tui.widgets.chapter_tree import ChapterTree


def _episodes_in_tree(app: EarmarkApp) -> list[str]:
    tree = app.query_one(ChapterTree)
    return [node.data.episode for node in tree.root.children if node.data is not None]


async def _palette(pilot, app: EarmarkApp, command: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
    await pilot.press(*command)  # whole: "Follow" alone also finds the player's "Follow the voice"
    await wait_for(pilot, lambda: command in screen_text(app))
    await pilot.press("enter")


async def test_follow_and_update_from_the_palette(feed_server: FeedServer) -> None:
    url = serve_buzzsprout(feed_server)
    small = user_library() / "small-talk"  # your library, with one short episode to index
    small.mkdir(parents=True)
    shutil.copy(FORMATS / "podcastindex_example_transcript.srt", small / "talk.srt")
    app = EarmarkApp(Library.open(user_library()))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        before = _episodes_in_tree(app)
        await _palette(pilot, app, "Follow a podcast")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowFeedScreen))
        app.screen.query_one(Input).value = "file:///etc/passwd"
        await pilot.press("enter")
        assert "starting with https://" in screen_text(app)
        app.screen.query_one(Input).value = url
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(_episodes_in_tree(app)) == len(before) + 3)
        assert {TRAILER, ROOKIE, CHAPTERS_ONLY} <= set(_episodes_in_tree(app))
        said = "Podcasting Q&A: 3 new episodes, 2 without a transcript"
        await wait_for(pilot, lambda: said in notified(app))
        # The search index takes in the new episodes only.
        await wait_for(
            pilot,
            lambda: (
                app.search_index is not None
                and set(app.search_index.indexed) == {TRAILER, ROOKIE, CHAPTERS_ONLY}
            ),
        )
        feed = feed_server.routes["/buzzsprout.rss"]
        item = "<item><title>Brand new</title><guid>new-1</guid><description>New.</description>"
        body = feed.body.decode().replace("<item>", item + "</item><item>", 1)
        feed_server.routes["/buzzsprout.rss"] = Route(body.encode(), etag='"v2"')
        await _palette(pilot, app, "Update feeds")
        await wait_for(pilot, lambda: "podcasting-q-a-brand-new" in _episodes_in_tree(app))
        said = "Podcasting Q&A: 1 new episode, 1 without a transcript"
        await wait_for(pilot, lambda: said in notified(app))
