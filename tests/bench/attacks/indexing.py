"""The search index under faults: `kill -9` of `earmark index --rebuild` at a random moment (its
worker processes must end with it; the next run must answer and leave one index folder), two
rebuilds at once, and a disk that fills up while the index is written (a real tmpfs, as root).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from tests.bench.attacks.common import (
    EARMARK,
    NO_TMPFS,
    Row,
    crash,
    environment,
    kill_group,
    run,
    small_disk,
)
from tests.bench.synth import write_library

# Enough episodes for the parallel build (two worker processes, `PARALLEL_FROM_EPISODES`).
EPISODES = 60


def _folders(home: Path) -> list[Path]:
    return sorted(home.glob("cache/search/*/index-*"))


def _left_behind(home: Path) -> list[str]:
    """What a failed `earmark index` left beyond its lock files, the episodes it parsed and the
    library's list of them (whole files, kept for the next run): a half-built index, a
    temporary file."""
    return [
        str(path.relative_to(home))
        for path in home.rglob("*")
        if path.is_file()
        and path.suffix != ".lock"
        and not (path.parent.name in ("episodes", "libraries") and path.suffix == ".pickle")
    ]


def _group(pgid: int) -> list[int]:
    """The processes still alive in process group ``pgid`` (zombies do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            alive.append(int(stat.parent.name))
    return alive


def _searches(library: Path, home: Path, what: str, row: Row) -> None:
    """The run after a fault: it must answer, and leave one index folder."""
    ran = run(["search", "value function", str(library), "--json"], home, timeout=300)
    failed = None
    if ran.status != 0:
        failed = f"the next search: exit {ran.status}, {ran.err[-200:]!r}"
    elif len(folders := _folders(home)) != 1:
        failed = f"{len(folders)} index folders after the next run: {[f.name for f in folders]}"
    row.count(f"{what}: the next search", crashed=crash(ran), failed=failed)


def kill_rebuilds(work: Path, row: Row, rounds: int = 10) -> None:
    library = write_library(work / "library", EPISODES)
    home = work / "home"
    run(["index", str(library)], home, timeout=600)
    rng = random.Random(3)
    for number in range(rounds):
        process = subprocess.Popen(
            [str(EARMARK), "index", str(library), "--rebuild"],
            env=environment(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(0.3, 6.0))
        process.send_signal(signal.SIGKILL)  # the process only, as `kill -9 PID` does
        process.wait()
        deadline = time.monotonic() + 10
        while (left := _group(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        if left:
            kill_group(process.pid)
        failed = f"{len(left)} worker processes outlived it" if left else None
        row.count(f"kill -9 of a rebuild #{number}", failed=failed)
        _searches(library, home, f"kill -9 #{number}", row)


def two_rebuilds(work: Path, row: Row, rounds: int = 20) -> None:
    library = write_library(work / "library", 10)
    home = work / "home"
    run(["index", str(library)], home, timeout=600)
    for number in range(rounds):
        processes = [
            subprocess.Popen(
                [str(EARMARK), "index", str(library), "--rebuild"],
                env=environment(home),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            for _ in "ab"
        ]
        for side, process in zip("ab", processes, strict=True):
            try:
                _, err = process.communicate(timeout=300)
                status = process.returncode
            except subprocess.TimeoutExpired:
                kill_group(process.pid)
                _, err = process.communicate()
                status = None
            crashed = "hung" if status is None else None
            if b"Traceback" in err:
                crashed = f"traceback: {err.strip().splitlines()[-1][:200]!r}"
            failed = None if status == 0 else f"exit {status}: {err[-200:]!r}"
            row.count(f"two rebuilds #{number}{side}", crashed=crashed, failed=failed)
        _searches(library, home, f"two rebuilds #{number}", row)


def full_disk(work: Path, row: Row) -> None:
    """Your cache on a 16 MB tmpfs filled to within 0 KB to 8 MB of its end, then `earmark
    index`: exit 0, or exit 1 with one line; no half-built folder or temporary file (the room
    given back; the episodes parsed are kept); then, with room again, a search answers."""
    library = write_library(work / "library", 10)
    with small_disk(work, "16m") as mount:
        if mount is None:
            row.count("full disk", failed=NO_TMPFS)
            return
        for room in (0, 16, 64, 256, 1024, 2048, 4096, 8192):
            home = mount / f"home-{room}"
            filler = mount / "filler"
            statvfs = os.statvfs(mount)
            with filler.open("wb") as file:
                file.truncate(0)
                file.write(b"\0" * max(0, statvfs.f_bavail * statvfs.f_frsize - room * 1024))
            ran = run(["index", str(library)], home, timeout=300)
            failed = None
            if ran.status == 1:
                if len(ran.err.splitlines()) != 1:
                    failed = f"not one line: {ran.err[:300]!r}"
                elif _folders(home) or list(home.glob("cache/search/*/.*.part")):
                    failed = f"left {[p.name for p in _folders(home)]}"
                elif left := _left_behind(home):
                    failed = f"the room was not given back: {left[:3]} left"
            elif ran.status == 0 and len(_folders(home)) != 1:
                failed = f"{len(_folders(home))} index folders"
            row.count(f"full disk, {room} KB left", crashed=crash(ran), failed=failed)
            filler.unlink()
            if ran.status == 1:
                _searches(library, home, f"full disk, {room} KB left, then room", row)
            subprocess.run(["rm", "-rf", str(home)], check=False)
