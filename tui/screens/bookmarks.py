"""Your bookmarks across every episode: Enter jumps to one, d deletes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from index.reading import BookmarkRow
from tui.screens.dialog import Dialog


class BookmarksScreen(Dialog[BookmarkRow | None]):
    """Returns the bookmark to jump to, or None; deletions are reported as they happen."""

    DEFAULT_CSS = """
    BookmarksScreen > Vertical {
        width: 90%;
        max-width: 120;
        height: 80%;
    }
    BookmarksScreen OptionList {
        height: 1fr;
        border: none;
    }
    BookmarksScreen Label {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "jump", "Go to the bookmark", id="bookmarks.jump", priority=True),
        Binding("d,delete", "delete", "Delete bookmark", id="bookmarks.delete"),
        Binding("escape,B,q", "close", "Close", id="bookmarks.close"),
        Binding("j", "cursor_down", "Next", id="bookmarks.down", show=False),
        Binding("k", "cursor_up", "Previous", id="bookmarks.up", show=False),
    ]

    def __init__(self, rows: list[BookmarkRow], delete: Callable[[BookmarkRow], None]) -> None:
        super().__init__()
        self._rows = list(rows)
        self._delete = delete

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Bookmarks"
            yield OptionList(*self._options(), markup=False)
            yield Label(Text("Enter go · d delete · Esc close"))

    def _options(self) -> list[Option]:
        if not self._rows:
            return [
                Option(Text("No bookmarks yet: press b on a turn.", style="dim"), disabled=True)
            ]
        return [Option(_row_text(row)) for row in self._rows]

    def _chosen(self) -> int | None:
        index = self.query_one(OptionList).highlighted
        return index if self._rows and index is not None else None

    def action_jump(self) -> None:
        index = self._chosen()
        if index is not None:
            self.dismiss(self._rows[index])

    def action_delete(self) -> None:
        index = self._chosen()
        if index is None:
            return
        row = self._rows.pop(index)
        self._delete(row)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options())
        if self._rows:
            options.highlighted = min(index, len(self._rows) - 1)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)


def _row_text(row: BookmarkRow) -> Text:
    text = Text(row.episode_title, style="bold")
    text.append(f"  {row.time}" if row.time else "", style="dim")
    text.append("\n")
    if row.speaker:
        text.append(f"{row.speaker}: ", style="bold")
    text.append(row.excerpt)
    return text
