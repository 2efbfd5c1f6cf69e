"""How quickly the player starts, notices mpv's death, stops, and dies with its owner; and how many
``time-pos`` changes mpv pushes against the `Position` events the app gets. Needs mpv.

    python -m tests.bench.player_timings [--runs 5]

Prints the median, min and max of each figure over the runs (``--ao=null``, a 30 s WAV).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from index.player import mpv
from index.player.events import PlayerEvent, Position, Stopped
from tests.audio import write_wav
from tests.test_player import OWNER, REPOSITORY, running


async def _until(condition: Callable[[], object]) -> float:
    started = time.monotonic()
    while not condition():
        await asyncio.sleep(0.001)
    return time.monotonic() - started


async def one_run(wav: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    heard: list[PlayerEvent] = []
    changes = 0
    changed = mpv.Player._changed

    def counting(player: mpv.Player, name: object, value: object) -> None:
        nonlocal changes
        changes += name == "time-pos" and value is not None
        changed(player, name, value)

    mpv.Player._changed = counting
    try:
        began = time.monotonic()
        player = await mpv.start(str(wav), at=1.0, on_event=heard.append)
        figures["start → loaded (s)"] = time.monotonic() - began
        await asyncio.sleep(3.0)
        positions = sum(isinstance(event, Position) for event in heard)
        figures["time-pos changes a second"] = changes / 3.0
        figures["Position events a second"] = positions / 3.0
        os.kill(player.pid, signal.SIGKILL)
        figures["kill → Stopped (ms)"] = 1000 * await _until(
            lambda: any(isinstance(event, Stopped) for event in heard)
        )
    finally:
        mpv.Player._changed = changed
    player = await mpv.start(str(wav), on_event=heard.append)
    began = time.monotonic()
    await player.stop()
    figures["stop() (ms)"] = 1000 * (time.monotonic() - began)
    figures["owner kill -9 → mpv gone (ms)"] = 1000 * _owner_killed(wav)
    return figures


def _owner_killed(wav: Path) -> float:
    with subprocess.Popen(
        [sys.executable, "-c", OWNER, str(wav)], cwd=REPOSITORY, stdout=subprocess.PIPE, text=True
    ) as owner:
        assert owner.stdout is not None
        pid = int(owner.stdout.readline())
        owner.kill()
        owner.wait()
        began = time.monotonic()
        while running(pid):
            time.sleep(0.005)
        return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    os.environ[mpv.OPTIONS_VARIABLE] = "--ao=null"
    with tempfile.TemporaryDirectory() as folder:
        wav = write_wav(Path(folder) / "episode.wav", 30)
        runs = [asyncio.run(one_run(wav)) for _ in range(options.runs)]
    print(f"{options.runs} runs: median (min–max)")
    for name in runs[0]:
        values = [run[name] for run in runs]
        print(f"{name}: {statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})")


if __name__ == "__main__":
    main()
