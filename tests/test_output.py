"""What earmark prints or notifies that it did not write shows control characters as escapes.

`tests/test_pty_output.py` checks the bytes the real command writes to a terminal; these check
each way out on its own, where a file name or an error message can carry a sequence.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.seeds import DEFAULT_EPISODE_DIR
from tui import output
from tui.cli import main
from tui.widgets.search_panel import SearchPanel

NAME = "\x1b]2;TITLE\x1b\\bad.srt"
SHOWN = "\\x1b]2;TITLE\\x1b\\bad.srt"


def test_printed_lines_show_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    output.say(f"{NAME}: added")
    output.warn(f"{NAME}: not read\nearmark: forged line")
    output.complain(f"{NAME}: no such file")
    captured = capsys.readouterr()
    assert captured.out == f"{SHOWN}: added\n"
    assert captured.err.splitlines() == [
        f"earmark: warning: {SHOWN}: not read\\nearmark: forged line",
        f"earmark: {SHOWN}: no such file",
    ]


def test_notifications_show_escapes_and_no_markup() -> None:
    class App:
        def notify(self, message: str, **options: object) -> None:
            self.notified = (message, options)

    app = App()
    output.notify(app, f"{NAME}: [b]not read[/b]", title="Not\x9b read", severity="warning")
    message, options = app.notified
    assert message == f"{SHOWN}: [b]not read[/b]"
    assert options == {
        "title": "Not\\x9b read",
        "severity": "warning",
        "timeout": None,
        "markup": False,
    }


def test_a_usage_error_shows_what_was_typed_as_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["list", "folder", NAME])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert f"earmark list: error: unrecognized arguments: {SHOWN}\n" in error
    assert "\x1b" not in error


def test_a_file_name_that_is_not_utf8_is_one_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A name with the byte 0x9b (a C1 CSI on its own) stopped the whole library with a
    traceback (its cache fingerprint could not be encoded); it is one warning, shown as bytes."""
    folder = tmp_path / "episode"
    shutil.copytree(DEFAULT_EPISODE_DIR, folder)
    (folder / os.fsdecode(b"\x9bjunk.dat")).write_bytes(b"\x00\x01")
    assert main(["list", str(folder)]) == 0
    captured = capsys.readouterr()
    expected = f"earmark: warning: {folder}/\\x9bjunk.dat: binary file (contains NUL bytes);"
    assert captured.err.startswith(expected)
    assert captured.err.count("\n") == 1
    assert "133" in captured.out  # the episode's turns, listed


def test_search_status_shows_escapes() -> None:
    """The search panel's status line quotes error text, which may quote a path."""
    panel = SearchPanel(lambda episode, chapter: "")
    panel.index_failed(f"{NAME}: Permission denied")
    assert panel._status == f"Search is unavailable: {SHOWN}: Permission denied"
