"""Lines built to be slow: one line of 1 MB made of one short piece repeated (``[``, ``<a ``,
``**a``…), where each format reads its lines, parsed by `parse_file`. A pattern that scans from
every position to the line's end takes time to the square of the line's length (a 20 KB line of
``[`` took 7.6 s, so 1 MB would take hours); read linearly, such a line is just another megabyte.

    python -m tests.bench.long_lines [--formats A,B]

Each format runs in a process of its own, stopped after `TIMEOUT_S`: the pieces it had parsed by
then are reported, and the slowest piece is the row. Part of `tests.bench.parsing`'s section.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

LINE_BYTES = 1_000_000
TIMEOUT_S = 300
PIECES = (
    "[", "]", "(", ")", "*", "_", "**a", "*a", "_a", "<", "<a ", "<v ", "</", "<!--", "&", "&#",
    "0:", "1:", "1:00 ", "00:00:00 ", "(0:00", "[1", "\\[", "\\", " ", "\t", "- ", ">> ", "A ",
    "Ann ", "Ann: ", "#", "|", "{\\", "[[", "![[", "](", "[a](", "-->", "1/", "P.", "@", "a",
    "→", "💡", "—",
)  # fmt: skip
# Where each format reads a line ({line}; {json}: the line as a JSON string).
FRAMES = {
    "transcript-page": "Ann Lee 00:00:01\n{line}\nAnn Lee 00:00:02\nwords\n",
    "obsidian-note": "---\ntitle: t\n---\n## {line}\n- {line}\n",
    "video-summary": "Title\n\n{line}\n- 💡 a\n- 💡 b\n- 💡 {line}\n",
    "takeaway-thread": "1/ Title\n{line}\n2/ Next\nwords\n",
    "webvtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n{line}\n",
    "srt": "1\n00:00:01,000 --> 00:00:02,000\n{line}\n",
    "podcast-transcript-json": '{{"segments": [{{"startTime": 1, "body": {json}}}]}}',
    "whisper-json": '{{"segments": [{{"start": 1, "end": 2, "text": {json}}}]}}',
    "ytdlp-info-json": '{{"id": "x", "title": "t", "extractor": "youtube", "description": {json}}}',
    "speaker-text": "Ann Lee  0:01\n{line}\n\nBob  0:02\n{line}\n",
    "podcast-transcript-html": "<html><cite>A:</cite><time>0:01</time><p>{line}</p></html>",
    "podcast-chapters-json": '{{"chapters": [{{"startTime": 0, "title": {json}}}]}}',
    "markdown-transcript": "**Ann:** x\n\n**Ann:** y\n\n**Bob:** {line}\n\n{line}\n",
    "chapter-list": "0:00 Intro\n1:00 Next\n{line}\n2:00 {line}\n",
    "show-notes": "{line}\n\n0:00 Intro\n1:00 Next\n",
}
_NAMED = {"show-notes"}  # never sniffed


def document(format_name: str, piece: str) -> str:
    line = piece * (LINE_BYTES // len(piece.encode()))
    return FRAMES[format_name].format(line=line, json=json.dumps(line, ensure_ascii=False))


def _measure_format(format_name: str, folder: Path) -> None:
    """In the format's own process: one JSON line per piece, as each is done."""
    from index.errors import FormatError
    from index.formats import parse_file

    path = folder / f"{format_name}.txt"
    for piece in PIECES:
        path.write_text(document(format_name, piece), encoding="utf-8")
        start = time.perf_counter()
        with contextlib.suppress(FormatError):  # rejecting the line is an answer too
            parse_file(path, format_name if format_name in _NAMED else None)
        seconds = time.perf_counter() - start
        print(json.dumps({"piece": piece, "seconds": seconds}), flush=True)


def measure(formats: list[str]) -> list[dict[str, Any]]:
    """Per format: the slowest piece's MB/s, and the pieces not parsed within `TIMEOUT_S`."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="earmark-long-lines-") as folder:
        for format_name in formats:
            if format_name not in FRAMES:
                rows.append({"format": format_name})
                continue
            print(f"long lines: {format_name} …", file=sys.stderr, flush=True)
            command = [sys.executable, "-m", "tests.bench.long_lines", "--one", format_name, folder]
            try:
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=TIMEOUT_S, check=True
                )
                output = done.stdout
            except subprocess.TimeoutExpired as stopped:  # what it printed by then, as bytes
                output = (stopped.stdout or b"").decode()
            results = [json.loads(line) for line in output.splitlines() if line]
            slowest = max(results, key=lambda result: result["seconds"], default=None)
            rows.append(
                {
                    "format": format_name,
                    "slowest": slowest,
                    "unfinished": list(PIECES[len(results) :]),
                }
            )
    return rows


def report(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "",
        f"Lines built to be slow (`python -m tests.bench.long_lines`): one line of "
        f"{LINE_BYTES // 10**6} MB of one of {len(PIECES)} short pieces repeated (`[`, `<a `, "
        f"`**a`, `(0:00`…) where each format reads lines; the slowest piece per format. Each "
        f"format is stopped after {TIMEOUT_S} s.",
        "",
        "| format | slowest piece | its line MB/s | pieces not parsed in time |",
        "|---|---|---|---|",
    ]
    for row in rows:
        if "slowest" not in row:
            lines.append(f"| {row['format']} | – | no frame for this format yet | – |")
            continue
        slowest, unfinished = row["slowest"], row["unfinished"]
        rate = f"{LINE_BYTES / 1e6 / slowest['seconds']:.1f}" if slowest else "–"
        piece = _cell(slowest["piece"]) if slowest else "–"
        left = ", ".join(map(_cell, unfinished)) or "none"
        lines.append(f"| {row['format']} | {piece} | {rate} | {left} |")
    return lines


def _cell(piece: str) -> str:
    """A piece as code in a Markdown table cell (where a bare | would end the cell)."""
    return "`" + piece.replace("|", "\\|") + "`"


def main() -> None:
    from index.formats import FORMATS

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--formats", help="these formats only (comma-separated)")
    parser.add_argument("--one", nargs=2, metavar=("FORMAT", "FOLDER"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        _measure_format(options.one[0], Path(options.one[1]))
        return
    formats = options.formats.split(",") if options.formats else list(FORMATS)
    print("\n".join(report(measure(formats))))


if __name__ == "__main__":
    main()
