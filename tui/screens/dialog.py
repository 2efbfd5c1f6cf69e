"""What every pop-up of the reader shares: a bordered box in the middle of the screen. Each
screen sets only its box's size and what is inside it."""

from __future__ import annotations

from textual.screen import ModalScreen, ScreenResultType


class Dialog(ModalScreen[ScreenResultType]):
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog > Vertical, Dialog > VerticalScroll {
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """
