"""A question answered in one line (a time to go to, a feed to follow): what is typed is read
when Enter is pressed; what cannot be read leaves the question open, saying what to type."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from tui.screens.dialog import Dialog

Answer = TypeVar("Answer")


class AskScreen(Dialog[Answer | None], Generic[Answer]):
    """Returns the answer `read` makes of what was typed, or None when cancelled."""

    DEFAULT_CSS = """
    AskScreen > Vertical {
        width: 50;
    }
    AskScreen Label.error {
        color: $text-error;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ask.cancel"),
    ]
    QUESTION = ""  # the box's title
    PLACEHOLDER = ""
    HINT = ""  # shown under the input until something cannot be read
    UNREAD = ""  # shown when what was typed cannot be read

    def read(self, typed: str) -> Answer:
        """The answer to what was typed; ValueError when it cannot be one."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.QUESTION
            yield Input(placeholder=self.PLACEHOLDER)
            yield Label(self.HINT)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            answer = self.read(event.value)
        except ValueError:
            hint = self.query_one(Label)
            hint.update(self.UNREAD)
            hint.add_class("error")
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
