"""Library.open: the shapes of a library, caching by fingerprint, bad files that don't stop it."""

import os
import shutil
from pathlib import Path

import pytest

import index
import index.formats
import index.library.episodes
from index.errors import EarmarkError
from index.formats import parse_file
from index.library import Library, list_folders
from index.library.cache import EpisodeCache, code_files
from index.paths import cache_dir
from tests.seeds import DEFAULT_EPISODE_DIR, with_an_unreadable_episode


@pytest.fixture
def parse_counter(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Records every file the library parses (instead of reading from its cache)."""
    parsed: list[Path] = []

    def counting_parse_file(path: Path, format_name: str | None = None):
        parsed.append(path)
        return parse_file(path, format_name)

    monkeypatch.setattr(index.formats, "parse_file", counting_parse_file)
    return parsed


def test_open_a_folder_of_episode_folders() -> None:
    library = Library.open(DEFAULT_EPISODE_DIR.parent)
    assert [info.id for info in library.infos] == ["ilya-sutskever-2025-11"]
    info = library.infos[0]
    assert (info.turn_count, info.note_count, len(info.chapters)) == (133, 76, 10)
    assert sorted(p.name for p in info.sources) == sorted(
        p.name for p in DEFAULT_EPISODE_DIR.iterdir()
    )
    assert library.problems == ()


def test_open_one_episode_folder() -> None:
    library = Library.open(DEFAULT_EPISODE_DIR)
    assert [info.id for info in library.infos] == ["ilya-sutskever-2025-11"]
    assert len(library.episode("ilya-sutskever-2025-11").turns) == 133


def test_open_one_file() -> None:
    library = Library.open(DEFAULT_EPISODE_DIR / "obsidian-note.md")
    (episode,) = library.episodes
    assert episode.id == "obsidian-note"
    assert episode.turns == () and len(episode.notes) == 13
    assert episode.notes[0].id == "obsidian-note/n/obsidian-note/0"


def test_ids_are_stable_and_qualified(default_episode) -> None:
    ids = [note.id for note in default_episode.notes]
    assert len(set(ids)) == len(ids)
    assert "ilya-sutskever-2025-11/n/transcript-page/0" in ids
    assert default_episode.turn_id(default_episode.turns[5]) == "ilya-sutskever-2025-11/t/5"


def test_loose_files_beside_episode_folders_are_episodes_of_their_own(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_EPISODE_DIR, tmp_path / "Episode One")
    shutil.copy(DEFAULT_EPISODE_DIR / "takeaways-thread.txt", tmp_path / "thread.txt")
    library = Library.open(tmp_path)
    assert [info.id for info in library.infos] == ["episode-one", "thread"]


def test_missing_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(EarmarkError, match="no such file or folder"):
        Library.open(tmp_path / "nowhere")


def test_bad_files_are_reported_and_the_rest_loads(episode_copy: Path) -> None:
    (episode_copy / "empty.txt").write_bytes(b"")
    (episode_copy / "binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (episode_copy / "shopping.txt").write_text("eggs\nmilk\n", encoding="utf-8")
    library = Library.open(episode_copy.parent)
    problems = "\n".join(library.problems)
    assert len(library.problems) == 3
    assert f"{episode_copy / 'empty.txt'}: empty file" in problems
    assert f"{episode_copy / 'binary.bin'}: binary file" in problems
    assert f"{episode_copy / 'shopping.txt'}: not a format earmark reads" in problems
    assert all("\n" not in problem for problem in library.problems)
    (episode,) = library.episodes
    assert len(episode.turns) == 133 and len(episode.notes) == 76


def test_undecodable_bytes_are_read_and_reported(episode_copy: Path) -> None:
    note = episode_copy / "obsidian-note.md"
    note.write_bytes(note.read_bytes().replace(b"Ilya argues", b"Ilya \xe9argues"))
    library = Library.open(episode_copy)
    assert any(str(note) in p and "not UTF-8" in p for p in library.problems)
    (episode,) = library.episodes
    assert any("Ilya éargues" in n.text for n in episode.notes)


def test_unchanged_library_is_not_parsed_again(
    episode_copy: Path, parse_counter: list[Path]
) -> None:
    Library.open(episode_copy.parent)
    assert len(parse_counter) == 4
    parse_counter.clear()
    library = Library.open(episode_copy.parent)
    assert parse_counter == []
    assert len(library.episode("ilya-sutskever-2025-11").turns) == 133
    assert parse_counter == []  # the whole episode came from the cache too


def test_an_info_read_from_the_cache_has_the_chapters_and_sources_parsed(
    episode_copy: Path, parse_counter: list[Path]
) -> None:
    """The cache keeps an episode's chapters and source files as plain values (opening a
    large library made thousands of objects): they come back as the parse gave them."""
    parsed = Library.open(episode_copy.parent)
    episode = parsed.episode("ilya-sutskever-2025-11")
    parse_counter.clear()
    (info,) = Library.open(episode_copy.parent).infos
    assert parse_counter == []  # from the cache
    assert info.chapters == episode.chapters and len(info.chapters) == 10
    assert info.chapters[7].title == episode.chapters[7].title
    assert [info.chapter_title(c.index) for c in episode.chapters] == [
        c.title for c in episode.chapters
    ]
    assert info.chapter_title(10) is None and info.chapter_title(-1) is None
    assert info.chapter_title(None) is None
    assert info.sources == episode.sources and all(path.is_file() for path in info.sources)


def test_changed_source_is_parsed_again(episode_copy: Path, parse_counter: list[Path]) -> None:
    Library.open(episode_copy.parent)
    thread = episode_copy / "takeaways-thread.txt"
    thread.write_text(thread.read_text(encoding="utf-8").replace("6M views", "7M views"), "utf-8")
    os.utime(thread, ns=(1, 1))  # a different mtime whatever the clock's resolution
    parse_counter.clear()
    library = Library.open(episode_copy.parent)
    assert thread in parse_counter
    assert any("7M views" in n.text for n in library.episodes[0].notes)


def test_the_cache_is_of_this_version_of_every_module_below_the_ui() -> None:
    """An entry's fingerprint hashes every module of `index` (a new parser or linker reads
    every episode again): the parsers and the linking are rooms of their own beside the
    cache's, and were left out once."""
    package = Path(index.__file__).parent
    hashed = {path.relative_to(package).as_posix() for path in code_files()}
    assert {
        "analysis.py",
        "formats/transcript_page.py",
        "library/episodes.py",
        "linking/related.py",
    } <= hashed


def test_damaged_cache_is_ignored(episode_copy: Path, earmark_home: Path) -> None:
    Library.open(episode_copy.parent)
    for entry in (earmark_home / "cache").rglob("*.pickle"):
        entry.write_bytes(b"\x80\x05garbage")
    library = Library.open(episode_copy.parent)
    assert len(library.episodes[0].turns) == 133


def test_episode_toml_names_title_and_formats(episode_copy: Path) -> None:
    # A note that sniffs as nothing, given its format by the episode file.
    (episode_copy / "plain.txt").write_text("- **Point:** said at 9:40\n", encoding="utf-8")
    (episode_copy / "episode.toml").write_text(
        'title = "My title"\n[formats]\n"plain.txt" = "obsidian-note"\n', encoding="utf-8"
    )
    library = Library.open(episode_copy.parent)
    assert library.problems == ()
    (episode,) = library.episodes
    assert episode.title == "My title"
    assert any(n.title == "Point" and n.times[0].start == 580 for n in episode.notes)


def test_cache_lives_under_earmark_home(episode_copy: Path, earmark_home: Path) -> None:
    Library.open(episode_copy.parent)
    assert list((earmark_home / "cache").rglob("*.pickle"))


def test_explicit_cache(tmp_path: Path) -> None:
    cache = EpisodeCache(tmp_path / "elsewhere")
    Library.open(DEFAULT_EPISODE_DIR, cache=cache)
    assert list((tmp_path / "elsewhere").rglob("*.pickle"))


def test_ids_are_made_and_read_back_in_one_place() -> None:
    from index.model import ItemId, chapter_id, note_id, own_note_id, turn_id

    assert turn_id("ep", 5) == "ep/t/5" and chapter_id("ep", 2) == "ep/c/2"
    assert note_id("ep", "obsidian-note", "7") == "ep/n/obsidian-note/7"
    assert own_note_id("ep", 3) == "ep/own/3"
    assert ItemId.parse("ep/t/5") == ItemId("ep", "t", "5") and ItemId.parse("ep/t/5").number == 5
    assert ItemId.parse("ep/n/obsidian-note/7") == ItemId("ep", "n", "obsidian-note/7")
    assert ItemId.parse("ep/n/obsidian-note/7").number is None
    assert ItemId.parse("ep/own/3").number == 3
    assert [ItemId.parse(bad) for bad in ("", "ep", "ep/x/1", "ep/t/", "/t/1")] == [None] * 5


def test_a_library_keeps_only_the_last_episodes_it_loaded(tmp_path: Path) -> None:
    """Opening and reading every episode of a big library (as an index rebuild does) must not
    keep the whole parsed library in memory: the episodes read long ago are let go."""
    import gc

    from index.library.episodes import EPISODES_KEPT
    from index.model import Episode

    count = 20
    for number in range(count):
        folder = tmp_path / f"episode {number}"
        folder.mkdir()
        (folder / "talk.vtt").write_text(
            f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Episode {number} begins.\n",
            encoding="utf-8",
        )
    library = Library.open(tmp_path)
    for info in library.infos:
        assert library.episode(info.id).title
    gc.collect()
    alive = {o.id for o in gc.get_objects() if isinstance(o, Episode)}
    held = alive & {info.id for info in library.infos}
    assert len(library.infos) == count
    assert library.infos[0].id not in held
    assert len(held) <= EPISODES_KEPT < count
    # One let go loads again, the same episode.
    first = library.infos[0]
    assert library.episode(first.id).id == first.id


@pytest.mark.cold
def test_new_episodes_parsed_in_worker_processes_are_those_parsed_here(
    tmp_path: Path, two_episodes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.library.parallel as parallel

    root = with_an_unreadable_episode(two_episodes_dir, tmp_path / "library")
    here = Library.open(root, cache=EpisodeCache(tmp_path / "here"))
    monkeypatch.setattr(parallel, "POOL_FROM_BYTES", 0)
    seen: list[tuple[int, int]] = []
    pooled = Library.open(
        root, cache=EpisodeCache(tmp_path / "pooled"), progress=lambda *p: seen.append(p)
    )
    assert [info.id for info in pooled.infos] == ["episode-0000", "episode-0001"]
    assert pooled.infos == here.infos
    assert pooled.problems == here.problems
    (problem,) = pooled.problems
    assert problem.startswith(f"{root / 'episode-0000-b' / 'shopping.txt'}: not a format earmark")
    assert seen == [(1, 3), (2, 3), (3, 3)]
    # The workers wrote each episode to the cache: it loads from there, the same episode.
    assert pooled.episode("episode-0001") == here.episode("episode-0001")


@pytest.mark.cold
def test_a_library_read_in_two_passes_places_its_notes_after(
    tmp_path: Path, two_episodes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader's way with a new library: every episode parsed with its notes left, then
    the notes placed, in worker processes as at scale: the episodes read in one pass."""
    import index.library.parallel as parallel

    one_pass = Library.open(two_episodes_dir, cache=EpisodeCache(tmp_path / "one"))
    store = EpisodeCache(tmp_path / "two")
    library = Library.open(two_episodes_dir, cache=store, later=True)
    monkeypatch.setattr(parallel, "POOL_FROM_BYTES", 0)
    reads = list(library.read_unread(place=False))
    library.add(*reads)
    cached = {read.key: read.info.fingerprint for read in reads if read.info}
    assert len(cached) == 2
    assert not any(store.episode(key, found).notes_placed for key, found in cached.items())
    assert list(library.place_notes(cached)) == list(cached)
    assert all(store.episode(key, found).notes_placed for key, found in cached.items())
    for info in library.infos:
        episode = library.episode(info.id)
        assert episode == one_pass.episode(info.id)
        assert any(note.related for note in episode.notes)


@pytest.mark.cold
def test_an_episode_asked_for_before_its_notes_are_placed_is_placed_then(
    tmp_path: Path, two_episodes_dir: Path
) -> None:
    store = EpisodeCache(tmp_path / "cache")
    library = Library.open(two_episodes_dir, cache=store, later=True)
    (read, *_) = reads = list(library.read_unread(place=False))
    library.add(*reads)
    assert read.info is not None
    episode = library.episode(read.info.id)
    assert episode.notes_placed and any(note.related for note in episode.notes)
    assert store.episode(read.key, read.info.fingerprint) == episode  # kept placed


def test_a_library_opened_for_later_parses_only_what_it_is_asked(
    tmp_path: Path, two_episodes_dir: Path, parse_counter: list[Path]
) -> None:
    root = with_an_unreadable_episode(two_episodes_dir, tmp_path / "library")
    library = Library.open(root, later=True)
    assert library.infos == () and parse_counter == []
    assert library.unread == ("episode-0000", "episode-0000-b", "episode-0001")
    library.read("episode-0001")
    assert [info.id for info in library.infos] == ["episode-0001"]
    assert library.unread == ("episode-0000", "episode-0000-b")
    library.add(*library.read_unread())
    assert [info.id for info in library.infos] == ["episode-0000", "episode-0001"]
    assert len(library.problems) == 1 and library.unread == ()
    library.save()
    parse_counter.clear()
    again = Library.open(root, later=True)
    # Started from the manifest: the folders are not listed, nothing is unread until they are.
    assert not again.listed and again.unread == () and again.infos == library.infos
    assert again.take(list_folders(again.root)) == ()
    # The unreadable episode is tried again; the others come from the cache.
    assert again.unread == ("episode-0000-b",) and again.infos == library.infos
    assert [path.name for path in parse_counter] == []


def test_a_library_started_from_its_manifest_lists_no_folder(
    two_episodes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = Library.open(two_episodes_dir)

    def no_listing(root: Path, problems: list[str]) -> None:
        raise AssertionError(f"{root} was listed")

    monkeypatch.setattr(index.library.episodes, "_episode_folders", no_listing)
    started = Library.open(two_episodes_dir, later=True)
    assert not started.listed and started.infos == whole.infos
    assert started.episode("episode-0001") == whole.episode("episode-0001")


def _read_copy(two_episodes_dir: Path, tmp_path: Path) -> Path:
    """A copy of the two episodes, both read: the cache's manifest lists them."""
    root = tmp_path / "library"
    shutil.copytree(two_episodes_dir, root)
    Library.open(root)
    return root


def _add_a_point(episode: Path) -> None:
    with open(episode / "obsidian-note.md", "a", encoding="utf-8") as note:
        note.write("\n- A point about zanzibar made since.\n")


def test_a_listing_taken_finds_what_changed_went_and_came(
    tmp_path: Path, two_episodes_dir: Path
) -> None:
    root = _read_copy(two_episodes_dir, tmp_path)
    library = Library.open(root, later=True)
    before = library.episode("episode-0000")
    _add_a_point(root / "episode-0000")
    shutil.rmtree(root / "episode-0001")
    shutil.copytree(root / "episode-0000", root / "episode-0002")
    assert library.take(list_folders(library.root)) == ("episode-0000", "episode-0001")
    assert library.listed and library.infos == ()
    assert library.unread == ("episode-0000", "episode-0002")
    library.add(*library.read_unread())
    assert [info.id for info in library.infos] == ["episode-0000", "episode-0002"]
    after = library.episode("episode-0000")
    assert after != before and any("zanzibar made since" in n.text for n in after.notes)
    assert library.take(list_folders(library.root)) == ()  # nothing changed since


def test_the_episode_shown_first_is_checked_before_the_folders_are_listed(
    tmp_path: Path, two_episodes_dir: Path
) -> None:
    root = _read_copy(two_episodes_dir, tmp_path)
    _add_a_point(root / "episode-0000")
    library = Library.open(root, later=True)
    assert library.first_readable() == "episode-0000"
    assert any("zanzibar made since" in n.text for n in library.episode("episode-0000").notes)
    assert library.take(list_folders(library.root)) == ()  # read as it is now already
    shutil.rmtree(root / "episode-0000")
    assert Library.open(root, later=True).first_readable("episode-0000") == "episode-0001"


def test_a_manifest_of_another_shape_is_not_started_from(two_episodes_dir: Path) -> None:
    whole = Library.open(two_episodes_dir)
    store = EpisodeCache(cache_dir())
    infos_only = {key: entry[1] for key, entry in store.manifest(whole.root).items()}
    store.save_manifest(whole.root, infos_only)  # as an earlier earmark wrote it
    again = Library.open(two_episodes_dir, later=True)
    # Listed, and read again as after any new version of earmark (its code is in fingerprints).
    assert again.listed and again.infos == ()
    assert again.unread == ("episode-0000", "episode-0001")


@pytest.mark.cold
def test_reading_stopped_part_way_leaves_the_rest_for_the_next_open(
    tmp_path: Path, two_episodes_dir: Path
) -> None:
    library = Library.open(two_episodes_dir, later=True)
    reads = library.read_unread(stop=lambda: bool(library.infos))
    library.add(next(reads))
    assert list(reads) == []
    library.save()
    again = Library.open(two_episodes_dir, later=True)
    assert again.take(list_folders(again.root)) == ()
    assert again.unread == ("episode-0001",)
    assert [info.id for info in Library.open(two_episodes_dir).infos] == [
        "episode-0000",
        "episode-0001",
    ]


@pytest.mark.cold
def test_the_first_episode_read_when_nothing_else_is_unread_is_kept(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_EPISODE_DIR, tmp_path / "only")
    library = Library.open(tmp_path, later=True)
    assert library.first_readable() == "only" and library.unread == ()
    assert Library.open(tmp_path, later=True).unread == ()  # no worker: read now, and kept


def test_a_file_is_written_whole_or_left_as_it_was(tmp_path: Path) -> None:
    from index.files import write_whole

    folder = tmp_path / "export"
    folder.mkdir()
    target = folder / "notes.md"
    write_whole(target, b"old")
    with pytest.raises(OSError):
        write_whole(folder / "no-such-folder" / "notes.md", b"new")

    class Interrupted(Exception):
        pass

    def interrupted(*args: object) -> None:
        raise Interrupted

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("index.files.os.replace", interrupted)
        with pytest.raises(Interrupted):
            write_whole(target, b"new", durable=True)
    assert target.read_bytes() == b"old" and sorted(p.name for p in folder.iterdir()) == [
        "notes.md"
    ]
