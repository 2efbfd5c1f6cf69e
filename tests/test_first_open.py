"""The first open of a new library: the reader shows one episode at once and reads the rest in a
worker, saying how far it is; the tree lists episodes as they arrive; search waits, and says so."""

from __future__ import annotations

import pickle
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import index.library.episodes as episodes
import index.library.parallel as parallel
import tui.app
from index.library import Library, Listing, list_folders
from tests.screen import notified, screen_text, status_text
from tests.seeds import with_an_unreadable_episode
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.library_progress import LibraryProgress
from tui.widgets.search_panel import SearchPanel

pytestmark = pytest.mark.cold  # a new library: nothing of it in the cache

EPISODES = ["episode-0000", "episode-0001", "episode-0002", "episode-0003"]


@pytest.fixture(scope="module")
def four_episodes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.bench.synth import write_library

    return write_library(tmp_path_factory.mktemp("four") / "library", len(EPISODES))


@pytest.fixture
def library_dir(tmp_path: Path, four_episodes: Path) -> Path:
    """The four episodes, and between the first two one whose only file earmark cannot read."""
    return with_an_unreadable_episode(four_episodes, tmp_path / "library")


class Held:
    """Episodes parsed in the worker wait for the test to let them through (the first one,
    read before the first paint, does not)."""

    def __init__(self) -> None:
        self.started: list[str] = []  # the episodes the worker began to parse
        self._through = threading.Semaphore(0)
        self._all = threading.Event()

    def let_through(self, count: int = 1) -> None:
        self._through.release(count)

    def let_all_through(self) -> None:
        self._all.set()
        self._through.release(len(EPISODES) + 1)

    def wait(self) -> None:
        if not self._all.is_set():
            self._through.acquire(timeout=30)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    held = Held()
    read = parallel._read

    def held_read(folder, episode_fingerprint, store, place=True):
        if threading.current_thread() is not threading.main_thread():
            held.started.append(folder.id)
            held.wait()
        return read(folder, episode_fingerprint, store, place)

    monkeypatch.setattr(parallel, "_read", held_read)
    yield held
    held.let_all_through()  # a failing test does not leave the worker waiting


def _tree_episodes(app: EarmarkApp) -> list[str]:
    tree = app.query_one(ChapterTree)
    return [node.data.episode for node in tree.root.children if node.data is not None]


async def test_the_first_episode_shows_while_the_rest_are_read(
    library_dir: Path, held: Held
) -> None:
    app = EarmarkApp(Library.open(library_dir, later=True))
    async with app.run_test(size=(120, 40)) as pilot:
        reading = "Reading your library: 0 of 4 new episodes"
        await wait_for(pilot, lambda: reading in screen_text(app))
        assert app.episode is not None and app.episode.id == "episode-0000"
        assert "00:00:00" in status_text(app)
        assert _tree_episodes(app) == ["episode-0000"]
        await pilot.press("slash")
        await pilot.press(*"value")
        panel = app.query_one(SearchPanel)
        await wait_for(pilot, lambda: "Search starts once your library is read" in screen_text(app))
        assert "0 of 4 new episodes" in screen_text(app)
        assert app.search_index is None and not panel._hits

        held.let_all_through()
        await wait_for(pilot, lambda: not app.query(LibraryProgress), timeout=30)
        assert _tree_episodes(app) == EPISODES
        # The file that could not be read: its one line, and the rest were read.
        shopping = library_dir / "episode-0000-b" / "shopping.txt"
        assert any(str(shopping) in message for message in notified(app))
        # Then the index is built over the whole library, and what was typed is searched.
        await wait_for(pilot, lambda: app.search_index is not None, timeout=60)
        await wait_for(pilot, lambda: panel._hits, timeout=10)
        assert {hit.episode for hit in panel._hits} > {"episode-0000"}
    assert app.search_index is not None and app.search_index.episode_count == len(EPISODES)


async def test_the_tree_lists_each_episode_in_its_place_as_it_arrives(
    library_dir: Path, held: Held, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The episode read last opens first; those before it in the library are listed before
    it as they arrive, the tree's cursor staying on its chapter."""
    library = Library.open(library_dir, later=True)
    app = EarmarkApp(library)
    monkeypatch.setattr(app.reading, "_last_read", "episode-0002")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query(LibraryProgress))
        assert app.episode is not None and app.episode.id == "episode-0002"
        assert _tree_episodes(app) == ["episode-0002"]
        tree = app.query_one(ChapterTree)
        at = tree.cursor_node
        assert at is not None and at.data is not None and at.data.episode == "episode-0002"
        held.let_all_through()
        await wait_for(pilot, lambda: not app.query(LibraryProgress), timeout=30)
        assert _tree_episodes(app) == EPISODES
        await pilot.pause()
        assert tree.cursor_node is at


async def test_the_notes_are_placed_once_every_episode_is_read(
    library_dir: Path, held: Held, earmark_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two passes: the tree is whole before any note is placed (two thirds of the work), the
    line says what it does next, and search waits for both."""
    placing = threading.Event()
    place_cached = episodes.place_cached

    def held_place(folder, episode_fingerprint, store):
        placing.wait(timeout=30)
        return place_cached(folder, episode_fingerprint, store)

    monkeypatch.setattr(episodes, "place_cached", held_place)
    app = EarmarkApp(Library.open(library_dir, later=True))
    async with app.run_test(size=(120, 40)) as pilot:
        held.let_all_through()
        await wait_for(pilot, lambda: "Placing notes: 0 of 3 episodes" in screen_text(app))
        assert _tree_episodes(app) == EPISODES
        await pilot.press("slash")
        await wait_for(pilot, lambda: "Search starts once the notes are placed" in screen_text(app))
        assert app.search_index is None
        placing.set()
        await wait_for(pilot, lambda: not app.query(LibraryProgress), timeout=30)
        await wait_for(pilot, lambda: app.search_index is not None, timeout=60)
    entries = (earmark_home / "cache").rglob("*.pickle")
    cached = [pickle.loads(path.read_bytes()) for path in entries]
    placed = [entry[1].notes_placed for entry in cached if isinstance(entry, tuple)]
    assert placed == [True] * len(EPISODES)


async def test_quitting_while_reading_leaves_the_cache_whole(
    library_dir: Path, held: Held, earmark_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker hands nothing over before it ends: what it has read is still its own.
    monkeypatch.setattr(tui.app, "READ_SHOWN_EVERY", 3600.0)
    app = EarmarkApp(Library.open(library_dir, later=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query(LibraryProgress))
        held.let_through(2)  # the unreadable episode, then episode-0001
        await wait_for(pilot, lambda: held.started[-1:] == ["episode-0002"])
        await pilot.press("q")
        held.let_through()  # the episode being parsed as the reader quits is finished whole
    # The parse let through goes on in its thread after the reader has gone, and its cache
    # entry is written whole: no temporary file (`index.files.write_whole`) is left behind.
    deadline = time.monotonic() + 10
    while list((earmark_home / "cache").rglob("*.part")):
        assert time.monotonic() < deadline, "a cache entry was left half-written"
        time.sleep(0.02)
    again = Library.open(library_dir, later=True)
    assert again.take(list_folders(again.root)) == ()
    # What was read is kept, the episode read but not yet shown too; the rest is read next
    # time (the one being parsed as the reader quit may have been finished in time or not),
    # and the library is whole.
    assert "episode-0001" not in again.unread
    unread = set(again.unread)
    assert {"episode-0000-b", "episode-0003"} <= unread <= {*EPISODES[2:], "episode-0000-b"}
    fresh = Library.open(library_dir, cache=None)
    assert [info.id for info in fresh.infos] == EPISODES
    for info in fresh.infos:
        assert fresh.episode(info.id).id == info.id


async def test_a_reader_started_from_the_manifest_shows_what_changed_since(
    tmp_path: Path, two_episodes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "library"
    shutil.copytree(two_episodes_dir, root)
    Library.open(root)  # both read: the manifest lists them
    edited = threading.Event()

    def list_once_edited(listed_root: Path) -> Listing:
        edited.wait(timeout=30)  # the files change after the paint, before the listing
        return list_folders(listed_root)

    monkeypatch.setattr(tui.app, "list_folders", list_once_edited)
    app = EarmarkApp(Library.open(root, later=True))
    assert not app.library.listed

    def says_thee() -> bool:
        episode = app.episode
        return episode is not None and any(
            " thee " in p for t in episode.turns for p in t.paragraphs
        )

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "00:00:00" in status_text(app))
        assert app.episode is not None and app.episode.id == "episode-0000" and not says_thee()
        assert _tree_episodes(app) == ["episode-0000", "episode-0001"]
        page = root / "episode-0000" / "transcript-page.txt"
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(" the ", " thee "), encoding="utf-8")
        shutil.rmtree(root / "episode-0001")
        edited.set()
        await wait_for(pilot, lambda: app.library.listed and says_thee())
        assert app.episode is not None and app.episode.id == "episode-0000"
        await wait_for(pilot, lambda: _tree_episodes(app) == ["episode-0000"])
        assert " thee " in screen_text(app)
        await wait_for(pilot, lambda: app.search_index is not None, timeout=30)
