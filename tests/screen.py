"""What a Pilot test reads off the reader: its status line, its notifications, its screen."""

from __future__ import annotations

from textual.app import App


def status_text(app: App) -> str:
    return str(app.query_one("#status").render())


def notified(app: App) -> list[str]:
    return [notification.message for notification in app._notifications]


def screen_text(app: App) -> str:
    """The screen as a person sees it: every line of every layer, as text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
