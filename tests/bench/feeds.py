"""Following podcasts, measured on loopback: `earmark follow` of a 20-episode feed with
transcripts, chapters and show notes, and `earmark update` when nothing is new (one and five
feeds). Each figure is a whole command as a person runs it (a new process), its library and
search index already made, so the time is the feed's: median, min and max of several runs.

    python -m tests.bench.feeds [--runs 5]    # prints the figures and updates RESULTS.md

The feed's transcripts are the bundled interview written as WebVTT (~110 KB each, a
90-minute episode), served by the test suite's HTTP server (`tests.feed_server`).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from index.library import Library
from index.paths import default_library
from index.timecode import clock
from tests.feed_server import FORMATS, FeedServer, Route, running_server

EPISODES = 20
RUNS = 5
FOLLOW_TARGET_S = 5.0
UPDATE_TARGET_S = 0.3
FEEDS_FOR_UPDATE = 5
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
REPO = RESULTS.parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS)
    options = parser.parse_args()
    figures = measure(options.runs)
    section = report(figures, options.runs)
    print(section)
    if RESULTS.exists():
        text = RESULTS.read_text(encoding="utf-8")
        kept = re.sub(r"\n# Feeds\n.*?(?=\n# |\Z)", "", text, flags=re.S).rstrip("\n")
        RESULTS.write_text(kept + "\n\n" + section, encoding="utf-8")


def measure(runs: int) -> dict[str, Any]:
    # Compiled first, as an install does: this machine sets PYTHONDONTWRITEBYTECODE, so each
    # command would otherwise compile earmark's modules (~0.05 s of a 0.3 s target).
    for package in ("index", "tui"):
        compileall.compile_dir(REPO / package, quiet=1)
    work = Path(tempfile.mkdtemp(prefix="earmark-feeds-bench-"))
    try:
        for server in running_server():
            urls = [_serve_feed(server, f"/show-{n}", f"Show {n}") for n in range(FEEDS_FOR_UPDATE)]
            follow = [_follow_once(work / f"follow-{run}", urls[0]) for run in range(runs)]
            phases = [_phases(work / f"phases-{run}", urls[0]) for run in range(runs)]
            home = work / "update"
            _prepared(home)
            for url in urls:
                _earmark(home, "follow", url, "--last", "1")
            one = [_timed(home, "update", "show-0") for _ in range(runs)]
            every = [_timed(home, "update") for _ in range(runs)]
            return {
                "follow": follow,
                "bring_in": [phase[0] for phase in phases],
                "library": [phase[1] for phase in phases],
                "index": [phase[2] for phase in phases],
                "update_one": one,
                "update_all": every,
            }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raise AssertionError("unreachable")


def _serve_feed(server: FeedServer, path: str, title: str) -> str:
    vtt = _interview_vtt()
    chapters = (FORMATS / "podcastindex_example_chapters.json").read_bytes()
    items = []
    for n in range(EPISODES):
        base = f"{path}/{n}"
        server.routes[f"{base}.vtt"] = Route(vtt, "text/vtt")
        server.routes[f"{base}.srt"] = Route(b"unused", "application/x-subrip")
        server.routes[f"{base}-chapters.json"] = Route(chapters, "application/json+chapters")
        items.append(
            f"<item><title>Episode {n}</title><guid>{path}-{n}</guid>"
            f"<pubDate>{n + 1:02d} Jan 2025 10:00:00 +0000</pubDate>"
            f"<description><![CDATA[<p>Episode {n}, with <a href='https://example.org/{n}'>"
            f"links</a>.</p><p>00:00 Intro<br>10:00 Middle<br>50:00 End</p>]]></description>"
            f'<enclosure url="{server.url(base)}.mp3" type="audio/mpeg" length="1"/>'
            f'<podcast:transcript url="{server.url(base)}.srt" type="application/x-subrip"/>'
            f'<podcast:transcript url="{server.url(base)}.vtt" type="text/vtt"/>'
            f'<podcast:chapters url="{server.url(base)}-chapters.json" '
            'type="application/json+chapters"/></item>'
        )
    feed = (
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>{title}</title>{''.join(items)}</channel></rss>"
    )
    server.routes[path] = Route(feed.encode(), etag=f'"{path}-1"')
    return server.url(path)


def _interview_vtt() -> bytes:
    (episode,) = Library.open(default_library()).episodes
    cues = ["WEBVTT", ""]
    for turn in episode.turns:
        start, end = turn.start or 0, max(turn.end or 0, (turn.start or 0) + 1)
        cues += [f"{clock(start)}.000 --> {clock(end)}.000", f"<v {turn.speaker}>{turn.text}", ""]
    return "\n".join(cues).encode()


def _prepared(home: Path) -> None:
    """A reader's earmark home: the library made and indexed, as before any follow."""
    _earmark(home, "index")


def _follow_once(home: Path, url: str) -> float:
    _prepared(home)
    seconds = _timed(home, "follow", url, "--last", str(EPISODES))
    library = home / "data" / "library"
    folders = [path for path in library.iterdir() if path.name.startswith("show-0-")]
    assert len(folders) == EPISODES, f"{len(folders)} episodes came in"
    return seconds


def _phases(home: Path, url: str) -> tuple[float, float, float]:
    """The parts of a follow, in this process: bringing the items in, reading them into the
    library (parse, link notes), and indexing them."""
    from index.feeds.fetch import Fetcher
    from index.feeds.following import follow
    from index.search import SearchIndex

    os.environ["EARMARK_HOME"] = str(home)
    root = home / "library"
    root.mkdir(parents=True)
    start = time.perf_counter()
    with Fetcher() as fetcher:
        follow(root, url, last=EPISODES, fetcher=fetcher)
    brought = time.perf_counter()
    library = Library.open(root)
    read = time.perf_counter()
    SearchIndex.open(library).close()
    return brought - start, read - brought, time.perf_counter() - read


def _timed(home: Path, *args: str) -> float:
    start = time.perf_counter()
    _earmark(home, *args)
    return time.perf_counter() - start


def _earmark(home: Path, *args: str) -> None:
    environment = os.environ | {"EARMARK_HOME": str(home)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "earmark"), *args],
        env=environment, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"earmark {' '.join(args)}: {done.stderr.strip()}")


def report(figures: dict[str, Any], runs: int) -> str:
    def row(what: str, seconds: list[float], target: str, met: bool) -> str:
        median = statistics.median(seconds)
        verdict = f"{target} {'✓' if met else '✗'}" if target else "–"
        return f"| {what} | {median:.2f} | {min(seconds):.2f} | {max(seconds):.2f} | {verdict} |"

    follow = figures["follow"]
    one, every = figures["update_one"], figures["update_all"]
    per_feed = [seconds / FEEDS_FOR_UPDATE for seconds in every]
    lines = [
        "# Feeds",
        "",
        f"Whole commands (the `earmark` script, a new process each), on loopback, {runs} runs "
        "each, the library and its index made first. `follow`: a feed of "
        f"{EPISODES} episodes, each with a WebVTT transcript of the bundled interview (~110 KB), "
        "chapters JSON and show notes with chapter lines; it downloads 40 files, writes 20 "
        "episode folders and indexes them; its parts are also measured in one process. "
        "`update`, nothing new: one conditional GET per "
        f"feed answered 304; for {FEEDS_FOR_UPDATE} feeds, the time divided by "
        f"{FEEDS_FOR_UPDATE}.",
        "",
        "| command | median s | min s | max s | target |",
        "|---|---|---|---|---|",
        row(
            f"`earmark follow` ({EPISODES} episodes)",
            follow,
            f"≤ {FOLLOW_TARGET_S:g} s",
            statistics.median(follow) <= FOLLOW_TARGET_S,
        ),
        row(
            "… of which: bringing the items in (download, check, write)",
            figures["bring_in"],
            "",
            True,
        ),
        row("… reading them into the library (parse, link notes)", figures["library"], "", True),
        row("… indexing them", figures["index"], "", True),
        row(
            "`earmark update`, 1 feed, nothing new",
            one,
            f"≤ {UPDATE_TARGET_S:g} s a feed",
            statistics.median(one) <= UPDATE_TARGET_S,
        ),
        row(
            f"`earmark update`, {FEEDS_FOR_UPDATE} feeds, nothing new (per feed)",
            per_feed,
            f"≤ {UPDATE_TARGET_S:g} s a feed",
            statistics.median(per_feed) <= UPDATE_TARGET_S,
        ),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
