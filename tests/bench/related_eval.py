"""How right the note→passage placement is, against labelled notes (shared/eval/links-dev.json
and the held-out samples beside this file).

A note is *placed* when its first `related` link names a chapter; an empty `related` means the
whole episode. Measured per label file (shared/eval/README.md):

- explicit: of the notes placed by a time or a quote, the share on a labelled chapter;
- placed precision: of all placed notes, the share on a labelled chapter (a note labelled as
  about the whole episode that gets placed counts as wrongly placed);
- coverage: of the notes labelled with a chapter, the share that are placed;
- turn precision: of the placed notes that name a turn and whose label lists turns, the share
  on a labelled turn (a note placed on its chapter alone claims no turn: counted apart).

Run by `make bench` (it writes the RESULTS.md section); also imported by the regression test.
The labels are read here, in the measurement, never by the linker.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.model import Episode, Note

REPO = Path(__file__).resolve().parents[2]
HELD_OUT = [
    REPO / "tests" / "bench" / "links-heldout.json",
    REPO / "tests/bench/links-heldout-2.json",
]

SOURCE_PREFIXES = {
    "000": "takeaways-thread",
    "001": "video-summary",
    "002": "transcript-page",
    "003": "obsidian-note",
}
EXPLICIT = ("timestamp", "quote")


def dev_labels() -> Path | None:
    """shared/eval/links-dev.json beside the repository (or beside the worktrees' folder)."""
    for folder in (REPO.parent, REPO.parent.parent):
        path = folder / "shared" / "eval" / "links-dev.json"
        if path.exists():
            return path
    return None


@dataclass
class Result:
    explicit_hits: int = 0
    explicit_total: int = 0
    similar_hits: int = 0
    similar_total: int = 0
    placed_labelled: int = 0  # placed notes among those labelled with a chapter
    chapter_labelled: int = 0
    turn_hits: int = 0
    turn_total: int = 0
    turn_unnamed: int = 0  # placed, label lists turns, link names the chapter only
    episode_hits: int = 0  # labelled as about the whole episode, and not placed
    episode_total: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def placed_hits(self) -> int:
        return self.explicit_hits + self.similar_hits

    @property
    def placed_total(self) -> int:
        return self.explicit_total + self.similar_total

    @property
    def explicit_precision(self) -> float:
        return _share(self.explicit_hits, self.explicit_total)

    @property
    def placed_precision(self) -> float:
        return _share(self.placed_hits, self.placed_total)

    @property
    def coverage(self) -> float:
        return _share(self.placed_labelled, self.chapter_labelled)

    @property
    def turn_precision(self) -> float:
        return _share(self.turn_hits, self.turn_total)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _fold(text: str) -> str:
    return text.lower().replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")


def find_note(episode: Episode, source: str, match: str) -> Note:
    stem = SOURCE_PREFIXES[source]
    wanted = _fold(match)
    for note in episode.notes:
        if f"/n/{stem}/" in note.id and wanted in _fold(f"{note.title or ''} {note.text}"):
            return note
    raise LookupError(f"no note of {stem} matches {match!r}")


def evaluate(episode: Episode, labels_file: Path, linked: Episode | None = None) -> Result:
    """The measures for ``episode``'s links, or for those of ``linked`` (the same notes, linked
    otherwise: `wording_only`)."""
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    chapter_start = {chapter.index: chapter.start for chapter in episode.chapters}
    links = {note.id: note.related for note in (linked or episode).notes}
    result = Result()
    for item in labels["items"]:
        note = find_note(episode, item["source"], item["match"])
        note = replace(note, related=links[note.id])
        first = note.related[0] if note.related else None
        wanted = item["chapters"]
        if wanted:
            result.chapter_labelled += 1
        else:
            result.episode_total += 1
        if first is None or first.chapter is None:
            if wanted:
                result.misses.append(f"not placed: {item['match']!r}, want {wanted}")
            else:
                result.episode_hits += 1
            continue
        got = chapter_start.get(first.chapter)
        why = _why(first)
        right = got in wanted
        if first.reason in EXPLICIT:
            result.explicit_total += 1
            result.explicit_hits += right
        else:
            result.similar_total += 1
            result.similar_hits += right
        if wanted:
            result.placed_labelled += 1
        if not right:
            where = f"want {wanted}" if wanted else "want the whole episode"
            result.misses.append(f"chapter: {item['match']!r}: got {got} ({why}), {where}")
        if "turns" in item and right:
            if first.turn is None:
                result.turn_unnamed += 1
                continue
            result.turn_total += 1
            got_turn = episode.turns[first.turn].start
            if got_turn in item["turns"]:
                result.turn_hits += 1
            else:
                result.misses.append(
                    f"turn: {item['match']!r}: got {got_turn} ({why}), want {item['turns']}"
                )
    return result


_TIMES = re.compile(r"\(?\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[-–]\s*\d{1,2}:\d{2}(?::\d{2})?)?,?\)?")


def wording_only(episode: Episode) -> Episode:
    """The episode relinked with every note's times and quote marks taken away, so that each
    labelled note is placed by its wording alone: the check the thresholds were chosen on."""
    from index.linking import link_notes

    def hidden(note: Note) -> Note:
        text = re.sub(r"[“”\"]", "", _TIMES.sub(" ", note.text))
        title = _TIMES.sub(" ", note.title) if note.title else None
        return replace(note, text=text, title=title, times=(), section_times=(), related=())

    return link_notes(replace(episode, notes=tuple(hidden(n) for n in episode.notes)))


def _why(link) -> str:  # type: ignore[no-untyped-def]
    if link.reason == "similar":
        return f"similar: {', '.join(link.shared)}"
    return link.reason


SECTION = "# Note placement"


def _cell(part: int, whole: int) -> str:
    return f"{_share(part, whole):.2f} ({part}/{whole})" if whole else "–"


def report(results: list[tuple[Path, Result]]) -> str:
    """The RESULTS.md section: the four measures for each label file, and every miss."""
    lines = [
        SECTION,
        "",
        "Each note's first `related` link against labelled notes (the linker never reads them; "
        "`tests/bench/related_eval.py` says how each figure is counted). Targets: explicit "
        "100 %, placed precision ≥ 0.90, coverage ≥ 0.60, turn precision ≥ 0.85. "
        "*By wording*: the placed notes with neither time nor quote; *chapter only*: placed "
        "right, label lists turns, the link names no turn; *whole episode kept*: notes labelled "
        "as about the whole episode that are not placed. *Wording only*: the dev notes with "
        "their times and quote marks taken away (`wording_only`), which the thresholds were "
        "chosen on; the held-out files were measured once the method was frozen.",
        "",
        "| labels | explicit | by wording | placed precision | coverage | turn precision "
        "| chapter only | whole episode kept |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for labels_file, r in results:
        lines.append(
            f"| `{labels_file.name}` | {_cell(r.explicit_hits, r.explicit_total)} "
            f"| {_cell(r.similar_hits, r.similar_total)} "
            f"| {_cell(r.placed_hits, r.placed_total)} "
            f"| {_cell(r.placed_labelled, r.chapter_labelled)} "
            f"| {_cell(r.turn_hits, r.turn_total)} | {r.turn_unnamed} "
            f"| {_cell(r.episode_hits, r.episode_total)} |"
        )
    for labels_file, r in results:
        lines += ["", f"Misses on `{labels_file.name}`:", ""]
        lines += [f"- {miss}" for miss in r.misses or ["none"]]
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

    episode = Library.open(REPO / "data").episodes[0]
    files = [Path(name) for name in sys.argv[1:]]
    if not files:
        dev = dev_labels()
        if dev is None:
            print("shared/eval/links-dev.json not found: measuring the held-out samples only")
        files = [*([dev] if dev else []), *HELD_OUT]
    results = [(labels, evaluate(episode, labels)) for labels in files]
    if files and files[0] == dev_labels():
        hidden = Path(f"{files[0].name}, wording only")
        results.insert(1, (hidden, evaluate(episode, files[0], wording_only(episode))))
    section = report(results)
    if not sys.argv[1:]:
        write_section(RESULTS, section)
    print(section)
