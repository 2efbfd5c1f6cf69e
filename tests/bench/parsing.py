"""Parsing throughput per format: a large file of each registered format, generated from the
bundled episode's words, parsed as the library parses it (`parse_file`: decoding, cleaning,
sniffing), in a process of its own per format (so that its peak memory is its own).

    python -m tests.bench.parsing [--runs 3] [--caption-mb 45] [--other-mb 10] [--formats A,B]
                                  [--keep DIR] [--out FILE]

`make bench` writes this section into tests/bench/RESULTS.md with the others (`tests.bench.run`);
run alone, it replaces only its own section. The caption formats (WebVTT, SRT, podcast JSON) are
generated at the issue's size, 45 MB (the podcast JSON of word segments, as the issue's was);
their target is ≥ 10 MB/s. The same seed gives the same bytes. The section's second table is
`tests.bench.long_lines`: lines built to be slow.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from index.formats import FORMATS
from tests.bench import long_lines
from tests.bench.synth import Material

SECTION = "# Parsing"
CAPTION_FORMATS = ("webvtt", "srt", "podcast-transcript-json")
TARGET_MB_S = 10.0
CAPTION_MB = 45  # the file
OTHER_MB = 10
SPEAKERS = ("Dwarkesh Patel", "Ilya Sutskever", "Sarah Chen")
CHAPTER_EVERY = 40  # turns


def _words(seed: int) -> Iterator[tuple[str, str, bool]]:
    """(speaker, word, ends a turn) without end: the bundled episode's turns, shuffled, by
    speakers taking turns."""
    material = Material.bundled()
    turns = [" ".join(paragraphs) for paragraphs in material.host_turns + material.guest_turns]
    rng = random.Random(seed)
    speaker = 0
    while True:
        rng.shuffle(turns)
        for turn in turns:
            words = turn.split()
            for index, word in enumerate(words):
                yield SPEAKERS[speaker], word, index == len(words) - 1
            speaker = (speaker + rng.randint(1, len(SPEAKERS) - 1)) % len(SPEAKERS)


def _turns(seed: int) -> Iterator[tuple[str, float, str]]:
    """(speaker, start in seconds, text) of turns of up to 120 words, 2.5 words a second."""
    seconds, words, speaker = 0.0, [], ""
    for speaker, word, last in _words(seed):
        words.append(word)
        if last or len(words) == 120:
            yield speaker, seconds, " ".join(words)
            seconds += len(words) / 2.5
            words = []


def _clock(seconds: float, separator: str = ".") -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def _hms(seconds: float) -> str:
    return _clock(seconds)[:8]


def _cues(seed: int, words_per_cue: int = 8) -> Iterator[tuple[str, float, float, list[str]]]:
    """(speaker, start, end, two lines) of captions of a few words, 2.5 words a second."""
    seconds, words = 0.0, []
    for speaker, word, last in _words(seed):
        words.append(word)
        if last or len(words) == words_per_cue:
            end = seconds + len(words) / 2.5
            half = (len(words) + 1) // 2
            yield speaker, seconds, end, [" ".join(words[:half]), " ".join(words[half:])]
            seconds = end + (2.5 if last else 0.0)  # a pause where a turn ends
            words = []


def webvtt(seed: int) -> Iterator[str]:
    yield "WEBVTT\n\n"
    for speaker, start, end, lines in _cues(seed):
        text = "\n".join(line for line in lines if line)
        yield f"{_clock(start)} --> {_clock(end)}\n<v {speaker}>{text}\n\n"


def srt(seed: int) -> Iterator[str]:
    said = ""
    for number, (speaker, start, end, lines) in enumerate(_cues(seed), 1):
        label = f"{speaker}: " if speaker != said else ""
        text = "\n".join(line for line in lines if line)
        yield f"{number}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{label}{text}\n\n"
        said = speaker


def podcast_transcript_json(seed: int) -> Iterator[str]:
    """Word segments, one a line, as podcast hosts publish them: the issue's 45 MB file."""
    yield '{"version": "1.0.0", "segments": [\n'
    seconds, separator = 0.0, ""
    for speaker, word, last in _words(seed):
        start, end = round(seconds, 2), round(seconds + 0.35, 2)
        segment = {"speaker": speaker, "startTime": start, "endTime": end, "body": word}
        yield separator + json.dumps(segment, ensure_ascii=False)
        seconds += 0.4 + (1.5 if last else 0.0)
        separator = ",\n"


def whisper_json(seed: int) -> Iterator[str]:
    """Whisper's segments of a few words; its whole "text" and "language" close the object."""
    yield '{"segments": [\n'
    separator = ""
    for number, (_, start, end, lines) in enumerate(_cues(seed)):
        words = " " + " ".join(line for line in lines if line)
        segment = {"id": number, "start": round(start, 2), "end": round(end, 2), "text": words}
        yield separator + json.dumps(segment, ensure_ascii=False)
        separator = ",\n"


def ytdlp_info_json(seed: int) -> Iterator[str]:
    """A video's info JSON whose bulk is its chapters (a long video's description and chapter
    list; the formats list earmark skips is left out)."""
    yield (
        '{"id": "dQw4w9WgXcQ", "title": "A long conversation", "extractor": "youtube", '
        '"webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "channel": "A podcast", '
        '"upload_date": "20250101", "chapters": [\n'
    )
    separator, last = "", 0.0
    for _, start, text in _turns(seed):
        chapter = {"start_time": last, "end_time": start, "title": text[:70]}
        yield separator + json.dumps(chapter, ensure_ascii=False)
        separator, last = ",\n", start


def speaker_text(seed: int) -> Iterator[str]:
    """Otter's export: the speaker and the time on a line, the words below."""
    for speaker, start, text in _turns(seed):
        yield f"{speaker}  {_hms(start)}\n{text}\n\n"


def podcast_transcript_html(seed: int) -> Iterator[str]:
    yield "<html>\n<body>\n"
    for speaker, start, text in _turns(seed):
        yield f"<cite>{speaker}:</cite>\n<time>{_hms(start)}</time>\n<p>{text}</p>\n"


def markdown_transcript(seed: int) -> Iterator[str]:
    yield "---\ntitle: A long conversation\nshow: A podcast\n---\n\n# A long conversation\n\n"
    for number, (speaker, start, text) in enumerate(_turns(seed)):
        if number % CHAPTER_EVERY == 0:
            yield f"## Part {number // CHAPTER_EVERY + 1} [{_hms(start)}]\n\n"
        yield f"**{speaker}:** \\[{_hms(start)}\\] {text}\n\n"


def transcript_page(seed: int) -> Iterator[str]:
    yield "example.com - A long conversation\n\nA long conversation\n\nDwarkesh Patel\n\n"
    yield "Nov 25, 2025\n\n"
    for speaker, start, text in _turns(seed):
        yield f"{speaker} {_hms(start)}\n\n{text}\n\n"


def obsidian_note(seed: int) -> Iterator[str]:
    yield '---\ntitle: A long conversation\nguests:\n  - "[[Ilya Sutskever]]"\n---\n'
    for number, (_, start, text) in enumerate(_turns(seed)):
        if number % CHAPTER_EVERY == 0:
            yield f"\n## **Part {number // CHAPTER_EVERY + 1} ({_hms(start)}):**\n\n"
        label, _, rest = text.partition(" ")
        yield f"- **{label}:** {rest} (at {_hms(start)})\n"


def video_summary(seed: int) -> Iterator[str]:
    yield "A long conversation\n\n"
    for number, (_, _, text) in enumerate(_turns(seed)):
        if number % CHAPTER_EVERY == 0:
            yield f"\nPart {number // CHAPTER_EVERY + 1}\n"
        yield f"- 💡 {text}\n"


def takeaway_thread(seed: int) -> Iterator[str]:
    yield "Home\n\nA long conversation: takeaways\n\n"
    for number, (_, _, text) in enumerate(_turns(seed)):
        if number % 4 == 0:
            yield f"{number // 4 % 999 + 1}/ {text[:60]}\n\n"
        else:
            yield f"{text}\n\n"


def chapter_list(seed: int) -> Iterator[str]:
    for _, start, text in _turns(seed):
        yield f"{_hms(start)} – {text[:70]}\n"


def podcast_chapters_json(seed: int) -> Iterator[str]:
    yield '{"version": "1.2.0", "title": "A long conversation", "chapters": [\n'
    separator = ""
    for _, start, text in _turns(seed):
        yield separator + json.dumps({"startTime": start, "title": text[:70]}, ensure_ascii=False)
        separator = ",\n"


def show_notes(seed: int) -> Iterator[str]:
    for number, (_, start, text) in enumerate(_turns(seed)):
        yield f"{_hms(start)} {text[:70]}\n" if number % 5 else f"\n{text}\n\n"


GENERATORS: dict[str, Callable[[int], Iterator[str]]] = {
    "webvtt": webvtt,
    "srt": srt,
    "podcast-transcript-json": podcast_transcript_json,
    "whisper-json": whisper_json,
    "ytdlp-info-json": ytdlp_info_json,
    "speaker-text": speaker_text,
    "podcast-transcript-html": podcast_transcript_html,
    "markdown-transcript": markdown_transcript,
    "transcript-page": transcript_page,
    "obsidian-note": obsidian_note,
    "video-summary": video_summary,
    "takeaway-thread": takeaway_thread,
    "chapter-list": chapter_list,
    "podcast-chapters-json": podcast_chapters_json,
    "show-notes": show_notes,
}
# The JSON lists the generators leave open.
_CLOSING = {
    "podcast-transcript-json": "\n]}\n",
    "podcast-chapters-json": "\n]}\n",
    "whisper-json": '\n], "text": "", "language": "en"}\n',
    "ytdlp-info-json": '\n], "duration": 360000, "description": "A long conversation."}\n',
}
# Show notes are never sniffed: a followed feed names the format (episode.toml).
_NAMED = {"show-notes"}


def write_file(format_name: str, folder: Path, megabytes: float, seed: int = 0) -> Path:
    """A file of the format, of about ``megabytes`` (10⁶ bytes), whole pieces only."""
    path = folder / f"{format_name}.txt"
    limit = megabytes * 1e6 - len(_CLOSING.get(format_name, "").encode())
    written = 0
    with path.open("w", encoding="utf-8") as file:
        for piece in GENERATORS[format_name](seed):
            size = len(piece.encode())
            if written + size > limit:
                break
            file.write(piece)
            written += size
        file.write(_CLOSING.get(format_name, ""))
    return path


def measure_one(format_name: str, path: Path, runs: int) -> dict[str, Any]:
    """Parse ``path`` ``runs`` times in this process; its throughput in MB/s."""
    from index.formats import parse_file

    named = format_name if format_name in _NAMED else None
    seconds, document = [], None
    for _ in range(runs):
        start = time.perf_counter()
        document, _warning = parse_file(path, named)
        seconds.append(time.perf_counter() - start)
    assert document is not None and document.format == format_name, document
    megabytes = path.stat().st_size / 1e6
    rates = sorted(megabytes / s for s in seconds)
    return {
        "format": format_name,
        "mb": megabytes,
        "turns": len(document.turns),
        "notes": len(document.notes),
        "chapters": len(document.chapters),
        "median_mb_s": statistics.median(rates),
        "min_mb_s": rates[0],
        "max_mb_s": rates[-1],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(
    work: Path, runs: int, caption_mb: float, other_mb: float, formats: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every registered format (or those named): its file generated in ``work``, measured in a
    process of its own. A format without a generator (a new one) is a row that says so."""
    rows = []
    for format_name in formats or FORMATS:
        if format_name not in GENERATORS:
            rows.append({"format": format_name})
            continue
        size = caption_mb if format_name in CAPTION_FORMATS else other_mb
        path = write_file(format_name, work, size)
        print(f"parsing {format_name} ({size:g} MB) …", file=sys.stderr, flush=True)
        done = subprocess.run(
            [sys.executable, "-m", "tests.bench.parsing", "--one", format_name, str(path),
             "--runs", str(runs)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        rows.append(json.loads(done.stdout))
    return rows


def section(
    work: Path, runs: int, caption_mb: float, other_mb: float, formats: list[str] | None = None
) -> str:
    """This benchmark's section of RESULTS.md: throughput, and lines built to be slow."""
    rows = measure(work, runs, caption_mb, other_mb, formats)
    return report(rows, runs, long_lines.measure(formats or list(FORMATS)))


def report(rows: list[dict[str, Any]], runs: int, long_rows: list[dict[str, Any]]) -> str:
    lines = [
        SECTION,
        "",
        f"Each registered format, a file generated from the bundled episode's words "
        f"(`python -m tests.bench.parsing`), parsed as the library parses it (`parse_file`: "
        f"decoding, cleaning, sniffing), each format in a process of its own: MB/s, median of "
        f"{runs} runs (min–max). Target for the caption formats: ≥ {TARGET_MB_S:g} MB/s.",
        "",
        "| format | MB | turns | notes | chapters | MB/s median (min–max) | peak MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "mb" not in row:
            lines.append(f"| {row['format']} | – | – | – | – | no generated input yet | – |")
            continue
        verdict = ""
        if row["format"] in CAPTION_FORMATS:
            verdict = " ✓" if row["median_mb_s"] >= TARGET_MB_S else " ✗"
        lines.append(
            f"| {row['format']} | {row['mb']:.1f} | {row['turns']} | {row['notes']} "
            f"| {row['chapters']} | {row['median_mb_s']:.1f}{verdict} "
            f"({row['min_mb_s']:.1f}–{row['max_mb_s']:.1f}) | {row['peak_mb']:.0f} |"
        )
    lines += long_lines.report(long_rows)
    return "\n".join(lines) + "\n"


def write_section(
    results_file: Path, keep: Path | None, prefix: str, make: Callable[[Path], str]
) -> None:
    """A section made in folder ``keep`` (or in a temporary one, removed after), put in
    ``results_file`` and printed."""
    work = keep or Path(tempfile.mkdtemp(prefix=prefix))
    try:
        text = make(work)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    replace_section(results_file, text)
    print(text)


def replace_section(results_file: Path, section: str) -> None:
    """This section of RESULTS.md (named by its first line) replaced, or added before the
    note-linking section (which `make bench` writes last); the others left as they are."""
    heading = section.split("\n", 1)[0]
    text = results_file.read_text(encoding="utf-8") if results_file.exists() else ""
    sections = [
        part
        for part in re.split(r"(?m)^(?=# )", text)
        if part.strip() and not part.startswith(heading + "\n")
    ]
    at = next((i for i, part in enumerate(sections) if part.startswith("# Note linking")), None)
    sections.insert(len(sections) if at is None else at, section)
    results_file.write_text("\n".join(part.rstrip("\n") + "\n" for part in sections), "utf-8")


def main() -> None:
    from tests.bench.run import RESULTS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--caption-mb", type=float, default=CAPTION_MB)
    parser.add_argument("--other-mb", type=float, default=OTHER_MB)
    parser.add_argument("--formats", help="these formats only (comma-separated)")
    parser.add_argument("--keep", type=Path, help="write the generated files here and keep them")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "FILE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(measure_one(options.one[0], Path(options.one[1]), options.runs)))
        return
    formats = options.formats.split(",") if options.formats else None

    def made(work: Path) -> str:
        return section(work, options.runs, options.caption_mb, options.other_mb, formats)

    write_section(options.out, options.keep, "earmark-parsing-", made)


if __name__ == "__main__":
    main()
