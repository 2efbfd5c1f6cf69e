"""Whatever the bytes, every parser returns a Document or raises FormatError, and nothing else.

`parse_file` turns anything else a parser raises into a `ParserFailure`, so that one file never
stops a library; these tests raise what it caught instead, so that the guard hides no bug.
Absurd numbers (past 2³¹ hours, 1e308, NaN, ten thousand digits) and deep nesting are drawn at
sizes that keep `make test` quick; `make fuzz` also runs the huge ones (a million digits, nesting
100,000 deep) in `test_huge_inputs`.
"""

import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.errors import FormatError
from index.formats import FORMATS, SNIFF_CHARS, SURE, ParserFailure, candidates, parse_file
from index.formats.source import read_source
from index.library.settings import read_settings
from index.model import Document
from tests.seeds import FORMAT_EXAMPLES, SEED_FILES

# Lines that look like the formats' own, so that random input reaches deep into the parsers.
FORMAT_LINES = [
    "---", "title: [x", "## **Heading (1:00):**", "- **Label:** text (2:00-3:00)", "\t- nested",
    "![[img.png]]", "Ilya Sutskever 00:00:00", "Dwarkesh Patel 99:99:99", "(00:09:39) - Chapter",
    "00:25:13 – Heading", "Section titled “Heading”", "[", "](https://x/profile/1?utm_source=comment)",
    "Like (3)", "Reply (2)", "Share", "1/ Title", "P.S. after", "- 💡 emoji point", "x→Glued",
    "/", "1:36:03", "Nov 25, 2025", "26 NovEdited", "abc_MD5", "Listen on", "",
    "WEBVTT", "00:00:01.000 --> 00:00:02.500", "<v.loud Sarah>hi &amp; <b>bye", "</v>", "NOTE x",
    "1", "00:00:00,179 --> 00:00:02,399", "Travis: hello", "{\\an8}<i>x</i>",
    '{"segments": [', '{"startTime": 1e308, "body": null, "speaker": 3},', "]}",
    '{"chapters": [{"startTime": -1, "toc": false, "title": null}', "<cite>Kevin:</cite>",
    "<time>0:09</time>", "<p>said <br> this", "**Lex:** \\[07:45\\] hi \\[laugh\\]",
    "[00:03:18.16]", "**Ann**: [1:02] x", "# Title", "0:00 Intro", "Outro (1:02:03)",
    "<![if x]>", "<!DOCTYPE [", "<![CDATA[x", "date: 2025-02-30",
]  # fmt: skip
documents = st.lists(
    st.one_of(st.sampled_from(FORMAT_LINES), st.text(max_size=40)), max_size=40
).map("\n".join)
# The number of examples comes from the hypothesis profile (tests/conftest.py): "fuzz" runs more.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FUZZ = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"

# Numbers no file should hold: past Python's 4,300-digit limit for int(), past a C int, past a
# float, not numbers at all in JSON's sense (NaN, Infinity), negative, tiny.
ODD_NUMBERS = [
    "1e308", "-1e308", "1e309", "1e999999", "-0", "0.0000001", "4.9e-324", "2147483648",
    "4294967296", "9223372036854775808", "NaN", "Infinity", "-Infinity", "nan", "inf", "0x10",
    "1_000", "١٢",
]  # fmt: skip
digits = st.sampled_from([1, 2, 3, 10, 12, 19, 20, 309, 400, 4300, 4301, 10_000]).map(
    lambda count: "9" * count
)
absurd_numbers = st.one_of(
    digits,
    digits.map(lambda d: "-" + d),
    st.integers().map(str),
    st.floats().map(repr),
    st.sampled_from(ODD_NUMBERS),
)

# Each format's own records, with a number wherever the format has one, so that the numbers
# reach the code that reads them.
RECORDS = {
    "srt": ["{n}\n{n}:{n}:{n},{n} --> {n}:{n}:{n},{n}\n{n}: words", "1\n0:0:0{n},0 --> 1:0:0,5\nx"],
    "webvtt": ["{n}:{n}:{n}.{n} --> {n}:{n}:{n}.{n}\n<v A>words", "{n}:00.000 --> 00:{n}.5\nx"],
    "podcast-transcript-json": [
        '{"startTime": {n}, "endTime": {n}, "body": "x{n}", "speaker": "A"}',
        '{"startTime": {n}, "body": "y", "speaker": {n}}',
    ],
    "podcast-chapters-json": ['{"startTime": {n}, "endTime": {n}, "title": "x", "toc": {n}}'],
    "podcast-transcript-html": ["<cite>A:</cite><time>{n}:{n}:{n}</time><p>x {n}</p>"],
    "markdown-transcript": ["**Ann:** [{n}:{n}] x", "**Bob** \\[{n}:{n}:{n}\\]: y", "## [{n}:00]"],
    "transcript-page": ["Ann Lee {n}:{n}:{n}\nwords", "/\n{n}:{n}:{n}", "(0{n}:00) - Chapter"],
    "chapter-list": ["{n}:{n}:{n} Title", "({n}:{n}) - Title", "Title ({n}:{n}:{n})"],
    "show-notes": ["{n}:{n} Title", "Said at {n}:{n}:{n}."],
    "obsidian-note": ["## Heading ({n}:{n}):", "- **Label:** text ({n}:{n}-{n}:{n})"],
    "video-summary": ["Section", "- 💡 at {n}:{n}", "- 🔥 {n}"],
    "takeaway-thread": ["{n}/ Title at {n}:{n}", "Why it matters: {n}"],
}  # fmt: skip
FRONT_MATTER = "---\ntitle: {n}\npublished: {n}-{n}-{n}\nguests: [{n}, {n}]\n---\n"
# What goes around the records: (before, between, after).
FRAMES = {
    "webvtt": ("WEBVTT\n\n", "\n\n", ""),
    "podcast-transcript-json": ('{"segments": [', ",", "]}"),
    "podcast-chapters-json": ('{"title": "t", "chapters": [', ",", "]}"),
    "podcast-transcript-html": ("<html><body>", "\n", "</body></html>"),
    "markdown-transcript": (FRONT_MATTER, "\n\n", ""),
    "obsidian-note": (FRONT_MATTER, "\n", ""),
}


def framed(format_name: str, records: list[str]) -> str:
    """The records as a document of the format, their ``{n}`` still to fill."""
    before, between, after = FRAMES.get(format_name, ("", "\n\n", ""))
    return before + between.join(records) + after


@st.composite
def numbered_documents(draw: st.DrawFn, format_name: str) -> str:
    """A document of the format, its numbers drawn from `absurd_numbers`."""
    text = framed(format_name, draw(st.lists(st.sampled_from(RECORDS[format_name]), min_size=1)))
    while "{n}" in text:
        text = text.replace("{n}", draw(absurd_numbers), 1)
    return text


def nested(depth: int) -> dict[str, str]:
    """Documents nested ``depth`` deep, each where its format (or its front matter) nests."""
    return {
        "podcast-transcript-json": '{"segments": [' + "[" * depth + "]" * depth + "]}",
        "podcast-chapters-json": '{"chapters": ' + '{"a": ' * depth + "1" + "}" * depth + "}",
        "markdown-transcript": "---\nt: " + "[" * depth + "\n---\n**A:** x\n**A:** y\n**B:** z",
        "obsidian-note": "---\nt:\n" + "- " * depth + "x\n---\n- point",
        "podcast-transcript-html": "<cite>A</cite><time>0:01</time><p>"
        + "<div><b>" * depth
        + "x</p>",
        "webvtt": "WEBVTT\n\n00:01.000 --> 00:02.000\n" + "<c>" * depth + "<v A>x",
        "srt": "1\n00:00:01,000 --> 00:00:02,000\n" + "<i>" * depth + "A: x",
    }


def _parses_or_format_error(path: Path, format_name: str | None) -> None:
    try:
        document, _warning = parse_file(path, format_name)
    except ParserFailure as failure:
        raise failure.__cause__ from None  # the parser's bug, with its own traceback
    except FormatError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(document, Document)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.mark.parametrize("format_name", [*FORMATS, None])
@SETTINGS
@given(text=documents)
@example(text="---\npublished: 2025-13-45\n---\n- x")
@example(text="---\n" + "[" * 2000 + "\n---\n- x")
def test_any_text(tmp_path: Path, format_name: str | None, text: str) -> None:
    _parses_or_format_error(_write(tmp_path / "doc.txt", text), format_name)


@SETTINGS
@given(text=documents)
@example(text="".join(f"Ann Lee 00:0{n}:00\nx\n" for n in range(6)) + "Section titled “A”")
def test_the_format_sure_of_a_text_is_the_one_ranked_first(tmp_path: Path, text: str) -> None:
    """Every sniffer says 0..1, so one sure of the text (1), asked in order of priority, is the
    one the whole ranking puts first: `parse_file` stops sniffing there."""
    try:
        source = read_source(_write(tmp_path / "doc.txt", text))
    except FormatError:  # empty
        return
    head = source.text[:SNIFF_CHARS]
    assert all(0 <= entry.sniff(head) <= SURE for entry in FORMATS.values())
    try:
        ranked = candidates(source)
    except FormatError:  # no format thinks it can read it
        return
    sure = candidates(source, sure_first=True)
    assert sure == ranked or sure == ranked[:1]


@pytest.mark.parametrize("format_name", [*FORMATS, None])
@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes(tmp_path: Path, format_name: str | None, data: bytes) -> None:
    path = tmp_path / "doc.bin"
    path.write_bytes(data)
    _parses_or_format_error(path, format_name)


@pytest.mark.parametrize("format_name", RECORDS)
@pytest.mark.parametrize("sniffed", [False, True], ids=["named", "sniffed"])
@SETTINGS
@given(data=st.data())
@example(data=None)  # each format's records with the hour, 999999999999
def test_absurd_numbers(
    tmp_path: Path, format_name: str, sniffed: bool, data: st.DataObject | None
) -> None:
    if data is None:
        text = framed(format_name, RECORDS[format_name]).replace("{n}", "999999999999")
    else:
        text = data.draw(numbered_documents(format_name))
    _parses_or_format_error(_write(tmp_path / "doc.txt", text), None if sniffed else format_name)


@pytest.mark.parametrize("format_name", list(nested(1)))
@SETTINGS
@given(depth=st.integers(1, 3_000))
def test_deep_nesting(tmp_path: Path, format_name: str, depth: int) -> None:
    _parses_or_format_error(_write(tmp_path / "doc.txt", nested(depth)[format_name]), format_name)


toml_values = st.recursive(
    st.one_of(absurd_numbers, st.text(max_size=10).map(repr), st.just("2024-05-01")),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(inner, max_size=3).map(
            lambda items: "{" + ", ".join(f"k{i} = {v}" for i, v in enumerate(items)) + "}"
        ),
    ),
)


@SETTINGS
@given(
    keys=st.lists(
        st.tuples(st.sampled_from(["title", "show", "date", "formats", "roles", "x"]), toml_values),
        max_size=5,
    ),
    depth=st.integers(0, 3_000),
)
def test_any_episode_toml(tmp_path: Path, keys: list[tuple[str, str]], depth: int) -> None:
    """An episode.toml is settings and one-line problems, never an exception."""
    text = "\n".join(f"{key} = {value}" for key, value in keys)
    text += "\ndeep = " + "[" * depth + "]" * depth if depth else ""
    problems: list[str] = []
    read_settings(_write(tmp_path / "episode.toml", text), problems)
    assert all("\n" not in problem for problem in problems)


HUGE_NUMBERS = {"a million digits": "9" * 10**6, "a million-digit fraction": "1." + "9" * 10**6}


HUGE_CASES = [(name, case) for case in HUGE_NUMBERS for name in RECORDS]
HUGE_CASES += [(name, "nesting 100,000 deep") for name in nested(1)]


@pytest.mark.skipif(not FUZZ, reason="huge inputs are for make fuzz")
@pytest.mark.parametrize(("format_name", "case"), HUGE_CASES)
def test_huge_inputs(tmp_path: Path, format_name: str, case: str) -> None:
    if case in HUGE_NUMBERS:
        text = framed(format_name, RECORDS[format_name]).replace("{n}", HUGE_NUMBERS[case])
    else:
        text = nested(100_000)[format_name]
    for format_tried in (format_name, None):
        _parses_or_format_error(_write(tmp_path / "doc.txt", text), format_tried)


@pytest.mark.skipif(not FUZZ, reason="huge inputs are for make fuzz")
def test_huge_episode_toml(tmp_path: Path) -> None:
    for text in ("a = " + "[" * 100_000 + "]" * 100_000, "title = " + "9" * 10**6):
        problems: list[str] = []
        read_settings(_write(tmp_path / "episode.toml", text), problems)
        (problem,) = problems
        assert "\n" not in problem


@pytest.mark.parametrize("seed", SEED_FILES + FORMAT_EXAMPLES, ids=lambda p: p.name)
@SETTINGS
@given(cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3)), max_size=6))
def test_mutated_seeds(tmp_path: Path, seed: Path, cuts: list[tuple[int, int]]) -> None:
    """Seed files with lines dropped, doubled, truncated or their digits garbled."""
    lines = seed.read_text(encoding="utf-8").split("\n")
    for position, operation in cuts:
        at = position % len(lines)
        if operation == 0:
            del lines[at]
        elif operation == 1:
            lines.insert(at, lines[at])
        elif operation == 2:
            lines = lines[:at]
        else:
            lines[at] = lines[at].replace("0", "9").replace(":", ":7")
        if not lines:
            lines = [""]
    path = tmp_path / seed.name
    path.write_text("\n".join(lines), encoding="utf-8")
    _parses_or_format_error(path, None)


def test_a_parser_bug_fails_these_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard that keeps a library loading does not hide a parser's bug from these tests."""

    def broken(path: Path, source: object = None) -> Document:
        raise OverflowError("a bug")

    monkeypatch.setitem(FORMATS, "srt", replace(FORMATS["srt"], parse=broken))
    path = _write(tmp_path / "t.srt", "1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    with pytest.raises(OverflowError, match="a bug"):
        _parses_or_format_error(path, "srt")
