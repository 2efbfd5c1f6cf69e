"""The earmark command: export, the library summary, exit codes and one-line errors."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.seeds import DEFAULT_EPISODE_DIR
from tui.cli import main

EARMARK = Path(sys.executable).parent / "earmark"


def _export(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["export", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_export_reports_the_default_library(capsys: pytest.CaptureFixture[str]) -> None:
    exported = _export(capsys)
    (episode,) = exported["episodes"]
    assert [c["start"] for c in episode["chapters"]] == [
        0, 579, 1129, 1513, 2145, 2807, 3307, 4693, 5363, 5562,
    ]  # fmt: skip
    assert len(episode["turns"]) == 133
    assert sum(n["kind"] == "comment" for n in episode["notes"]) == 39
    ideas = next(n for n in episode["notes"] if n["title"] == "Ideas Over Pure Compute")
    for span in ([2353, 2358], [2502, 2521], [2257, 2267]):
        assert span in ideas["times"]


def test_export_shape(capsys: pytest.CaptureFixture[str]) -> None:
    (episode,) = _export(capsys, str(DEFAULT_EPISODE_DIR))["episodes"]
    assert {"id", "title", "show", "published", "duration", "chapters", "turns", "notes"} <= set(
        episode
    )
    assert set(episode["chapters"][0]) == {"index", "title", "start", "end"}
    assert set(episode["turns"][0]) == {"index", "speaker", "start", "end", "chapter", "text"}
    note_keys = {
        "id",
        "kind",
        "source",
        "author",
        "date",
        "section",
        "title",
        "text",
        "times",
        "likes",
    }
    assert note_keys | {"related"} <= set(episode["notes"][0])
    turn = episode["turns"][3]
    assert (turn["index"], turn["speaker"], turn["start"], turn["chapter"]) == (
        3,
        "Dwarkesh Patel",
        14,
        0,
    )


def test_export_of_hostile_text_has_no_escape_and_keeps_brackets(
    capsys: pytest.CaptureFixture[str], episode_copy: Path
) -> None:
    page = episode_copy / "transcript-page.txt"
    hostile = "[bold red]not markup[/bold red] \x1b[2J\x1b]0;pwned\x07 \x9b31m"
    page.write_text(
        page.read_text(encoding="utf-8").replace("Yes, me too.", f"Yes, me too. {hostile}"), "utf-8"
    )
    raw = json.dumps(_export(capsys, str(episode_copy)), ensure_ascii=False)
    assert "\x1b" not in raw and "\x9b" not in raw and "\x07" not in raw
    assert "Yes, me too. [bold red]not markup[/bold red]" in raw


def test_missing_path_is_one_line_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["export", str(tmp_path / "nope")]) == 1
    error = capsys.readouterr().err
    assert error == f"earmark: {tmp_path / 'nope'}: no such file or folder\n"


def test_bad_file_warns_and_exits_0(capsys: pytest.CaptureFixture[str], episode_copy: Path) -> None:
    junk = episode_copy / "junk.dat"
    junk.write_bytes(b"\x00\x01\x02")
    (episode,) = _export(capsys, str(episode_copy.parent))["episodes"]
    assert len(episode["turns"]) == 133


def test_warning_goes_to_stderr_in_one_line(
    capsys: pytest.CaptureFixture[str], episode_copy: Path
) -> None:
    junk = episode_copy / "junk.dat"
    junk.write_bytes(b"\x00\x01\x02")
    assert main(["export", str(episode_copy)]) == 0
    captured = capsys.readouterr()
    expected = f"earmark: warning: {junk}: binary file (contains NUL bytes); not a document"
    assert captured.err.splitlines() == [expected]
    assert len(json.loads(captured.out)["episodes"][0]["turns"]) == 133


def test_reader_without_a_terminal_says_what_to_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2  # pytest's stdin and stdout are not a terminal
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "earmark export" in captured.err
    assert captured.out == ""


def test_folder_without_episodes_is_a_user_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main([str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"earmark: {tmp_path}: no episodes earmark can read\n"


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "xml"])
    assert exit_.value.code == 2


@pytest.mark.skipif(not EARMARK.exists(), reason="the earmark console script is not installed here")
def test_console_script_from_another_directory(tmp_path: Path) -> None:
    env = {**os.environ, "EARMARK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [str(EARMARK), "export", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"\x1b" not in result.stdout
    assert len(json.loads(result.stdout)["episodes"][0]["turns"]) == 133
    missing = subprocess.run(
        [str(EARMARK), "nowhere"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (missing.returncode, missing.stderr.count("\n"), missing.stdout) == (1, 1, "")
    assert "Traceback" not in missing.stderr


def test_export_to_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    if not EARMARK.exists() or not shutil.which("head"):
        pytest.skip("needs the console script and head")
    env = {**os.environ, "EARMARK_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        f"'{EARMARK}' export | head -c 10",
        shell=True,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout == '{\n  "episo'
    assert "Traceback" not in result.stderr


def test_flags_may_come_anywhere(capsys: pytest.CaptureFixture[str]) -> None:
    """As with grep and git: `search word --json PATH`, and `--limit` between QUERY and PATH."""
    library = str(DEFAULT_EPISODE_DIR.parent)
    assert main(["search", "research", "--json", library]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["search", "research", "--limit", "3", library, "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert main(["export", library, "--episode", DEFAULT_EPISODE_DIR.name]) == 0
    assert json.loads(capsys.readouterr().out)["episodes"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("earmark ")


@pytest.mark.parametrize(
    ("typed", "meant"), [(["lst"], "list"), (["serach", "foo"], "search"), (["exprot"], "export")]
)
def test_a_mistyped_command_is_named_with_the_closest_one(
    capsys: pytest.CaptureFixture[str], typed: list[str], meant: str
) -> None:
    assert main(typed) == 2
    assert capsys.readouterr().err == (
        f"earmark: {typed[0]!r} is not a command; did you mean `earmark {meant}`?\n"
    )


def test_an_episodes_warning_is_said_when_it_arises_and_then_beside_it_in_list(
    capsys: pytest.CaptureFixture[str], episode_copy: Path
) -> None:
    junk = episode_copy / "junk.dat"
    junk.write_bytes(b"\x00\x01\x02")
    library = str(episode_copy.parent)
    warning = f"{junk}: binary file (contains NUL bytes); not a document"
    assert main(["search", "research", library]) == 0
    assert capsys.readouterr().err == f"earmark: warning: {warning}\n"
    assert main(["search", "research", library]) == 0
    assert capsys.readouterr().err == ""  # said already
    assert main(["list", library]) == 0
    listed = capsys.readouterr()
    assert f"! {warning}" in listed.out and listed.err == ""


def test_the_readme_lists_every_command_as_help_does() -> None:
    from tui.cli import usage_lines

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "\n".join(usage_lines()) in readme


class _Terminal:
    """stderr as a terminal would be: what is written to it is kept."""

    def __init__(self, is_a_terminal: bool) -> None:
        self.written: list[str] = []
        self._is_a_terminal = is_a_terminal

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self._is_a_terminal

    def fileno(self) -> int:
        raise OSError("not a real file")


@pytest.mark.cold
@pytest.mark.parametrize("is_a_terminal", [True, False])
def test_list_says_it_reads_a_new_library_on_a_terminal_only(
    is_a_terminal: bool, two_episodes_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import tui.progress

    monkeypatch.setattr(tui.progress, "PROGRESS_AFTER_SECONDS", 0.0)  # however quick it is
    stderr = _Terminal(is_a_terminal)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["list", str(two_episodes_dir)]) == 0
    assert "episode-0001" in capsys.readouterr().out
    written = "".join(stderr.written)
    if is_a_terminal:
        assert "reading your library" in written and "episodes" in written
    else:
        assert written == ""
