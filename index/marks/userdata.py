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

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from index.errors import EarmarkError
from index.model import Episode, Link, Note, own_note_id
from index.paths import data_dir
from index.text import strip_controls

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
# SQLite's file header: a shorter file is no database (SQLite takes one of 0 or 1 byte for a new,
# empty one and would write over it).
HEADER_BYTES = 100


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
        return own_note_id(self.episode, self.id)

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
    """The marks in one database. ``notice`` is one line the reader should see once (a damaged
    file set aside, marks that cannot be saved); ``read_only`` says why changes cannot be
    saved, None when they can."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        notice: str | None,
        read_only: str | None = None,
    ) -> None:
        self._db = connection
        self.path = path
        self.notice = notice
        self.read_only = read_only

    @classmethod
    def open(cls, path: Path | None = None) -> UserData:
        """The marks at ``path``. Whatever is wrong with the file or its folder, this returns
        marks to read (raising only for a database made by a newer earmark): a damaged file is
        set aside and started anew; one that cannot be written now (a read-only or full folder,
        a locked or read-only file) is read as it is, and changes are refused."""
        path = path or data_dir() / FILE_NAME
        try:
            return cls(_open_writable(path), path, None)
        except EarmarkError as error:
            raise EarmarkError(f"{path}: {error}") from None
        except sqlite3.DatabaseError as error:
            if _damaged(error):
                return cls._set_aside(path, error)
            reason = str(error)
        except (sqlite3.Error, OSError) as error:
            reason = _reason(error)
        return cls._read_only(path, reason)

    @classmethod
    def _set_aside(cls, path: Path, damage: sqlite3.DatabaseError) -> UserData:
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            _move_aside(path, aside)
            connection = _open_writable(path)
        except (sqlite3.Error, OSError) as error:  # not even that may be written
            return cls._read_only(path, _reason(error), damage=str(damage))
        notice = f"{path} could not be read ({damage}); kept as {aside.name}, started anew"
        return cls(connection, path, notice)

    @classmethod
    def _read_only(cls, path: Path, reason: str, damage: str | None = None) -> UserData:
        """The marks as they are on disk, copied into memory (migrated there if the file is of
        an older schema); empty when the file cannot be read at all."""
        snapshot, copied = _memory(), False
        if damage is None:
            try:
                copied = _copy_read_only(path, snapshot)
                if copied:
                    _set_up(snapshot)
            except EarmarkError as error:
                raise EarmarkError(f"{path}: {error}") from None
            except sqlite3.DatabaseError as error:  # damaged, and not to be set aside from here
                copied, damage = False, str(error)
        if not copied:  # anything half-copied goes: the marks start empty
            snapshot.close()
            snapshot = _memory()
            _set_up(snapshot)
        snapshot.isolation_level = "DEFERRED"
        if damage is not None:
            what = f"{path} could not be read ({damage}) and cannot be set aside ({reason})"
        elif copied:
            what = f"{path}: your marks cannot be saved ({reason}); they are shown"
        else:
            what = f"{path}: your marks cannot be opened ({reason})"
        notice = f"{what}; new bookmarks and notes are not kept"
        return cls(snapshot, path, notice, read_only=reason)

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
        """Where the reader is; with read-only marks, kept until earmark quits."""
        with self._change(this_session_only=True) as db:
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
        text = strip_controls(text)  # pasted text may hold escape sequences
        now = _now()
        with self._change() as db:
            cursor = db.execute(
                "INSERT INTO notes (episode, turn, text, created, updated) VALUES (?, ?, ?, ?, ?)",
                (episode, turn, text, now, now),
            )
        return OwnNote(cursor.lastrowid or 0, episode, turn, text, now, now)

    def update_note(self, note_id: int, text: str) -> None:
        text = strip_controls(text)
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
    def _change(self, *, this_session_only: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction, committed (and synced) when the block ends, rolled back if it fails.
        Read-only marks refuse it, unless it is kept for ``this_session_only`` (in memory)."""
        if self.read_only is not None and not this_session_only:
            raise EarmarkError(f"{self.path}: your marks cannot be saved ({self.read_only})")
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as error:
            raise EarmarkError(f"{self.path}: could not save: {error}") from None


def _open_writable(path: Path) -> sqlite3.Connection:
    """The database at ``path``, made if missing, set up, checked and known to take writes;
    raises sqlite3.Error or OSError when it cannot be (sqlite3.DatabaseError when damaged)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        _create(path)
    else:
        if size < HEADER_BYTES and path.is_file():  # SQLite would write a new database over it
            if size == 0:
                raise _Damaged("the file is empty")
            raise _Damaged(
                f"the file holds {size} of the {HEADER_BYTES} bytes a database starts with"
            )
    connection = _connect(path)
    try:
        # The file may open read-only without a word (its permissions): a write, undone, says.
        connection.executescript(
            "BEGIN IMMEDIATE; UPDATE schema_version SET version = version; ROLLBACK;"
        )
    except sqlite3.Error:
        connection.close()
        raise
    # From here on, each `with connection:` block is one transaction.
    connection.isolation_level = "DEFERRED"
    return connection


def _create(path: Path) -> None:
    """A new database, made complete under a hidden name and then linked into place, so that a
    file at ``path`` is never a half-made one (and an empty file there is damage, not new)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    os.close(handle)
    made = Path(name)
    try:
        _connect(made).close()  # the last connection to close folds its WAL into the file
        try:
            os.link(made, path)
        except FileExistsError:  # another earmark made it first: theirs is used
            pass
        except OSError:  # a file system without hard links (exFAT)
            if not path.exists():
                os.replace(made, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            made.with_name(made.name + suffix).unlink(missing_ok=True)


def _connect(path: Path) -> sqlite3.Connection:
    """Open the database, set it up or migrate it, and check it; raises sqlite3.DatabaseError
    when damaged."""
    connection = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
    connection.text_factory = _text
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        _set_up(connection)
    except (sqlite3.Error, EarmarkError):
        connection.close()
        raise
    return connection


def _reason(error: sqlite3.Error | OSError) -> str:
    """Why a file could not be written, in a few words (an OSError's without its path)."""
    return getattr(error, "strerror", None) or str(error)


def _memory() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    connection.text_factory = _text
    return connection


def _text(value: bytes) -> str:
    """A text value as read: bytes that are not UTF-8 (a damaged page) shown as U+FFFD, not an
    error; escape sequences and controls (in a file earmark did not write) removed."""
    return strip_controls(value.decode("utf-8", "replace"))


def _copy_read_only(path: Path, snapshot: sqlite3.Connection) -> bool:
    """Copy the database at ``path`` into ``snapshot`` without writing anything; False when it
    cannot be read. A WAL database in a folder where its shared-memory file cannot be made
    opens only as immutable (its last checkpoint)."""
    if not path.is_file():
        return False
    for mode in ("mode=ro", "mode=ro&immutable=1"):
        source = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True)
        try:
            source.backup(snapshot)
            return True
        except sqlite3.DatabaseError as error:
            if _damaged(error):
                raise
        except sqlite3.Error:
            pass
        finally:
            source.close()
    return False


def _set_up(connection: sqlite3.Connection) -> None:
    """Check, migrate and validate an open database: what is read from it later is what the
    code expects (SQLite itself would store a word in an INTEGER column)."""
    if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise _Damaged("the integrity check failed")
    _migrate(connection)
    for table, columns in _expected_tables().items():
        if _columns(connection, table) != columns:
            raise _Damaged(f"table {table} is missing or not as earmark made it")
        wrong_type = " OR ".join(f"typeof({name}) != '{kind.lower()}'" for name, kind in columns)
        if connection.execute(f"SELECT 1 FROM {table} WHERE {wrong_type} LIMIT 1").fetchone():
            raise _Damaged(f"table {table} holds a value of the wrong type")


@cache
def _expected_tables() -> dict[str, list[tuple[str, str]]]:
    """Each table's columns (name, declared type) as the migrations make them."""
    reference = _memory()
    try:
        _migrate(reference)
        tables = reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {table: _columns(reference, table) for (table,) in tables.fetchall()}
    finally:
        reference.close()


def _columns(connection: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(row[1], row[2]) for row in connection.execute(f"PRAGMA table_info({table})")]


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else 0
    if not isinstance(version, int):
        raise _Damaged(f"its schema version is {version!r}, not a number")
    if version > SCHEMA_VERSION:  # not damaged: left as it is for the earmark that made it
        raise EarmarkError(f"made by a newer earmark (schema {version}); not changed")
    for number in range(version, SCHEMA_VERSION):
        # executescript commits what is pending; BEGIN inside makes each step all-or-nothing.
        try:
            connection.executescript(
                f"BEGIN; {MIGRATIONS[number]}; DELETE FROM schema_version; "
                f"INSERT INTO schema_version VALUES ({number + 1}); COMMIT;"
            )
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            if getattr(error, "sqlite_errorname", "") == "SQLITE_ERROR":  # not the schema it says
                raise _Damaged(f"cannot be brought to schema {number + 1}: {error}") from None
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
