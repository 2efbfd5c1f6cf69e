"""The first open of a new library in the reader: how soon it shows the first episode, how soon
every episode is read, and what it holds meanwhile; then where the time of reading goes.

    python -m tests.bench.first_open [--sizes 100,1000] [--runs 3] [--keep DIR] [--out FILE]

Each run starts `earmark LIBRARY` in tmux at 120×40 with an empty EARMARK_HOME (nothing of the
library parsed), as `tests.bench.startup` does, and polls its screen: *first episode* is the
first screen that shows the first turn's time, *all parsed* the first one after it whose
progress line no longer says "Reading your library: …" (every episode is in the tree; the line
then says "Placing notes: …"), and *notes placed* the first without the progress line (the
search index then starts). The reader's own peak is the kernel's high-water mark of its RSS
(``VmHWM``) once all is done; its process tree's (the worker processes) is sampled from /proc
meanwhile (`tests.bench.memory`). MB/s: the library's bytes over *all parsed* (the target), and
over *notes placed*. The breakdown then reads the library once more in one process,
timing each step of parsing an episode (`_breakdown`): it shares the whole, not the workers'.
`make bench` writes this section into RESULTS.md with the others (`tests.bench.run`); run alone,
it replaces only its own section. Libraries are made by `tests.bench.synth` (deterministic).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench import memory, startup
from tests.bench.measure import spread, spread_cell
from tests.bench.parsing import write_section
from tests.bench.synth import write_library

SECTION = "# First open"
TARGET_MB_S = 10.0
# Each sample runs `tmux capture-pane` and reads /proc: CPU taken from what is measured, on a
# machine whose cores are busy.
SAMPLE_EVERY_S = 0.5
FIRST_EPISODE_MARKER = "00:00:00"
READING_MARKER = "Reading your library"
PLACING_MARKER = "Placing notes"
TIMEOUT_S = 1800.0


def measure_reader(library: Path, home: Path) -> dict[str, float]:
    """One first open of ``library`` in the reader, ``home`` emptied first."""
    shutil.rmtree(home, ignore_errors=True)
    earmark = str(Path(sys.executable).parent / "earmark")
    with startup.Session([earmark, str(library)], {"EARMARK_HOME": str(home)}) as session:
        first_episode = session.wait_for(FIRST_EPISODE_MARKER, timeout=TIMEOUT_S)
        pid = session.pid()
        session.wait_for(READING_MARKER)  # the progress line comes just after the first paint
        tree_peak, all_parsed = 0.0, None
        while True:
            tree_peak = max(tree_peak, memory.tree_memory_mb(pid)[0])
            screen, now = session.screen(), time.perf_counter() - session.started
            if all_parsed is None and READING_MARKER not in screen:
                all_parsed = now
            if all_parsed is not None and PLACING_MARKER not in screen:
                notes_placed = now
                break
            if now > TIMEOUT_S:
                raise RuntimeError(f"{library}: still reading after {TIMEOUT_S:g} s")
            time.sleep(SAMPLE_EVERY_S)
        # The kernel's high-water mark: sampling every half second could miss a short peak.
        reader_peak = memory.status_kb(pid, "VmHWM")
    if reader_peak is None:
        raise RuntimeError(f"{library}: the reader had gone before its peak was read")
    return {
        "first_episode_s": first_episode,
        "all_parsed_s": all_parsed,
        "notes_placed_s": notes_placed,
        "reader_peak_mb": reader_peak / 1024,
        "tree_peak_mb": tree_peak,
    }


def _breakdown(library: Path) -> dict[str, float]:
    """Seconds spent in each step of reading ``library`` in this process (its cache empty):
    parsing the files, merging them, placing notes, cleaning names, writing the cache."""
    import index.formats
    import index.library.cache as cache
    import index.library.episodes as episodes
    import index.library.parallel as parallel
    import index.linking
    from index.library import Library

    spent: dict[str, float] = defaultdict(float)

    def timed(step: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[step] += time.perf_counter() - started

        return wrapper

    parallel.POOL_FROM_BYTES = sys.maxsize  # in this process, where the clocks are
    index.formats.parse_file = timed("parsing files", index.formats.parse_file)
    index.linking.link_notes = timed("placing notes", index.linking.link_notes)
    episodes.assemble = timed("merging documents", episodes.assemble)
    episodes.sanitized = timed("cleaning names", episodes.sanitized)
    cache.EpisodeCache.save_episode = timed("writing the cache", cache.EpisodeCache.save_episode)
    started = time.perf_counter()
    Library.open(library)
    spent["total"] = time.perf_counter() - started
    return dict(spent)


def measure(library: Path, work: Path, runs: int) -> dict[str, Any]:
    raw_mb = sum(f.stat().st_size for f in library.rglob("*") if f.is_file()) / 1e6
    loads = [os.getloadavg()[0]]  # the machine is shared: how busy it was says what MB/s mean
    measured = []
    for _ in range(runs):
        measured.append(measure_reader(library, work / "home"))
        loads.append(os.getloadavg()[0])
    home = work / "home-breakdown"
    shutil.rmtree(home, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.first_open", "--breakdown", str(library)],
        env={**os.environ, "EARMARK_HOME": str(home)},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    row: dict[str, Any] = {"raw_mb": raw_mb, "breakdown": json.loads(done.stdout)}
    row["load"] = spread(loads)
    for key in measured[0]:
        row[key] = spread([run[key] for run in measured])
    row["mb_s"] = spread([raw_mb / run["all_parsed_s"] for run in measured])
    row["placed_mb_s"] = spread([raw_mb / run["notes_placed_s"] for run in measured])
    return row


def section(work: Path, sizes: list[int], runs: int) -> str:
    """This benchmark's section of RESULTS.md, on synthetic libraries of ``sizes`` episodes
    (made in ``work`` unless there already)."""
    rows = []
    for size in sizes:
        library = work / f"library-{size}"
        if not library.exists():
            write_library(library, size)
        print(f"first open of {size} episodes …", file=sys.stderr, flush=True)
        rows.append({"size": size} | measure(library, work, runs))
    return report(rows, runs)


def report(rows: list[dict[str, Any]], runs: int) -> str:
    lines = [
        SECTION,
        "",
        f"`earmark LIBRARY` in tmux at 120×40, nothing of the library parsed yet "
        f"(`python -m tests.bench.first_open`), {os.cpu_count()} cores: median (min–max) of "
        f"{runs} runs. *First episode*: the first screen showing it; *all parsed*: the "
        "progress line says it places notes (every episode parsed into the cache and listed in "
        "the tree); *notes placed*: the progress line gone (the search index then starts). "
        f"MB/s over all parsed (target ≥ {TARGET_MB_S:g}), and over notes placed. RSS: the "
        "reader's own peak (VmHWM, its whole life until the notes are placed; target at 1,000 "
        "episodes: 250 MB), and its process tree's (the workers with it). Load: the machine's "
        "1-minute load average before and after each run (other work on it slows every "
        "figure).",
        "",
        "| library | MB | first episode s | all parsed s | MB/s | notes placed s | MB/s "
        "| reader RSS MB | with workers MB | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = " ✓" if row["mb_s"][0] >= TARGET_MB_S else " ✗"
        cells = [
            f"{row['size']:,} episodes",
            f"{row['raw_mb']:.1f}",
            spread_cell(row["first_episode_s"], ".2f"),
            spread_cell(row["all_parsed_s"], ".1f"),
            spread_cell(row["mb_s"], ".2f") + verdict,
            spread_cell(row["notes_placed_s"], ".1f"),
            spread_cell(row["placed_mb_s"], ".2f"),
            *(spread_cell(row[key], ".0f") for key in ("reader_peak_mb", "tree_peak_mb")),
            spread_cell(row["load"], ".1f"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "Where the time of reading goes: the same library read once in one process, each "
        "step timed (seconds, share of the whole; the rest is listing, fingerprints, the "
        "manifest and the timers).",
        "",
        "| library | one process s (MB/s) | " + " | ".join(STEPS) + " |",
        "|---|---|" + "---|" * len(STEPS),
    ]
    for row in rows:
        spent = row["breakdown"]
        total = spent["total"]
        cells = [
            f"{spent.get(step, 0.0):.1f} ({spent.get(step, 0.0) / total:.0%})" for step in STEPS
        ]
        lines.append(
            f"| {row['size']:,} episodes | {total:.1f} ({row['raw_mb'] / total:.2f}) | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


STEPS = (
    "parsing files",
    "placing notes",
    "merging documents",
    "cleaning names",
    "writing the cache",
)


def main() -> None:
    from tests.bench.run import RESULTS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="make the libraries here and keep them")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--breakdown", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.breakdown:
        print(json.dumps(_breakdown(options.breakdown)))
        return
    if not startup.available():
        sys.exit("tmux is not installed: the first open is measured in it")
    sizes = [int(size) for size in options.sizes.split(",")]
    write_section(
        options.out,
        options.keep,
        "earmark-first-open-",
        lambda work: section(work, sizes, options.runs),
    )


if __name__ == "__main__":
    main()
