"""Memory as the machine sees it: a command's whole process tree sampled from /proc.

``getrusage``'s peak is one process's (its ``RUSAGE_CHILDREN`` is the largest child ever
waited for, and rg's children inherited the figure of the process that ran them), so it says
nothing of a build that runs in three processes. Here a command runs in a process of its own
and its tree (``/proc/PID/task/*/children``, followed down) is sampled every
``INTERVAL_S``: the peak of the sum of the tree's RSS (what ``top`` shows, pages shared by a
fork counted in each process) and of its PSS (each shared page divided among the processes
that share it: what the tree costs the machine together).

    python -m tests.bench.memory -- COMMAND ...   # prints seconds, peak RSS and PSS in MB

Linux only; elsewhere the figures are None.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

INTERVAL_S = 0.05
PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class Sampled:
    seconds: float
    peak_rss_mb: float | None  # the most the tree's RSS summed to at one sample
    peak_pss_mb: float | None  # the same for PSS: shared pages counted once
    peak_processes: int  # the most processes the tree had at one sample
    returncode: int
    cpu_seconds: float | None = None  # user and system time of the tree (its reaped processes)


def available() -> bool:
    return (PROC / "self" / "smaps_rollup").exists()


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it, as /proc lists them now."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            threads = list((PROC / str(current) / "task").iterdir())
        except OSError:  # gone meanwhile
            continue
        for thread in threads:
            try:
                todo += [int(child) for child in (thread / "children").read_text().split()]
            except OSError:
                continue
    return found


def status_kb(pid: int, field: str) -> int | None:
    """A ``/proc/PID/status`` field in kB (``VmRSS``, ``VmHWM``); None when the process is gone."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def rss_mb(pid: int) -> float | None:
    kb = status_kb(pid, "VmRSS")
    return None if kb is None else kb / 1024


def _rollup_kb(pid: int) -> tuple[int, int] | None:
    """RSS and PSS of one process in kB."""
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    rss = pss = 0
    for line in text.splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss, pss


def tree_memory_mb(pid: int) -> tuple[float, float, int]:
    """The summed RSS and PSS of ``pid``'s tree now, in MB, and how many processes it has."""
    rss = pss = count = 0
    for member in tree(pid):
        rollup = _rollup_kb(member)
        if rollup is not None:
            rss, pss, count = rss + rollup[0], pss + rollup[1], count + 1
    return rss / 1024, pss / 1024, count


class TreeSampler:
    """Samples a process tree from a thread until stopped; the peaks of what it saw."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = self.peak_pss = 0.0
        self.high_water = 0.0  # the process's own peak RSS so far (VmHWM), in MB
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(INTERVAL_S)

    def sample(self) -> None:
        rss, pss, count = tree_memory_mb(self.pid)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_processes = max(self.peak_processes, count)
        high_water_kb = status_kb(self.pid, "VmHWM")
        if high_water_kb is not None:
            self.high_water = max(self.high_water, high_water_kb / 1024)


def run_sampled(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Sampled:
    """Run ``command`` to its end (its output discarded), sampling its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        env=None if env is None else {**os.environ, **env},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not available():
        returncode = process.wait()
        return Sampled(time.perf_counter() - started, None, None, 0, returncode)
    with TreeSampler(process.pid) as sampler:
        # Reaped here, not by Popen, for its CPU time; the tree's samples end before it is
        # reaped, its pages still there. Its own peak is its VmHWM, not wait4's ``ru_maxrss``:
        # that is at least the peak of the process that started it (Linux keeps the high-water
        # mark of the memory a child replaces when it executes, here this one's), and a bench
        # holding an index of 10,000 episodes reported 562 MB for an update that peaked at 126.
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(INTERVAL_S / 5)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Sampled(
        time.perf_counter() - started,
        max(sampler.peak_rss, sampler.high_water),
        sampler.peak_pss,
        sampler.peak_processes,
        process.returncode,
        # wait4 counts the processes the command itself waited for: Whoosh's workers are.
        usage.ru_utime + usage.ru_stime,
    )


def main() -> None:
    command = sys.argv[1:]
    if command and command[0] == "--":
        command = command[1:]
    sampled = run_sampled(command)
    print(
        f"{sampled.seconds:.2f} s, peak RSS {sampled.peak_rss_mb:.0f} MB, "
        f"PSS {sampled.peak_pss_mb:.0f} MB, {sampled.peak_processes} processes, "
        f"CPU {sampled.cpu_seconds:.2f} s, exit {sampled.returncode}"
    )


if __name__ == "__main__":
    main()
