"""What Pilot tests read off the reader's panes."""

from __future__ import annotations

from tui.app import EarmarkApp
from tui.widgets.side_pane import SidePane


def side_texts(app: EarmarkApp) -> list[str]:
    """Each item the side pane shows, as plain text."""
    side = app.query_one(SidePane)
    return [str(side.get_option_at_index(i).prompt) for i in range(side.option_count)]
