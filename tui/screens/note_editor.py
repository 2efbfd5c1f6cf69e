"""Write or edit one of your own notes about a turn: ctrl+s saves, Esc asks before discarding."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from tui.screens.confirm import ConfirmScreen
from tui.screens.dialog import Dialog


class NoteEditorScreen(Dialog[str | None]):
    """Returns the note's text when saved (stripped; may be empty), None when discarded."""

    DEFAULT_CSS = """
    NoteEditorScreen > Vertical {
        width: 80%;
        max-width: 100;
        height: 60%;
        min-height: 8;
    }
    NoteEditorScreen TextArea {
        height: 1fr;
    }
    NoteEditorScreen Label {
        color: $text-muted;
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not priority bindings: those would act before the editor has taken the keys typed
        # just before them (a fast typist's, or a paste's, last characters would be lost).
        Binding("ctrl+s", "save", "Save note", id="note.save"),
        Binding("escape", "cancel", "Discard", id="note.cancel"),
    ]

    def __init__(self, about: str, saved: str = "", typed: str | None = None) -> None:
        """``saved``: the note as it is stored ("" for a new one); ``typed``: text to start
        from instead (words a failed save gave back), which Esc then asks before discarding."""
        super().__init__()
        self._about = about
        self._original = saved
        self._typed = saved if typed is None else typed

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Your note"
            yield Label(Text(self._about, no_wrap=True, overflow="ellipsis"))
            yield TextArea(self._typed, soft_wrap=True, id="note-text")
            yield Label(Text("ctrl+s save · Esc discard"))

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())

    def action_cancel(self) -> None:
        if self.query_one(TextArea).text == self._original:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes to this note?"), answered)
