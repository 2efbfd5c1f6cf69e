"""The reader's flows, driven through Pilot at fixed sizes."""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.widgets import Input

from index.library import Library
from tests.panes import side_texts
from tests.screen import notified, screen_text, status_text
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.screens.help import HelpScreen
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.search_panel import SearchPanel
from tui.widgets.side_pane import SidePane
from tui.widgets.transcript import Transcript


async def test_first_screen(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: "00:00:00" in status_text(app))
        assert transcript.cursor == 0
        tree = app.query_one(ChapterTree)
        (episode_node,) = tree.root.children
        assert len(episode_node.children) == 10
        assert str(episode_node.children[1].label).endswith("Emotions and value functions")
        assert app.focused is transcript


async def test_next_chapter_shows_its_first_turn_and_notes(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")
        episode = app.episode
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: episode.turns[transcript.cursor].chapter == 1)
        assert episode.turns[transcript.cursor].start == 579
        await wait_for(
            pilot, lambda: any("Emotions as Value Functions" in t for t in side_texts(app))
        )
        assert "Emotions and value functions" in status_text(app)
        await pilot.press("j")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: episode.turns[transcript.cursor].start == 579)
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: transcript.cursor == 0)


async def test_turn_keys(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j", "down")
        await wait_for(pilot, lambda: transcript.cursor == 3)
        await pilot.press("k")
        await wait_for(pilot, lambda: transcript.cursor == 2)
        await pilot.press("G")
        await wait_for(pilot, lambda: transcript.cursor == 132)
        await pilot.press("g")
        await wait_for(pilot, lambda: transcript.cursor == 0)
        await pilot.press("space")
        await wait_for(pilot, lambda: transcript.scroll_y > 0 and transcript.cursor > 0)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: transcript.cursor == 0)
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: transcript.cursor > 0)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: transcript.cursor == 0)
        half = transcript.scrollable_content_region.height // 2
        await pilot.press("ctrl+d")  # half a page, as in vim and less
        await wait_for(pilot, lambda: transcript.scroll_y == half)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: transcript.scroll_y == 2 * half and transcript.cursor > 0)
        await pilot.press("ctrl+u")
        await wait_for(pilot, lambda: transcript.scroll_y == half)


async def test_go_to_time(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("t")
        await pilot.press(*"25:13", "enter")
        await wait_for(pilot, lambda: app.episode.turns[transcript.cursor].start == 1513)
        await pilot.press("t")
        await pilot.press(*"nonsense", "enter")
        await wait_for(pilot, lambda: "Type a time" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.focused is transcript)


async def test_tree_jumps_to_a_chapter(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(ChapterTree)
        tree.focus()
        await pilot.press("down", "down", "down", "enter")
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: app.episode.turns[transcript.cursor].chapter == 3)
        assert app.focused is transcript


async def test_side_pane_enter_jumps_to_the_note(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: side.option_count > 0)
        side.focus()
        side.focus()
        # On the first turn, the "It Factor" point (7:50) is listed; Enter on it jumps there.
        texts = side_texts(app)
        side.highlighted = next(i for i, text in enumerate(texts) if 'The "It Factor"' in text)
        assert "· at 7:50 · → 7:48" in texts[side.highlighted]
        casual = next(t for t in texts if "kept that casual" in t)
        assert "· quote · → 0:05" in casual
        await pilot.press("enter")
        note = next(n for n in app.episode.notes if n.title == 'The "It Factor"')
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript.cursor == note.related[0].turn)
        assert transcript.cursor != 0


async def test_side_pane_groups_say_where_and_why(library: Library) -> None:
    """At 9:39 the pane shows what is placed on the passage, then what is placed elsewhere in
    the chapter with its time, each with its evidence; the notes about the whole episode (the
    "AI bubble" summary, the thread's intro) stay folded under their count until ``w``."""
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")  # "Emotions and value functions", 9:39
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: "This chapter" in side_texts(app))
        texts = side_texts(app)
        passage, chapter = texts.index("This passage"), texts.index("This chapter")
        emotions = next(i for i, t in enumerate(texts) if "Emotions as Value Functions" in t)
        assert passage < emotions < chapter
        assert texts[emotions].startswith("Obsidian note · heading at 9:39\n")
        doctor = next(i for i, t in enumerate(texts) if "how that doctor decided" in t)
        assert doctor > chapter
        assert "· shares: emotions, " in texts[doctor] and "· → 10:40" in texts[doctor]
        wide = next(i for i, t in enumerate(texts) if "The whole episode" in t)
        assert re.match(r"▶ The whole episode: \d+ notes · w opens$", texts[wide]) and wide > doctor
        for folded in ("dot-com bubble", "first interview in two years", "Lane podcast"):
            assert not any(folded in t for t in texts)
        side.focus()
        await pilot.press("w")
        await wait_for(pilot, lambda: any("dot-com bubble" in t for t in side_texts(app)))
        assert re.match(r"▼ The whole episode: \d+ notes · w closes$", side_texts(app)[wide])
        assert any("Lane podcast" in t for t in side_texts(app)[wide:])
        await pilot.press("w")
        await wait_for(pilot, lambda: not any("dot-com bubble" in t for t in side_texts(app)))


async def test_enter_on_a_note_of_the_chapter_goes_to_its_turn(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: any("how that doctor decided" in t for t in side_texts(app)))
        side.focus()
        side.highlighted = next(
            i for i, t in enumerate(side_texts(app)) if "how that doctor decided" in t
        )
        await pilot.press("enter")
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: app.episode.turns[transcript.cursor].start == 640)
        # Now on its passage: the note is listed under "This passage", still highlighted.
        texts = side_texts(app)
        assert texts.index("This passage") < side.highlighted
        assert "how that doctor decided" in texts[side.highlighted]


async def test_side_pane_toggles_and_narrow_terminals(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        side = app.query_one(SidePane)
        assert side.display
        await pilot.press("s")
        await wait_for(pilot, lambda: not side.display)
        await pilot.press("s")
        await wait_for(pilot, lambda: side.display)
    app = EarmarkApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: "00:00:00" in status_text(app))
        assert not side.display
        await pilot.press("s")
        await wait_for(pilot, lambda: side.display)


async def test_tiny_terminal_says_so(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(20, 6)) as pilot:
        await wait_for(pilot, lambda: "make it larger" in screen_text(app))
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: "00:00:00" in screen_text(app))
        assert "make it larger" not in screen_text(app)
        await pilot.resize_terminal(120, 9)  # wide enough, too short
        await wait_for(pilot, lambda: "make it larger" in screen_text(app))


async def test_help_lists_every_key(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for description in (
            "Search",
            "Next match",
            "Next chapter",
            "Go to time",
            "Quit",
            "Next turn",
        ):
            assert description in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


def test_every_binding_has_an_id_and_a_description() -> None:
    from tui.screens.bookmarks import BookmarksScreen
    from tui.screens.confirm import ConfirmScreen
    from tui.screens.go_to_time import GoToTimeScreen
    from tui.screens.note_editor import NoteEditorScreen

    for owner in (
        EarmarkApp,
        Transcript,
        SearchPanel,
        SidePane,
        ChapterTree,
        HelpScreen,
        GoToTimeScreen,
        BookmarksScreen,
        ConfirmScreen,
        NoteEditorScreen,
    ):
        for binding in owner.BINDINGS:
            assert binding.id and binding.description, (owner.__name__, binding)


async def test_document_text_is_never_markup(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    shutil.copytree(DEFAULT_EPISODE_DIR, folder)
    page = folder / "transcript-page.txt"
    text = page.read_text(encoding="utf-8")
    text = text.replace("(00:55:07) – Alignment", "(00:55:07) – [bold red]Alignment[/bold red]")
    hostile = "[bold red]not markup[/bold red] [@click=app.quit]x[/]"
    text = text.replace("You know what’s crazy? That all", f"{hostile} crazy? That all")
    page.write_text(text, encoding="utf-8")
    app = EarmarkApp(Library.open(folder))
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_for(pilot, lambda: "00:00:00" in status_text(app))
        screen = screen_text(app)
        assert "[bold red]not markup[/bold red]" in screen
        assert "[@click=app.quit]x[/]" in screen
        (episode_node,) = app.query_one(ChapterTree).root.children
        assert str(episode_node.children[6].label).endswith("[bold red]Alignment[/bold red]")
        app.go_to_chapter(app.episode.id, 6)
        await wait_for(pilot, lambda: "[bold red]Alignment[/bold red]" in status_text(app))


async def test_hit_text_is_not_markup(library: Library) -> None:
    from index.search import Hit

    hit = Hit(
        id="e/t/0",
        kind="turn",
        episode="e",
        chapter=0,
        start=5,
        speaker="[red]x[/red]",
        source="",
        score=1.0,
        snippet="[bold]lit[/bold] word",
        highlights=((14, 18),),
    )
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)):
        panel = app.query_one(SearchPanel)
        panel._chapter_title = lambda episode, chapter: "[b]chapter[/b]"
        rendered = panel._hit_text(hit)
    assert isinstance(rendered, Text)
    assert "[b]chapter[/b]" in rendered.plain and "[bold]lit[/bold] word" in rendered.plain
    assert "[red]x[/red]" in rendered.plain


async def test_words_on_the_screen_are_whole(library: Library) -> None:
    """``1 result``, not ``1 results``; a turn that names no speaker shows none (not
    "Transcript"); the note dialog's excerpt of a long turn ends in ``…``."""
    from textual.widgets import Label

    from index.search import Hit
    from tui.screens.note_editor import NoteEditorScreen

    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash", *"schleppy ")
        panel = app.query_one(SearchPanel)
        status = panel.query_one("#search-status")
        await wait_for(pilot, lambda: str(status.render()) == "1 result")
        unnamed = Hit("e/t/0", "turn", "e", 0, 5, "", "Transcript", 1.0, "words", ())
        assert "Transcript" not in panel._hit_text(unnamed).plain
        await pilot.press("escape")
        long_turn = max(library.episodes[0].turns, key=lambda turn: len(turn.text))
        app.query_one(Transcript).go_to_turn(long_turn.index)
        await wait_for(pilot, lambda: app.here.turn == long_turn.index)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        about = str(app.screen.query(Label).first().render())
        assert about.startswith(f"About {long_turn.speaker} at ") and about.endswith("…")


async def test_search_as_you_type_enter_jumps_and_n_steps(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash")
        panel = app.query_one(SearchPanel)
        assert panel.has_class("open")
        await pilot.press(*"sentient life")
        results = panel.query_one("#search-results")
        await wait_for(
            pilot, lambda: results.option_count > 0 and panel.query_text == "sentient life"
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: not panel.has_class("open"))
        transcript = app.query_one(Transcript)
        assert app.focused is transcript
        turn = library.episodes[0].turns[transcript.cursor]
        assert "sentient life" in turn.text.lower()
        await wait_for(pilot, lambda: "match " in status_text(app))
        first = transcript.cursor
        await pilot.press("n")
        await wait_for(pilot, lambda: transcript.cursor != first)
        assert "sentient" in library.episodes[0].turns[transcript.cursor].text.lower()
        await pilot.press("N")
        await wait_for(pilot, lambda: transcript.cursor == first)


async def test_n_steps_through_the_hits_of_a_fielded_query(library: Library) -> None:
    """`speaker:ilya "age of research"` finds 3 turns: n and N step through exactly those, in
    reading order, the status counts them, a wrap says so, and a jump elsewhere leaves no
    stale position."""
    app = EarmarkApp(library)
    episode = library.episodes[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash")
        panel = app.query_one(SearchPanel)
        panel.query_one(Input).post_message(events.Paste('speaker:ilya "age of research"'))
        status = panel.query_one("#search-status")
        await wait_for(pilot, lambda: str(status.render()) == "3 results")
        await pilot.press("enter")
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: status_text(app).endswith(" · match 1 of 3"))
        seen = [transcript.cursor]
        for number in (2, 3):
            await pilot.press("n")
            counter = f" · match {number} of 3"
            await wait_for(pilot, lambda counter=counter: status_text(app).endswith(counter))
            seen.append(transcript.cursor)
        assert seen == sorted(seen)
        for turn in seen:
            assert episode.turns[turn].speaker == "Ilya Sutskever"
            assert "age of research" in episode.turns[turn].text.lower()
        await pilot.press("n")
        await wait_for(pilot, lambda: transcript.cursor == seen[0])
        await wait_for(pilot, lambda: "Wrapped to the first match." in notified(app))
        await pilot.press("N")
        await wait_for(pilot, lambda: transcript.cursor == seen[-1])
        await wait_for(pilot, lambda: "Wrapped to the last match." in notified(app))
        await pilot.press("g")
        await wait_for(pilot, lambda: status_text(app).endswith(" · 3 matches"))
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: transcript.cursor > 0)
        await wait_for(pilot, lambda: status_text(app).endswith(" · 3 matches"))


async def test_enter_typed_before_the_results_arrive_still_jumps(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash", *"research taste", "enter")
        await wait_for(pilot, lambda: not app.query_one(SearchPanel).has_class("open"))
        turn = library.episodes[0].turns[app.query_one(Transcript).cursor]
        assert "research taste" in turn.text.lower()


async def test_several_episodes_in_the_tree(two_episodes: Library) -> None:
    library = two_episodes
    first, second = library.infos
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(ChapterTree)
        assert [str(node.label) for node in tree.root.children] == [first.title, second.title]
        tree.focus()
        second_node = tree.root.children[1]
        tree.move_cursor(second_node.children[2])
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.episode is not None and app.episode.id == second.id)
        transcript = app.query_one(Transcript)
        assert app.episode.turns[transcript.cursor].chapter == 2
        assert app.title == second.title
        assert second.chapters[2].title in status_text(app)


async def test_lit_terms_survive_a_jump_to_a_shorter_episode(tmp_path: Path) -> None:
    library_dir = tmp_path / "library"
    shutil.copytree(DEFAULT_EPISODE_DIR, library_dir / "long")
    (library_dir / "short").mkdir()
    page = (DEFAULT_EPISODE_DIR / "transcript-page.txt").read_text(encoding="utf-8")
    cut = page.index("Dwarkesh Patel 00:18:49")  # the first two chapters only
    (library_dir / "short" / "transcript-page.txt").write_text(page[:cut], encoding="utf-8")
    library = Library.open(library_dir)
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash", *"research", "enter")
        await pilot.press("G")
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript.cursor == 132)
        app.go_to_chapter("short", 1)
        await wait_for(pilot, lambda: app.episode is not None and app.episode.id == "short")
        assert transcript.cursor < len(app.episode.turns)
        # The short episode says "research" once: its own matches are counted, not the long one's.
        await wait_for(pilot, lambda: re.search(r"· (match 1 of 1|1 match)$", status_text(app)))


async def test_command_palette_goes_to_a_chapter(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "CommandPalette")
        await pilot.press(*"alignment")
        await wait_for(pilot, lambda: "Alignment" in screen_text(app))
        await pilot.press("down", "enter")
        transcript = app.query_one(Transcript)
        episode = library.episodes[0]
        await wait_for(pilot, lambda: episode.turns[transcript.cursor].chapter == 6)


async def test_side_pane_folds_long_notes_and_keeps_episode_wide_ones(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("right_square_bracket")  # "Emotions and value functions"
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: any("… o unfolds" in text for text in side_texts(app)))
        await pilot.press("tab")
        assert app.focused is side
        folded = next(i for i, text in enumerate(side_texts(app)) if "o unfolds" in text)
        side.highlighted = folded
        await pilot.press("o")
        await wait_for(pilot, lambda: "o unfolds" not in side_texts(app)[folded])
        wide = next(i for i, t in enumerate(side_texts(app)) if "The whole episode" in t)
        count = side.option_count
        side.highlighted = wide
        await pilot.press("enter")
        await wait_for(pilot, lambda: side.option_count > count)
        assert "▼ The whole episode" in side_texts(app)[wide]


async def test_escape_closes_search_and_leaves_the_terms_lit(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash", *"sentient")
        await pilot.press("escape")
        panel = app.query_one(SearchPanel)
        await wait_for(pilot, lambda: not panel.has_class("open"))
        assert app.focused is app.query_one(Transcript)
        await wait_for(pilot, lambda: re.search(r"· \d+ matches$", status_text(app)))
        await pilot.press("n")
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: re.search(r"· match 1 of \d+$", status_text(app)))
        assert "sentient" in library.episodes[0].turns[transcript.cursor].text.lower()


async def test_enter_esc_and_q_answer_while_a_pasted_query_is_searched(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 words pasted into the search, whose ranking is still going on: Enter, Esc and q
    are handled at once, since the UI thread never searches nor waits for the index."""

    from index.search import SearchIndex

    ranking, release, ranked = threading.Event(), threading.Event(), threading.Event()
    rank = SearchIndex._rank

    def slow_rank(self: SearchIndex, *args: object) -> object:
        ranking.set()
        release.wait(timeout=10)
        found = rank(self, *args)  # type: ignore[arg-type]
        ranked.set()
        return found

    monkeypatch.setattr(SearchIndex, "_rank", slow_rank)
    pasted = " ".join(" ".join(t.text for t in library.episodes[0].turns).split()[:1_000])
    app = EarmarkApp(library)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.search_index is not None)
            await pilot.press("slash")
            panel = app.query_one(SearchPanel)
            panel.query_one(Input).post_message(events.Paste(pasted))
            await wait_for(pilot, ranking.is_set)
            await pilot.press("enter")  # chosen when the answer comes
            assert panel.has_class("open") and not ranked.is_set()
            await pilot.press("escape")
            assert not panel.has_class("open") and not ranked.is_set()
            await pilot.pause()  # the Closed message: the transcript takes the focus
            assert app.focused is app.query_one(Transcript) and not ranked.is_set()
            await pilot.press("q")
            assert app.return_code == 0 and not ranked.is_set()
    finally:
        release.set()


async def test_the_panel_says_what_a_pasted_query_left_out(library: Library) -> None:
    from textual.widgets import Static

    pasted = " ".join(f"word{number}" for number in range(1_000))
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash")
        panel = app.query_one(SearchPanel)
        panel.query_one(Input).post_message(events.Paste(pasted))
        status = panel.query_one("#search-status", Static)
        await wait_for(pilot, lambda: "left out" in str(status.render()))
        assert str(status.render()).startswith(
            "No results · only the first 2,000 characters were searched · "
        )


async def test_a_search_cut_short_runs_again_unhurried(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.search import SearchIndex

    search = SearchIndex.search

    def out_of_time_at_keystroke_speed(self: SearchIndex, query: str, limit: int = 20, **kw):
        found = search(self, query, limit, **kw)
        if "time_limit" not in kw:  # what a keystroke search finds before its limit: nothing
            return dataclasses.replace(found, hits=(), timed_out=True)
        return found

    monkeypatch.setattr(SearchIndex, "search", out_of_time_at_keystroke_speed)
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("slash", *"sentient")
        results = app.query_one("#search-results")
        await wait_for(pilot, lambda: results.option_count > 0)


async def test_a_big_library_fills_the_tree_and_marks_a_late_episode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.bench.synth import write_library
    from tui.widgets import chapter_tree

    monkeypatch.setattr(chapter_tree, "EPISODES_BEFORE_FIRST_PAINT", 3)
    library = Library.open(write_library(tmp_path / "library", 5))
    last = library.infos[-1]
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = app.query_one(ChapterTree)
        await wait_for(pilot, lambda: len(tree.root.children) == 5)
        lines = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
        listed = {node.data.episode for node in lines if node and node.data}
        assert listed == {info.id for info in library.infos}  # each has its line
        app.go_to_chapter(last.id, 1)  # an episode added after the first paint
        await wait_for(
            pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data.episode == last.id
        )


async def test_a_turn_change_that_arrives_as_the_reader_closes_is_let_go(library: Library) -> None:
    """The cursor's message can still be on its way when the panes are taken down on quit."""
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "00:00:00" in status_text(app))
        assert app.episode is not None
        await app.query_one(SidePane).remove()
        app.post_message(Transcript.TurnChanged(app.episode, 3))
        await pilot.pause()
        assert app.query_one(Transcript).cursor == 0  # nothing moved, and nothing raised
