"""What earmark does with files, indexes and processes that misbehave: the cases behind
docs/robustness.md. Each file case puts one bad entry beside the bundled episode and checks that
export still exits 0 with the whole episode, and says one line naming the bad entry."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import index.library.episodes
from tests.seeds import DEFAULT_EPISODE_DIR
from tui.cli import main

EARMARK = Path(sys.executable).parent / "earmark"
TURNS = 133


def _export(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[dict, list[str]]:
    assert main(["export", str(path)]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err.splitlines()


def _one_warning_about(lines: list[str], name: str) -> str:
    (line,) = [line for line in lines if name in line]
    assert line.startswith("earmark: warning: ") and "Traceback" not in line
    return line


BAD_FILES: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty": (lambda p: p.write_bytes(b""), "empty file"),
    "binary": (lambda p: p.write_bytes(bytes(range(256)) * 64), "binary file"),
    "one-2mb-line": (lambda p: p.write_text("word " * 420_000), "not a format earmark reads"),
    "too-large": (lambda p: os.truncate(p.touch() or p, 51 * 2**20), "larger than 50 MB"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_one_line_and_the_rest_loads(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, case: str
) -> None:
    make, message = BAD_FILES[case]
    make(episode_copy / f"{case}.txt")
    exported, warnings = _export(capsys, episode_copy)
    assert message in _one_warning_about(warnings, f"{case}.txt")
    assert len(exported["episodes"][0]["turns"]) == TURNS


def test_utf16_with_bom_is_read(capsys: pytest.CaptureFixture[str], episode_copy: Path) -> None:
    note = episode_copy / "obsidian-note.md"
    note.write_bytes(note.read_text(encoding="utf-8").encode("utf-16"))
    exported, warnings = _export(capsys, episode_copy)
    assert not warnings
    assert sum(n["source"] == "Obsidian note" for n in exported["episodes"][0]["notes"]) == 13


@pytest.mark.parametrize("link", ["loop", "broken"])
def test_a_symlink_loop_or_broken_link_is_one_line(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, link: str
) -> None:
    (episode_copy / link).symlink_to(link if link == "loop" else "nowhere")
    exported, warnings = _export(capsys, episode_copy)
    expected = "symbolic link loop" if link == "loop" else "broken symbolic link"
    assert expected in _one_warning_about(warnings, link)
    assert len(exported["episodes"][0]["turns"]) == TURNS


def test_a_file_that_vanishes_after_listing_is_one_line(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = index.library.episodes._visible_entries

    def listing_with_a_ghost(folder: str, problems: list[str]) -> list[os.DirEntry[str]]:
        ghost = Path(folder) / "ghost.md"
        ghost.write_text("- a point\n")
        entries = listed(folder, problems)
        ghost.unlink()  # gone between listing and reading
        return entries

    monkeypatch.setattr(index.library.episodes, "_visible_entries", listing_with_a_ghost)
    exported, warnings = _export(capsys, episode_copy)
    assert "cannot read" in _one_warning_about(warnings, "ghost.md")
    assert len(exported["episodes"][0]["turns"]) == TURNS


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_is_one_line(
    capsys: pytest.CaptureFixture[str], episode_copy: Path
) -> None:
    secret = episode_copy / "secret.md"
    secret.write_text("- a point\n")
    secret.chmod(0)
    _exported, warnings = _export(capsys, episode_copy)
    assert "Permission denied" in _one_warning_about(warnings, "secret.md")


def test_a_folder_of_10000_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(DEFAULT_EPISODE_DIR, library / DEFAULT_EPISODE_DIR.name)
    junk = library / "junk"
    junk.mkdir()
    for number in range(10_000):
        (junk / f"{number:05}.txt").write_text(f"line {number}\n")
    exported, warnings = _export(capsys, library)
    assert [e["id"] for e in exported["episodes"]] == [DEFAULT_EPISODE_DIR.name]
    assert len(warnings) == 10_000 and all("junk/" in line for line in warnings)


# -- the search index, with other processes --------------------------------------------------


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EARMARK_HOME": str(home)}
    return subprocess.run(
        [str(EARMARK), *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def library_of_four(tmp_path: Path) -> Path:
    """Big enough that a rebuild takes a second or two: time to be killed or overlapped."""
    from tests.bench.synth import write_library

    return write_library(tmp_path / "library", 4)


def test_two_rebuilds_at_once_both_end_cleanly(library_of_four: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "EARMARK_HOME": str(home)}
    command = [str(EARMARK), "index", str(library_of_four), "--rebuild"]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    for run in runs:
        _, errors = run.communicate(timeout=120)
        assert run.returncode == 0 and "Traceback" not in errors, errors
    searched = _run("search", "value function", str(library_of_four), "--json", home=home)
    assert searched.returncode == 0 and json.loads(searched.stdout)


def test_kill_9_during_a_rebuild_leaves_a_usable_index(
    library_of_four: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _run("index", str(library_of_four), home=home).returncode == 0
    env = {**os.environ, "EARMARK_HOME": str(home)}
    rebuild = subprocess.Popen([str(EARMARK), "index", str(library_of_four), "--rebuild"], env=env)
    deadline = time.monotonic() + 30  # killed while it writes the new index folder
    while len(list(home.glob("cache/search/*/index-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuild.send_signal(signal.SIGKILL)
    assert rebuild.wait() == -signal.SIGKILL  # killed mid-way, not after it had ended
    searched = _run("search", "value function", str(library_of_four), "--json", home=home)
    assert searched.returncode == 0 and "Traceback" not in searched.stderr
    assert json.loads(searched.stdout)


def _index_folders(home: Path) -> list[Path]:
    return sorted(home.glob("cache/search/*/index-*"))


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie nobody reaps yet counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


# A real `earmark index --rebuild` whose build is parallel from two episodes on (as it is from
# PARALLEL_FROM_EPISODES), stopped after two episodes as if the build were long: its two
# worker processes are up (one starts per batch of 100 documents), their pids printed.
SLOW_PARALLEL_REBUILD = """
import multiprocessing, sys, time
import index.search.storage as search
search.PARALLEL_FROM_EPISODES = 2
def slow(done, total, shown=[]):
    if done == 2 and not shown:
        shown.append(True)
        print(*(child.pid for child in multiprocessing.active_children()), flush=True)
        time.sleep(600)
original = search._add_episodes
search._add_episodes = lambda writer, library, ids, progress: original(writer, library, ids, slow)
from tui.cli import main
sys.exit(main(["index", sys.argv[1], "--rebuild"]))
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
def test_kill_9_of_a_parallel_rebuild_leaves_no_worker_and_no_folder(
    tmp_path: Path,
) -> None:
    from tests.bench.synth import write_library

    library = write_library(tmp_path / "library", 3)
    home = tmp_path / "home"
    env = {**os.environ, "EARMARK_HOME": str(home)}
    command = [sys.executable, "-c", SLOW_PARALLEL_REBUILD, str(library)]
    rebuild = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        assert rebuild.stdout is not None
        workers += map(int, rebuild.stdout.readline().split())
        assert len(workers) == 2
        (half_built,) = _index_folders(home)
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait()
        deadline = time.monotonic() + 10
        while not all(map(_gone, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_gone, workers)), "a worker outlived the rebuild it worked for"
    finally:  # nothing this test started outlives it, whatever failed
        for pid in [rebuild.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        rebuild.communicate()
    # Its half-built folder is stale now: the next build removes it.
    assert _run("index", str(library), home=home).returncode == 0
    (built,) = _index_folders(home)
    assert built != half_built


class _FullDisk:
    """Whoosh's file writes fail with ENOSPC once ``room`` bytes have been written."""

    def __init__(self, room: int) -> None:
        self.room = room

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from whoosh.filedb.structfile import StructFile

        write = StructFile.write

        def write_until_full(file: StructFile, data: bytes) -> int:
            self.room -= len(data)
            if self.room < 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return write(file, data)

        monkeypatch.setattr(StructFile, "write", write_until_full)


@pytest.mark.parametrize("when", ["first build", "rebuild", "update"])
def test_a_full_disk_while_indexing_is_one_line_and_leaves_no_half_index(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    earmark_home: Path,
    when: str,
) -> None:
    if when != "first build":
        assert main(["index"]) == 0
    before = _index_folders(earmark_home)
    if when == "update":
        from index.library import open_user_library

        episode = open_user_library() / DEFAULT_EPISODE_DIR.name
        with open(episode / "obsidian-note.md", "a", encoding="utf-8") as note:
            note.write("\n- Zanzibar is far.\n")
    capsys.readouterr()
    with monkeypatch.context() as disk:
        _FullDisk(room=50_000).install(disk)
        assert main(["index"] + (["--rebuild"] if when == "rebuild" else [])) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("earmark: ") and "No space left on device" in line
    assert _index_folders(earmark_home) == before
    assert not list(earmark_home.glob("cache/search/*/.*.part"))
    # Room again: indexing works, the lock was not left held.
    assert main(["search", "zanzibar" if when == "update" else "value function"]) == 0
    assert "no hits" not in capsys.readouterr().out


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB file system (tmpfs): room for the bundled episode, not for its index."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip("a small file system cannot be mounted here (needs root and mount)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_really_full_disk_gets_its_room_back(small_disk: Path) -> None:
    assert _run("list", home=small_disk).returncode == 0  # your library: the bundled episode
    free = os.statvfs(small_disk).f_bavail
    indexed = _run("index", home=small_disk)
    assert indexed.returncode == 1 and "Traceback" not in indexed.stderr
    (line,) = indexed.stderr.splitlines()
    assert "No space left on device" in line
    assert _index_folders(small_disk) == []
    assert os.statvfs(small_disk).f_bavail >= free - 2  # a block or two: the stamp's folder
