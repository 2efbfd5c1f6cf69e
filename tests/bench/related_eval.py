"""Precision@1 of note→passage links against a labelled sample (shared/eval/links-dev.json).

Run by `make bench`; also importable by the regression test. The labels are read here, in the
measurement, never by the linker.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.model import Episode, Note

SOURCE_PREFIXES = {
    "000": "takeaways-thread",
    "001": "video-summary",
    "002": "transcript-page",
    "003": "obsidian-note",
}


@dataclass(frozen=True)
class Result:
    chapter_hits: int
    chapter_total: int
    turn_hits: int
    turn_total: int
    misses: list[str]
    # Notes labelled as about the whole episode (``"chapters": []``): a hit has no link.
    episode_hits: int = 0
    episode_total: int = 0

    @property
    def chapter_precision(self) -> float:
        return self.chapter_hits / self.chapter_total if self.chapter_total else 0.0

    @property
    def turn_precision(self) -> float:
        return self.turn_hits / self.turn_total if self.turn_total else 0.0


def _fold(text: str) -> str:
    return text.lower().replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")


def find_note(episode: Episode, source: str, match: str) -> Note:
    stem = SOURCE_PREFIXES[source]
    wanted = _fold(match)
    for note in episode.notes:
        if f"/n/{stem}/" in note.id and wanted in _fold(f"{note.title or ''} {note.text}"):
            return note
    raise LookupError(f"no note of {stem} matches {match!r}")


def evaluate(episode: Episode, labels_file: Path) -> Result:
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    chapter_start = {chapter.index: chapter.start for chapter in episode.chapters}
    chapter_hits = turn_hits = turn_total = episode_hits = episode_total = 0
    misses = []
    for item in labels["items"]:
        note = find_note(episode, item["source"], item["match"])
        first = note.related[0] if note.related else None
        got_chapter = (
            chapter_start.get(first.chapter) if first and first.chapter is not None else None
        )
        got_turn = episode.turns[first.turn].start if first and first.turn is not None else None
        why = f"{first.reason} {first.score}" if first else "whole episode"
        if not item["chapters"]:
            episode_total += 1
            episode_hits += first is None
            if first is not None:
                misses.append(f"episode-wide: {item['match']!r}: got {got_chapter} ({why})")
            continue
        if got_chapter in item["chapters"]:
            chapter_hits += 1
        else:
            misses.append(
                f"chapter: {item['match']!r}: got {got_chapter} ({why}), want {item['chapters']}"
            )
        if "turns" in item:
            turn_total += 1
            if got_turn in item["turns"]:
                turn_hits += 1
            else:
                misses.append(
                    f"turn: {item['match']!r}: got {got_turn} ({why}), want {item['turns']}"
                )
    chapter_total = len(labels["items"]) - episode_total
    return Result(
        chapter_hits, chapter_total, turn_hits, turn_total, misses, episode_hits, episode_total
    )


SECTION = "# Note linking"


def report(results: list[tuple[Path, Result]]) -> str:
    """The RESULTS.md section: precision@1 at both levels for each labelled file, and every miss."""
    lines = [
        SECTION,
        "",
        "Precision@1 of each note's first `related` link against labelled notes (the linker "
        "never reads them). Targets: chapter ≥ 0.90, turn ≥ 0.80. Episode-wide: notes labelled "
        "as about the whole episode, a hit when the note has no link.",
        "",
        "| labels | chapter P@1 | turn P@1 | episode-wide |",
        "|---|---|---|---|",
    ]
    for labels_file, result in results:
        episode_wide = (
            f"{result.episode_hits}/{result.episode_total}" if result.episode_total else "–"
        )
        lines.append(
            f"| `{labels_file.name}` "
            f"| {result.chapter_precision:.3f} ({result.chapter_hits}/{result.chapter_total}) "
            f"| {result.turn_precision:.3f} ({result.turn_hits}/{result.turn_total}) "
            f"| {episode_wide} |"
        )
    for labels_file, result in results:
        lines += ["", f"Misses on `{labels_file.name}`:", ""]
        lines += [f"- {miss}" for miss in result.misses or ["none"]]
    return "\n".join(lines) + "\n"


def write_section(results_file: Path, section: str) -> None:
    """Replace this section of RESULTS.md (or add it), leaving the search tables as they are."""
    text = results_file.read_text(encoding="utf-8") if results_file.exists() else ""
    kept = text.split("\n" + SECTION, 1)[0].rstrip("\n")
    results_file.write_text((kept + "\n\n" if kept else "") + section, encoding="utf-8")


if __name__ == "__main__":
    import sys

    from index.library import Library
    from tests.bench.run import RESULTS

    episode = Library.open(Path(__file__).resolve().parents[2] / "data").episodes[0]
    files = [Path(name) for name in sys.argv[1:]]
    section = report([(labels, evaluate(episode, labels)) for labels in files])
    write_section(RESULTS, section)
    print(section)
