"""Ask where to write the episode as Markdown (palette: "Export Markdown"): a path, filled in
with ``EPISODE.md`` in the folder earmark was started from, as ``earmark export`` writes there;
a file that is there already is replaced only when Enter is pressed again."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from index.text import visible
from tui.screens.dialog import Dialog


class ExportMarkdownScreen(Dialog[Path | None]):
    DEFAULT_CSS = """
    ExportMarkdownScreen > Vertical {
        width: 80;
        max-width: 100%;
    }
    ExportMarkdownScreen Label {
        color: $text-muted;
    }
    ExportMarkdownScreen Label.warning {
        color: $text-warning;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self._suggested = suggested
        self._replace: Path | None = None  # Enter pressed once on this existing file

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Export as Markdown"
            yield Input(str(self._suggested), id="export-path")
            yield Label(Text("Your bookmarks and notes on this episode · Enter write · Esc"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            return
        path = Path(typed).expanduser()
        if path.exists() and path != self._replace:
            self._replace = path
            label = self.query_one(Label)
            label.update(Text(f"{visible(str(path))} is there already: Enter replaces it"))
            label.add_class("warning")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
