"""First paint of two earmark trees and a bare Textual app, in turn, in tmux at 120×40.

For a change to the start-up path measured back to back on a machine whose speed varies by the
hour (`make bench` compares days): each side is a source tree (put first on PYTHONPATH) with an
EARMARK_HOME of its own, its index built by that tree, since the cache's fingerprints include
the code. Usage::

    python -m tests.bench.startup_ab LIBRARY --runs 9 before=TREE:HOME after=TREE:HOME
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from tests.bench.startup import paint_in_turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("sides", nargs="+", help="NAME=TREE:HOME")
    options = parser.parse_args()
    sides = {}
    for side in options.sides:
        name, _, where = side.partition("=")
        tree, _, home = where.partition(":")
        sides[name] = (Path(tree).resolve(), Path(home).resolve())
    times = paint_in_turn(options.library, sides, options.runs)
    bare = times.pop("bare")
    print(f"bare   {_figure(bare)}")
    for name, values in times.items():
        over = [value - hello for value, hello in zip(values, bare, strict=True)]
        print(f"{name}  {_figure(values)}; over the bare app in the same run {_figure(over)}")


def _figure(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} s ({min(values):.3f}–{max(values):.3f})"


if __name__ == "__main__":
    main()
