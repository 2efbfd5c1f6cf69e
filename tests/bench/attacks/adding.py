"""`earmark add` as a careless user and an attacker run it: episode names in every script and of
every length (bytes that are not UTF-8 included), file names the same, `.` and `..`, what is not
a regular file, a read-only and a full library, two adds at once.

An add that exits 0 acknowledged its files: each must be in the library afterwards (else data
lost). One that exits 1 must leave the library as it was (else "other"). The same
``--episode`` name given twice must land in one episode both times.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from index.library.user_library import LOCK_FILE
from tests.bench.attacks.common import PAYLOADS, Row, crash, leak, run
from tests.unwritable import _DROP_AND_RUN, permissions_hold

CAPTIONS = "1\n00:00:00,000 --> 00:00:02,000\nAlice: Glaciers remember {n}.\n"
SCRIPTS = {
    "latin": "aébçñ",
    "cyrillic": "русскийЖЩ",
    "greek": "ελληνικάΣ",
    "cjk": "日本語のポッドキャスト中文한국어",
    "arabic": "العربية",
    "hebrew": "עברית",
    "devanagari": "हिन्दीक्षि",
    "thai": "ภาษาไทย",
    "emoji": "🎙️👩🏽‍💻🏳️‍🌈",
    "combining": "e\u0301\u0302\u0303a\u0308",
    "zero-width": "a\u200bb\u200cc\u200dd\ufeff",
    "fullwidth": "ＡＢＣ１２３",
    "math": "𝕬𝖇𝖈∑∫",
    "spaces": "\u00a0\u2003\u3000 x",
}
ODD_NAMES = [".", "..", "...", "/", "../x", "a/b", "-", "--", " ", "\t", "\n", "CON", "nul.txt"]


def _library_files(home: Path) -> set[Path]:
    """Every file of your library but the lock `earmark add` makes (and leaves: it is a lock)."""
    library = home / "data" / "library"
    if not library.exists():
        return set()
    return {path for path in library.rglob("*") if path.is_file() and path.name != LOCK_FILE}


def _episodes(home: Path) -> set[str]:
    library = home / "data" / "library"
    return {path.name for path in library.iterdir() if path.is_dir()} if library.exists() else set()


def _names(rng: random.Random, rounds: int) -> list[tuple[str, str | bytes]]:
    names: list[tuple[str, str | bytes]] = [(f"name {name!r}", name) for name in ODD_NAMES]
    for script, letters in SCRIPTS.items():
        for length in (1, 40, 255, 10_000)[: max(1, rounds + 1)]:
            name = "".join(rng.choice(letters) for _ in range(length))
            names.append((f"{script} name of {length}", name))
    for payload_name, payload in PAYLOADS.items():
        names.append((f"name with {payload_name}", f"{payload}Show"))
    names.append(("name of bytes not UTF-8", b"\xff\xfe\x9b2J caf\xe9"))
    names.append(("name of 100 KB", "x" * 100_000))  # an argument holds 128 KB at most
    return names


def episode_names(work: Path, row: Row, rounds: int = 1) -> None:
    """Each name twice: both files land in one episode (a new one, or the one the name, as
    cleaned, already names)."""
    rng = random.Random(7)
    home = work / "home"
    run(["list"], home)  # your library, made
    for number, (what, name) in enumerate(_names(rng, rounds)):
        folders: list[Path] = []
        crashed = leaked = lost = failed = None
        for again in (1, 2):
            captions = work / f"c{number}-{again}.srt"
            captions.write_text(CAPTIONS.format(n=f"{number}-{again}"), encoding="utf-8")
            files_before = _library_files(home)
            ran = run(["add", str(captions), "--episode", name], home)
            crashed = crashed or crash(ran, statuses=(0, 1, 2))
            leaked = leaked or leak(ran.out + ran.err, terminal=False)
            added = _library_files(home) - files_before
            if ran.status == 0:
                folders += {path.parent for path in added}
                lost = lost or (None if added else "acknowledged, and not in the library")
            elif added:
                failed = f"a refused add changed the library: {ran.err[:200]!r}"
        if len(folders) == 2 and folders[0] != folders[1]:
            failed = (
                failed or f"the same name twice: two episodes, {[f.name[:40] for f in folders]}"
            )
        row.count(what, crashed=crashed, leaked=leaked, lost=lost, failed=failed)


def file_names(work: Path, row: Row) -> None:
    """Files named in every script, with escapes, of 255 bytes, hidden, named like earmark's
    own files; each added twice to one episode with different contents (the second copy needs a
    name of its own)."""
    home = work / "home"
    names = [f"{letters}.srt" for letters in SCRIPTS.values()]
    names += [f"{payload}.srt" for payload in PAYLOADS.values()]
    names += [".hidden.srt", "....srt", "episode.toml", ".adding.lock", "-x.srt", "--.srt"]
    names += ["a" * 251 + ".srt", "é" * 125 + ".srt", "\udcff\udc9b.srt"]
    for number, name in enumerate(names):
        clean = name.replace("/", "").replace("\x00", "")
        folder = work / f"files-{number}"
        for again in (1, 2):
            folder.mkdir(exist_ok=True)
            path = folder / clean
            try:
                path.write_text(CAPTIONS.format(n=f"{number}-{again}"), encoding="utf-8")
            except OSError as error:
                row.count(f"file {clean[:30]!r}", failed=f"the attack could not make it: {error}")
                break
            files_before = _library_files(home)
            ran = run(["add", "--episode", f"files {number}", "--", str(path)], home)
            added = _library_files(home) - files_before
            lost = failed = None
            if ran.status == 0 and not added:
                lost = "acknowledged, and not in the library"
            elif ran.status == 1:
                failed = f"refused: {ran.err.strip()[-200:]!r}"
            row.count(
                f"file {clean[:30]!r} (#{again})",
                crashed=crash(ran),
                leaked=leak(ran.out + ran.err, terminal=False),
                lost=lost,
                failed=failed,
            )


def not_regular_files(work: Path, row: Row) -> None:
    """What is not a file to read: each must be `earmark: PATH: …` and exit 1, nothing added."""
    home = work / "home"
    run(["list"], home)  # your library, made
    fifo = work / "pipe.srt"
    os.mkfifo(fifo)
    (work / "folder.srt").mkdir()
    (work / "zero.srt").symlink_to("/dev/zero")
    (work / "loop.srt").symlink_to("loop.srt")
    (work / "dangling.srt").symlink_to("nowhere")
    sparse = work / "huge.srt"
    with sparse.open("wb") as file:
        file.truncate(60 * 2**20)
    (work / "empty.srt").write_bytes(b"")
    paths = [
        str(fifo),
        "/dev/zero",
        "/dev/null",
        "/dev/urandom",
        "/proc/self/status",
        str(work / "folder.srt"),
        str(work / "zero.srt"),
        str(work / "loop.srt"),
        str(work / "dangling.srt"),
        str(work / "missing.srt"),
        str(sparse),
        str(work / "empty.srt"),
        ".",
        "..",
        "/",
        "",
    ]
    for path in paths:
        before = _library_files(home)
        ran = run(["add", "--", path], home, timeout=60)
        failed = None
        if ran.status != 1 or len(ran.err.splitlines()) != 1:
            failed = f"exit {ran.status}, {ran.err[:200]!r}"
        elif _library_files(home) != before:
            failed = "the library changed"
        row.count(
            f"add {path!r}", crashed=crash(ran), leaked=leak(ran.err, terminal=False), failed=failed
        )


def read_only_library(work: Path, row: Row, rounds: int = 3) -> None:
    """Your library's folder read-only (obeyed even by root: the add runs without
    CAP_DAC_OVERRIDE): one line, exit 1, nothing added. The data folder above it read-only: the
    add works (the library can be written), and one line says marks cannot be kept."""
    if os.geteuid() == 0 and not permissions_hold():
        row.count("read-only library", failed="cannot drop root's capabilities here: not tried")
        return
    prefix = [sys.executable, "-c", _DROP_AND_RUN] if os.geteuid() == 0 else []
    for number in range(rounds):
        for locked in ("data/library", "data"):
            home = work / f"ro-{number}-{locked.replace('/', '-')}"
            run(["list"], home)
            captions = work / f"ro-{number}.srt"
            captions.write_text(CAPTIONS.format(n=number), encoding="utf-8")
            folder = home / locked
            mode = folder.stat().st_mode
            folder.chmod(0o555)
            try:
                before = _library_files(home)
                ran = run(["add", str(captions)], home, prefix=prefix)
                after = _library_files(home)
            finally:
                folder.chmod(mode)
            failed = lost = None
            expected = 1 if locked == "data/library" else 0
            if ran.status != expected or len(ran.err.splitlines()) != 1:
                failed = f"exit {ran.status}: {ran.err[:300]!r}"
            elif expected == 1 and after != before:
                failed = "the library changed"
            elif expected == 0 and len(after - before) != 1:
                lost = "acknowledged, and not in the library"
            row.count(f"read-only {locked} #{number}", crashed=crash(ran), lost=lost, failed=failed)


def full_library(work: Path, row: Row, rounds: int = 4) -> None:
    """A real full disk (a 32 MB tmpfs, as root), filled to 0, 4 KB, 64 KB or 150 KB of its end:
    one line, exit 1, and either the file is added (and said to be: the index could not be
    written) or nothing of the add is left; then, with room again, the same add works."""
    mount = work / "small"
    mount.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        row.count("full library", failed="no tmpfs can be mounted here (needs root): not tried")
        return
    try:
        home = mount / "home"
        run(["list"], home)
        captions = work / "big.srt"
        block = "".join(CAPTIONS.format(n=n) + "\n" for n in range(4_000))
        captions.write_text(block, encoding="utf-8")  # about 240 KB
        for number in range(rounds):
            filler = mount / "filler"
            free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
            with filler.open("wb") as file:
                file.write(b"\0" * max(0, free - [0, 4096, 65536, 150_000][number % 4]))
            before = _library_files(home)
            ran = run(["add", str(captions)], home)
            added = _library_files(home) - before
            hidden = [path.name for path in added if path.name.startswith(".")]
            said = "→".encode() in ran.out  # "FILE: what it is → EPISODE/NAME"
            lost = failed = None
            if (ran.status == 0 or said) and not added:
                lost = "acknowledged, and not in the library"
            elif ran.status == 1 and (hidden or (added and not said)):
                failed = f"a failed add left files: {sorted(p.name for p in added)[:2]}"
            elif ran.status == 1 and len(ran.err.splitlines()) != 1:
                failed = f"{ran.err[:300]!r}"
            filler.unlink()
            if ran.status == 1:
                again = run(["add", str(captions), "--episode", f"again {number}"], home)
                if again.status != 0:
                    failed = failed or f"with room again, the add failed: {again.err[:200]!r}"
            for folder in {path.parent for path in _library_files(home) - before}:
                shutil.rmtree(folder)  # room for the next round
            row.count(f"full disk #{number}", crashed=crash(ran), lost=lost, failed=failed)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def two_at_once(work: Path, row: Row, rounds: int = 10) -> None:
    """Two adds at once, naming the same new episode (even rounds) or none (odd rounds)."""
    home = work / "home"
    run(["list"], home)
    from tests.bench.attacks.common import EARMARK, environment

    for number in range(rounds):
        paths = []
        for side in "ab":
            path = work / f"two-{number}-{side}.srt"
            path.write_text(CAPTIONS.format(n=f"{number}{side}"), encoding="utf-8")
            paths.append(path)
        named = ["--episode", f"Together {number}"] if number % 2 == 0 else []
        before = _library_files(home)
        runs = [
            subprocess.Popen(
                [str(EARMARK), "add", str(path), *named],
                env=environment(home),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for path in paths
        ]
        outputs = [process.communicate(timeout=120) for process in runs]
        statuses = [process.returncode for process in runs]
        added = _library_files(home) - before
        lost = failed = None
        if statuses.count(0) > len(added):
            lost = f"{statuses.count(0)} acknowledged, {len(added)} in the library"
        if statuses != [0, 0]:
            failed = f"exit statuses {statuses}: {[err[:200] for _, err in outputs]!r}"
        elif named and len({path.parent for path in added}) != 1:
            failed = "the same new episode named twice at once made two"
        crashed = next(
            (f"traceback: {err[-200:]!r}" for _, err in outputs if b"Traceback" in err), None
        )
        row.count(f"two adds #{number}", crashed=crashed, lost=lost, failed=failed)
    shutil.rmtree(work / "home", ignore_errors=True)
