"""Only the benchmark's keystrokes, for comparing two trees back to back.

    python tests/bench/keystrokes.py LIBRARY --home DIR [--runs N] [--updates N] [--profile FILE]

Run by path with a tree's own interpreter (``OTHER_TREE/.venv/bin/python
tests/bench/keystrokes.py …``), it measures that tree's search: the keystrokes and their
percentiles come from that tree's `tests.bench.measure`. The index in ``--home`` is built or
brought up to date first (not timed); ``--updates`` first gives that many episodes' notes a line
and reopens, re-indexing each, as `measure` does. One searcher is kept open and every prefix of
every phrase searched at the keystroke time limit, ``--runs`` times; prints one JSON object:
each run's p50 and p95 (ms), the share of queries the limit cut, and the p50 and p95 of the
process's CPU time per query (less swayed than the wall clock by the other processes of a
shared machine). ``--profile`` writes the
runs' cProfile statistics to FILE.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import sys
import time
from pathlib import Path

# Run by path, this folder comes first on sys.path: take the packages from the tree instead.
sys.path = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).parent]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("library", type=Path)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--updates", type=int, default=0)
    parser.add_argument("--profile", type=Path)
    options = parser.parse_args()
    os.environ["EARMARK_HOME"] = str(options.home)
    _update(options.library, options.updates)
    print(json.dumps(_keystrokes(options.library, options.runs, options.profile)))


def _update(root: Path, updates: int) -> None:
    from index.library import Library
    from index.search import SearchIndex

    SearchIndex.open(Library.open(root)).close()
    for run in range(updates):
        infos = Library.open(root).infos
        episode = infos[run * 7 % len(infos)]
        note = next(path for path in episode.sources if path.suffix == ".md")
        with open(note, "a", encoding="utf-8") as file:
            file.write(f"\n- A new point about zanzibar, number {run}.\n")
        SearchIndex.open(Library.open(root)).close()


def _keystrokes(root: Path, runs: int, profile: Path | None) -> dict[str, object]:
    from index.library import Library
    from index.search import SearchIndex
    from tests.bench.measure import keystrokes, percentile

    typed = keystrokes()
    profiler = cProfile.Profile() if profile else None
    p50, p95, cpu50, cpu95, cut = [], [], [], [], []
    with SearchIndex.open(Library.open(root)) as search_index:
        search_index.search("warm up")
        for _ in range(runs):
            seconds, cpu_seconds, timed_out = [], [], 0
            if profiler:
                profiler.enable()
            for query in typed:
                start, cpu_start = time.perf_counter(), time.process_time()
                found = search_index.search(query)
                seconds.append(time.perf_counter() - start)
                cpu_seconds.append(time.process_time() - cpu_start)
                timed_out += found.timed_out
            if profiler:
                profiler.disable()
            p50.append(percentile(seconds, 0.5) * 1000)
            p95.append(percentile(seconds, 0.95) * 1000)
            cpu50.append(percentile(cpu_seconds, 0.5) * 1000)
            cpu95.append(percentile(cpu_seconds, 0.95) * 1000)
            cut.append(timed_out / len(typed))
    if profiler and profile:
        profiler.dump_stats(profile)
    return {
        "keystrokes": len(typed),
        "p50_ms": p50,
        "p95_ms": p95,
        "cut": cut,
        "cpu_p50_ms": cpu50,
        "cpu_p95_ms": cpu95,
    }


if __name__ == "__main__":
    main()
