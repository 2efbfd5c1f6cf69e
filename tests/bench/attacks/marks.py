"""Your marks under attack: a marks file damaged in every way we could think of, read-only, on a
full disk, from a newer earmark; and the reader killed (`kill -9`) while it saves bookmarks and
notes, alone and with a second reader saving at the same time.

Acknowledged is what the reader said was saved ("Bookmarked.", "Note saved."): each must be in
the marks file after the fault. What was in a damaged file must still be somewhere in the data
folder (the file itself, or the copy set aside), never only gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.attacks.common import Row, Terminal, crash, leak, run
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.unwritable import _DROP_AND_RUN, permissions_hold

EPISODE = DEFAULT_EPISODE_DIR.name
FILE = "userdata.sqlite3"


def _marks_file(home: Path) -> Path:
    return home / "data" / FILE


def _seed(home: Path) -> None:
    """A marks file with three bookmarks and two notes, written by earmark itself."""
    code = (
        "from index.marks import UserData\n"
        "data = UserData.open()\n"
        f"for turn in (3, 5, 8): data.toggle_bookmark({EPISODE!r}, turn)\n"
        f"data.add_note({EPISODE!r}, 5, 'first note'); data.add_note({EPISODE!r}, 9, 'second')\n"
        f"data.set_position({EPISODE!r}, 8)\n"
        "data.close()\n"
    )
    subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "EARMARK_HOME": str(home)}, check=True
    )


def _rows(path: Path) -> set[tuple]:
    """Every bookmark and note a database file holds that SQLite can read (none if none)."""
    rows: set[tuple] = set()
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return rows
    try:
        for table, columns in (("bookmarks", "episode, turn"), ("notes", "episode, turn, text")):
            with contextlib.suppress(sqlite3.Error):
                rows |= {
                    (table, *row) for row in connection.execute(f"SELECT {columns} FROM {table}")
                }
    finally:
        connection.close()
    return rows


def _execute(sql: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.executescript(sql)
        finally:
            connection.close()

    return damage


def _bytes(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        _checkpoint(path)
        path.write_bytes(change(path.read_bytes()))

    return damage


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file, so that damage to the file is damage to the marks."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


def _flip_pages(data: bytes) -> bytes:
    damaged = bytearray(data)
    rng = random.Random(len(data))
    for _ in range(64):
        at = rng.randrange(100, len(damaged))
        damaged[at] ^= 0xFF
    return bytes(damaged)


def _replace(make: Callable[[Path], None]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        make(path)

    return damage


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _bytes(lambda data: os.urandom(len(data))),
    "0 bytes": _bytes(lambda data: b""),
    "cut in half": _bytes(lambda data: data[: len(data) // 2]),
    "one byte": _bytes(lambda data: data[:1]),
    "pages flipped": _bytes(_flip_pages),
    "header only": _bytes(lambda data: data[:100]),
    "text file": _bytes(lambda data: b"these are my notes\n" * 100),
    "notes table dropped": _execute("DROP TABLE notes"),
    "bookmarks table dropped": _execute("DROP TABLE bookmarks"),
    "positions table dropped": _execute("DROP TABLE positions"),
    "schema_version dropped": _execute("DROP TABLE schema_version"),
    "a column dropped": _execute("ALTER TABLE notes DROP COLUMN updated"),
    "a column added": _execute("ALTER TABLE bookmarks ADD COLUMN colour TEXT"),
    "a word in an INTEGER": _execute("UPDATE bookmarks SET turn = 'seven' WHERE turn = 3"),
    "a huge turn": _execute("UPDATE bookmarks SET turn = 9223372036854775807 WHERE turn = 3"),
    "a negative turn": _execute("UPDATE notes SET turn = -5 WHERE text = 'second'"),
    "a blob for text": _execute("UPDATE notes SET text = x'1b5d303b50574e07' WHERE turn = 5"),
    "escapes in a note": _execute(
        "UPDATE notes SET text = char(27) || ']0;PWN' || char(7) || char(155) || 'x' WHERE turn = 5"
    ),
    "an episode id with escapes": _execute(
        "INSERT INTO bookmarks VALUES (char(27) || ']0;PWN' || char(7), 1, '2024')"
    ),
    "a 10 MB note": _execute(
        "UPDATE notes SET text = printf('%.*c', 10000000, 'x') WHERE turn = 9"
    ),
    "schema version 99 (newer)": _execute("UPDATE schema_version SET version = 99"),
    "schema version a word": _execute("UPDATE schema_version SET version = 'two'"),
    "schema version 0": _execute("UPDATE schema_version SET version = 0"),
    "schema version negative": _execute("UPDATE schema_version SET version = -1"),
    "two schema rows": _execute("INSERT INTO schema_version VALUES (1)"),
    "a trigger that fails": _execute(
        "CREATE TRIGGER no BEFORE INSERT ON bookmarks BEGIN SELECT RAISE(ABORT, 'no'); END"
    ),
    "a view named notes": _execute(
        "ALTER TABLE notes RENAME TO old_notes; CREATE VIEW notes AS SELECT * FROM old_notes"
    ),
    "garbage WAL": lambda path: Path(f"{path}-wal").write_bytes(os.urandom(40_000)),
    "a folder": _replace(lambda path: path.mkdir()),
    "a named pipe": _replace(lambda path: os.mkfifo(path)),
    "a link to /dev/zero": _replace(lambda path: path.symlink_to("/dev/zero")),
    "a link loop": _replace(lambda path: path.symlink_to(path.name)),
    "a dangling link": _replace(lambda path: path.symlink_to("nowhere")),
}


def damaged_marks(work: Path, row: Row) -> None:
    """Each damage, then `export --format markdown`, `search` and the reader (b, then q)."""
    for number, (what, damage) in enumerate(DAMAGE.items()):
        home = work / f"damaged-{number}"
        run(["list"], home)
        _seed(home)
        path = _marks_file(home)
        before = _rows(path)
        damage(path)
        kept = _rows(path) if path.is_file() else set()
        _attack_marks(home, row, what, kept & before, _digest(path))


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    except OSError:
        return None


def _attack_marks(
    home: Path,
    row: Row,
    what: str,
    kept: set[tuple],
    damaged_bytes: str | None,
    prefix: list[str] | None = None,
) -> None:
    """The three commands over damaged or unwritable marks, then a look for what was kept."""
    for args in (["export", "--format", "markdown", "--episode", EPISODE], ["search", "value"]):
        ran = run(args, home, timeout=60, prefix=prefix or ())
        row.count(
            f"{what}: {args[0]}", crashed=crash(ran), leaked=leak(ran.out + ran.err, terminal=False)
        )
    started = time.time()
    terminal = Terminal([], home, prefix=prefix or ())
    acknowledged, problem = _bookmark_once(terminal)
    terminal.type(b"q")
    status = terminal.finish(timeout=15)
    written = bytes(terminal.output)
    crashed = None
    if status is None:
        crashed = "hung: q did not end it"
    elif b"Traceback" in written or status not in (0, 1):
        crashed = f"exit {status}: {written[-300:]!r}"
    lost = _lost(home, kept, damaged_bytes)
    if acknowledged and not _bookmarked_since(_marks_file(home), started):
        lost = lost or "the reader said Bookmarked., and the bookmark is not in the marks file"
    row.count(
        f"{what}: reader",
        crashed=crashed,
        leaked=leak(written, terminal=True),
        lost=lost,
        failed=problem,
    )


def _bookmark_once(terminal: Terminal) -> tuple[bool, str | None]:
    """Once the transcript shows, go to the next turn (not bookmarked: the marks have turn 8
    bookmarked, the position there) and press b; whether the reader said Bookmarked. A marks
    file from a newer earmark is not opened: the reader says so in one line instead."""
    if not terminal.wait_for(b"Ilya Sutskever", timeout=30):
        if b"made by a newer earmark" in (shown := terminal.shown().strip()) and b"\n" not in shown:
            return False, None
        return False, f"no first screen in 30 s: {bytes(terminal.output)[-300:]!r}"
    terminal.read(0.5)
    since = len(terminal.output)
    terminal.type(b"jb")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        terminal.read(0.1)
        answer = terminal.shown(since)
        if b"Bookmarked." in answer:
            return True, None
        if b"Not saved" in answer or b"Bookmark removed." in answer:
            return False, None
    return False, "b got no answer in 10 s"


def _lost(home: Path, kept: set[tuple], damaged_bytes: str | None) -> str | None:
    """None when the marks that survived the damage are in some file of the data folder, or
    the damaged file's bytes are (kept aside)."""
    data = home / "data"
    files = [path for path in data.iterdir() if path.is_file() and not path.is_symlink()]
    if damaged_bytes is not None and any(_digest(path) == damaged_bytes for path in files):
        return None
    if not kept:
        return None if damaged_bytes is None else "the damaged file is gone, kept nowhere"
    for path in files:
        if not path.name.endswith(("-wal", "-shm")) and kept <= _rows(path):
            return None
    return f"{len(kept)} marks that were readable are in no file: {sorted(p.name for p in files)}"


def _bookmarked_since(path: Path, started: float) -> bool:
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT created FROM bookmarks").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started - 1))
    return any(str(created) >= since for (created,) in rows)


def unwritable_marks(work: Path, row: Row) -> None:
    """A read-only marks file, a read-only data folder (both obeyed by root: the commands run
    without CAP_DAC_OVERRIDE), and a full disk (a small tmpfs, as root)."""
    prefix = [sys.executable, "-c", _DROP_AND_RUN] if os.geteuid() == 0 else []
    if os.geteuid() != 0 or permissions_hold():
        for what in ("read-only file", "read-only data folder"):
            home = work / what.replace(" ", "-")
            run(["list"], home)
            _seed(home)
            path = _marks_file(home)
            _checkpoint(path)
            target = path if what == "read-only file" else path.parent
            target.chmod(0o444 if target == path else 0o555)
            try:
                _attack_marks(home, row, what, _rows(path), _digest(path), prefix)
            finally:
                target.chmod(0o644 if target == path else 0o755)
    else:
        row.count("read-only marks", failed="cannot drop root's capabilities here: not tried")
    mount = work / "small"
    mount.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        row.count("full disk", failed="no tmpfs can be mounted here (needs root): not tried")
        return
    try:
        home = mount / "home"
        run(["index"], home)
        _seed(home)
        with (mount / "filler").open("wb") as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
            except OSError:
                pass
        path = _marks_file(home)
        _attack_marks(home, row, "full disk", _rows(path), _digest(path))
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# A notification stays 2 s, and the reader paints it again whenever the screen changes beneath
# it: an "acknowledged" seen in the bytes is this save's only once the last one's has gone.
NOTIFICATION_SECONDS = 2.3


def kill_while_saving(work: Path, row: Row, rounds: int = 20) -> None:
    """The reader bookmarks turns and writes notes; `kill -9` at a random moment: while a save
    is in flight, or at once after one was acknowledged. Every acknowledged mark must be in the
    marks file, which must pass SQLite's integrity check."""
    rng = random.Random(9)
    home = work / "kill"
    run(["index"], home)
    for number in range(rounds):
        for suffix in ("", "-wal", "-shm"):  # new marks each round: every b bookmarks a new turn
            Path(f"{_marks_file(home)}{suffix}").unlink(missing_ok=True)
        terminal = Terminal([], home)
        acknowledged: list[tuple[str, str]] = []
        problem = None
        if not terminal.wait_for(b"Ilya Sutskever", timeout=30):
            problem = "no first screen in 30 s"
        else:
            terminal.read(0.3)
            steps = rng.randint(1, 4)
            for step in range(steps):
                if acknowledged:
                    terminal.read(NOTIFICATION_SECONDS)
                since = len(terminal.output)
                if step % 2 == 1:
                    text = f"note {number}-{step}"
                    terminal.type(b"c")
                    if not terminal.wait_for(b"ctrl+s", timeout=10, since=since):
                        problem = "the note editor did not open"
                        break
                    terminal.type(text.encode() + b"\x13")  # ctrl+s
                    expected, mark = b"Note saved.", ("note", text)
                else:
                    terminal.type(b"jb")
                    expected, mark = b"Bookmarked.", ("bookmark", f"{number}-{step}")
                if step == steps - 1 and rng.random() < 0.5:  # killed while it saves
                    time.sleep(rng.random() * 0.05)
                    break
                if not terminal.wait_for(expected, timeout=10, since=since):
                    problem = f"no {expected!r} in 10 s"
                    break
                acknowledged.append(mark)
        terminal.kill()  # at once, after the last acknowledgement or during the last save
        terminal.close()
        row.count(
            f"kill -9 round {number} after {len(acknowledged)} saves",
            lost=_missing(home, acknowledged),
            failed=problem or _integrity(home),
        )


def _missing(home: Path, acknowledged: list[tuple[str, str]]) -> str | None:
    """What was acknowledged and is not in the marks file: notes by their text, bookmarks by
    count (each "Bookmarked." is one more bookmark, on a new turn)."""
    connection = sqlite3.connect(_marks_file(home))
    try:
        notes = {text for (text,) in connection.execute("SELECT text FROM notes")}
        bookmarks = connection.execute("SELECT count(*) FROM bookmarks").fetchone()[0]
    finally:
        connection.close()
    missing = [text for kind, text in acknowledged if kind == "note" and text not in notes]
    expected = sum(kind == "bookmark" for kind, _ in acknowledged)
    if missing:
        return f"notes acknowledged and missing: {missing}"
    if bookmarks < expected:
        return f"{expected} bookmarks acknowledged, {bookmarks} in the file"
    return None


def _integrity(home: Path) -> str | None:
    connection = sqlite3.connect(_marks_file(home))
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    return None if verdict == "ok" else f"integrity check: {verdict}"
