"""Escape sequences in every format and every field, and in file and folder names: through the
model (`earmark export`), the command line's output (in a pipe and on a terminal), the reader on
a terminal (its screen, search results and notifications), and tmux (pane title, window name,
clipboard buffers, screen).

Each format's document is the one `tests/test_hostile_documents.py` fills with a marker in every
field, each marker replaced by the payload encoded as that field decodes (JSON escapes, HTML
entities, YAML escapes, raw bytes); its file name holds the payload too, and so does the
episode's folder name and its `episode.toml` (TOML escapes).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

from tests.bench.attacks.common import EARMARK, PAYLOADS, Row, Terminal, crash, leak, run
from tests.test_hostile_documents import TEMPLATES, document_text, file_name, toml_escaped

# Where a field may hold several lines, newlines and tabs are allowed; nothing else is.
_CONTROL_IN_MODEL = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} - {"\n", "\t"}
_CONTROL_IN_MODEL |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
SEARCHED = "hello OR intro OR alice OR dana OR fine"


def folder_name(payload: str, what: str) -> str:
    return file_name(payload, "") + what


def write_episode(root: Path, payload: str, formats: list[str]) -> Path:
    """An episode folder (its name holding the payload) with a document of each format, an
    `episode.toml` titling it through TOML escapes, and a file that cannot be read whose name
    holds the payload."""
    folder = root / folder_name(payload, "-".join(formats) if len(formats) == 1 else "all")
    folder.mkdir(parents=True)
    for format_name in formats:
        suffix = TEMPLATES[format_name][0]
        name = file_name(payload, f"-{format_name}{suffix}")
        text = document_text(format_name, payload)
        (folder / name).write_bytes(text.encode("utf-8", errors="surrogateescape"))
    (folder / "episode.toml").write_text(
        f'title = "{toml_escaped(payload)}Episode"\nshow = "{toml_escaped(payload)}"\n',
        encoding="utf-8",
    )
    (folder / file_name(payload, "-unreadable.srt")).write_bytes(b"not captions\n")
    return folder


def _model_leak(exported: bytes) -> str | None:
    """A control character in any string of the exported model, or None."""
    try:
        data = json.loads(exported)
    except ValueError as error:
        return f"the export is not JSON ({error})"
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
        elif isinstance(value, str) and (found := _CONTROL_IN_MODEL & set(value)):
            return f"the model holds {sorted(found)!r} in {value[:80]!r}"
    return None


def every_format_every_field(work: Path, row: Row) -> None:
    """`earmark export` of one format with one payload: the model and both pipes."""
    home = work / "home"
    for payload_name, payload in PAYLOADS.items():
        for format_name in sorted(TEMPLATES):
            folder = write_episode(work / "one" / payload_name, payload, [format_name])
            ran = run(["export", str(folder)], home)
            row.count(
                f"export {format_name} with {payload_name}",
                crashed=crash(ran),
                leaked=leak(ran.out + ran.err, terminal=False)
                or (_model_leak(ran.out) if ran.status == 0 else None),
            )


CLI_COMMANDS: list[list[str]] = [
    ["list"],
    ["search", SEARCHED],
    ["search", SEARCHED, "--json"],
    ["export", "--format", "markdown"],
    ["export"],
]


def cli_output(work: Path, row: Row) -> None:
    """Every command, in a pipe and on a terminal, over a folder with every format at once."""
    home = work / "home"
    for payload_name, payload in PAYLOADS.items():
        folder = write_episode(work / "cli" / payload_name, payload, sorted(TEMPLATES))
        for command in CLI_COMMANDS:
            args = [*command, str(folder)]
            ran = run(args, home)
            row.count(
                f"{' '.join(command[:1])} (pipe) with {payload_name}",
                crashed=crash(ran),
                leaked=leak(ran.out + ran.err, terminal=False),
            )
            terminal = Terminal(args, home)
            status = terminal.finish(timeout=60)
            written = bytes(terminal.output)
            row.count(
                f"{' '.join(command[:1])} (terminal) with {payload_name}",
                crashed=_terminal_crash(status, written),
                leaked=leak(written, terminal=True),
            )


def _terminal_crash(status: int | None, written: bytes) -> str | None:
    if status is None:
        return "hung: killed after its time limit"
    if b"Traceback (most recent call last)" in written:
        return f"traceback: {written[-300:]!r}"
    if status not in (0, 1):
        return f"exit status {status}: {written[-300:]!r}"
    return None


def reader(work: Path, row: Row) -> None:
    """The reader on a terminal: the first screen (a "Not read" notification naming the hostile
    file), a search whose hits show the hostile fields, the side pane, then q (which must end
    it)."""
    home = work / "home"
    for payload_name, payload in PAYLOADS.items():
        folder = write_episode(work / "reader" / payload_name, payload, sorted(TEMPLATES))
        terminal = Terminal([str(folder)], home)
        problem = None
        if not terminal.wait_for(b"Not read", timeout=30):
            problem = "no first screen with its notification in 30 s"
        else:
            terminal.type(b"/")
            terminal.read(1.0)
            terminal.type(b"hello OR evil")  # bidi controls join words: "evilxhello"
            terminal.read(2.0)
            terminal.type(b"\x1b")  # closes the search, terms lit
            terminal.read(1.0)
            terminal.type(b"s")
            terminal.read(0.5)
            terminal.type(b"q")
        status = terminal.finish(timeout=15)
        written = bytes(terminal.output)
        row.count(
            f"reader with {payload_name}",
            crashed=_terminal_crash(status, written),
            leaked=leak(written, terminal=True),
            failed=problem,
        )


TMUX_PAYLOAD = PAYLOADS["all"] + "\x1bkPWN\x1b\\" + "\x1bPtmux;\x1b\x1b]52;c;cHduZWQ=\x07\x1b\\"


def tmux(work: Path, row: Row, rounds: int = 3) -> None:
    """The reader in tmux (which obeys titles, renames and clipboard writes): after a first
    screen and a search, the pane title, window name and paste buffers hold nothing from the
    document, and its screen no C1 or bidi control."""
    home = work / "home"
    config = work / "tmux.conf"
    config.write_text(
        "set -g set-clipboard on\nset -g allow-rename on\nset -g allow-passthrough on\n"
        "set -g remain-on-exit on\nset -g automatic-rename off\n"
    )
    for number in range(rounds):
        folder = write_episode(work / "tmux" / str(number), TMUX_PAYLOAD, sorted(TEMPLATES))
        server = f"earmark-attack-{os.getpid()}-{number}"

        def tmux_says(*args: str, server: str = server) -> str:
            command = ["tmux", "-L", server, "-f", str(config), *args]
            return subprocess.run(command, capture_output=True, text=True).stdout

        status_file = work / f"tmux-{number}.status"
        shell = (
            f"env EARMARK_HOME={shlex.quote(str(home))} TEXTUAL_ANIMATIONS=none "
            f"{shlex.join([str(EARMARK), str(folder)])}; echo $? > {shlex.quote(str(status_file))}"
        )
        tmux_says("new-session", "-d", "-s", "a", "-x", "120", "-y", "40", shell)
        try:
            before = tmux_says("display", "-p", "-t", "a", "#{pane_title}|#{window_name}")
            problem = _wait_for_screen(tmux_says, "Not read")
            if problem is None:
                for keys in (["/"], ["-l", "hello OR evil"], ["Escape"], ["s"]):
                    tmux_says("send-keys", "-t", "a", *keys)
                    time.sleep(0.7)
            after = tmux_says("display", "-p", "-t", "a", "#{pane_title}|#{window_name}")
            buffers = tmux_says("list-buffers")
            screen = tmux_says("capture-pane", "-p", "-t", "a")
            tmux_says("send-keys", "-t", "a", "q")
            deadline = time.monotonic() + 15
            while not status_file.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            screen += tmux_says("capture-pane", "-p", "-t", "a")
        finally:
            tmux_says("kill-server")
        leaked = None
        if "PWN" in after or after != before:
            leaked = f"the title or window name changed: {before.strip()!r} → {after.strip()!r}"
        elif buffers.strip():
            leaked = f"a paste buffer was written: {buffers.strip()[:100]!r}"
        else:
            leaked = leak(screen.encode("utf-8", "surrogateescape"), terminal=True)
        crashed = "Traceback" in screen and f"traceback on screen: {screen[-300:]!r}"
        status = status_file.read_text().strip() if status_file.exists() else "none after 15 s"
        if not crashed and status != "0":
            crashed = f"after q, its exit status is {status}"
        row.count(f"tmux round {number}", crashed=crashed or None, leaked=leaked, failed=problem)


def _wait_for_screen(tmux_says, text: str, timeout: float = 30.0) -> str | None:
    deadline = time.monotonic() + timeout
    while text not in tmux_says("capture-pane", "-p", "-t", "a"):
        if time.monotonic() > deadline:
            return f"{text!r} not on the screen after {timeout:.0f} s"
        time.sleep(0.1)
    return None
