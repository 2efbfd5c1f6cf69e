"""Queries of 1 to 5,000 words: through `earmark search` (it must answer within its time limit,
exit 0 or 1, and say what it left out in one line), and pasted into the reader's search (Esc and
q must still answer at once: the reader must end within a second of q)."""

from __future__ import annotations

import random
import time
from pathlib import Path

from tests.bench.attacks.common import PAYLOADS, Row, Terminal, crash, leak, run

LENGTHS = (1, 2, 5, 20, 100, 500, 1000, 2000, 5000)
WORDS = [
    "value",
    "function",
    "emotions",
    "research",
    "scaling",
    "age",
    "models",
    "generalization",
    "taste",
    "pretraining",
    "ilya",
    "dwarkesh",
    "sutskever",
    "age",
    "superintelligence",
    "alignment",
]
OPERATORS = ["AND", "OR", "NOT", "(", ")", '"', "*", "~", "-", "'", "\\", ":", "[", "]", "^2"]
FILTERS = ["speaker:ilya", "kind:comment", "episode:x", "chapter:", "source:", "start:[0 TO"]
ODD = ["日本語", "\u202e", "é", "🎙️", "a" * 300, "9" * 400, *PAYLOADS.values()]
# Within a second of q the reader must be gone (it answered "at once").
QUIT_WITHIN_S = 1.0


def _query(rng: random.Random, words: int, style: str) -> str:
    pool = {
        "words": WORDS,
        "operators": WORDS + OPERATORS,
        "filters": WORDS + FILTERS + OPERATORS,
        "odd": WORDS + ODD + OPERATORS,
    }[style]
    return " ".join(rng.choice(pool) for _ in range(words))


def cli(work: Path, row: Row) -> None:
    rng = random.Random(5)
    home = work / "home"
    run(["index"], home)
    slowest = 0.0
    for words in LENGTHS:
        for style in ("words", "operators", "filters", "odd"):
            query = _query(rng, words, style)
            ran = run(["search", query], home, timeout=60)
            slowest = max(slowest, ran.seconds)
            failed = None
            if ran.seconds > 10:
                failed = f"took {ran.seconds:.1f} s"
            row.count(
                f"search of {words} {style}",
                crashed=crash(ran),
                leaked=leak(ran.out + ran.err, terminal=False),
                failed=failed,
            )
    row.notes.append(f"slowest `earmark search`: {slowest:.1f} s (a whole process)")


def reader(work: Path, row: Row) -> None:
    """Paste the query (bracketed paste, as a terminal sends it) into the search panel, then at
    once Esc and q."""
    rng = random.Random(6)
    home = work / "home"
    run(["index"], home)
    slowest = 0.0
    for words in LENGTHS:
        for style in ("words", "odd"):
            query = _query(rng, words, style).replace("\x1b", "")  # a terminal pastes text
            terminal = Terminal([], home)
            problem = None
            if not terminal.wait_for(b"Ilya Sutskever", timeout=30):
                problem = "no first screen in 30 s"
            else:
                terminal.type(b"/")
                terminal.wait_for(b"Search everything", timeout=10)
                terminal.type(b"\x1b[200~" + query.encode() + b"\x1b[201~")
                terminal.read(0.05)
                terminal.type(b"\x1b")
                terminal.read(0.1)  # Esc then a key too soon would be alt+key
                pressed = time.monotonic()
                terminal.type(b"q")
                status = terminal.finish(timeout=30)
                took = time.monotonic() - pressed
                slowest = max(slowest, took)
                if status is None:
                    problem = "q did not end it within 30 s"
                elif took > QUIT_WITHIN_S:
                    problem = f"q took {took:.1f} s to end it"
            terminal.close()
            written = bytes(terminal.output)
            crashed = f"traceback: {written[-300:]!r}" if b"Traceback" in written else None
            row.count(f"pasted {words} {style}", crashed=crashed, failed=problem)
    row.notes.append(f"slowest quit after a paste and Esc: {slowest:.2f} s from q")
