"""A parser's own bug, beside the bundled episode: one line naming the file, and the rest of the
library loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.formats import FORMATS
from index.model import Document
from tui.cli import main

TURNS = 133


def _export(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[dict, list[str]]:
    assert main(["export", str(path)]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err.splitlines()


def test_a_parser_bug_is_one_line_and_the_rest_loads(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a parser lets through is reported like a bad file, never a crash."""

    def broken(path: Path, source: object = None) -> Document:
        raise OverflowError("Python int too large to convert to C int")

    monkeypatch.setattr(FORMATS["srt"], "parse", broken)
    (episode_copy / "captions.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    exported, warnings = _export(capsys, episode_copy)
    (warning,) = [line for line in warnings if "captions.srt" in line]
    assert warning.endswith(
        "captions.srt: earmark could not read this file "
        "(OverflowError: Python int too large to convert to C int)"
    )
    assert len(exported["episodes"][0]["turns"]) == TURNS
