"""Ask for the address of a podcast's feed to follow; only an http(s) URL is accepted."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from index.feeds import is_web_url
from tui.screens.dialog import Dialog


class FollowFeedScreen(Dialog[str | None]):
    DEFAULT_CSS = """
    FollowFeedScreen > Vertical {
        width: 70;
    }
    FollowFeedScreen Label.error {
        color: $text-error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="follow.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Follow a podcast"
            yield Input(placeholder="https://example.org/feed.xml", id="feed-url")
            yield Label("The address of the podcast's RSS feed", id="feed-url-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        url = event.value.strip()
        if is_web_url(url):
            self.dismiss(url)
            return
        error = self.query_one("#feed-url-error", Label)
        error.update("Type a feed's address, starting with https:// or http://")
        error.add_class("error")

    def action_cancel(self) -> None:
        self.dismiss(None)
