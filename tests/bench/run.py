"""`make bench`: search measured on the bundled library and on synthetic ones of 10, 100 and
1,000 episodes, then parsing throughput per format (`tests.bench.parsing`), the first open of
a new library in the reader (`tests.bench.first_open`) and following podcasts
(`tests.bench.feeds`); writes tests/bench/RESULTS.md.

    python -m tests.bench.run [--sizes 10,100,1000] [--runs 3] [--keep DIR]

Each library is generated (`tests.bench.synth`, deterministic) into a temporary folder with its
own EARMARK_HOME, then measured by `tests.bench.measure` in a process of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index.paths import default_library
from tests.bench import feeds, first_open, parsing, reader_memory, startup
from tests.bench.measure import PHRASES, spread_cell
from tests.bench.synth import write_library

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# p95 per keystroke, by library size (the targets); "default" is the bundled library.
P95_TARGET_MS = {"default": 10, 100: 16, 1000: 50}
UPDATE_TARGET_S = {1000: 2.0}
OPEN_TARGET_S = {1000: 0.3}
# First paint with a built index, and how much later than a bare Textual app (issue 5).
PAINT_TARGET_S = 0.5
PAINT_OVER_HELLO_TARGET_S = 0.25
STARTUP_RUNS = 5
# The scale issue's targets: the reader's RSS after a search, by library size; an update's peak
# over the reader's; the build's speed, peak (all processes) and index size.
READER_RSS_TARGET_MB = {1000: 250, 10000: 400}
UPDATE_OVER_READER_TARGET_MB = 150
BUILD_TARGET_MB_S = 2.0
BUILD_PEAK_TARGET_MB = 1000
INDEX_OVER_TEXT_TARGET = 2.0
# The first open of a new library is measured from this size up (`tests.bench.first_open`).
FIRST_OPEN_FROM = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate and keep the libraries here")
    parser.add_argument("--out", type=Path, default=RESULTS)
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="earmark-bench-"))
    try:
        rows = [_measure("default", _bundled_copy(work), work, options.runs)]
        sizes = [int(size) for size in options.sizes.split(",")]
        for size in sizes:
            library = work / f"library-{size}"
            if not library.exists():
                write_library(library, size)
            rows.append(_measure(size, library, work, options.runs))
        (work / "parsing").mkdir(exist_ok=True)
        parsing_section = parsing.section(
            work / "parsing", options.runs, parsing.CAPTION_MB, parsing.OTHER_MB
        )
        first_open_sizes = [size for size in sizes if size >= FIRST_OPEN_FROM]
        first_open_section = ""
        if startup.available() and first_open_sizes:
            first_open_section = first_open.section(work, first_open_sizes, options.runs)
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    feed_runs = max(options.runs, feeds.RUNS)
    print("measuring feeds …", file=sys.stderr, flush=True)
    feed_section = feeds.report(feeds.measure(feed_runs), feed_runs)
    sections = [_report(rows, options.runs), parsing_section, first_open_section, feed_section]
    report = "\n".join(section for section in sections if section)
    options.out.write_text(report, encoding="utf-8")
    print(f"wrote {options.out}")


def _bundled_copy(work: Path) -> Path:
    """The bundled library, copied: measuring an update changes a file."""
    target = work / "library-default"
    if not target.exists():
        shutil.copytree(default_library(), target)
    return target


def _measure(size: int | str, library: Path, work: Path, runs: int) -> dict[str, Any]:
    home = work / f"home-{size}"
    shutil.rmtree(home, ignore_errors=True)
    print(f"measuring {size} …", file=sys.stderr, flush=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.measure", str(library), "--home", str(home),
         "--runs", str(runs), "--build-runs", "1" if _large(size) else str(runs)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    row = json.loads(done.stdout)
    if startup.available():  # the index measure.py left in `home` is up to date
        try:
            row |= startup.measure(library, home, max(runs, STARTUP_RUNS))
        except RuntimeError as error:  # the search figures stand without it
            print(f"  start-up not measured: {error}", file=sys.stderr, flush=True)
        try:
            row["reader_rss"] = reader_memory.measure(library, home, runs)
        except RuntimeError as error:
            print(f"  reader memory not measured: {error}", file=sys.stderr, flush=True)
    print(f"  … {time.monotonic() - started:.0f} s: {row}", file=sys.stderr, flush=True)
    return {"size": size} | row


def _large(size: int | str) -> bool:
    """A library whose build is measured once: it takes minutes."""
    return isinstance(size, int) and size >= 1000


COLUMNS = (
    "library",
    "episodes",
    "docs",
    "raw MB",
    "update 1 episode s",
    "open library + index s",
    "keystroke p50 / p95 ms",
    "cut",
    "unhurried p50 / p95 ms",
    "grep p50 / p95 ms",
)


def _report(rows: list[dict[str, Any]], runs: int) -> str:
    lines = [
        "# Search benchmark",
        "",
        f"`make bench` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. Medians of {runs} runs.",
        "",
        "Keystrokes: the phrases " + ", ".join(f"“{p}”" for p in PHRASES) + " typed letter by "
        "letter (each prefix one query, top 20 with highlights), searched as the app searches "
        "while typing: one searcher kept open, each query stopped at the keystroke time limit "
        "with the best hits found by then (“cut”: the share of queries that reached it). "
        "“Unhurried”: the same queries without that limit (what `earmark search` waits for). "
        "The grep column runs the same keystrokes as case-insensitive fixed strings over the "
        "library's files, one process per query.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    lines += _memory_report(rows, runs)
    lines += _long_query_report(rows[-1], runs)
    lines += _startup_report(rows, max(runs, STARTUP_RUNS))
    return "\n".join(lines) + "\n"


def _memory_report(rows: list[dict[str, Any]], runs: int) -> list[str]:
    lines = [
        "",
        "# Building and memory",
        "",
        "Each figure: median (min–max) of "
        f"{runs} runs (a build of 1,000 episodes or more: one run). *Build*: `earmark index "
        "--rebuild` in a process of its own, the library parsed already; its peak is the most "
        "its processes (the worker processes included) held at once, sampled from /proc every "
        "50 ms: RSS summed over them, then PSS (pages shared between them counted once). "
        "*Reader*: `earmark LIBRARY` in tmux, its VmRSS at the first paint, once it has opened "
        "the search index and gone quiet, and after typing the first phrase of the keystroke "
        "benchmark into its search panel, then all ten (`tests/bench/reader_memory.py`; "
        "the target is read on the first). *Update*: one "
        "episode's note gains a line, then `earmark index` in a fresh process re-indexes it: "
        "its peak RSS. Targets (the scale issue): build ≥ "
        f"{BUILD_TARGET_MB_S:g} MB/s and ≤ {BUILD_PEAK_TARGET_MB:,} MB, index ≤ "
        f"{INDEX_OVER_TEXT_TARGET:g}× the text; reader ≤ "
        + ", ".join(f"{mb} MB at {size:,}" for size, mb in READER_RSS_TARGET_MB.items())
        + f"; update ≤ the reader + {UPDATE_OVER_READER_TARGET_MB} MB.",
        "",
        "| library | build s (MB/s) | build peak MB: RSS / PSS | index MB (× text) "
        "| reader RSS MB: first paint | index open | after one phrase / all ten "
        "| update peak MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        build_s = row["build_s"]
        speed = row["raw_mb"] / build_s[0]
        peak, pss = row["build_peak_mb"], row["build_peak_pss_mb"]
        over_text = row["index_mb"] / row["raw_mb"]
        reader = row.get("reader_rss")
        cells = [
            _library_name(row["size"]),
            f"{spread_cell(build_s, '.1f')} ({speed:.2f}){_mark(speed >= BUILD_TARGET_MB_S)}",
            f"{spread_cell(peak, '.0f')} / {pss[0]:.0f}{_mark(peak[2] <= BUILD_PEAK_TARGET_MB)}",
            f"{row['index_mb']:.1f} ({over_text:.1f}×){_mark(over_text <= INDEX_OVER_TEXT_TARGET)}",
        ]
        if reader is None:
            cells += ["–", "–", "–"]
        else:
            after = reader["search_rss_mb"]
            target = READER_RSS_TARGET_MB.get(row["size"])
            cells += [
                spread_cell(reader["paint_rss_mb"], ".0f"),
                spread_cell(reader["open_rss_mb"], ".0f"),
                spread_cell(after, ".0f")
                + ("" if target is None else _mark(after[2] <= target))
                + f" / {reader['searches_rss_mb'][0]:.0f}",
            ]
        update = row["update_peak_mb"]
        update_cell = spread_cell(update, ".0f")
        if reader is not None:
            allowed = reader["search_rss_mb"][0] + UPDATE_OVER_READER_TARGET_MB
            update_cell += _mark(update[2] <= allowed)
        lines.append("| " + " | ".join([*cells, update_cell]) + " |")
    return lines


def _long_query_report(row: dict[str, Any], runs: int) -> list[str]:
    """The long queries (`measure.long_queries`) on the largest library measured."""
    from index.search.index import KEYSTROKE_TIME_LIMIT
    from tui.cli import SEARCH_TIME_LIMIT

    lines = [
        "",
        "# Long queries",
        "",
        f"On the {_library_of(row['size'])}, {runs} runs each: milliseconds, median "
        "(min–max), and the share of runs the limit cut. Queries are made of the first "
        "episode's words; a query is read up to its first 2,000 characters and 32 different "
        "terms (`index/search/query.py`), and compiling and ranking stop at the time limit.",
        "",
        f"| query | keystroke (limit {KEYSTROKE_TIME_LIMIT * 1000:g} ms) | cut "
        f"| `earmark search` (limit {SEARCH_TIME_LIMIT:g} s) | cut |",
        "|---|---|---|---|---|",
    ]
    for name, measured in row["long_queries"].items():
        cells = [name]
        for limit_name in ("keystroke", "cli"):
            median, low, high = measured[limit_name]
            cells += [
                f"{median:.1f} ({low:.1f}–{high:.1f})",
                f"{measured[limit_name + '_cut']:.0%}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _startup_report(rows: list[dict[str, Any]], runs: int) -> list[str]:
    measured = [row for row in rows if "reader_paint_s" in row]
    if not measured:
        return ["", "Start-up was not measured: tmux is not installed."]
    lines = [
        "",
        "# Start-up",
        "",
        f"First paint in tmux at 120×40, median of {runs} runs, the search index already built "
        "and earmark's modules compiled to bytecode, as installing does: from starting the "
        "session to the first screen that shows the first turn's time "
        "(`earmark LIBRARY`) or the text of a bare Textual app with one `Static`. Targets: "
        f"≤ {PAINT_TARGET_S} s, and ≤ {PAINT_OVER_HELLO_TARGET_S} s over the bare app.",
        "",
        "| library | earmark s | bare Textual app s | earmark − bare s |",
        "|---|---|---|---|",
    ]
    for row in measured:
        paint, hello = row["reader_paint_s"], row["hello_paint_s"]
        over = paint - hello
        lines.append(
            f"| {_library_name(row['size'])} | {paint:.3f}{_mark(paint <= PAINT_TARGET_S)} "
            f"| {hello:.3f} | {over:.3f}{_mark(over <= PAINT_OVER_HELLO_TARGET_S)} |"
        )
    return lines


def _library_of(size: int | str) -> str:
    return "bundled library" if size == "default" else f"{size:,}-episode library"


def _library_name(size: int | str) -> str:
    return "bundled" if size == "default" else f"{size} episodes"


def _mark(met: bool) -> str:
    return " ✓" if met else " ✗"


def _cells(row: dict[str, Any]) -> list[str]:
    size = row["size"]
    opened = row["open_library_s"] + row["open_index_s"]
    return [
        _library_name(size),
        str(row["episodes"]),
        str(row["documents"]),
        f"{row['raw_mb']:.1f}",
        f"{row['update_index_s']:.2f}" + _verdict(row["update_index_s"], UPDATE_TARGET_S, size),
        f"{row['open_library_s']:.3f} + {row['open_index_s']:.3f}"
        + _verdict(opened, OPEN_TARGET_S, size),
        f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f}" + _verdict(row["p95_ms"], P95_TARGET_MS, size),
        f"{row['timed_out_share']:.0%}",
        f"{row['unhurried_p50_ms']:.1f} / {row['unhurried_p95_ms']:.1f}",
        f"{row['grep_p50_ms']:.1f} / {row['grep_p95_ms']:.1f} ({row['grep_tool']})",
    ]


def _verdict(value: float, targets: dict, size: int | str) -> str:
    if size not in targets:
        return ""
    return " ✓" if value <= targets[size] else f" ✗ (target {targets[size]:g})"


if __name__ == "__main__":
    main()
