"""The reader's own marks: reading positions, bookmarks and notes, kept in SQLite.

    data = UserData.open()                    # data_dir()/userdata.sqlite3
    data.set_position("ep", 12); data.position("ep")  -> 12; data.last_episode() -> "ep"
    data.toggle_bookmark("ep", 12) -> True    # bookmarked now
    note = data.add_note("ep", 12, "text")
    data.update_note(note.id, "new"); data.delete_note(note.id)

Everything is keyed by the model's stable ids, the episode id and the turn index, never by a
scroll offset, so marks survive re-wrapping and re-parsing. Every change is one transaction,
committed before the call returns (WAL, ``synchronous=FULL``): what a call acknowledged survives a
killed process. A database from an older schema is migrated in place; one that SQLite cannot read
is renamed aside (``….damaged-<time>``) with a one-line `notice`, never emptied.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.errors import EarmarkError
from index.model import Episode, Link, Note
from index.paths import data_dir

FILE_NAME = "userdata.sqlite3"
OWN_SOURCE = "Your note"
OWN_LINK_SCORE = 1.0

# Each migration takes the schema from its index to the next version; the version is their count.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE positions (
        episode TEXT PRIMARY KEY,
        turn INTEGER NOT NULL,
        read_at TEXT NOT NULL
    );
    CREATE TABLE bookmarks (
        episode TEXT NOT NULL,
        turn INTEGER NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (episode, turn)
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        episode TEXT NOT NULL,
        turn INTEGER NOT NULL,
        text TEXT NOT NULL,
        created TEXT NOT NULL
    );
    """,
    # 2: a note remembers when it was last edited (its index entry is refreshed by it).
    """
    ALTER TABLE notes ADD COLUMN updated TEXT;
    UPDATE notes SET updated = created;
    CREATE INDEX notes_by_episode ON notes (episode, turn);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True, slots=True)
class EpisodeMarks:
    """Everything user data holds about one episode, read in one go when it is opened."""

    position: int | None
    bookmarks: tuple[int, ...]
    notes: tuple[OwnNote, ...]


@dataclass(frozen=True, slots=True)
class Bookmark:
    episode: str
    turn: int
    created: str


_NOTE_COLUMNS = "id, episode, turn, text, created, updated"  # OwnNote's fields, in order


@dataclass(frozen=True, slots=True)
class OwnNote:
    """A note the reader wrote about one turn."""

    id: int
    episode: str
    turn: int
    text: str
    created: str
    updated: str

    @property
    def note_id(self) -> str:
        """Its id among the model's notes (search hits, the side pane)."""
        return f"{self.episode}/own/{self.id}"

    @property
    def day(self) -> str:
        """The day it was last edited, ``YYYY-MM-DD``."""
        return self.updated[:10]

    def as_note(self, episode: Episode) -> Note:
        """The note as the side pane and the search index take notes: linked to its turn."""
        turn = episode.find_turn(self.turn)
        related = (
            (Link(turn.index, turn.chapter, OWN_LINK_SCORE, "yours"),) if turn is not None else ()
        )
        return Note(
            id=self.note_id,
            kind="own",
            source=OWN_SOURCE,
            text=self.text,
            date=self.day,
            related=related,
        )


class UserData:
    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None) -> None:
        self._db = connection
        self.path = path
        self.notice = notice

    @classmethod
    def open(cls, path: Path | None = None) -> UserData:
        path = path or data_dir() / FILE_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise EarmarkError(f"{path.parent}: cannot make the data folder: {error}") from None
        notice = None
        try:
            connection = _connect(path)
        except EarmarkError as error:
            raise EarmarkError(f"{path}: {error}") from None
        except sqlite3.DatabaseError as error:
            if not _damaged(error):  # locked, unreadable, disk full: not ours to set aside
                raise EarmarkError(f"{path}: cannot open your marks: {error}") from None
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            _move_aside(path, aside)
            notice = f"{path} could not be read ({error}); kept as {aside.name}, started anew"
            connection = _connect(path)
        return cls(connection, path, notice)

    def close(self) -> None:
        self._db.close()

    def episode_marks(self, episode: str) -> EpisodeMarks:
        """The position, bookmarks and notes of an episode: what opening it needs, in one call."""
        return EpisodeMarks(
            self.position(episode),
            tuple(bookmark.turn for bookmark in self.bookmarks(episode)),
            tuple(self.notes(episode)),
        )

    # -- reading position ----------------------------------------------------------------------

    def position(self, episode: str) -> int | None:
        row = self._db.execute("SELECT turn FROM positions WHERE episode = ?", (episode,))
        found = row.fetchone()
        return found[0] if found else None

    def set_position(self, episode: str, turn: int) -> None:
        with self._change() as db:
            db.execute(
                "INSERT INTO positions VALUES (?, ?, ?) ON CONFLICT (episode) "
                "DO UPDATE SET turn = excluded.turn, read_at = excluded.read_at",
                (episode, turn, _now()),
            )

    def last_episode(self) -> str | None:
        row = self._db.execute("SELECT episode FROM positions ORDER BY read_at DESC LIMIT 1")
        found = row.fetchone()
        return found[0] if found else None

    # -- bookmarks -----------------------------------------------------------------------------

    def bookmarks(self, episode: str | None = None) -> list[Bookmark]:
        rows = self._of_episode("SELECT episode, turn, created FROM bookmarks", episode, "turn")
        return [Bookmark(*row) for row in rows]

    def toggle_bookmark(self, episode: str, turn: int) -> bool:
        """Bookmark the turn, or remove its bookmark; True when it is bookmarked now."""
        with self._change() as db:
            removed = db.execute(
                "DELETE FROM bookmarks WHERE episode = ? AND turn = ?", (episode, turn)
            ).rowcount
            if not removed:
                db.execute("INSERT INTO bookmarks VALUES (?, ?, ?)", (episode, turn, _now()))
        return not removed

    def delete_bookmark(self, episode: str, turn: int) -> None:
        with self._change() as db:
            db.execute("DELETE FROM bookmarks WHERE episode = ? AND turn = ?", (episode, turn))

    # -- own notes -----------------------------------------------------------------------------

    def notes(self, episode: str | None = None) -> list[OwnNote]:
        rows = self._of_episode(f"SELECT {_NOTE_COLUMNS} FROM notes", episode, "turn, id")
        return [OwnNote(*row) for row in rows]

    def note(self, note_id: int) -> OwnNote | None:
        row = self._db.execute(
            f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)
        ).fetchone()
        return OwnNote(*row) if row else None

    def add_note(self, episode: str, turn: int, text: str) -> OwnNote:
        now = _now()
        with self._change() as db:
            cursor = db.execute(
                "INSERT INTO notes (episode, turn, text, created, updated) VALUES (?, ?, ?, ?, ?)",
                (episode, turn, text, now, now),
            )
        return OwnNote(cursor.lastrowid or 0, episode, turn, text, now, now)

    def update_note(self, note_id: int, text: str) -> None:
        with self._change() as db:
            db.execute(
                "UPDATE notes SET text = ?, updated = ? WHERE id = ?", (text, _now(), note_id)
            )

    def delete_note(self, note_id: int) -> None:
        with self._change() as db:
            db.execute("DELETE FROM notes WHERE id = ?", (note_id,))

    def _of_episode(self, select: str, episode: str | None, order: str) -> sqlite3.Cursor:
        """The rows of one episode in ``order``, or of every episode (by episode first)."""
        if episode is None:
            return self._db.execute(f"{select} ORDER BY episode, {order}")
        return self._db.execute(f"{select} WHERE episode = ? ORDER BY {order}", (episode,))

    @contextmanager
    def _change(self) -> Iterator[sqlite3.Connection]:
        """One transaction, committed (and synced) when the block ends, rolled back if it fails."""
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as error:
            raise EarmarkError(f"{self.path}: could not save: {error}") from None


def _connect(path: Path) -> sqlite3.Connection:
    """Open the database, set it up or migrate it; raises sqlite3.DatabaseError when damaged."""
    connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _Damaged("the integrity check failed")
        _migrate(connection)
    except (sqlite3.DatabaseError, EarmarkError):
        connection.close()
        raise
    # From here on, each `with connection:` block is one transaction.
    connection.isolation_level = "DEFERRED"
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if version > SCHEMA_VERSION:  # not damaged: left as it is for the earmark that made it
        raise EarmarkError(f"made by a newer earmark (schema {version}); not changed")
    for number in range(version, SCHEMA_VERSION):
        # executescript commits what is pending; BEGIN inside makes each step all-or-nothing.
        try:
            connection.executescript(
                f"BEGIN; {MIGRATIONS[number]}; DELETE FROM schema_version; "
                f"INSERT INTO schema_version VALUES ({number + 1}); COMMIT;"
            )
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


class _Damaged(sqlite3.DatabaseError):
    """The file is a database whose contents SQLite finds corrupt."""


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is bad (not a database, corrupt), as opposed to a database that
    cannot be opened now (locked, read-only, no room), which must be left as it is."""
    name = getattr(error, "sqlite_errorname", "")
    return isinstance(error, _Damaged) or name in ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def _move_aside(path: Path, aside: Path) -> None:
    """The damaged database and its WAL files, renamed together."""
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists():
            part.rename(aside.with_name(aside.name + suffix))


def _now() -> str:
    """UTC, to the microsecond: the last episode read is the latest position saved."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
