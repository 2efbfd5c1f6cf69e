"""The bytes earmark writes to a terminal hold no escape sequence from a file or its name.

The real `earmark` command runs on a pseudo-terminal (so Rich and Textual behave as they do for a
person) over a folder whose transcript names its speakers with OSC title and clipboard
sequences, a C1 CSI and a bidi override (JSON escapes, decoded after the file is read), whose
episode.toml titles it the same way (TOML escapes), and which holds a file named
``ESC ]2;TITLE ESC \\bad.srt`` that cannot be read. Whatever it prints, lists, searches, adds or
notifies, the hostile sequences must not be among the bytes it writes; the file's name must be
there, with its controls shown as escapes. The reader writes escape sequences of its own, so the
check looks for the hostile ones, not for ESC.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

EARMARK = Path(sys.executable).parent / "earmark"
pytestmark = pytest.mark.skipif(not EARMARK.exists(), reason="the earmark script is not installed")

HOSTILE_NAME = "\x1b]2;TITLE\x1b\\bad.srt"
SHOWN_NAME = b"\\x1b]2;TITLE\\x1b\\bad.srt"  # what the person sees instead
SPEAKER = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07Alice\x9b2J\u202e"
# What must never be written: each would act on the terminal (or reorder what it shows).
HOSTILE_BYTES = [b"\x1b]2;TITLE", b"\x1b]0;PWNED", b"\x1b]52;", b"\xc2\x9b", "\u202e".encode()]


def hostile_folder(root: Path) -> Path:
    folder = root / "hostile"
    folder.mkdir()
    segments = [
        {"speaker": SPEAKER, "startTime": 0, "endTime": 3, "body": "Glaciers remember the air."},
        {"speaker": "Bob", "startTime": 3, "endTime": 6, "body": "Tell me more."},
    ]
    (folder / "talk.json").write_text(json.dumps({"segments": segments}), encoding="utf-8")
    (folder / HOSTILE_NAME).write_text("not captions\n", encoding="utf-8")
    title = json.dumps("\x1b]0;PWNED\x07Ice \u202ecores")  # a JSON string is a TOML string
    (folder / "episode.toml").write_text(f"title = {title}\n", encoding="utf-8")
    return folder


def run_on_a_terminal(
    args: list[str], home: Path, *, when: bytes | None = None, keys: bytes = b"", timeout=30.0
) -> tuple[bytes, int]:
    """Run ``earmark ARGS`` on a 120×40 pseudo-terminal and return every byte it wrote and its
    exit status; once the output holds ``when``, ``keys`` are typed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    environment = {
        **os.environ,
        "EARMARK_HOME": str(home),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
        "TEXTUAL_ANIMATIONS": "none",
    }
    process = subprocess.Popen(
        [str(EARMARK), *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=environment,
        start_new_session=True,
    )
    os.close(slave)
    output = bytearray()
    typed = when is None
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out; it wrote: {bytes(output)[-2000:]!r}"
            ready, _, _ = select.select([master], [], [], min(remaining, 1.0))
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every end of the terminal it held is closed
                break
            if not chunk:
                break
            output += chunk
            if not typed and when in output:
                os.write(master, keys)
                typed = True
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    return bytes(output), process.returncode


def assert_nothing_hostile(output: bytes) -> None:
    for sequence in HOSTILE_BYTES:
        assert sequence not in output, f"{sequence!r} was written: {output[-2000:]!r}"


def test_cli_output_on_a_terminal_has_no_hostile_sequence(tmp_path: Path) -> None:
    folder = hostile_folder(tmp_path)
    home = tmp_path / "home"

    found, status = run_on_a_terminal(["search", "glaciers", str(folder)], home)
    assert status == 0
    assert_nothing_hostile(found)
    # The warning names the file that was not read, when the problem arises.
    assert b"Alice" in found and SHOWN_NAME in found

    listed, status = run_on_a_terminal(["list", str(folder)], home)
    assert status == 0
    assert_nothing_hostile(listed)
    assert SHOWN_NAME in listed  # beside its episode
    assert b"Ice cores" in listed

    captions = tmp_path / "\x1b]2;TITLE\x1b\\good.srt"
    captions.write_text("1\n00:00:00,000 --> 00:00:02,000\nHello.\n", encoding="utf-8")
    added, status = run_on_a_terminal(["add", str(captions)], home)
    assert status == 0
    assert_nothing_hostile(added)
    assert b"\\x1b]2;TITLE\\x1b\\good.srt: SRT captions" in added


def test_the_reader_on_a_terminal_has_no_hostile_sequence(tmp_path: Path) -> None:
    """The reader shows the speaker and notifies the file it could not read ("Not read")."""
    folder = hostile_folder(tmp_path)
    written, status = run_on_a_terminal(
        [str(folder)], tmp_path / "home", when=b"Not read", keys=b"q"
    )
    assert status == 0
    assert_nothing_hostile(written)
    assert b"Alice" in written and b"TITLE" in written
