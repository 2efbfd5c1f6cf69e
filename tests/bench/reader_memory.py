"""The reader's memory as a person's machine sees it: ``earmark LIBRARY`` in tmux, its VmRSS
read from /proc at three moments.

1. *first paint*: the first screen shows the first turn's time;
2. *index open*: then the process has gone quiet (its CPU time still for ``QUIET_S``): the
   reader opens the search index in a thread after the first paint, and with an index built
   already that is all it does;
3. *after searching*: the search panel opened and the bench's phrases (`measure.PHRASES`)
   typed one letter at a time, each answered (its status line says "results") before the
   next is cleared and typed.

    python -m tests.bench.reader_memory LIBRARY --home DIR [--runs 3]

The library's index must be built in ``DIR`` already (`measure.py` leaves it so).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from tests.bench.measure import PHRASES
from tests.bench.memory import rss_mb
from tests.bench.startup import Session

QUIET_S = 1.0
QUIET_CPU_TICKS = 2  # at most this much CPU time (clock ticks) in QUIET_S counts as quiet
TYPING_GAP_S = 0.08
TIMEOUT_S = 120.0


def cpu_ticks(pid: int) -> int:
    """The process's user and system time so far, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def wait_until_quiet(pid: int, timeout: float = TIMEOUT_S) -> None:
    """Return once the process has used next to no CPU for ``QUIET_S``."""
    deadline = time.monotonic() + timeout
    before = cpu_ticks(pid)
    while time.monotonic() < deadline:
        time.sleep(QUIET_S)
        now = cpu_ticks(pid)
        if now - before <= QUIET_CPU_TICKS:
            return
        before = now
    raise RuntimeError(f"the reader (pid {pid}) never went quiet in {timeout:.0f} s")


def measure_once(library: Path, home: Path) -> dict[str, float]:
    earmark = str(Path(sys.executable).parent / "earmark")
    with Session([earmark, str(library)], {"EARMARK_HOME": str(home)}) as session:
        session.wait_for("00:00:00")
        pid = session.pid()
        figures = {"paint_rss_mb": _rss(pid)}
        wait_until_quiet(pid)
        figures["open_rss_mb"] = _rss(pid)
        session.keys("/")
        for phrase in PHRASES:
            session.keys("C-u")
            for letter in phrase:
                session.keys(letter, literal=True)
                time.sleep(TYPING_GAP_S)
            session.wait_for("results", timeout=TIMEOUT_S)
            wait_until_quiet(pid)
            if phrase == PHRASES[0]:
                figures["search_rss_mb"] = _rss(pid)
        figures["searches_rss_mb"] = _rss(pid)
        return figures


def _rss(pid: int) -> float:
    found = rss_mb(pid)
    if found is None:
        raise RuntimeError(f"the reader (pid {pid}) is gone")
    return found


def measure(library: Path, home: Path, runs: int) -> dict[str, Any]:
    """Each figure's median, min and max over ``runs`` readers."""
    samples = [measure_once(library, home) for _ in range(runs)]
    return {
        name: [
            statistics.median(s[name] for s in samples),
            min(s[name] for s in samples),
            max(s[name] for s in samples),
        ]
        for name in samples[0]
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("library", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    os.environ["EARMARK_HOME"] = str(options.home)
    print(json.dumps(measure(options.library, options.home, options.runs)))


if __name__ == "__main__":
    main()
