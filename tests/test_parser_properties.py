"""Whatever the bytes, every parser returns a Document or raises FormatError, and nothing else.

`parse_file` turns anything else a parser raises into a `ParserFailure`, so that one file never
stops a library; these tests raise what it caught instead, so that the guard hides no bug.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.errors import FormatError
from index.formats import FORMATS, ParserFailure, parse_file
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
]  # fmt: skip
documents = st.lists(
    st.one_of(st.sampled_from(FORMAT_LINES), st.text(max_size=40)), max_size=40
).map("\n".join)
# The number of examples comes from the hypothesis profile (tests/conftest.py): "fuzz" runs more.
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _parses_or_format_error(path: Path, format_name: str | None) -> None:
    try:
        document, _warning = parse_file(path, format_name)
    except ParserFailure as failure:
        raise failure.__cause__ from None  # the parser's bug, with its own traceback
    except FormatError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(document, Document)


@pytest.mark.parametrize("format_name", [*FORMATS, None])
@SETTINGS
@given(text=documents)
@example(text="---\npublished: 2025-13-45\n---\n- x")
@example(text="---\n" + "[" * 2000 + "\n---\n- x")
def test_any_text(tmp_path: Path, format_name: str | None, text: str) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _parses_or_format_error(path, format_name)


@pytest.mark.parametrize("format_name", [*FORMATS, None])
@SETTINGS
@given(data=st.binary(max_size=400))
def test_any_bytes(tmp_path: Path, format_name: str | None, data: bytes) -> None:
    path = tmp_path / "doc.bin"
    path.write_bytes(data)
    _parses_or_format_error(path, format_name)


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

    monkeypatch.setattr(FORMATS["srt"], "parse", broken)
    path = tmp_path / "t.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n", encoding="utf-8")
    with pytest.raises(OverflowError, match="a bug"):
        _parses_or_format_error(path, "srt")
