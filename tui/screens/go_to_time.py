"""Ask for a time as people paste it (``25:13``, ``1:02:03``, ``1h5m``, ``3900s``, a YouTube link
with ``t=``) and return it in seconds."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from index.timecode import TimecodeError, parse_moment
from tui.screens.dialog import Dialog


class GoToTimeScreen(Dialog[int | None]):
    DEFAULT_CSS = """
    GoToTimeScreen > Vertical {
        width: 50;
    }
    GoToTimeScreen Label.error {
        color: $text-error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="time.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Go to time"
            yield Input(placeholder="25:13, 1:02:03, 1h5m or a link with t=", id="time")
            yield Label("", id="time-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(parse_moment(event.value))
        except TimecodeError:
            error = self.query_one("#time-error", Label)
            error.update("Type a time like 25:13, 1:02:03 or 1h5m")
            error.add_class("error")

    def action_cancel(self) -> None:
        self.dismiss(None)
