"""Measure search on one library, in a process of its own.

    python -m tests.bench.measure LIBRARY --home DIR [--runs N] [--build-runs N]

Prints one JSON object: sizes, build, incremental update, open and per-keystroke latencies, and
the same keystrokes searched with ``rg`` (or ``grep -r``) over the library's files. The build
and the update's memory are measured on ``earmark index`` in processes of their own, sampled
with all their processes (`tests.bench.memory`): this process's own peak is not the reader's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHRASES = (
    "value function",
    "generalization",
    "age of research",
    "sentient life",
    "self-play",
    "pre-training data",
    "competitive programming",
    "superintelligence",
    "emotions",
    "research taste",
)
# The most a person waits for a search they asked for on the command line.
UNHURRIED_TIME_LIMIT = 10.0
OPERATORS = ("OR", "NOT", "-x", '"a b c"', "v*", "kind:c")


def long_queries(words: list[str]) -> dict[str, str]:
    """What a person may paste or a program send, made from an episode's ``words`` (at least
    2,000): the cases that once took seconds to minutes whatever the time limit."""
    return {
        "200 words": " ".join(words[:200]),
        "2,000 words": " ".join(words[:2_000]),
        "a quoted 300-word phrase": '"' + " ".join(words[:300]) + '"',
        "alpha OR alpha … ×10,000": " OR ".join(["alpha"] * 10_000),
        "300 fuzzy words": " ".join(f"{word}~" for word in words[:300]),
        "1,000 words and operators": " ".join(
            f"{OPERATORS[number % len(OPERATORS)]} {word}"
            for number, word in enumerate(words[:500])
        ),
    }


def keystrokes() -> list[str]:
    """Every prefix of every phrase, as typed one letter at a time."""
    return [phrase[:end] for phrase in PHRASES for end in range(1, len(phrase) + 1)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--build-runs", type=int, default=1)
    options = parser.parse_args()
    os.environ["EARMARK_HOME"] = str(options.home)
    print(json.dumps(measure(options.library, options.runs, options.build_runs)))


def measure(root: Path, runs: int, build_runs: int) -> dict[str, Any]:
    from index.library import Library
    from index.search import SearchIndex

    parse_seconds, library = timed(lambda: Library.open(root))
    results: dict[str, Any] = {
        "episodes": len(library.infos),
        "raw_mb": sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6,
        "first_parse_s": parse_seconds,
    }
    builds = [_earmark_index(root, "--rebuild") for _ in range(build_runs)]
    results["build_s"] = spread([build.seconds for build in builds])
    results["build_peak_mb"] = spread([build.peak_rss_mb for build in builds])
    results["build_peak_pss_mb"] = spread([build.peak_pss_mb for build in builds])
    results["build_processes"] = max(build.peak_processes for build in builds)
    results["build_runs"] = build_runs
    with SearchIndex.open(library) as search_index:
        results["index_mb"] = (
            sum(f.stat().st_size for f in search_index.folder.rglob("*") if f.is_file()) / 1e6
        )
    results |= _update(root, library.infos, runs)
    results |= _update_peak(root, library.infos, runs)
    results |= _open(root, runs)
    with SearchIndex.open(Library.open(root)) as search_index:
        results["documents"] = search_index.document_count
        results |= _latencies(search_index, runs)
        results["long_queries"] = measure_long_queries(search_index, library, runs)
    results |= _grep(root, runs)
    return results


def spread(values: list[float]) -> list[float]:
    """[median, min, max]."""
    return [statistics.median(values), min(values), max(values)]


def spread_cell(figures: list[float], spec: str) -> str:
    """A `spread` as a table cell: ``median (min–max)``, or the one figure when they agree."""
    median, low, high = figures
    if low == high:
        return format(median, spec)
    return f"{median:{spec}} ({low:{spec}}–{high:{spec}})"


def _earmark_index(root: Path, *options: str) -> Any:
    """``earmark index`` run as a person runs it, its processes sampled (`tests.bench.memory`)."""
    from tests.bench.memory import run_sampled

    earmark = str(Path(sys.executable).parent / "earmark")
    sampled = run_sampled([earmark, "index", str(root), *options])
    if sampled.returncode != 0:
        raise RuntimeError(f"earmark index {root} {' '.join(options)}: exit {sampled.returncode}")
    return sampled


def _update_peak(root: Path, infos: tuple, runs: int) -> dict[str, Any]:
    """One episode's note gains a line, then ``earmark index`` in a fresh process brings the
    index up to date: the peak memory of that process, and its seconds (start-up included)."""
    samples = []
    for run in range(runs):
        episode = infos[(run * 7 + 3) % len(infos)]
        note = next(path for path in episode.sources if path.suffix == ".md")
        with open(note, "a", encoding="utf-8") as file:
            file.write(f"\n- Another point about zanzibar, number {run}.\n")
        samples.append(_earmark_index(root))
    return {
        "update_peak_mb": spread([sample.peak_rss_mb for sample in samples]),
        "update_process_s": spread([sample.seconds for sample in samples]),
    }


def _update(root: Path, infos: tuple, runs: int) -> dict[str, Any]:
    """One episode's note gains a line: reopening re-indexes that episode alone."""
    from index.library import Library
    from index.search import SearchIndex

    library_seconds, index_seconds = [], []
    for run in range(runs):
        episode = infos[run * 7 % len(infos)]
        note = next(path for path in episode.sources if path.suffix == ".md")
        with open(note, "a", encoding="utf-8") as file:
            file.write(f"\n- A new point about zanzibar, number {run}.\n")
        seconds, library = timed(lambda: Library.open(root))
        library_seconds.append(seconds)
        seconds, search_index = timed(lambda library=library: SearchIndex.open(library))
        index_seconds.append(seconds)
        assert search_index.indexed == (episode.id,), search_index.indexed
        search_index.close()
    return {
        "update_index_s": statistics.median(index_seconds),
        "update_library_s": statistics.median(library_seconds),
    }


def _open(root: Path, runs: int) -> dict[str, Any]:
    from index.library import Library
    from index.search import SearchIndex

    library_seconds, index_seconds = [], []
    for _ in range(max(runs, 5)):
        seconds, library = timed(lambda: Library.open(root))
        library_seconds.append(seconds)
        seconds, search_index = timed(lambda library=library: SearchIndex.open(library))
        index_seconds.append(seconds)
        search_index.close()
    return {
        "open_library_s": statistics.median(library_seconds),
        "open_index_s": statistics.median(index_seconds),
    }


def _latencies(search_index: Any, runs: int) -> dict[str, Any]:
    """p50/p95 of the keystrokes, each run on its own; the median run's figures."""
    typed = keystrokes()
    search_index.search("warm up")
    as_typed, unhurried, timed_out = [], [], 0
    for _ in range(runs):
        seconds = []
        for query in typed:
            elapsed, found = timed(lambda query=query: search_index.search(query))
            seconds.append(elapsed)
            timed_out += found.timed_out
        as_typed.append(seconds)
        seconds = []
        for query in typed:
            elapsed, _ = timed(
                lambda query=query: search_index.search(query, time_limit=UNHURRIED_TIME_LIMIT)
            )
            seconds.append(elapsed)
        unhurried.append(seconds)
    return {
        "keystrokes": len(typed),
        "p50_ms": statistics.median(percentile(run, 0.5) for run in as_typed) * 1000,
        "p95_ms": statistics.median(percentile(run, 0.95) for run in as_typed) * 1000,
        "max_ms": statistics.median(max(run) for run in as_typed) * 1000,
        "timed_out_share": timed_out / (len(typed) * runs),
        "unhurried_p50_ms": statistics.median(percentile(run, 0.5) for run in unhurried) * 1000,
        "unhurried_p95_ms": statistics.median(percentile(run, 0.95) for run in unhurried) * 1000,
    }


def measure_long_queries(search_index: Any, library: Any, runs: int) -> dict[str, Any]:
    """Each long query searched ``runs`` times at the keystroke limit and at the command
    line's: milliseconds (median, min, max) and how often the limit cut it."""
    from index.search.index import KEYSTROKE_TIME_LIMIT
    from tui.cli import SEARCH_TIME_LIMIT

    episode = library.episode(library.infos[0].id)
    words = " ".join(turn.text for turn in episode.turns).split()
    measured: dict[str, Any] = {}
    for name, query in long_queries(words).items():
        row: dict[str, Any] = {}
        for limit_name, limit in (("keystroke", KEYSTROKE_TIME_LIMIT), ("cli", SEARCH_TIME_LIMIT)):
            seconds, cut = [], 0
            for _ in range(runs):
                elapsed, found = timed(
                    lambda query=query, limit=limit: search_index.search(query, time_limit=limit)
                )
                seconds.append(elapsed * 1000)
                cut += found.timed_out
            row[limit_name] = [statistics.median(seconds), min(seconds), max(seconds)]
            row[f"{limit_name}_cut"] = cut / runs
        measured[name] = row
    return measured


def _grep(root: Path, runs: int) -> dict[str, Any]:
    """The same keystrokes as fixed strings, case-insensitive, counted over the raw files."""
    rg = shutil.which("rg")
    command = (
        [rg, "--no-config", "-i", "-F", "-c", "-e"]
        if rg
        else ["grep", "-r", "-i", "-F", "-c", "-e"]
    )
    samples = []
    for _ in range(runs):
        seconds = []
        for query in keystrokes():
            elapsed, _ = timed(
                lambda query=query: subprocess.run(
                    [*command, query, str(root)], stdout=subprocess.DEVNULL, check=False
                )
            )
            seconds.append(elapsed)
        samples.append(seconds)
    return {
        "grep_tool": "rg" if rg else "grep -r",
        "grep_p50_ms": statistics.median(percentile(run, 0.5) for run in samples) * 1000,
        "grep_p95_ms": statistics.median(percentile(run, 0.95) for run in samples) * 1000,
    }


if __name__ == "__main__":
    main()
