"""Your marks on disk: SQLite that survives a killed process, migrates, and never empties itself;
and the Markdown note they export to."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from index.errors import EarmarkError
from index.marks import episode_markdown
from index.marks.userdata import MIGRATIONS, SCHEMA_VERSION, UserData
from index.model import Episode
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.unwritable import no_room_to_write, permissions_hold, unprivileged
from tui.cli import main

EPISODE = DEFAULT_EPISODE_DIR.name


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where the database goes: a folder of its own, so a test sees every file it leaves."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "userdata.sqlite3"


def test_marks_round_trip(db: Path) -> None:
    data = UserData.open(db)
    data.set_position("a", 5)
    data.set_position("b", 2)
    assert (data.position("a"), data.position("b"), data.position("c")) == (5, 2, None)
    assert data.last_episode() == "b"
    data.set_position("a", 6)
    assert data.last_episode() == "a"
    assert data.toggle_bookmark("a", 1) is True
    assert data.toggle_bookmark("a", 1) is False
    data.toggle_bookmark("a", 3)
    data.toggle_bookmark("b", 0)
    assert [(b.episode, b.turn) for b in data.bookmarks()] == [("a", 3), ("b", 0)]
    note = data.add_note("a", 3, "first")
    data.update_note(note.id, "edited")
    (stored,) = data.notes("a")
    assert (stored.text, stored.turn, stored.note_id) == ("edited", 3, f"a/own/{note.id}")
    assert stored.updated >= stored.created
    data.delete_note(note.id)
    assert data.notes() == []
    data.close()


def test_acknowledged_changes_survive_sigkill(db: Path) -> None:
    """A writer is killed while saving as fast as it can; every change it reported as saved
    is there afterwards, and the database opens and checks clean."""
    writer = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from index.marks import UserData
        data = UserData.open(Path({str(db)!r}))
        for i in range(1_000_000):
            data.add_note("ep", i, f"note {{i}}")
            data.toggle_bookmark("ep", i)
            data.set_position("ep", i)
            print(i, flush=True)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    ) as process:
        assert process.stdout is not None
        acknowledged = [int(process.stdout.readline()) for _ in range(150)]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        acknowledged += [int(line) for line in process.stdout.read().split()]
    assert process.returncode == -signal.SIGKILL
    last = acknowledged[-1]

    data = UserData.open(db)
    assert data.notice is None
    assert data._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    notes = {note.turn: note.text for note in data.notes("ep")}
    bookmarks = {bookmark.turn for bookmark in data.bookmarks("ep")}
    assert all(notes[i] == f"note {i}" for i in acknowledged)
    assert set(acknowledged) <= bookmarks
    assert (data.position("ep") or 0) >= last
    # At most the one change in flight when the kill came is beyond what was acknowledged.
    assert len(notes) <= last + 2


def _old_database(db: Path) -> None:
    """Marks as the first earmark wrote them (schema 1): a note and a bookmark."""
    old = sqlite3.connect(db)
    old.executescript(MIGRATIONS[0])
    old.executescript(
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (1);"
        "INSERT INTO notes (episode, turn, text, created) "
        "VALUES ('ep', 4, 'from version 1', '2025-01-02T03:04:05+00:00');"
        "INSERT INTO bookmarks VALUES ('ep', 4, '2025-01-02T03:04:05+00:00');"
    )
    old.commit()
    old.close()


def test_an_older_schema_is_migrated_with_its_data(db: Path) -> None:
    _old_database(db)
    data = UserData.open(db)
    (note,) = data.notes()
    assert (note.text, note.updated) == ("from version 1", "2025-01-02T03:04:05+00:00")
    assert [b.turn for b in data.bookmarks()] == [4]
    version = data._db.execute("SELECT version FROM schema_version").fetchone()[0]
    assert version == SCHEMA_VERSION


def test_a_damaged_database_is_set_aside_not_emptied(db: Path) -> None:
    garbage = b"this is not SQLite " * 100
    db.write_bytes(garbage)
    data = UserData.open(db)
    assert data.notice is not None and "\n" not in data.notice
    assert str(db) in data.notice and "kept as userdata.sqlite3.damaged-" in data.notice
    (aside,) = db.parent.glob("userdata.sqlite3.damaged-*")
    assert aside.read_bytes() == garbage
    data.toggle_bookmark("ep", 1)  # and the new one works
    assert len(data.bookmarks()) == 1


def test_a_newer_schema_is_refused_and_left_alone(db: Path) -> None:
    data = UserData.open(db)
    with data._db:
        data._db.execute("UPDATE schema_version SET version = 99")
    data.close()
    before = db.read_bytes()
    with pytest.raises(EarmarkError, match="newer earmark"):
        UserData.open(db)
    assert db.read_bytes() == before
    assert not list(db.parent.glob("*.damaged-*"))


def test_markdown_note(default_episode: Episode, db: Path) -> None:
    data = UserData.open(db)
    data.toggle_bookmark(EPISODE, 3)
    data.toggle_bookmark(EPISODE, 40)
    data.add_note(EPISODE, 40, "Two lines\nof mine")
    data.add_note(EPISODE, 60, "A note without a bookmark")
    text = episode_markdown(default_episode, data.bookmarks(EPISODE), data.notes(EPISODE))
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == default_episode.title
    assert front["episode"] == EPISODE
    assert "- 00:09:39 Emotions and value functions" in text
    assert "> Another thing that’s crazy is how normal the slow takeoff feels." in text
    assert "Dwarkesh Patel, “Ilya Sutskever" in text and "00:00:14" in text
    assert "## What are we scaling? (00:18:49)" in text
    passage = text.index("> The discussion about value function")
    assert text.index("- Two lines\n  of mine", passage) > passage
    assert "- A note without a bookmark" in text


def test_cli_markdown_export(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0  # makes your library, with the bundled episode
    data = UserData.open()
    data.toggle_bookmark(EPISODE, 3)
    data.add_note(EPISODE, 3, "mine")
    capsys.readouterr()
    assert main(["export", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("---\n") and "> Another thing that’s crazy" in out and "- mine" in out
    assert main(["export", "--format", "markdown", "--episode", "nope"]) == 1
    assert capsys.readouterr().err.startswith("earmark: no episode 'nope' in ")


def test_two_readers_syncing_notes_never_index_one_twice(tmp_path: Path) -> None:
    from index.library import Library
    from index.search import SearchIndex

    library = Library.open(DEFAULT_EPISODE_DIR.parent)
    data = UserData.open(tmp_path / "marks.sqlite3")
    first, second = SearchIndex.open(library), SearchIndex.open(library)
    note = data.add_note(EPISODE, 5, "zebracorn thoughts")
    first.sync_own_notes(library, data.notes())
    second.sync_own_notes(library, data.notes())  # its stamp had not seen the first's sync
    assert [hit.id for hit in second.search("zebracorn").hits] == [note.note_id]
    data.update_note(note.id, "unicorn thoughts")
    second.sync_own_notes(library, data.notes())
    first.sync_own_notes(library, data.notes())
    assert [hit.id for hit in first.search("unicorn").hits] == [note.note_id]
    assert first.search("zebracorn").hits == ()
    data.delete_note(note.id)
    first.sync_own_notes(library, data.notes())
    second.sync_own_notes(library, data.notes())
    assert second.search("kind:own").hits == () and first.search("kind:own").hits == ()
    first.close()
    second.close()


def test_a_database_that_cannot_be_opened_now_is_not_set_aside(db: Path) -> None:
    db.mkdir()  # not a file SQLite can open: an error, not damage
    data = UserData.open(db)
    assert data.notice == (
        f"{db}: your marks cannot be opened (unable to open database file); "
        "new bookmarks and notes are not kept"
    )
    assert data.bookmarks() == [] and data.read_only is not None
    with pytest.raises(EarmarkError, match="your marks cannot be saved"):
        data.toggle_bookmark("ep", 1)
    assert db.is_dir() and not list(db.parent.glob("*.damaged-*"))


# -- damage that SQLite's own check does not see, and marks that cannot be written ------------


def _marks_with_a_note(db: Path) -> UserData:
    data = UserData.open(db)
    data.toggle_bookmark(EPISODE, 3)
    data.add_note(EPISODE, 3, "mine")
    data.set_position(EPISODE, 3)
    return data


def _tamper(db: Path, statement: str) -> None:
    with sqlite3.connect(db) as tampering:
        tampering.execute(statement)
    tampering.close()


@pytest.mark.parametrize(
    ("statement", "damage"),
    [
        ("DROP TABLE notes", "table notes is missing or not as earmark made it"),
        ("ALTER TABLE bookmarks DROP COLUMN created", "table bookmarks is missing"),
        ("UPDATE notes SET turn = 'three'", "table notes holds a value of the wrong type"),
        ("UPDATE positions SET turn = 2.5", "table positions holds a value of the wrong type"),
        ("UPDATE schema_version SET version = 'two'", "its schema version is 'two'"),
        ("DELETE FROM schema_version", "cannot be brought to schema 1"),
    ],
)
def test_a_schema_or_value_earmark_did_not_write_is_damage(
    db: Path, statement: str, damage: str
) -> None:
    _marks_with_a_note(db).close()
    _tamper(db, statement)
    before = db.read_bytes()
    data = UserData.open(db)
    assert data.notice is not None and damage in data.notice and "\n" not in data.notice
    (aside,) = db.parent.glob("userdata.sqlite3.damaged-*")
    assert aside.read_bytes() == before  # kept as it was, for whoever wants to look
    assert data.notes() == [] and data.read_only is None
    data.toggle_bookmark("ep", 1)  # a new database, that works
    assert [b.turn for b in data.bookmarks()] == [1]


def test_a_note_whose_turn_is_a_word_is_one_line_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """What a person saw: `earmark search` raised TypeError in Episode.find_turn."""
    assert main(["list"]) == 0  # makes your library
    db = _marks_with_a_note(UserData.open().path).path
    _tamper(db, "UPDATE notes SET turn = 'three'")
    capsys.readouterr()
    # The damaged marks are set aside: no note of yours is left to find (exit 1, as grep).
    assert main(["search", "kind:own mine", "--json"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "holds a value of the wrong type" in err and "kept as userdata.sqlite3.damaged-" in err


def test_an_empty_database_file_is_damage_not_a_new_database(db: Path) -> None:
    db.write_bytes(b"")
    data = UserData.open(db)
    assert data.notice is not None and "(the file is empty)" in data.notice
    (aside,) = db.parent.glob("userdata.sqlite3.damaged-*")
    assert aside.stat().st_size == 0
    assert db.stat().st_size > 0


@pytest.mark.parametrize("content", [b"\n", b"x"])
def test_a_one_byte_file_is_damage_not_a_new_database(db: Path, content: bytes) -> None:
    """SQLite takes a file of one byte (a newline an editor left) for a new database and writes
    over it: the file was lost without a word (make attack found it)."""
    db.write_bytes(content)
    data = UserData.open(db)
    assert data.notice is not None and "(the file holds 1 of the 100 bytes" in data.notice
    (aside,) = db.parent.glob("userdata.sqlite3.damaged-*")
    assert aside.read_bytes() == content


def test_text_that_is_not_utf8_is_shown_not_a_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A damaged page left bytes that are not UTF-8 in a note and a date: `earmark export` and
    `earmark search` ended in sqlite3.OperationalError (make attack found it)."""
    assert main(["list"]) == 0  # makes your library
    db = _marks_with_a_note(UserData.open().path).path
    _tamper(
        db, "UPDATE notes SET text = CAST(x'6d69ff6e65' AS TEXT), updated = CAST(x'ff' AS TEXT)"
    )
    capsys.readouterr()
    assert main(["export", "--format", "markdown", "--episode", EPISODE]) == 0
    assert "- mi\ufffdne" in capsys.readouterr().out
    assert main(["search", "kind:own", "--json"]) == 0


def test_escape_sequences_in_a_note_are_never_kept_or_shown(db: Path) -> None:
    """A note pasted with an OSC title, or one in a marks file someone else wrote, reached the
    Markdown export and the reader's side pane as it was (make attack found it)."""
    hostile = "\x1b]0;PWN\x07Re\x9b2Jad \u202ethis\r\nand\tthat"
    data = UserData.open(db)
    pasted = data.add_note(EPISODE, 3, hostile)
    assert pasted.text == "Read this\nand\tthat"
    data.update_note(pasted.id, hostile + "!")
    _tamper(db, f"INSERT INTO notes VALUES (9, '{EPISODE}', 4, '{hostile}', '2024', '2024')")
    assert [note.text for note in UserData.open(db).notes()] == [
        "Read this\nand\tthat!",
        "Read this\nand\tthat",
    ]


def test_a_new_database_is_never_an_empty_file(db: Path) -> None:
    """Since an empty file is damage, a new database appears only once it is complete: several
    earmarks opening it for the first time at once all keep what they write."""
    writer = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from index.marks import UserData
        sys.stdin.readline()
        data = UserData.open(Path({str(db)!r}))
        data.add_note("ep", int(sys.argv[1]), "first")
        print(data.notice)
        """
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", writer, str(turn)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for turn in range(4)
    ]
    for process in writers:  # all at once, once every one has started
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    notices = [process.communicate(timeout=60)[0] for process in writers]
    assert notices == ["None\n"] * 4
    assert sorted(note.turn for note in UserData.open(db).notes()) == [0, 1, 2, 3]
    assert [p.name for p in db.parent.iterdir() if "damaged" in p.name or ".new-" in p.name] == []


def test_marks_on_a_full_disk_are_shown_and_not_saved(db: Path) -> None:
    _marks_with_a_note(db).close()
    before = db.read_bytes()
    with no_room_to_write():
        data = UserData.open(db)
    assert data.notice == (
        f"{db}: your marks cannot be saved (disk I/O error); they are shown; "
        "new bookmarks and notes are not kept"
    )
    assert [b.turn for b in data.bookmarks(EPISODE)] == [3]
    assert [n.text for n in data.notes(EPISODE)] == ["mine"]
    with pytest.raises(EarmarkError) as refused:
        data.add_note(EPISODE, 4, "lost?")
    assert str(refused.value) == f"{db}: your marks cannot be saved (disk I/O error)"
    data.set_position(EPISODE, 9)  # where the reader is: kept while earmark runs
    assert data.position(EPISODE) == 9
    assert db.read_bytes() == before


def test_no_marks_and_no_room_leaves_no_file(db: Path) -> None:
    with no_room_to_write():
        data = UserData.open(db)
    assert data.notice is not None and "your marks cannot be opened" in data.notice
    assert data.notes() == [] and data.read_only is not None
    assert list(db.parent.iterdir()) == []  # no empty file that would read as damage later


def test_a_data_folder_that_cannot_be_made_still_gives_marks_to_read(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    data = UserData.open(tmp_path / "data" / "userdata.sqlite3")
    assert data.read_only is not None and data.bookmarks() == []
    assert data.notice is not None and "your marks cannot be opened" in data.notice


def test_a_file_system_without_hard_links_still_gets_a_database(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    data = UserData.open(db)
    assert data.notice is None and data.read_only is None
    data.toggle_bookmark("ep", 2)
    assert [p.name for p in db.parent.iterdir() if not p.name.startswith(db.name)] == []


_READ_MARKS = """
import json, sys
from pathlib import Path
from index.errors import EarmarkError
from index.marks import UserData
data = UserData.open(Path(sys.argv[1]))
try:
    data.toggle_bookmark("other", 1)
    refused = None
except EarmarkError as error:
    refused = str(error)
notes = [(n.turn, n.text, n.updated) for n in data.notes()]
print(json.dumps({"notice": data.notice, "notes": notes, "refused": refused}))
"""


@pytest.mark.parametrize("unwritable", ["folder", "file", "folder of an old database"])
def test_marks_that_cannot_be_written_are_read(db: Path, unwritable: str) -> None:
    if not permissions_hold():
        pytest.skip("root's file capabilities cannot be dropped here (no CAP_SETPCAP)")
    if unwritable == "folder of an old database":  # migrated in memory, not on disk
        _old_database(db)
    else:
        _marks_with_a_note(db).close()
    before = db.read_bytes()
    locked = db.parent if unwritable.startswith("folder") else db
    locked.chmod(0o555 if locked.is_dir() else 0o444)
    try:
        run = unprivileged([sys.executable, "-c", _READ_MARKS, str(db)], timeout=60)
    finally:
        locked.chmod(0o755 if locked.is_dir() else 0o644)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["notice"].startswith(f"{db}: your marks cannot be saved (")
    assert shown["notice"].endswith("); they are shown; new bookmarks and notes are not kept")
    assert [text for _turn, text, _updated in shown["notes"]] in (["mine"], ["from version 1"])
    assert shown["refused"].startswith(f"{db}: your marks cannot be saved (")
    assert db.read_bytes() == before


def test_a_damaged_database_in_a_read_only_folder_is_left_and_said(db: Path) -> None:
    if not permissions_hold():
        pytest.skip("root's file capabilities cannot be dropped here (no CAP_SETPCAP)")
    db.write_bytes(b"this is not SQLite " * 100)
    db.parent.chmod(0o555)
    try:
        run = unprivileged([sys.executable, "-c", _READ_MARKS, str(db)], timeout=60)
    finally:
        db.parent.chmod(0o755)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["notice"].startswith(f"{db} could not be read (file is not a database) and ")
    assert "cannot be set aside" in shown["notice"] and shown["notes"] == []
    assert shown["refused"] is not None
    assert db.read_bytes() == b"this is not SQLite " * 100
