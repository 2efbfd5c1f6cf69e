"""The line above the status line while a new library's episodes are read after the first paint:
what is being done (reading the episodes, then placing their notes), how far it is, and a bar.
The app removes it once both are done."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from index.words import counted


class LibraryProgress(Horizontal):
    # Not scoped: it hides with the panes when the terminal is too small (earmark.tcss).
    SCOPED_CSS = False
    DEFAULT_CSS = """
    LibraryProgress {
        height: 1;
        background: $boost;
        padding: 0 1;
    }
    LibraryProgress > Static {
        width: auto;
        margin-right: 2;
        color: $text-muted;
    }
    Screen.-too-narrow LibraryProgress, Screen.-too-short LibraryProgress {
        display: none;
    }
    """

    def __init__(self, total: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = total
        self.done = 0
        self.placing = False  # reading the episodes, then placing their notes

    def compose(self) -> ComposeResult:
        yield Static(self.describe())
        yield ProgressBar(total=self.total, show_percentage=False, show_eta=False)

    def show(self, done: int) -> None:
        self.done = done
        self.query_one(Static).update(self.describe())
        self.query_one(ProgressBar).update(progress=done)

    def start_placing(self, total: int) -> None:
        """The episodes are read: their notes are placed next, ``total`` of them."""
        self.placing, self.total = True, total
        self.query_one(ProgressBar).update(total=total, progress=0)
        self.show(0)

    def describe(self) -> str:
        if self.placing:
            return f"Placing notes: {self.done:,} of {counted(self.total, 'episode')}"
        return f"Reading your library: {self.done:,} of {counted(self.total, 'new episode')}"
