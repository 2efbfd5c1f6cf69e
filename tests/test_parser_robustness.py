"""Files built to break the parsers (absurd numbers, deep nesting) and a parser's own bug, beside
the bundled episode: each is one line naming the file, and the rest of the library loads."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from index.formats import FORMATS, parse_file
from index.model import Document
from tui.cli import main

TURNS = 133
MORE_DIGITS_THAN_PYTHON_READS = "9" * 5_000  # int() refuses more than 4,300

HOSTILE_FILES = {
    # The reproduction: the srt library raised OverflowError for an hour past a C int.
    "huge-hour.srt": (
        "1\n999999999999:00:00,000 --> 999999999999:00:01,000\nhi\n",
        "no SRT captions with text found",
    ),
    "long-number.json": (
        '{"segments": [{"startTime": ' + MORE_DIGITS_THAN_PYTHON_READS + ', "body": "hi"}]}',
        "no Podcast transcript (JSON) with text found",
    ),
    "deep-front-matter.md": (
        "---\nt: " + "[" * 100_000 + "\n---\n**A:** x\n\n**A:** y\n\n**B:** z\n",
        "front matter is not valid YAML (exceeded maximum nesting depth)",
    ),
    # The other reproduction: tomllib raised RecursionError.
    "episode.toml": ("a = " + "[" * 100_000 + "]" * 100_000, "ignored: nested too deeply"),
}


def _export(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[dict, list[str]]:
    assert main(["export", str(path)]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err.splitlines()


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_hostile_file_is_one_line_and_the_rest_loads(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, name: str
) -> None:
    text, message = HOSTILE_FILES[name]
    (episode_copy / name).write_text(text, encoding="utf-8")
    exported, warnings = _export(capsys, episode_copy)
    (warning,) = [line for line in warnings if name in line]
    assert message in warning and "Traceback" not in warning
    assert len(exported["episodes"][0]["turns"]) == TURNS


def test_a_parser_bug_is_one_line_and_the_rest_loads(
    capsys: pytest.CaptureFixture[str], episode_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever a parser lets through is reported like a bad file, never a crash."""

    def broken(path: Path, source: object = None) -> Document:
        raise OverflowError("Python int too large to convert to C int")

    monkeypatch.setitem(FORMATS, "srt", replace(FORMATS["srt"], parse=broken))
    (episode_copy / "captions.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    exported, warnings = _export(capsys, episode_copy)
    (warning,) = [line for line in warnings if "captions.srt" in line]
    assert warning.endswith(
        "captions.srt: earmark could not read this file "
        "(OverflowError: Python int too large to convert to C int)"
    )
    assert len(exported["episodes"][0]["turns"]) == TURNS


CAPTIONS_WITH_A_TIME = {
    "t.srt": "1\n{h}:00:00,000 --> {h}:00:01,000\nlost\n\n2\n0:00:05,000 --> 0:00:06,000\nkept\n",
    "t.vtt": "WEBVTT\n\n{h}:00:00.000 --> {h}:00:01.000\nlost\n\n00:05.000 --> 00:06.000\nkept\n",
    "t.json": '{{"segments": [{{"startTime": {s}, "endTime": {s}, "body": "lost"}}, '
    '{{"startTime": 5, "endTime": 6, "body": "kept"}}]}}',
}
PAST_115_DAYS = [  # hours for SRT and WebVTT, seconds for JSON
    {"h": "999999999999", "s": "1e308"},
    {"h": "2778", "s": "10000000"},
    {"h": MORE_DIGITS_THAN_PYTHON_READS, "s": MORE_DIGITS_THAN_PYTHON_READS},
]


@pytest.mark.parametrize("name", CAPTIONS_WITH_A_TIME)
@pytest.mark.parametrize("time", PAST_115_DAYS, ids=["12 digits", "2778 h", "5000 digits"])
def test_a_caption_past_115_days_is_skipped_and_the_rest_is_read(
    tmp_path: Path, name: str, time: dict[str, str]
) -> None:
    """A caption whose start no episode reaches (`MAX_SECONDS`, over 115 days) is skipped, as if
    it had no time; the file's other captions are read."""
    path = tmp_path / name
    path.write_text(CAPTIONS_WITH_A_TIME[name].format(**time), encoding="utf-8")
    document, _warning = parse_file(path)
    assert [(turn.start, turn.text) for turn in document.turns] == [(5, "kept")]
    assert document.duration == 6


def test_a_yaml_alias_bomb_in_front_matter_is_not_expanded(tmp_path: Path) -> None:
    """A list of nine aliases of a list of nine aliases…, six deep (531,441 strings; each level
    more multiplies them by nine), under a tag that makes tuples (``!!pairs``): a name that is
    not text is not a name, and is never turned into text."""
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 6)]
    front = "\n".join([*levels, "guests: !!pairs [{x: *a5}]", "title: Kept"])
    path = tmp_path / "note.md"
    path.write_text(f"---\n{front}\n---\n- a point\n", encoding="utf-8")
    document, _warning = parse_file(path)
    assert (document.title, document.guests) == ("Kept", ())


def test_html_that_stopped_htmlparser_is_read(tmp_path: Path) -> None:
    """A ``<![foo bar]>`` section made HTMLParser raise AssertionError; the text of ``<script>``
    and ``<style>`` became transcript. Tags are found by earmark now, in one pass."""
    path = tmp_path / "t.html"
    path.write_text(
        "<html><style>p { color: red }</style><cite>Ann:</cite><time>0:01</time>"
        "<p>Hello <script>track('<p>');</script>there.</p><![foo bar]></html>",
        encoding="utf-8",
    )
    document, _warning = parse_file(path)
    assert [(turn.speaker, turn.start, turn.text) for turn in document.turns] == [
        ("Ann", 1, "Hello there.")
    ]


def test_an_episode_toml_that_would_take_minutes_is_one_line(tmp_path: Path) -> None:
    """tomllib takes time quadratic in the parts of a dotted key: 100,000 parts (200 KB) hung
    `earmark export` for minutes (make attack found it). A key of more than 64 parts, or a file
    over 1 MB, is one line and not read; a key of 64 parts, or a title full of dots, is read."""
    from index.library.settings import read_settings

    cases = {
        ".".join(["a"] * 3_000) + " = 1\n": "a key of more than 64 dotted parts",
        "[" + ".".join(['"x"'] * 3_000) + "]\n": "a key of more than 64 dotted parts",
        'title = "' + "x" * 1_000_000 + '"\n': "larger than 1 MB",
    }
    for text, message in cases.items():
        problems: list[str] = []
        read_settings(_write(tmp_path / "episode.toml", text), problems)
        (problem,) = problems
        assert problem.endswith(f"episode.toml: ignored: {message}")
    problems = []
    kept = 'title = "U.S. politics, 1.2.3…"\n' + ".".join(["a"] * 64) + " = 1\n"
    settings = read_settings(_write(tmp_path / "episode.toml", kept), problems)
    assert (settings.title, problems) == ("U.S. politics, 1.2.3…", [])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
