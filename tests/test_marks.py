"""Your marks in the reader: position, bookmarks, your notes and quotes (Pilot)."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import TextArea

from index.errors import EarmarkError
from index.library import Library
from index.marks import UserData
from index.reading import Reading
from index.search import SearchIndex
from index.timecode import clock
from tests.panes import side_texts
from tests.screen import status_text
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.unwritable import no_room_to_write
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.screens.bookmarks import BookmarksScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.note_editor import NoteEditorScreen
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.search_panel import SearchPanel
from tui.widgets.side_pane import SidePane
from tui.widgets.transcript import BOOKMARK, NOTED, Transcript

EPISODE = DEFAULT_EPISODE_DIR.name


def saved() -> UserData:
    """The marks as saved, read on their own (not through the reader)."""
    return UserData.open()


def _transcript_text(app: EarmarkApp) -> str:
    transcript = app.query_one(Transcript)
    return "\n".join(transcript.render_line(y).text for y in range(transcript.size.height))


async def test_position_is_kept_and_the_last_episode_reopens(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j")
        await wait_for(pilot, lambda: app.query_one(Transcript).cursor == 3)
        await pilot.press("q")
    assert UserData.open().position(EPISODE) == 3
    assert UserData.open().last_episode() == EPISODE

    again = EarmarkApp(Library.open(DEFAULT_EPISODE_DIR.parent))
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: again.query_one(Transcript).cursor == 3)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_reopening_shows_the_turn_read_last(library: Library, size: tuple[int, int]) -> None:
    """What the person sees, not only the status line: the saved turn's header and its first
    words are on screen, and the next `j` goes to the turn after it (it used to open at 0:00)."""
    app = EarmarkApp(library)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*["right_square_bracket"] * 4, "j")
        await wait_for(pilot, lambda: app.query_one(Transcript).cursor > 0)
        cursor = app.query_one(Transcript).cursor
        await pilot.press("q")
    turn = library.episode(EPISODE).turns[cursor]
    assert turn.start == 2198  # 00:36:38, in "Straight-shotting superintelligence"

    again = EarmarkApp(Library.open(DEFAULT_EPISODE_DIR.parent))
    async with again.run_test(size=size) as pilot:
        await wait_for(
            pilot,
            lambda: (
                f"00:36:38  {turn.speaker}" in _transcript_text(again)
                and turn.paragraphs[0][:20] in _transcript_text(again)
            ),
        )
        await pilot.press("j")
        following = library.episode(EPISODE).turns[cursor + 1]
        await wait_for(pilot, lambda: again.query_one(Transcript).cursor == cursor + 1)
        assert clock(following.start) in _transcript_text(again)


async def test_quitting_while_the_index_opens_is_quiet(library: Library) -> None:
    """The index opens in a worker; when it is ready just as the reader quits (as in the test
    above, now and then), its panel is gone: the index is closed, nothing is raised."""
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
    late = SearchIndex.open(library)
    app._search_index_ready(late)
    assert app.search_index is not late


async def test_a_turn_with_your_note_is_marked_in_the_margin(library: Library) -> None:
    """✎ beside a turn with a note of yours; bookmarked as well, ★ on its header line and ✎ on
    the line below it."""
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript._layout is not None)

        def margin() -> list[str]:
            return [transcript.render_line(y).text[:8] for y in range(12)]

        assert NOTED not in "".join(margin())
        await pilot.press("j", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*"mine", "ctrl+s")
        await wait_for(pilot, lambda: NOTED in "".join(margin()))
        await pilot.press("b")
        await wait_for(pilot, lambda: BOOKMARK in "".join(margin()))
        rows = margin()
        star = next(i for i, row in enumerate(rows) if BOOKMARK in row)
        assert NOTED in rows[star + 1] and NOTED not in rows[star]


async def test_bookmarks_toggle_list_jump_and_delete(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "b")
        await wait_for(pilot, lambda: BOOKMARK in _transcript_text(app))
        await pilot.press("G", "b")
        await wait_for(pilot, lambda: len(saved().bookmarks()) == 2)
        await pilot.press("g", "b", "b")  # on and off again, and said so each time
        await wait_for(pilot, lambda: [b.turn for b in saved().bookmarks()] == [1, 132])
        said = [notification.message for notification in app._notifications]
        assert said[-2:] == ["Bookmarked.", "Bookmark removed."]

        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BookmarksScreen))
        await pilot.press("j", "enter")  # the second: the last turn
        await wait_for(pilot, lambda: not isinstance(app.screen, BookmarksScreen))
        await wait_for(pilot, lambda: transcript.cursor == 132)

        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, BookmarksScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: [b.turn for b in saved().bookmarks()] == [132])
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, BookmarksScreen))


async def test_write_edit_search_and_delete_a_note(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.search_index is not None)
        await pilot.press("j", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*"Zebrafish [bold]idea[/bold]", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteEditorScreen))
        (note,) = saved().notes(EPISODE)
        assert (note.turn, note.text) == (1, "Zebrafish [bold]idea[/bold]")
        await wait_for(pilot, lambda: any("Zebrafish [bold]idea" in t for t in side_texts(app)))
        texts = side_texts(app)  # yours lead the passage's notes, with their time
        assert texts[0] == "This passage" and texts[1].startswith("Your note · 0:")

        # Searchable at once, as kind:own.
        hits = []
        await wait_for(
            pilot, lambda: hits.extend(app.search_index.search("kind:own zebrafish").hits) or hits
        )
        assert hits[0].id == note.note_id

        # Edit it from the side pane.
        side = app.query_one(SidePane)
        side.focus()
        side.highlighted = next(i for i, t in enumerate(side_texts(app)) if "Zebrafish" in t)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*" and more", "ctrl+s")
        await wait_for(pilot, lambda: saved().notes(EPISODE)[0].text.endswith("and more"))

        # Delete it, after saying yes.
        side.highlighted = next(i for i, t in enumerate(side_texts(app)) if "Zebrafish" in t)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: saved().notes(EPISODE) == [])
        await wait_for(pilot, lambda: not any("Zebrafish" in t for t in side_texts(app)))
        await wait_for(pilot, lambda: not app.search_index.search("kind:own zebrafish").hits)


async def test_a_query_counts_a_note_indexed_after_its_matches_were_found(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note written in a session that quit before the index opened is indexed at the next
    start-up; a query lit meanwhile, its matches searched before that commit ended, counts the
    note once it is indexed (it stayed at "0 matches": the tmux test failed 1 run in 3)."""
    UserData.open().add_note(EPISODE, 2, "A zebrafish thought")
    indexing, sync = threading.Event(), SearchIndex.sync_own_notes

    def held_sync(index: SearchIndex, *args: object) -> bool:
        indexing.wait(timeout=20)  # the commit "takes" until the matches were searched
        return sync(index, *args)

    monkeypatch.setattr(SearchIndex, "sync_own_notes", held_sync)
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await wait_for(pilot, lambda: app.search_index is not None)
            await pilot.press("slash", *"kind:own zebrafish", "escape")
            await wait_for(pilot, lambda: status_text(app).endswith(" · 0 matches"))
        finally:
            indexing.set()
        await wait_for(pilot, lambda: status_text(app).endswith(" · 1 match"))
        await pilot.press("n")
        await wait_for(pilot, lambda: app.query_one(Transcript).cursor == 2)


async def test_escape_asks_before_discarding_a_note(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*"half a thought", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep writing: the words are still there
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, NoteEditorScreen)
                and app.screen.query_one(TextArea).text == "half a thought"
            ),
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (NoteEditorScreen, ConfirmScreen)))
        assert saved().notes() == []
        # Nothing typed: Esc closes without asking.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(app.screen_stack) == 1)  # the reader, no question


async def test_printable_keys_type_into_the_note_not_the_app(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*"bycq/", "ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteEditorScreen))
        assert [n.text for n in saved().notes()] == ["bycq/"]
        assert saved().bookmarks() == []
        assert not app.query_one(SearchPanel).has_class("open")


async def test_y_copies_the_turn_as_a_quote(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j", "j", "j", "y")
        await wait_for(pilot, lambda: app.clipboard)
        assert app.clipboard.startswith("> Another thing that’s crazy is how normal")
        assert app.clipboard.rstrip().endswith(
            "— Dwarkesh Patel, “Ilya Sutskever – We’re moving from the age of scaling to the age "
            "of research”, Dwarkesh Podcast, 00:00:14, https://www.dwarkesh.com/p/ilya-sutskever-2"
        )


async def test_the_tree_switches_episodes_and_each_reopens_where_it_was_left(
    two_episodes: Library,
) -> None:
    """The tree's wiring; the rules themselves (where an episode reopens, which one is read
    last) are `Reading`'s, tested in tests/test_reading.py."""
    first, second = two_episodes.infos
    app = EarmarkApp(two_episodes)
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j", "j", "j", "j")
        await wait_for(pilot, lambda: transcript.cursor == 5)
        tree = app.query_one(ChapterTree)
        tree.focus()
        tree.move_cursor(tree.root.children[1].children[1])  # a chapter of the second episode
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.episode is not None and app.episode.id == second.id)
        tree.focus()
        tree.move_cursor(tree.root.children[0])  # the first episode itself
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.episode is not None and app.episode.id == first.id)
        await wait_for(pilot, lambda: transcript.cursor == 5)


async def test_a_note_on_a_turn_no_longer_there_can_still_be_edited(tmp_path) -> None:
    folder = tmp_path / "library" / "talk"
    folder.mkdir(parents=True)
    (folder / "t.vtt").write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>One.\n\n00:09.000 --> 00:10.000\n<v B>Two.\n",
        encoding="utf-8",
    )
    note = UserData.open().add_note("talk", 10, "written when the transcript was longer")
    app = EarmarkApp(Library.open(tmp_path / "library"))
    async with app.run_test(size=(120, 40)) as pilot:
        side = app.query_one(SidePane)
        await wait_for(pilot, lambda: side.option_count > 0)
        side.focus()
        episode_wide = next(i for i, t in enumerate(side_texts(app)) if "whole episode" in t)
        side.highlighted = episode_wide
        await pilot.press("enter")  # unfold the notes about the whole episode
        await wait_for(pilot, lambda: any("transcript was longer" in t for t in side_texts(app)))
        side.highlighted = next(
            i for i, t in enumerate(side_texts(app)) if "transcript was longer" in t
        )
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*" (kept)", "ctrl+s")
        await wait_for(pilot, lambda: saved().note(note.id).text.endswith("(kept)"))


async def test_a_failed_save_gives_the_words_back_and_esc_still_asks(
    library: Library, monkeypatch
) -> None:
    def disk_full(*_: object) -> None:
        raise EarmarkError("user data: database or disk is full")

    userdata = UserData.open()
    monkeypatch.setattr(userdata, "add_note", disk_full)
    app = EarmarkApp(library, Reading(library, userdata))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteEditorScreen))
        await pilot.press(*"kept words", "ctrl+s")
        # The editor opens again with what was typed, and the failure is said.
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, NoteEditorScreen)
                and app.screen.query_one(TextArea).text == "kept words"
            ),
        )
        assert any(n.title == "Not saved" for n in app._notifications)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def test_marks_that_cannot_be_saved_are_shown_said_once_and_refused(
    library: Library,
) -> None:
    """A full data folder used to stop the reader ("cannot open your marks"); reading needs
    no writes. (A full disk here: every write is refused by the kernel while marks open.)"""
    marks = UserData.open()
    marks.toggle_bookmark(EPISODE, 2)
    marks.set_position(EPISODE, 2)
    marks.close()
    with no_room_to_write():
        userdata = UserData.open()
    app = EarmarkApp(library, Reading(library, userdata))
    async with app.run_test(size=(120, 40)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript.cursor == 2 and BOOKMARK in _transcript_text(app))
        warnings = [n.message for n in app._notifications if "cannot be saved" in n.message]
        assert warnings == [userdata.notice]
        await pilot.press("j", "j", "b")  # moving is kept for the session; a bookmark is refused
        await wait_for(pilot, lambda: any(n.title == "Not saved" for n in app._notifications))
        (refused,) = [n for n in app._notifications if n.title == "Not saved"]
        assert refused.message == f"{userdata.path}: your marks cannot be saved (disk I/O error)"
        assert [b.turn for b in userdata.bookmarks()] == [2]
        await wait_for(pilot, lambda: app.search_index is not None)  # and search works
        assert app.search_index.search("value function")
    assert UserData.open().position(EPISODE) == 2  # nothing was written
