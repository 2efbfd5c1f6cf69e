"""Files that break parsers: any bytes, mutated real documents, absurd numbers, deep nesting and
huge lines, each beside a small good transcript in an episode folder, through `earmark export`.
What must happen: exit 0, one line naming the bad file (or nothing, when it is read; an
episode.toml gets a line per setting it ignores), and the good transcript's turns in the
export."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.bench.attacks.common import Row, crash, run
from tests.test_hostile_documents import TEMPLATES, document_text
from tests.test_parser_properties import RECORDS, framed

GOOD = "1\n00:00:00,000 --> 00:00:02,000\nAlice: Glaciers remember.\n"
SUFFIXES = sorted({suffix for suffix, _ in TEMPLATES.values()} | {".toml", ".yaml", ".htm"})
NUMBERS = [
    "2147483648",
    "9" * 20,
    "9" * 4301,
    "9" * 1_000_000,
    "-" + "9" * 400,
    "1e308",
    "-1e308",
    "1e999999",
    "NaN",
    "Infinity",
    "0." + "9" * 1_000_000,
]
DEEP = 100_000
NESTINGS: dict[str, tuple[str, str]] = {
    # name → (file name, text)
    "json arrays": ("t.json", '{"segments": ' + "[" * DEEP + "]" * DEEP + "}"),
    "json objects": ("t.json", '{"a":' * DEEP + "1" + "}" * DEEP),
    "json in a segment": (
        "t.json",
        '{"segments": [{"startTime": 0, "body": ' + "[" * DEEP + "]" * DEEP + "}]}",
    ),
    "front matter flow": ("t.md", "---\ntitle: " + "[" * DEEP + "]" * DEEP + "\n---\n**A:** hi"),
    "front matter block": (
        "t.md",
        "---\n" + "".join(" " * i + "a:\n" for i in range(3000)) + "---\n**A:** hi",
    ),
    "front matter anchors": (
        "t.md",
        "---\na: &a [x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "title: *i\n---\n**A:** hi",
    ),
    "episode.toml arrays": ("episode.toml", "title = " + "[" * DEEP + "]" * DEEP + "\n"),
    "episode.toml tables": ("episode.toml", "a = " + "{b = " * DEEP + "1" + "}" * DEEP + "\n"),
    "episode.toml dotted keys": ("episode.toml", ".".join(["a"] * DEEP) + " = 1\n"),
    "html tags": ("t.html", "<html><body>" + "<div>" * DEEP + "x" + "</div>" * DEEP),
    "vtt tags": ("t.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n" + "<b>" * DEEP + "x"),
    "srt tags": ("t.srt", "1\n00:00:00,000 --> 00:00:01,000\n" + "<i>" * DEEP + "x"),
    "markdown quotes": ("t.md", "> " * DEEP + "**A:** [00:00] hi"),
    "markdown lists": ("t.md", "".join("  " * i + "- x\n" for i in range(5000))),
}
LINE = 5_000_000  # characters in a huge line (the size limit is 50 MB a file)
HUGE_LINES: dict[str, tuple[str, str]] = {
    "srt cue text": ("t.srt", "1\n00:00:00,000 --> 00:00:01,000\n" + "word " * (LINE // 5)),
    "vtt cue text": ("t.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000\n" + "word " * (LINE // 5)),
    "vtt timing line": ("t.vtt", "WEBVTT\n\n00:00.000 --> 00:01.000 " + "a:b " * (LINE // 4)),
    "json body": ("t.json", json.dumps({"segments": [{"startTime": 0, "body": "w " * LINE}]})),
    "json whitespace": ("t.json", '{"segments":' + " " * LINE + "[]}"),
    "markdown turn": ("t.md", "**Ann:** [00:00] " + "word " * (LINE // 5)),
    "markdown brackets": ("t.md", "[" * LINE),
    "markdown stars": ("t.md", "**a" * (LINE // 3)),
    "html attribute": ("t.html", '<p title="' + "x" * LINE + '">hi</p>'),
    "html comment": ("t.html", "<!--" + "-" * LINE),
    "text timestamps": ("t.txt", "0:00 " * (LINE // 5)),
    "text colons": ("t.txt", "Ann:" * (LINE // 4)),
    "chapter list": ("t.txt", "(" * LINE + "0:00 Intro"),
    "episode.toml string": ("episode.toml", 'title = "' + "x" * LINE + '"\n'),
    "no newline binary-ish": ("t.txt", "\x01\x02" * (LINE // 2)),
}


def _bytes_inputs(rng: random.Random, rounds: int) -> Iterator[tuple[str, str, bytes]]:
    """Random bytes, and random bytes that start like a format."""
    heads = [b"", b"WEBVTT\n\n", b"1\n00:00:00,000 --> ", b'{"segments": [', b"---\n", b"<html>"]
    for number in range(rounds):
        for suffix in SUFFIXES:
            body = rng.randbytes(rng.choice([1, 100, 4000, 100_000]))
            if number % 2:  # mostly text: printable ASCII with a few odd bytes
                body = bytes(b if rng.random() < 0.02 else 32 + b % 95 for b in body)
            yield f"bytes {suffix} #{number}", f"t{suffix}", rng.choice(heads) + body


def _mutated(rng: random.Random, rounds: int) -> Iterator[tuple[str, str, bytes]]:
    """Each format's real document, mutated: bytes flipped, lines dropped, doubled, cut."""
    for number in range(rounds):
        for format_name in sorted(TEMPLATES):
            suffix = TEMPLATES[format_name][0]
            lines = document_text(format_name, "").encode().split(b"\n")
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(len(lines))
                change = rng.choice(["flip", "drop", "double", "cut", "digits", "junk"])
                if change == "flip" and lines[at]:
                    line = bytearray(lines[at])
                    line[rng.randrange(len(line))] = rng.randrange(256)
                    lines[at] = bytes(line)
                elif change == "drop":
                    del lines[at]
                    lines = lines or [b""]
                elif change == "double":
                    lines.insert(at, lines[at] * rng.randint(2, 1000))
                elif change == "cut":
                    lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
                elif change == "digits":
                    lines[at] = bytes(
                        rng.choice(b"0123456789") if 48 <= b < 58 else b for b in lines[at]
                    ) + b"9" * rng.choice([0, 20, 5000])
                else:
                    lines[at] = rng.randbytes(rng.randint(1, 80))
            yield f"mutated {format_name} #{number}", f"t{suffix}", b"\n".join(lines)


def _absurd_numbers() -> Iterator[tuple[str, str, bytes]]:
    for format_name, records in sorted(RECORDS.items()):
        suffix = TEMPLATES[format_name][0]
        for number in NUMBERS:
            text = framed(format_name, records).replace("{n}", number)
            shown = number if len(number) < 12 else f"{len(number)}-character number"
            yield f"{format_name} with {shown}", f"t{suffix}", text.encode()
    for number in NUMBERS:  # and in episode.toml, where numbers are no setting at all
        text = f"title = {number}\ndate = {number}\n[formats]\nx = {number}\n"
        yield f"episode.toml with {number[:12]}", "episode.toml", text.encode()
    for when in ["0000-01-01", "9999-12-31T23:59:60Z", "2024-02-30", "1979-05-27T07:32:00+99:00"]:
        yield f"episode.toml date {when}", "episode.toml", f"date = {when}\n".encode()


def _named(inputs: dict[str, tuple[str, str]]) -> Iterator[tuple[str, str, bytes]]:
    for what, (name, text) in inputs.items():
        yield what, name, text.encode("utf-8", "surrogateescape")


def attack(work: Path, row: Row, source: Callable[[], Iterator[tuple[str, str, bytes]]]) -> None:
    home = work / "home"
    for number, (what, name, content) in enumerate(source()):
        folder = work / "episodes" / f"{number}"
        folder.mkdir(parents=True)
        (folder / "good.srt").write_text(GOOD, encoding="utf-8")
        (folder / name).write_bytes(content)
        ran = run(["export", str(folder)], home, timeout=120)
        crashed = crash(ran, statuses=(0,))
        failed = None
        if not crashed and b"Glaciers remember." not in ran.out:
            failed = f"the good transcript is not in the export: {ran.err[-300:]!r}"
        elif not crashed and name != "episode.toml" and len(lines := _about_the_file(ran.err)) > 1:
            failed = f"{len(lines)} lines for one bad file: {ran.err[:300]!r}"
        row.count(what, crashed=crashed, failed=failed)


def _about_the_file(err: bytes) -> list[bytes]:
    """The lines on stderr about the bad file (not the folder's "several transcripts")."""
    return [line for line in err.splitlines() if b": several " not in line]


def any_bytes(work: Path, row: Row, rounds: int = 3) -> None:
    rng = random.Random(14)
    attack(work, row, lambda: _bytes_inputs(rng, rounds))


def mutated_documents(work: Path, row: Row, rounds: int = 3) -> None:
    rng = random.Random(41)
    attack(work, row, lambda: _mutated(rng, rounds))


def absurd_numbers(work: Path, row: Row) -> None:
    attack(work, row, _absurd_numbers)


def deep_nesting(work: Path, row: Row) -> None:
    attack(work, row, lambda: _named(NESTINGS))


def huge_lines(work: Path, row: Row) -> None:
    attack(work, row, lambda: _named(HUGE_LINES))
