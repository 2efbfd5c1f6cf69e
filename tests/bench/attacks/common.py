"""What every attack needs: running the real `earmark` (in a pipe or on a pseudo-terminal), telling
a crash from a one-line error, finding escape sequences from a document in what it wrote, and
counting.

Counting is by run: an input "tried" is one real process of `earmark` (or one reader session),
and each run counts at most once per column. A *crash* is a traceback, a death by signal, a hang
past its time limit, or an error that is not one line (a line on stderr that is not earmark's
own ``earmark: …``). An *escape* is any ESC sequence, C1 control or bidi control from a document
or a file name among the bytes written. *Data lost* is something earmark acknowledged (a
bookmark or note the reader said was saved, a file `earmark add` said it added) missing after
the fault. *Other* is anything else the attack's kind promises and did not happen (an orphan
worker, a stale folder, a wrong exit status): each is described.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

EARMARK = Path(sys.executable).parent / "earmark"

# The sequences a document or file name carries in these attacks, each with a mark that earmark's
# own output never holds: an OSC title (BEL- and ST-ended), a clipboard write, a hyperlink, a
# DCS, a device status request (the terminal would answer it as if typed), a window move, the
# C1 forms of CSI and OSC, and bidi overrides.
PAYLOADS: dict[str, str] = {
    "osc-title": "\x1b]0;PWN\x07",
    "osc-title-st": "\x1b]2;PWN\x1b\\",
    "osc-clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "osc-hyperlink": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "dcs": "\x1bP1$rPWN\x1b\\",
    "csi-status-request": "\x1b[6n",
    "csi-window": "\x1b[3;666;666t",
    "c1-csi": "\x9b666;666H",
    "c1-osc": "\x9d0;PWN\x9c",
    "bidi": "\u202eevil\u202c\u2066x\u2069",
}
PAYLOADS["all"] = "".join(PAYLOADS.values())
# In bytes as a terminal would get them: what must never be written, even among earmark's own
# escape sequences on a terminal.
_HOSTILE_ON_A_TERMINAL = [
    b"\x1b]0;PWN",
    b"\x1b]2;PWN",
    b"\x1b]52;",
    b"\x1b]8;;http://evil",
    b"\x1bP1$r",
    b"\x1b[6n",
    b"\x1b[3;666;666t",
]
_C1_OR_BIDI = re.compile("[\x80-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udc9f]")


def leak(output: bytes, *, terminal: bool) -> str | None:
    """What in ``output`` came from a hostile document, or None. On a terminal earmark writes
    escape sequences of its own, so the hostile ones are looked for; in a pipe, any ESC or BEL
    is one. Either way, a C1 control (as UTF-8 or a raw byte) or a bidi control is one."""
    if terminal:
        for sequence in _HOSTILE_ON_A_TERMINAL:
            if sequence in output:
                return f"wrote {_around(output, output.index(sequence))}"
    else:
        for byte in (b"\x1b", b"\x07"):
            if byte in output:
                return f"wrote {_around(output, output.index(byte))}"
    decoded = output.decode("utf-8", errors="surrogateescape")
    found = _C1_OR_BIDI.search(decoded)
    if found:
        around = decoded[max(0, found.start() - 30) : found.end() + 30]
        return f"wrote U+{ord(found[0]):04X} in {around!r}"
    return None


def _around(output: bytes, at: int) -> str:
    return repr(output[max(0, at - 30) : at + 40])


# -- running earmark ----------------------------------------------------------------------------


@dataclass
class Ran:
    """One run of earmark: what it was given, its exit status, what it wrote, how long it took."""

    args: Sequence[str | bytes]
    status: int | None  # None: it was stopped at its time limit
    out: bytes
    err: bytes
    seconds: float

    @property
    def timed_out(self) -> bool:
        return self.status is None


def environment(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "EARMARK_HOME": str(home), "NO_COLOR": "", **extra}


def run(
    args: Sequence[str | bytes],
    home: Path,
    *,
    timeout: float = 60.0,
    stdin: bytes | None = None,
    prefix: Sequence[str] = (),
    **extra: str,
) -> Ran:
    """``earmark ARGS`` in pipes, its own session (so that whatever it starts can be killed)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [*prefix, os.fsencode(EARMARK), *(os.fsencode(a) for a in args)],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(home, **extra),
        start_new_session=True,
    )
    try:
        out, err = process.communicate(stdin, timeout=timeout)
        status: int | None = process.returncode
    except subprocess.TimeoutExpired:
        kill_group(process.pid)
        out, err = process.communicate()
        status = None
    return Ran(args, status, out, err, time.monotonic() - started)


def kill_group(pid: int) -> None:
    """Kill -9 the process group ``pid`` leads (a run and whatever it started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


_OWN_LINE = re.compile(rb"^(earmark: |earmark [a-z]+: error: |usage: earmark|\s)")


def crash(ran: Ran, *, statuses: Sequence[int] = (0, 1)) -> str | None:
    """Why ``ran`` counts as a crash, or None: a traceback, a signal, a hang, an exit status
    other than ``statuses``, or a line on stderr that is not one of earmark's own."""
    if ran.timed_out:
        return f"hung: stopped after {ran.seconds:.0f} s"
    if b"Traceback (most recent call last)" in ran.err + ran.out:
        last = ran.err.strip().splitlines()[-1:] or [b""]
        return f"traceback: {last[0][:200]!r}"
    if ran.status is not None and ran.status < 0:
        return f"killed by signal {-ran.status}"
    if ran.status not in statuses:
        return f"exit status {ran.status}: {ran.err[-300:]!r}"
    for line in ran.err.splitlines():
        if line and not _OWN_LINE.match(line):
            return f"a line on stderr that is not earmark's: {line[:200]!r}"
    return None


_CSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]")


class Terminal:
    """``earmark ARGS`` on a pseudo-terminal (120×40), as a person runs it: every byte it writes
    is kept, keys can be typed, and it can be killed."""

    def __init__(
        self,
        args: Sequence[str],
        home: Path,
        *,
        rows: int = 40,
        columns: int = 120,
        prefix: Sequence[str] = (),
    ) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = environment(
            home,
            TERM="xterm-256color",
            COLUMNS=str(columns),
            LINES=str(rows),
            TEXTUAL_ANIMATIONS="none",
        )
        env.pop("NO_COLOR")
        self.process = subprocess.Popen(
            [*prefix, str(EARMARK), *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()
        self.closed = False

    def read(self, seconds: float) -> None:
        """Read what it writes for up to ``seconds`` (less once it has closed the terminal)."""
        deadline = time.monotonic() + seconds
        while (
            not self.closed and self.master >= 0 and (remaining := deadline - time.monotonic()) > 0
        ):
            ready, _, _ = select.select([self.master], [], [], min(remaining, 0.2))
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:  # EIO: the other end is closed
                    chunk = b""
                if not chunk:
                    self.closed = True
                self.output += chunk

    def wait_for(self, text: bytes, timeout: float = 20.0, since: int = 0) -> bool:
        """Whether ``text`` was shown (written after offset ``since``, its words perhaps apart
        in colours or cursor moves) within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.shown(since):
            if self.closed or time.monotonic() > deadline:
                return False
            self.read(0.05)
        return True

    def shown(self, since: int = 0) -> bytes:
        """What it wrote after offset ``since``, without CSI sequences (colours, moves)."""
        return _CSI.sub(b"", bytes(self.output[since:]))

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def finish(self, timeout: float = 10.0) -> int | None:
        """Its exit status once it has ended by itself within ``timeout``; None when it had to
        be killed."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read(0.1)
        status = self.process.poll()
        self.close()
        return status

    def kill(self) -> None:
        kill_group(self.process.pid)
        self.process.wait()

    def close(self) -> None:
        """Kill it if it still runs, and close the terminal (once)."""
        if self.process.poll() is None:
            self.kill()
        if self.master >= 0:
            self.read(0.2)
            os.close(self.master)
            self.master = -1


# -- counting -----------------------------------------------------------------------------------


@dataclass
class Row:
    """One kind of attack: how many runs, and how many of them crashed, leaked, lost data or
    failed otherwise, with the first few of each described."""

    kind: str
    tried: int = 0
    crashes: int = 0
    escapes: int = 0
    lost: int = 0
    other: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # figures worth saying beside the counts

    def count(
        self,
        what: str,
        *,
        crashed: str | None = None,
        leaked: str | None = None,
        lost: str | None = None,
        failed: str | None = None,
    ) -> None:
        """One run of ``what``, and what went wrong in it (None: nothing)."""
        self.tried += 1
        for column, problem in (
            ("crashes", crashed),
            ("escapes", leaked),
            ("lost", lost),
            ("other", failed),
        ):
            if problem:
                setattr(self, column, getattr(self, column) + 1)
                if len(self.examples) < 12:
                    self.examples.append(f"{column}: {what}: {problem}")
