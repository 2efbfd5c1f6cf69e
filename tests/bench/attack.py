"""The attack run behind docs/robustness.md's figures: every kind of hostile input and fault that
round two of the safety work found, tried against the real `earmark` (pipes, a pseudo-terminal,
tmux), counted per run as crashes, escapes, data lost and other failures (see
`tests/bench/attacks/common.py` for what each column counts).

    python -m tests.bench.attack                 # every kind (about 15 minutes on 2 cores)
    python -m tests.bench.attack queries marks   # the kinds whose name holds a word given
    python -m tests.bench.attack --list

It prints a Markdown table, the first failures of each kind, and writes both to
tests/bench/ATTACKS.md. It exits 1 when any run crashed, leaked, lost data or failed otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from tests.bench.attacks import adding, documents, indexing, marks, parsers, queries
from tests.bench.attacks.common import Row

Attack = Callable[[Path, Row], None]

KINDS: dict[str, Attack] = {
    "documents: every format, every field (export)": documents.every_format_every_field,
    "documents: every command's output (pipe and terminal)": documents.cli_output,
    "documents: the reader on a terminal": documents.reader,
    "documents: the reader in tmux": documents.tmux,
    "parsers: any bytes": parsers.any_bytes,
    "parsers: mutated real documents": parsers.mutated_documents,
    "parsers: absurd numbers": parsers.absurd_numbers,
    "parsers: deep nesting": parsers.deep_nesting,
    "parsers: huge lines": parsers.huge_lines,
    "queries: 1-5,000 words (earmark search)": queries.cli,
    "queries: 1-5,000 words pasted in the reader": queries.reader,
    "adding: episode names in any script and length": partial(adding.episode_names, rounds=3),
    "adding: file names": adding.file_names,
    "adding: not a regular file": adding.not_regular_files,
    "adding: a read-only library": adding.read_only_library,
    "adding: a full disk": adding.full_library,
    "adding: two adds at once": adding.two_at_once,
    "indexing: kill -9 during a rebuild": indexing.kill_rebuilds,
    "indexing: two rebuilds at once": indexing.two_rebuilds,
    "indexing: a full disk": indexing.full_disk,
    "marks: a damaged marks file": marks.damaged_marks,
    "marks: unwritable marks": marks.unwritable_marks,
    "marks: kill -9 while saving": marks.kill_while_saving,
}
RESULTS = Path(__file__).with_name("ATTACKS.md")


def attack(kind: str, run_kind: Attack) -> Row:
    """One kind, in a fresh folder of its own (removed afterwards), timed."""
    row = Row(kind)
    work = Path(tempfile.mkdtemp(prefix="earmark-attack-"))
    started = time.monotonic()
    try:
        run_kind(work, row)
    finally:
        row.seconds = time.monotonic() - started
        shutil.rmtree(work, ignore_errors=True)
    return row


def report(rows: list[Row]) -> str:
    total = Row("**all**")
    lines = [
        "| kind of attack | tried | crashes | escapes | data lost | other | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in [*rows, total]:
        if row is not total:
            for column in ("tried", "crashes", "escapes", "lost", "other", "seconds"):
                setattr(total, column, getattr(total, column) + getattr(row, column))
        lines.append(
            f"| {row.kind} | {row.tried} | {row.crashes} | {row.escapes} | {row.lost} "
            f"| {row.other} | {row.seconds:.0f} |"
        )
    for row in rows:
        if row.examples or row.notes:
            lines += ["", f"**{row.kind}**", ""]
            lines += [f"- {line}" for line in [*row.notes, *row.examples]]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="run only the kinds whose name holds a word")
    parser.add_argument("--list", action="store_true", help="list the kinds and stop")
    arguments = parser.parse_args()
    chosen = {
        kind: run_kind
        for kind, run_kind in KINDS.items()
        if not arguments.words or any(word in kind for word in arguments.words)
    }
    if arguments.list or not chosen:
        print("\n".join(KINDS))
        return 0 if chosen else 2
    rows = []
    for kind, run_kind in chosen.items():
        row = attack(kind, run_kind)
        print(f"{kind}: {row.tried} tried, {row.seconds:.0f} s", file=sys.stderr, flush=True)
        rows.append(row)
    table = report(rows)
    print(table)
    RESULTS.write_text(f"# Attack run ({time.strftime('%Y-%m-%d')})\n\n{table}", encoding="utf-8")
    failed = any(row.crashes or row.escapes or row.lost or row.other for row in rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
