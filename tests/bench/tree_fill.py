"""The chapter tree filling in after the first paint: the CPU time of adding a big library's
episodes past the first screenful (`ChapterTree._add_rest`), during which keys wait.

    python -m tests.bench.tree_fill [--episodes 10000] [--runs 3]

The tree alone in an app at 120×40 (Pilot), given synthetic `EpisodeInfo`s, shown ``runs``
times; prints each run's milliseconds of CPU (process time).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from textual.app import App, ComposeResult

from index.library import EpisodeInfo
from tui.widgets.chapter_tree import ChapterTree


class TreeAlone(App[None]):
    """A chapter tree alone in an app, and episodes without chapters for it to list."""

    def __init__(self, titles: list[str]) -> None:
        super().__init__()
        self.infos = tuple(
            EpisodeInfo(f"e{n}", title, None, None, None, "[]", 1, 0, (), "")
            for n, title in enumerate(titles)
        )

    def compose(self) -> ComposeResult:
        yield ChapterTree()


async def fill_times(count: int, runs: int) -> list[float]:
    """CPU seconds of each run's `_add_rest`."""
    spent: list[float] = []
    add_rest = ChapterTree._add_rest

    def timed(tree: ChapterTree, rest: tuple[EpisodeInfo, ...]) -> None:
        started = time.process_time()
        add_rest(tree, rest)
        spent.append(time.process_time() - started)

    ChapterTree._add_rest = timed  # type: ignore[method-assign]
    try:
        app = TreeAlone([f"Episode {number}: a conversation" for number in range(count)])
        async with app.run_test(size=(120, 40)) as pilot:
            tree = app.query_one(ChapterTree)
            for run in range(runs):
                tree.show_library(app.infos)
                while len(spent) <= run:
                    await pilot.pause()
                assert tree.last_line + 1 == count  # every episode has its line
    finally:
        ChapterTree._add_rest = add_rest  # type: ignore[method-assign]
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    spent = asyncio.run(fill_times(options.episodes, options.runs))
    print(" ".join(f"{seconds * 1000:.0f}" for seconds in spent), "ms of CPU")


if __name__ == "__main__":
    main()
