"""What the model-entry check (`index.untrusted.sanitized`) costs on a very large transcript.

    python -m tests.bench.model_entry [--segments 900000] [--runs 5]

Writes a podcast-transcript JSON of word-sized segments (the largest documents earmark reads:
one segment per word, two speakers) and times, over several runs: parsing it without the check
(`read_source` and the format's `parse`), the check alone on the clean result, the whole
`parse_file` (parse and check), the check of the episode the library assembles from it (done
once more when an episode is made), and the check on the document with one hostile speaker,
which makes it rebuild the document. Prints medians with min and max.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.formats import parse_file, podcast_transcript_json
from index.formats.source import read_source
from index.library.episodes import assemble
from index.library.settings import EpisodeSettings
from index.untrusted import sanitized

WORDS = ["so", "the", "thing", "about", "value", "functions", "is", "that", "they", "learn",
         "what", "matters", "early", "on"]  # fmt: skip


def write_transcript(path: Path, segments: int) -> None:
    """One segment per word, a change of speaker every 40 words, a sentence end every 14."""
    parts = []
    for n in range(segments):
        word = WORDS[n % len(WORDS)] + ("." if n % 14 == 13 else "")
        speaker = "Ada" if (n // 40) % 2 == 0 else "Bo"
        start = n * 0.3
        parts.append(
            json.dumps(
                {"speaker": speaker, "startTime": round(start, 1), "body": word},
                separators=(",", ":"),
            )
        )
    path.write_text('{"segments": [\n' + ",".join(parts) + "\n]}\n", encoding="utf-8")


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def row(label: str, times: list[float]) -> str:
    median, low, high = statistics.median(times), min(times), max(times)
    return f"| {label} | {median * 1000:.0f} | {low * 1000:.0f} | {high * 1000:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=900_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="earmark-model-entry-") as folder:
        path = Path(folder) / "transcript.json"
        write_transcript(path, options.segments)
        document = podcast_transcript_json.parse(path, read_source(path))
        turns = document.turns
        episode = assemble("bench", [document], EpisodeSettings(), [])
        hostile = replace(
            document, turns=(replace(turns[0], speaker="\x1b]0;PWNED\x07Ada"), *turns[1:])
        )
        results = [
            ("parse, no check", timed(lambda: podcast_transcript_json.parse(path), options.runs)),
            ("check of the clean document", timed(lambda: sanitized(document), options.runs)),
            ("parse_file (parse and check)", timed(lambda: parse_file(path), options.runs)),
            (
                "check of the episode assembled from it",
                timed(lambda: sanitized(episode), options.runs),
            ),
            (
                "check and rebuild, one hostile speaker",
                timed(lambda: sanitized(hostile), options.runs),
            ),
        ]
        size_mb = path.stat().st_size / 2**20
    print(
        f"{options.segments:,} segments, {size_mb:.0f} MB, {len(turns):,} turns, "
        f"{sum(len(t.paragraphs) for t in turns):,} paragraphs; {options.runs} runs"
    )
    print("| what | median ms | min ms | max ms |\n|---|---|---|---|")
    for label, times in results:
        print(row(label, times))


if __name__ == "__main__":
    main()
