"""First paint of the reader in a real terminal (tmux, 120×40), beside a bare Textual app.

The clock runs from starting the tmux session to the first capture that shows the screen's
marker text, so tmux's own start-up is in both columns and cancels out in the difference.
earmark's modules are compiled to bytecode first, as installing a package does: a checkout run
with PYTHONDONTWRITEBYTECODE set would otherwise compile them at every start.
"""

from __future__ import annotations

import compileall
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HELLO_APP = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello, terminal")

Hello().run()
"""
REPO = Path(__file__).resolve().parents[2]
POLL_SECONDS = 0.005
# Each run has a tmux server of its own (-L), started with it; a start that fails anyway is
# tried again, and its time not counted.
START_ATTEMPTS = 3
TIMEOUT_SECONDS = 30.0


def available() -> bool:
    return shutil.which("tmux") is not None


class Session:
    """``command`` running in a tmux server of its own at 120×40, for as long as the ``with``."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command = command
        self.env = env
        self.name = f"earmark-bench-{uuid.uuid4().hex[:8]}"
        self.started = 0.0

    def __enter__(self) -> Session:
        settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in self.env.items())
        for attempt in range(START_ATTEMPTS):
            self.started = time.perf_counter()
            launched = self._tmux(
                "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40",
                f"env TEXTUAL_ANIMATIONS=none {settings} {shlex.join(self.command)}",
            )  # fmt: skip
            if launched.returncode == 0:
                return self
            if attempt == START_ATTEMPTS - 1:
                raise RuntimeError(f"tmux did not start: {launched.stderr.strip()}")
        raise AssertionError("unreachable")

    def __exit__(self, *_: object) -> None:
        self._tmux("kill-server")

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.name, *args],
            env={**os.environ, "TERM": os.environ.get("TERM", "xterm-256color")},
            capture_output=True,
            text=True,
        )

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name).stdout

    def pid(self) -> int:
        """The command's process (``env`` execs it, so the pane's own process)."""
        return int(self._tmux("display-message", "-p", "-t", self.name, "#{pane_pid}").stdout)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def wait_for(self, marker: str, timeout: float = TIMEOUT_SECONDS) -> float:
        """Seconds since the session started when the screen first shows ``marker``."""
        waited_from = time.perf_counter()
        while True:
            screen = self.screen()
            if marker in screen:
                return time.perf_counter() - self.started
            if time.perf_counter() - waited_from > timeout:
                raise RuntimeError(f"{shlex.join(self.command)} never showed {marker!r}:\n{screen}")
            time.sleep(POLL_SECONDS)


def first_paint(command: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from launching ``command`` in tmux until the screen shows ``marker``."""
    with Session(command, env) as session:
        return session.wait_for(marker)


def paint_in_turn(
    library: Path, sides: dict[str, tuple[Path, Path]], runs: int
) -> dict[str, list[float]]:
    """First paints of ``earmark LIBRARY`` run from each side's source tree (put first on
    PYTHONPATH) with its EARMARK_HOME, and of a bare Textual app (``bare``), ``runs`` each, in
    turn, so that a slow moment of the machine slows every side alike."""
    earmark = str(Path(sys.executable).parent / "earmark")
    for tree, _ in sides.values():
        for package in ("index", "tui"):
            compileall.compile_dir(tree / package, quiet=1)
    times: dict[str, list[float]] = {name: [] for name in [*sides, "bare"]}
    for _ in range(runs):
        for name, (tree, home) in sides.items():
            env = {"EARMARK_HOME": str(home), "PYTHONPATH": str(tree)}
            times[name].append(first_paint([earmark, str(library)], "00:00:00", env))
        times["bare"].append(first_paint([sys.executable, "-c", HELLO_APP], "hello, terminal", {}))
    return times


def measure(library: Path, home: Path, runs: int) -> dict[str, float]:
    """Median first paint of ``earmark LIBRARY`` (its index already built in ``home``) and of
    a bare Textual app."""
    times = paint_in_turn(library, {"reader": (REPO, home)}, runs)
    return {
        "reader_paint_s": statistics.median(times["reader"]),
        "hello_paint_s": statistics.median(times["bare"]),
    }
