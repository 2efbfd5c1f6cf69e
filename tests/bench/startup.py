"""First paint of the reader in a real terminal (tmux, 120×40), beside a bare Textual app.

The clock runs from starting the tmux session to the first capture that shows the screen's
marker text, so tmux's own start-up is in both columns and cancels out in the difference.
"""

from __future__ import annotations

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
POLL_SECONDS = 0.005
TIMEOUT_SECONDS = 30.0


def available() -> bool:
    return shutil.which("tmux") is not None


def first_paint(command: list[str], marker: str, env: dict[str, str]) -> float:
    """Seconds from launching ``command`` in tmux until the screen shows ``marker``."""
    name = f"earmark-bench-{uuid.uuid4().hex[:8]}"
    settings = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
         f"env TEXTUAL_ANIMATIONS=none {settings} {shlex.join(command)}"],
        check=True, env={**os.environ, "TERM": os.environ.get("TERM", "xterm-256color")},
    )  # fmt: skip
    try:
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", name], capture_output=True, text=True
            ).stdout
            if marker in screen:
                return time.perf_counter() - started
            if time.perf_counter() - started > TIMEOUT_SECONDS:
                raise RuntimeError(f"{shlex.join(command)} never showed {marker!r}:\n{screen}")
            time.sleep(POLL_SECONDS)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


def measure(library: Path, home: Path, runs: int) -> dict[str, float]:
    """Median first paint of ``earmark LIBRARY`` (its index already built in ``home``) and of
    a bare Textual app."""
    earmark = str(Path(sys.executable).parent / "earmark")
    env = {"EARMARK_HOME": str(home)}
    reader, hello = [], []
    for _ in range(runs):  # in turn, so that a slow moment of the machine slows both alike
        reader.append(first_paint([earmark, str(library)], "00:00:00", env))
        hello.append(first_paint([sys.executable, "-c", HELLO_APP], "hello, terminal", {}))
    return {
        "reader_paint_s": statistics.median(reader),
        "hello_paint_s": statistics.median(hello),
    }
