"""The key table: every binding of the app and its panes, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.screens.dialog import Dialog

# Where each group of keys works, and the classes whose BINDINGS it lists.
KEY_GROUPS: tuple[tuple[str, str], ...] = (
    ("Everywhere", "EarmarkApp"),
    ("Transcript", "Transcript"),
    ("Search panel", "SearchPanel"),
    ("Side pane", "SidePane"),
    ("Chapter tree", "ChapterTree"),
    ("Bookmarks list (B)", "BookmarksScreen"),
    ("Note editor (c)", "NoteEditorScreen"),
)


def key_table(groups: list[tuple[str, list[BindingType]]], key_style: Style) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style=key_style, no_wrap=True)
    table.add_column()
    for title, bindings in groups:
        table.add_row(Text(title, style="bold underline"), Text(""))
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                keys = " / ".join(key_name(key) for key in binding.key.split(","))
                table.add_row(Text(keys), Text(binding.description))
        table.add_row(Text(""), Text(""))
    return table


def key_markdown(groups: list[tuple[str, list[BindingType]]]) -> str:
    """The same table in Markdown, for the README."""
    lines = ["| keys | what they do |", "|---|---|"]
    for title, bindings in groups:
        lines.append(f"| **{title}** | |")
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                keys = " / ".join(f"`{key_name(key)}`" for key in binding.key.split(","))
                lines.append(f"| {keys} | {binding.description} |")
    return "\n".join(lines)


def key_name(key: str) -> str:
    names = {
        "question_mark": "?",
        "slash": "/",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "comma": ",",
        "full_stop": ".",
        "less_than_sign": "<",
        "greater_than_sign": ">",
        "minus": "-",
        "plus": "+",
        "equals_sign": "=",
    }
    return names.get(key, key)


class HelpScreen(Dialog[None]):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"help--key"}
    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 72;
        max-width: 100%;
        max-height: 90%;
    }
    HelpScreen > .help--key {
        color: $text-primary;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, groups: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            yield Static(key_table(self._groups, self.get_component_rich_style("help--key")))
