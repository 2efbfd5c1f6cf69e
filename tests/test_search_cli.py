"""`earmark search` and `earmark index`: JSON for programs, a table for people, exit codes."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index.search import Hit
from tests.seeds import DEFAULT_EPISODE_DIR
from tui.cli import main

EARMARK = Path(sys.executable).parent / "earmark"
HALF_TYPED = ['"age of', "value AND", "NOT OR x", "(((", "*", "~", "speaker:", "sutskevr~"]


@pytest.fixture(scope="module")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earmark home whose index of the bundled library is built, shared by the tests that
    only search it."""
    home = tmp_path_factory.mktemp("earmark-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(home))
        assert main(["index"]) == 0
    return home


@pytest.fixture
def built(built_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EARMARK_HOME", str(built_home))
    return built_home


def search(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    assert main(["search", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.usefixtures("built")
def test_json_is_a_list_of_hits_best_first(capsys: pytest.CaptureFixture[str]) -> None:
    hits = search(capsys, "value function")
    assert 0 < len(hits) <= 20
    fields = {field.name for field in dataclasses.fields(Hit)}
    assert all(set(hit) == fields for hit in hits)
    assert [hit["score"] for hit in hits] == sorted((h["score"] for h in hits), reverse=True)
    top = hits[:5]
    assert any(
        h["kind"] == "turn" and h["chapter_title"] == "Emotions and value functions" for h in top
    )
    for hit in hits:
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].lower().startswith(("valu", "function"))


@pytest.mark.usefixtures("built")
def test_the_checks_of_the_issue(capsys: pytest.CaptureFixture[str]) -> None:
    first = search(capsys, 'speaker:ilya "age of research"')[0]
    assert (first["kind"], first["speaker"]) == ("turn", "Ilya Sutskever")
    assert {hit["kind"] for hit in search(capsys, "kind:comment")} == {"comment"}
    assert search(capsys, "generaliz")
    assert search(capsys, "sutskevr~")


def test_limit_and_path(capsys: pytest.CaptureFixture[str]) -> None:
    hits = search(capsys, "research", str(DEFAULT_EPISODE_DIR), "--limit", "3")
    assert len(hits) == 3
    with pytest.raises(SystemExit) as usage:
        main(["search", "research", "--limit", "0"])
    assert usage.value.code == 2


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize("typed", HALF_TYPED)
def test_half_typed_queries_answer_like_grep(
    capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    """Never a usage error or a traceback: 0 with hits, 1 with none, as grep does."""
    status = main(["search", typed, "--json"])
    hits = json.loads(capsys.readouterr().out)
    assert status == (0 if hits else 1)
    assert main(["search", typed]) == status
    assert capsys.readouterr().err == ""


def test_hits_are_lines_when_piped_a_table_when_wide_and_never_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    episode = tmp_path / "episode"
    shutil.copytree(DEFAULT_EPISODE_DIR, episode)
    page = episode / "transcript-page.txt"
    marker = "Ilya Sutskever 00:00:47\n\nSure.\n"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(marker, marker[:-1] + " [bold red]zanzibar[/] [link=x]\n"))
    assert main(["search", "zanzibar", str(episode)]) == 0
    # Piped: a line a hit, as rg prints them.
    assert capsys.readouterr().out == (
        "episode  0:47  Ilya Sutskever  Sure. [bold red]zanzibar[/] [link=x]\n"
    )
    monkeypatch.setenv("FORCE_COLOR", "1")  # as on a terminal…
    monkeypatch.setenv("COLUMNS", "200")  # …a wide one: a table, the word lit
    assert main(["search", "zanzibar", str(episode)]) == 0
    out = capsys.readouterr().out
    assert "kind" in out and "snippet" in out
    assert "\x1b[1;7mzanzibar\x1b[0m[/] [link=x]" in out


def test_index_command_reports_and_rebuilds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["index"]) == 0
    first = capsys.readouterr().out
    assert "1 episodes (1 indexed now), 219 documents" in first
    assert main(["index"]) == 0
    assert "(0 indexed now)" in capsys.readouterr().out
    assert main(["index", "--rebuild"]) == 0
    assert "(1 indexed now)" in capsys.readouterr().out


def test_a_missing_library_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "x", "/no/such/folder"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


def test_the_real_command_and_a_lazy_whoosh(built: Path) -> None:
    env = os.environ | {"EARMARK_HOME": str(built)}
    done = subprocess.run(
        [EARMARK, "search", "NOT OR x", "--json"], capture_output=True, text=True, env=env
    )
    # Nothing matched: exit 1, as grep.
    assert (done.returncode, done.stdout.strip(), done.stderr) == (1, "[]", "")
    lazy = "import sys, tui.cli; assert not any(m.startswith('whoosh') for m in sys.modules)"
    assert subprocess.run([sys.executable, "-c", lazy], env=env).returncode == 0


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize(
    "args",
    [
        ["-research"],
        ["--", "-research"],
        ["--json", "--", "-research"],
        ["research -dwarkesh", "--", str(DEFAULT_EPISODE_DIR)],
        ["research", "--json", "--", str(DEFAULT_EPISODE_DIR)],
    ],
)
def test_a_query_may_start_with_a_dash_and_a_double_dash_may_come_anywhere(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    status = main(["search", *args])
    captured = capsys.readouterr()
    if "-research" in args:  # only an exclusion: nothing to find (exit 1), and why
        assert status == 1
        assert captured.err == (
            "earmark: note: -word and NOT word only leave things out: add a word to search for\n"
        )
    else:
        assert status == 0 and captured.err == "" and captured.out


@pytest.mark.usefixtures("built")
def test_a_one_letter_prefix_is_answered(capsys: pytest.CaptureFixture[str]) -> None:
    hits = search(capsys, "a*")
    assert hits
    assert all(
        hit["snippet"][start:end].lower().startswith("a")
        for hit in hits
        for start, end in hit["highlights"]
    )


@pytest.mark.usefixtures("built")
def test_a_pasted_passage_says_in_one_line_what_was_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    passage = " ".join(f"word{number}" for number in range(2_000))
    assert main(["search", passage, "--json"]) == 1  # nothing has all those words
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    (line,) = captured.err.splitlines()
    assert line.startswith("earmark: note: only the first 2,000 characters were searched; ")
    assert "more words left out (a search looks for at most 32 different words)" in line
