"""The chapter tree filling in after the first paint: the CPU time of adding a big library's
episodes past the first screenful (`ChapterTree._add_rest`), during which keys wait.

    python -m tests.bench.tree_fill [--episodes 10000] [--runs 3]

The tree alone in an app at 120×40 (Pilot), given synthetic `EpisodeInfo`s of two chapters
each, shown ``runs`` times; prints each run's milliseconds of CPU (process time).
"""

from __future__ import annotations

import argparse
import asyncio
import time

from textual.app import App, ComposeResult

from index.library import EpisodeInfo
from tui.widgets.chapter_tree import ChapterTree

CHAPTERS = '[[0,"Introduction",0,60],[1,"The conversation",60,3600]]'


def episodes(count: int) -> tuple[EpisodeInfo, ...]:
    return tuple(
        EpisodeInfo(
            id=f"episode-{number}",
            title=f"Episode {number}: a conversation about research",
            show=None,
            published=None,
            duration=3600,
            chapters_json=CHAPTERS,
            turn_count=100,
            note_count=0,
            source_paths=(),
            fingerprint="",
        )
        for number in range(count)
    )


class _TreeAlone(App[None]):
    def compose(self) -> ComposeResult:
        yield ChapterTree()


async def fill_times(count: int, runs: int) -> list[float]:
    """CPU seconds of each run's `_add_rest`."""
    infos, spent = episodes(count), []
    add_rest = ChapterTree._add_rest

    def timed(tree: ChapterTree, rest: tuple[EpisodeInfo, ...]) -> None:
        started = time.process_time()
        add_rest(tree, rest)
        spent.append(time.process_time() - started)

    ChapterTree._add_rest = timed  # type: ignore[method-assign]
    try:
        app = _TreeAlone()
        async with app.run_test(size=(120, 40)) as pilot:
            tree = app.query_one(ChapterTree)
            for run in range(runs):
                tree.show_library(infos)
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
