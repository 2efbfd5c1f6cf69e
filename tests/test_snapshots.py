"""The key screens, compared with approved SVG snapshots (`pytest --snapshot-update` after
looking at a deliberate change in the report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from index.library import Library
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.config import Config, Settings
from tui.widgets.search_panel import SearchPanel


def _app(theme: str = "textual-dark") -> EarmarkApp:
    config = Config(Path("config.toml"), Settings(theme=theme))
    return EarmarkApp(Library.open(DEFAULT_EPISODE_DIR.parent), config=config)


async def _searched(pilot: Pilot[Any]) -> None:
    app: EarmarkApp = pilot.app  # type: ignore[assignment]
    await wait_for(pilot, lambda: app.search_index is not None)
    await pilot.press("slash")
    app.query_one(SearchPanel).query_one(Input).cursor_blink = False
    await pilot.press(*"value function")
    results = app.query_one("#search-results")
    await wait_for(pilot, lambda: results.option_count > 0)


def test_main_screen_wide(snap_compare: Any) -> None:
    assert snap_compare(_app(), press=["right_square_bracket"], terminal_size=(120, 40))


def test_main_screen_80_by_24(snap_compare: Any) -> None:
    assert snap_compare(_app(), press=["j"], terminal_size=(80, 24))


def test_main_screen_200_by_50(snap_compare: Any) -> None:
    """The text at its measure (88), the tree as wide as its titles, the side pane wider."""
    assert snap_compare(_app(), press=["right_square_bracket"], terminal_size=(200, 50))


def test_main_screen_in_a_light_theme(snap_compare: Any) -> None:
    """textual-light: the cursor bar, speakers, a bookmark and lit words read on a light
    surface (a note of yours would show its date: it is left to the Pilot tests)."""

    async def lit_and_marked(pilot: Pilot[Any]) -> None:
        app: EarmarkApp = pilot.app  # type: ignore[assignment]
        await _searched(pilot)
        await pilot.press("enter")  # the best hit, its words lit
        await wait_for(pilot, lambda: " · match " in str(app.query_one("#status").render()))
        await pilot.press("b")
        await wait_for(pilot, lambda: app.reading.bookmarks)
        app.clear_notifications()

    app = _app("textual-light")
    assert snap_compare(app, terminal_size=(120, 40), run_before=lit_and_marked)


def test_search_with_results(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(120, 40), run_before=_searched)


def test_help(snap_compare: Any) -> None:
    assert snap_compare(_app(), press=["question_mark"], terminal_size=(80, 24))


def test_side_pane_with_the_whole_episode_open(snap_compare: Any) -> None:
    """At 9:39: this passage, this chapter (with its time), then the whole episode opened."""
    press = ["right_square_bracket", "tab", "w"]
    assert snap_compare(_app(), press=press, terminal_size=(120, 40))
