"""The command palette (ctrl+p): every action of the reader, found by its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import Binding
from textual.command import CommandPalette
from textual.widgets import Label

from index.library import Library
from tests.screen import screen_text
from tests.waiting import wait_for
from tui.app import NOT_IN_PALETTE, EarmarkApp
from tui.screens.export_markdown import ExportMarkdownScreen
from tui.widgets.chapter_tree import ChapterTree


async def test_every_action_of_the_reader_is_in_the_palette(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)):
        titles = {title for title, _, _ in app.palette_actions()}
        commands = {command.title for command in app.get_system_commands(app.screen)}
    for binding in EarmarkApp.BINDINGS:
        assert isinstance(binding, Binding)
        if binding.action not in NOT_IN_PALETTE:
            assert binding.description in titles
    for title in (
        "Search",
        "Go to time",
        "Bookmark",
        "List bookmarks",
        "Write a note",
        "Copy as quote",
        "Side pane",
        "Chapter tree",
        "Export Markdown",
        "Help",
        "Play or pause",  # the player's, from tui.listening
        "Follow the voice",
        "Back 10 s",
        "Faster",
    ):
        assert title in commands
    assert "Theme" in commands  # Textual's own, kept
    assert "Keys" not in commands  # replaced by Help


async def test_typing_book_finds_the_bookmark_actions(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"book")
        await wait_for(pilot, lambda: "List bookmarks" in screen_text(app))
        assert "Bookmark the turn you are on" in screen_text(app)  # what it does, and its key


async def test_an_action_runs_from_the_palette(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(ChapterTree)
        await wait_for(pilot, lambda: tree.display)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"chapter tree")
        await wait_for(pilot, lambda: "Show or hide the episodes" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: not tree.display)


async def test_export_markdown_writes_the_episode_with_your_marks(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "b")
        await wait_for(pilot, lambda: app.reading.bookmarks == {1})
        app.action_export_markdown()
        await wait_for(pilot, lambda: isinstance(app.screen, ExportMarkdownScreen))
        await pilot.press("enter")
        exported = tmp_path / f"{app.episode.id}.md"
        await wait_for(pilot, exported.exists)
        assert "> Meaning what?" in exported.read_text(encoding="utf-8")  # the bookmarked turn
        app.action_export_markdown()  # again: the file is there, Enter twice replaces it
        await wait_for(pilot, lambda: isinstance(app.screen, ExportMarkdownScreen))
        exported.write_text("old", encoding="utf-8")
        await pilot.press("enter")
        label = app.screen.query_one(Label)
        await wait_for(
            pilot, lambda: str(label.render()).endswith("there already: Enter replaces it")
        )
        assert exported.read_text(encoding="utf-8") == "old"
        await pilot.press("enter")
        await wait_for(pilot, lambda: exported.read_text(encoding="utf-8") != "old")
        assert not list(tmp_path.glob(".*.part"))
