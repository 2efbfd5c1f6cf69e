"""The index on disk: where it lives, incremental updates, and recovery from damaged, foreign,
half-written or locked indexes."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from index.library import Library
from index.search import SearchIndex, storage
from index.search.storage import STAMP_FILE
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.unhurried import Unhurried

NOTE = DEFAULT_EPISODE_DIR / "obsidian-note.md"


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    """Two small episodes (one summary note each), quick to index."""
    root = tmp_path / "library"
    for name in ("first", "second"):
        (root / name).mkdir(parents=True)
        shutil.copy(NOTE, root / name / NOTE.name)
    return root


def open_index(library_dir: Path) -> SearchIndex:
    return Unhurried.open(Library.open(library_dir))


def index_dir(search_index: SearchIndex) -> Path:
    return search_index.folder / search_index.stamp.directory


def add_point(episode_dir: Path, text: str) -> None:
    with open(episode_dir / NOTE.name, "a", encoding="utf-8") as note:
        note.write(f"\n- {text}\n")


def test_the_index_lives_in_the_earmark_cache(library_dir: Path, earmark_home: Path) -> None:
    with open_index(library_dir) as search_index:
        assert search_index.folder.parent == earmark_home / "cache" / "search"
        assert (search_index.folder / STAMP_FILE).is_file()
        stamp = json.loads((search_index.folder / STAMP_FILE).read_text())
        assert stamp["whoosh"] == "2.7.5"
        assert set(stamp["episodes"]) == {"first", "second"}


def test_only_changed_episodes_are_indexed_again(library_dir: Path) -> None:
    with open_index(library_dir) as built:
        assert set(built.indexed) == {"first", "second"}
    with open_index(library_dir) as unchanged:
        assert unchanged.indexed == ()
        assert not unchanged.search("zanzibar ").hits
    add_point(library_dir / "second", "Zanzibar is far.")
    with open_index(library_dir) as updated:
        assert updated.indexed == ("second",)
        assert [hit.episode for hit in updated.search("zanzibar ").hits] == ["second"]
        assert updated.document_count == 2 * 13 + 1


def test_only_the_changed_episode_is_read(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_index(library_dir).close()
    add_point(library_dir / "first", "Zanzibar is far.")
    library = Library.open(library_dir)
    loaded: list[str] = []
    original = library.episode
    monkeypatch.setattr(library, "episode", lambda eid: loaded.append(eid) or original(eid))
    Unhurried.open(library).close()
    assert loaded == ["first"]


def test_a_removed_episode_leaves_the_index(library_dir: Path) -> None:
    open_index(library_dir).close()
    shutil.rmtree(library_dir / "first")
    with open_index(library_dir) as updated:
        assert updated.indexed == ()
        assert {hit.episode for hit in updated.search("research").hits} == {"second"}
        assert updated.episode_count == 1


@pytest.mark.parametrize("damage", ["truncate", "garble", "delete"])
def test_a_damaged_index_is_rebuilt(library_dir: Path, damage: str) -> None:
    with open_index(library_dir) as built:
        old = index_dir(built)
    for segment in old.glob("*.seg"):
        if damage == "truncate":
            segment.write_bytes(segment.read_bytes()[: segment.stat().st_size // 2])
        elif damage == "garble":
            segment.write_bytes(b"\x00garbage" * 1000)
        else:
            segment.unlink()
    with open_index(library_dir) as rebuilt:
        assert rebuilt.notice and "damaged" in rebuilt.notice
        assert index_dir(rebuilt) != old
        assert not old.exists()
        assert rebuilt.search("value function").hits
    gc.collect()  # a file the damaged index left open is said here, as this test's error


@pytest.mark.parametrize(
    "stamp",
    [
        "not json {",
        json.dumps({"format": "something else"}),
        "the whoosh version",
        "the schema version",
        "a folder outside",
    ],
)
def test_a_foreign_stamp_means_a_rebuild(library_dir: Path, stamp: str) -> None:
    with open_index(library_dir) as built:
        stamp_file = built.folder / STAMP_FILE
    data = json.loads(stamp_file.read_text())
    changes = {
        "the whoosh version": {"whoosh": "2.7.4"},
        "the schema version": {"schema": -1},
        "a folder outside": {"directory": "../../elsewhere"},
    }
    if stamp in changes:
        stamp = json.dumps(data | changes[stamp])
    stamp_file.write_text(stamp)
    with open_index(library_dir) as rebuilt:
        assert set(rebuilt.indexed) == {"first", "second"}
        assert rebuilt.search("value function").hits


def test_a_half_written_build_is_never_current(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_index(library_dir).close()

    def crash(*args: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        patch.setattr(storage, "write_stamp", crash)
        Unhurried.open(Library.open(library_dir), rebuild=True)
    with open_index(library_dir) as reopened:  # still the first, complete index
        assert reopened.indexed == ()
        assert reopened.search("value function").hits
    with Unhurried.open(Library.open(library_dir), rebuild=True) as rebuilt:
        folders = list(rebuilt.folder.glob(storage.INDEX_PREFIX + "*"))
        assert folders == [index_dir(rebuilt)]  # the abandoned build is cleaned away


def test_a_locked_index_is_searched_read_only(library_dir: Path) -> None:
    with open_index(library_dir) as built:
        writer = whoosh_index.open_dir(str(index_dir(built))).writer()  # another writer
    try:
        add_point(library_dir / "second", "Zanzibar is far.")
        with open_index(library_dir) as locked:
            assert locked.read_only
            assert locked.notice
            assert locked.search("value function").hits
            assert not locked.search("zanzibar ").hits  # not indexed yet
    finally:
        writer.cancel()
    with open_index(library_dir) as unlocked:
        assert unlocked.indexed == ("second",)
        assert unlocked.search("zanzibar ").hits


def test_rebuild_on_request(library_dir: Path) -> None:
    with open_index(library_dir) as built:
        old = index_dir(built)
    with Unhurried.open(Library.open(library_dir), rebuild=True) as rebuilt:
        assert index_dir(rebuilt) != old
        assert not old.exists()
        assert set(rebuilt.indexed) == {"first", "second"}


def test_a_cancelled_parallel_build_stops_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """Quitting the reader during a first build cancels it: Whoosh's worker processes must not
    go on (printing tracebacks, waiting for work for ever)."""
    import multiprocessing

    from tests.bench.synth import write_library

    monkeypatch.setattr(storage, "PARALLEL_FROM_EPISODES", 2)
    library = Library.open(write_library(tmp_path / "library", 4))

    def quit_after_the_first(done: int, total: int) -> None:
        if done >= 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Unhurried.open(library, progress=quit_after_the_first)
    assert multiprocessing.active_children() == []
    assert "Traceback" not in capfd.readouterr().err


def test_a_big_build_commits_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh deletes its temporary posting runs only at a commit: a build commits every
    ``BUILD_BATCH_EPISODES`` episodes, in parallel, and finds every episode at the end."""
    monkeypatch.setattr(storage, "PARALLEL_FROM_EPISODES", 2)
    monkeypatch.setattr(storage, "BUILD_BATCH_EPISODES", 2)
    root = tmp_path / "library"
    words = ("alderfly", "bumblebee", "cicada", "damselfly", "earwig")
    for number, word in enumerate(words):
        (root / f"e{number}").mkdir(parents=True)
        shutil.copy(NOTE, root / f"e{number}" / NOTE.name)
        add_point(root / f"e{number}", word)
    reported: list[tuple[int, int]] = []
    library = Library.open(root)
    with Unhurried.open(library, progress=lambda *done: reported.append(done)) as built:
        assert reported == [(done, 5) for done in range(1, 6)]
        generation = whoosh_index.open_dir(str(index_dir(built))).latest_generation()
        assert generation == 3  # one commit per batch of two
        for number, word in enumerate(words):
            assert {hit.episode for hit in built.search(word).hits} == {f"e{number}"}


def test_an_update_bigger_than_a_batch_builds_anew(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new version changes every episode's fingerprint: the index is built again (in
    batches, in parallel) rather than updated in one commit."""
    with open_index(library_dir) as built:
        old = index_dir(built)
    add_point(library_dir / "first", "zanzibar")
    add_point(library_dir / "second", "zanzibar")
    monkeypatch.setattr(storage, "BUILD_BATCH_EPISODES", 1)
    with open_index(library_dir) as updated:
        assert index_dir(updated) != old and not old.exists()
        assert set(updated.indexed) == {"first", "second"}
        assert {hit.episode for hit in updated.search("zanzibar").hits} == {"first", "second"}


def test_a_folder_just_built_is_never_stale(
    library_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two rebuilds at once: the one that finishes first must not remove the other's folder
    between its commit and its switch (whoosh.index.EmptyIndexError, 1 run in 3)."""
    open_index(library_dir).close()
    searcher = storage.open_searcher
    others: list[SearchIndex] = []
    calls = iter(range(1_000))

    def another_rebuild_finishes_first(ix: whoosh_index.Index) -> object:
        if next(calls) == 0:  # the first rebuild has committed and opens its searcher
            others.append(Unhurried.open(Library.open(library_dir), rebuild=True))
        return searcher(ix)

    monkeypatch.setattr(storage, "open_searcher", another_rebuild_finishes_first)
    with Unhurried.open(Library.open(library_dir), rebuild=True) as first:
        assert first.search("value function").hits
        assert index_dir(first).is_dir()
        (other,) = others
        assert not index_dir(other).exists()  # stale once the first's stamp named its own
        assert list(first.folder.glob(storage.INDEX_PREFIX + "*")) == [index_dir(first)]
        other.close()


def test_a_note_saved_after_the_index_folder_went_is_found(library_dir: Path) -> None:
    """The cache folder deleted while the reader is open: saving a note rebuilds the index,
    and the note is found in the same session."""
    from index.marks import UserData

    library = Library.open(library_dir)
    with Unhurried.open(library) as search_index:
        shutil.rmtree(search_index.folder)
        data = UserData.open(library_dir.parent / "marks.sqlite3")
        note = data.add_note("first", 0, "zebracorn thoughts")
        search_index.sync_own_notes(library, data.notes())
        assert [hit.id for hit in search_index.search("zebracorn").hits] == [note.note_id]
        assert index_dir(search_index).is_dir()


def test_a_note_saved_after_another_rebuild_is_found(library_dir: Path) -> None:
    from index.marks import UserData

    library = Library.open(library_dir)
    with Unhurried.open(library) as search_index:
        Unhurried.open(library, rebuild=True).close()  # another earmark's rebuild
        data = UserData.open(library_dir.parent / "marks.sqlite3")
        note = data.add_note("first", 0, "zebracorn thoughts")
        search_index.sync_own_notes(library, data.notes())
        assert [hit.id for hit in search_index.search("zebracorn").hits] == [note.note_id]


def test_an_open_index_is_read_in_place_not_copied_into_memory() -> None:
    """An open index with a search done holds far less memory than the index takes on disk:
    Whoosh copied each segment it read into memory, once per open reader."""
    import tracemalloc

    library = Library.open(DEFAULT_EPISODE_DIR.parent)
    Unhurried.open(library).close()  # built (or found) before measuring
    tracemalloc.start()
    try:
        with Unhurried.open(library) as search_index:
            assert search_index.search("value function").hits
            held, _ = tracemalloc.get_traced_memory()
            on_disk = sum(f.stat().st_size for f in index_dir(search_index).glob("*.seg"))
    finally:
        tracemalloc.stop()
    assert on_disk > 1_000_000
    assert held < on_disk / 4


def test_saves_do_not_pile_up_segments(library_dir: Path) -> None:
    """Each save of notes (like each update of an episode) writes a segment of the documents
    it changed; the small ones are merged, so a long session keeps a bounded number of
    segments (Whoosh's own policy let ten episode-sized ones pile up here), and every note is
    still found once."""
    from index.marks import UserData

    library = Library.open(library_dir)
    data = UserData.open(library_dir.parent / "marks.sqlite3")
    saves, notes_a_save = 10, 60
    segments = []
    with Unhurried.open(library) as search_index:
        for save in range(saves):
            for number in range(notes_a_save):
                data.add_note("first", 0, f"zebracorn thought {save} {number}")
            search_index.sync_own_notes(library, data.notes())
            ix = whoosh_index.open_dir(str(index_dir(search_index)))
            segments.append(len(ix._segments()))
        found = search_index.search("zebracorn", limit=saves * notes_a_save + 1)
    assert max(segments) <= storage.SMALL_SEGMENTS_KEPT
    assert len(found.hits) == saves * notes_a_save


def test_a_segment_mostly_deleted_is_merged_away(library_dir: Path) -> None:
    """Updating an episode deletes its old documents where they are: a segment left with half
    or more of its documents deleted is merged into the next one at once, so searches do not
    read the dead documents (four updates of one episode had left four segments)."""
    library = Library.open(library_dir)
    Unhurried.open(library).close()
    note = next(library_dir.rglob("*.md"))
    for update in range(4):
        with open(note, "a", encoding="utf-8") as file:
            file.write(f"\n- Another point about zanzibar, number {update}.\n")
        updated = Library.open(library_dir)
        with Unhurried.open(updated) as search_index:
            ix = whoosh_index.open_dir(str(index_dir(search_index)))
            for segment in ix._segments():
                assert segment.deleted_count() * 2 < segment.doc_count_all(), update
            assert search_index.search("zanzibar").hits
