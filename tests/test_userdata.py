"""Your marks on disk: SQLite that survives a killed process, migrates, and never empties itself;
and the Markdown note they export to."""

from __future__ import annotations

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
from index.export_markdown import episode_markdown
from index.model import Episode
from index.userdata import MIGRATIONS, SCHEMA_VERSION, UserData
from tests.seeds import DEFAULT_EPISODE_DIR
from tui.cli import main

EPISODE = DEFAULT_EPISODE_DIR.name


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "userdata.sqlite3"


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
        from index.userdata import UserData
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


def test_an_older_schema_is_migrated_with_its_data(db: Path) -> None:
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
    with pytest.raises(EarmarkError, match="cannot open your marks"):
        UserData.open(db)
    assert db.is_dir() and not list(db.parent.glob("*.damaged-*"))
