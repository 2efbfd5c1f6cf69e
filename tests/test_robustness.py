"""What earmark does with files, indexes and processes that misbehave: the cases behind
docs/robustness.md. Each file case puts one bad entry beside the bundled episode and checks that
export still exits 0 with the whole episode, and says one line naming the bad entry."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import index.library
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
    listed = index.library._visible_entries

    def listing_with_a_ghost(folder: Path, problems: list[str]) -> list[Path]:
        ghost = folder / "ghost.md"
        ghost.write_text("- a point\n")
        entries = listed(folder, problems)
        ghost.unlink()  # gone between listing and reading
        return entries

    monkeypatch.setattr(index.library, "_visible_entries", listing_with_a_ghost)
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
def library_of_ten(tmp_path: Path) -> Path:
    from tests.bench.synth import write_library

    return write_library(tmp_path / "library", 10)


def test_two_rebuilds_at_once_both_end_cleanly(library_of_ten: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "EARMARK_HOME": str(home)}
    command = [str(EARMARK), "index", str(library_of_ten), "--rebuild"]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in "ab"]
    for run in runs:
        _, errors = run.communicate(timeout=120)
        assert run.returncode == 0 and "Traceback" not in errors, errors
    searched = _run("search", "value function", str(library_of_ten), "--json", home=home)
    assert searched.returncode == 0 and json.loads(searched.stdout)


def test_kill_9_during_a_rebuild_leaves_a_usable_index(
    library_of_ten: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert _run("index", str(library_of_ten), home=home).returncode == 0
    env = {**os.environ, "EARMARK_HOME": str(home)}
    rebuild = subprocess.Popen([str(EARMARK), "index", str(library_of_ten), "--rebuild"], env=env)
    deadline = time.monotonic() + 30  # killed while it writes the new index folder
    while len(list(home.glob("cache/search/*/index-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait()
    searched = _run("search", "value function", str(library_of_ten), "--json", home=home)
    assert searched.returncode == 0 and "Traceback" not in searched.stderr
    assert json.loads(searched.stdout)
