"""The transcript and chapter formats other people publish: the podcast-namespace examples as
their files say, and small inputs for each variant the parsers promise to read."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import FORMATS, REGISTRY, Format, candidates, detect, parse_file
from index.formats.source import read_source
from index.model import Document
from tests.seeds import FORMAT_EXAMPLES, FORMAT_EXAMPLES_DIR


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _parse(tmp_path: Path, name: str, text: str) -> Document:
    document, _warning = parse_file(_write(tmp_path, name, text))
    return document


def _turns(document: Document) -> list[tuple[str, int | None, str]]:
    return [(turn.speaker, turn.start, turn.text) for turn in document.turns]


# The examples -------------------------------------------------------------------------------


REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda entry: entry.name)
def test_every_registered_format_is_recognised_from_its_example(entry: Format) -> None:
    """Each format's example is read as that format: guessed from its contents (the most
    confident sniff), or, for a format chosen only by ``[formats]``, when named."""
    example = REPOSITORY / entry.example
    if entry.guessed:
        assert detect(read_source(example)) is entry
        document, _ = parse_file(example)
    else:
        assert entry.sniff(read_source(example).text) == 0
        document, _ = parse_file(example, entry.name)
    assert document.format == entry.name
    assert document.turns or document.chapters or document.notes


def test_a_file_the_sure_format_refuses_goes_to_the_next_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bundled transcript page is one the transcript page's sniffer is sure of: the other
    sniffers are asked only once its parser refuses it, and the next one reads it."""
    example = REPOSITORY / FORMATS["transcript-page"].example

    def refusing(path: Path, source: object = None) -> Document:
        raise FormatError(path, None, "refused")

    refused = replace(FORMATS["transcript-page"], parse=refusing)
    monkeypatch.setitem(FORMATS, "transcript-page", refused)
    assert candidates(read_source(example), sure_first=True) == [refused]
    document, _ = parse_file(example)
    assert document.format == "chapter-list"


def test_every_podcast_namespace_example_is_a_registered_example() -> None:
    examples = {Path(entry.example).name for entry in REGISTRY}
    assert [example.name for example in FORMAT_EXAMPLES if example.name not in examples] == []


def test_webvtt_example() -> None:
    document, _ = parse_file(FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.vtt")
    assert [(t.speaker, t.start, t.end) for t in document.turns] == [
        ("Sarah", 0, 19),
        ("Gillian", 19, 26),
    ]
    sarah = document.turns[0].text
    assert sarah.startswith("In today's episode, you'll learn whether or not you should have")
    assert "Welcome to Podcasting Q&A, where" in sarah  # &amp; decoded
    assert sarah.endswith("This week's question comes from Gillian.")
    assert document.turns[1].text.endswith("do we need a podcast trailer?")


def test_srt_and_html_examples_are_the_same_conversation() -> None:
    """The project publishes one episode as SRT (speaker prefixes, carried forward) and as HTML
    (<cite>, <time>, <p>): both must give the same speakers at the same times."""
    srt, _ = parse_file(FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.srt")
    html, _ = parse_file(FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.html")
    assert [t.speaker for t in srt.turns] == [t.speaker for t in html.turns]
    assert [t.speaker for t in html.turns[:4]] == ["Travis", "Sarah", "Travis", "Gilon"]
    for srt_turn, html_turn in zip(srt.turns, html.turns, strict=True):
        assert abs(srt_turn.start - html_turn.start) <= 1
    assert srt.turns[0].text.startswith("When you first get started in podcasting, it's almost")
    assert html.turns[0].text.startswith("When you first get started in podcasting, it's almost")
    assert "&#39;" not in html.turns[0].text


def test_podcast_json_example_merges_words_into_turns() -> None:
    document, _ = parse_file(FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.json")
    assert _turns(document) == [("Darth Vader", 0, "I am your father."), ("Luke", 2, "Nooooo")]
    assert document.duration == 3


def test_chapters_json_example() -> None:
    document, _ = parse_file(FORMAT_EXAMPLES_DIR / "podcastindex_example_chapters.json")
    assert document.title == "Episode 7 - Making Progress"
    assert document.show == "John's Awesome Podcast"
    titles = [(c.start, c.title) for c in document.chapters]
    assert titles[:3] == [(0, "Intro"), (168, "Hearing Aids"), (260, "Progress Report")]
    assert 4826 not in [start for start, _ in titles]  # "toc": false: a silent marker
    assert len(titles) == 10
    assert titles[-1] == (6089, "Outro")


# WebVTT -------------------------------------------------------------------------------------

VTT = """WEBVTT - a title

NOTE written by hand

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:04.000 align:start
<v.loud Esme Jones>Hi <b>there</b> &lt;3</v>

00:00:04.000 --> 00:00:06.000
and more from Esme.

00:00:06.500 --> 00:00:08.000
<v Roger>Yes, <c.yellow>quite</c>.
<v Bob>No <00:00:07.500>way.

00:00:09.000 --> 00:00:10.000
<v Bob>Really.
"""


def test_webvtt_voices_tags_and_carried_speakers(tmp_path: Path) -> None:
    document = _parse(tmp_path, "talk.vtt", VTT)
    assert _turns(document) == [
        ("Esme Jones", 1, "Hi there <3 and more from Esme."),
        ("Roger", 6, "Yes, quite."),
        ("Bob", 6, "No way. Really."),
    ]


def test_webvtt_pause_starts_a_paragraph(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00.000 --> 00:01.000\n<v A>One.\n\n00:09.000 --> 00:10.000\nTwo.\n"
    (turn,) = _parse(tmp_path, "t.vtt", text).turns
    assert turn.paragraphs == ("One.", "Two.")


def test_webvtt_without_voices_keeps_time_per_paragraph(tmp_path: Path) -> None:
    text = "WEBVTT\n\n00:00.000 --> 00:01.000\nOne.\n\n00:09.000 --> 00:10.000\nTwo.\n"
    assert _turns(_parse(tmp_path, "t.vtt", text)) == [("", 0, "One."), ("", 9, "Two.")]


def test_broken_webvtt_is_one_line_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.vtt", "WEBVTT\n\n00:00:01.000 --> banana\nhi\n")
    message = r"bad\.vtt: looks like WebVTT captions, but no WebVTT captions with text found"
    with pytest.raises(FormatError, match=message):
        parse_file(path)


# SRT ----------------------------------------------------------------------------------------

SRT = """1
00:00:00,000 --> 00:00:02,760
Sarah: In today's episode,
you'll learn whether or not you

2
00:00:02,760 --> 00:00:06,090
should have a <i>podcast</i> trailer.

3
00:00:19,080 --> 00:00:21,450
{\\an8}Gillian: Hi Buzzsprout.
Sarah: Hi Gillian.
"""


def test_srt_speaker_prefixes_carry_forward(tmp_path: Path) -> None:
    assert _turns(_parse(tmp_path, "t.srt", SRT)) == [
        ("Sarah", 0, "In today's episode, you'll learn whether or not you should have a podcast "
         "trailer."),
        ("Gillian", 19, "Hi Buzzsprout."),
        ("Sarah", 19, "Hi Gillian."),
    ]  # fmt: skip


def test_broken_srt_names_the_line(tmp_path: Path) -> None:
    broken = SRT.replace("00:00:19,080 --> 00:00:21,450", "00:00:19,080 -> 00:00:21,450")
    path = _write(tmp_path, "bad.srt", broken)
    with pytest.raises(FormatError, match=r"bad\.srt:10: not valid SRT"):
        parse_file(path, "srt")


# Podcast JSON -------------------------------------------------------------------------------


def test_podcast_json_segments(tmp_path: Path) -> None:
    segments = [
        {"speaker": "Ann", "startTime": 0.5, "endTime": 1, "body": "Hello"},
        {"speaker": "Ann", "startTime": 1, "endTime": 1.2, "body": ","},
        {"speaker": "Ann", "startTime": 1.3, "endTime": 2, "body": "world.\n"},
        {"speaker": "Ann", "startTime": 2.1, "body": "Again."},
        {"speaker": None, "startTime": 5, "body": "[music]"},  # nobody named, not Ann
        {"startTime": 5.5, "body": "[applause]"},
        {"speaker": "Bo", "body": "no start: skipped"},
        {"speaker": "Bo", "startTime": None, "body": "null start: skipped"},
        "not a segment",
        {"speaker": "Bo", "startTime": 70, "endTime": None, "body": "Hi."},
    ]
    document = _parse(tmp_path, "t.json", json.dumps({"version": "1.0.0", "segments": segments}))
    assert [(t.speaker, t.start, t.paragraphs) for t in document.turns] == [
        ("Ann", 0, ("Hello, world.", "Again.")),
        ("", 5, ("[music] [applause]",)),
        ("Bo", 70, ("Hi.",)),
    ]


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "t.json", '{\n  "segments": [\n    {"body": }\n  ]\n}\n')
    with pytest.raises(FormatError, match=r"t\.json:3: not valid JSON"):
        parse_file(path, "podcast-transcript-json")


def test_chapters_json_tolerates_nulls_and_hides_silent_chapters(tmp_path: Path) -> None:
    chapters = [
        {"startTime": 0, "title": None},
        {"startTime": 30.5, "title": "Real", "endTime": None},
        {"startTime": 40, "title": "Silent", "toc": False},
        {"startTime": None, "title": "No start"},
        {"title": "Missing start"},
        {"startTime": 90, "title": "Last", "endTime": 120.0},
    ]
    document = _parse(tmp_path, "c.json", json.dumps({"version": "1.2.0", "chapters": chapters}))
    assert [(c.title, c.start, c.end) for c in document.chapters] == [
        ("Chapter 1", 0, 30),
        ("Real", 30, 90),
        ("Last", 90, 120),
    ]


# Podcast HTML -------------------------------------------------------------------------------


def test_html_with_missing_times_and_continued_paragraphs(tmp_path: Path) -> None:
    text = (
        "<html><body><h1>Episode 7</h1><p>Lightly edited.</p>"
        "<cite>Kevin:</cite><time>0:00</time><p>We have &amp; update</p>"
        "<p>Second<br>paragraph.</p><cite>Alban :</cite><p>No time given.</p>"
        "<time>1:02:03</time><p>Just a time.</p>"
        "<!-- <cite>Kevin:</cite><p>a draft</p> -->"
        "<footer><p>Episode page</p></footer></body></html>"
    )
    document = _parse(tmp_path, "t.html", text)
    assert [(t.speaker, t.start, t.paragraphs) for t in document.turns] == [
        ("Kevin", 0, ("We have & update", "Second paragraph.")),
        ("Alban", None, ("No time given.",)),
        ("Alban", 3723, ("Just a time.",)),  # kept apart: it has a time of its own
    ]


# Markdown transcripts -----------------------------------------------------------------------

MARKDOWN = r"""---
title: A talk
show: The Show
date: 2024-05-01
---
Chapters:
0:00 Intro
(3:10) - Second part

**Lex Fridman:** \[00:00:00\] Hello and *welcome*. \[laugh\]

Second paragraph,
on two lines.

**Guest Person:** No time is given here.

\[07:45\]
**Lex Fridman:** The time was on the line before.

[00:08:18.16] **Guest Person**: A time before the name, with a fraction.

**Speaker 2:** [00:09:00] After the name, snake\_case kept.
"""


def test_markdown_transcript(tmp_path: Path) -> None:
    document = _parse(tmp_path, "talk.md", MARKDOWN)
    assert (document.title, document.show, document.published) == (
        "A talk",
        "The Show",
        "2024-05-01",
    )
    assert [(c.title, c.start) for c in document.chapters] == [("Intro", 0), ("Second part", 190)]
    assert [(t.speaker, t.start) for t in document.turns] == [
        ("Lex Fridman", 0),
        ("Guest Person", None),  # never an invented time
        ("Lex Fridman", 465),
        ("Guest Person", 498),
        ("Speaker 2", 540),
    ]
    assert document.turns[0].paragraphs == (
        "Hello and welcome. [laugh]",
        "Second paragraph, on two lines.",
    )
    assert document.turns[1].end is None
    assert document.turns[4].text == "After the name, snake_case kept."


def test_markdown_heading_with_time_is_a_chapter(tmp_path: Path) -> None:
    text = (
        "# The episode\n\n## Opening (0:00)\n\n**A:** hi\n\n**B:** yo\n\n"
        "## Why scaling stopped [12:30]\n\n**A:** [12:31] because\n"
    )
    document = _parse(tmp_path, "t.md", text)
    assert document.title == "The episode"
    assert [(c.title, c.start) for c in document.chapters] == [
        ("Opening", 0),
        ("Why scaling stopped", 750),
    ]
    assert [t.chapter for t in document.turns] == [0, 0, 1]


# Chapter lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ["0:00:00 – Intro", "0:05:10 – Middle", "1:02:03 – End"],
        ["(0:00:00) - Intro", "(0:05:10) - Middle", "(1:02:03) - End"],
        ["[00:00:00] Intro", "[00:05:10] Middle", "[01:02:03] End"],
        ["Intro (0:00)", "Middle (5:10)", "End (1:02:03)"],
        ["00:00 Intro", "05:10 Middle", "1:02:03 End"],
        ["- **0:00** Intro", "- **5:10** Middle", "- **1:02:03** End"],
    ],
)
def test_chapter_list_forms(tmp_path: Path, lines: list[str]) -> None:
    text = "A description of the show.\nSponsor at 0:45, visit x.com\n\nTIMESTAMPS:\n"
    text += "\n".join(lines) + "\n\nLinks:\nhttps://example.com\n"
    document = _parse(tmp_path, "description.txt", text)
    assert [(c.title, c.start) for c in document.chapters] == [
        ("Intro", 0),
        ("Middle", 310),
        ("End", 3723),
    ]
    assert document.turns == ()


def test_a_sentence_with_a_time_is_not_a_chapter_list(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.txt", "We met at 0:45 and\nagain at 1:30, then\nleft at 2:00.\n")
    with pytest.raises(FormatError, match="not a format earmark reads"):
        parse_file(path)


def test_rolling_captions_are_read_once_but_a_repeated_line_stays(tmp_path: Path) -> None:
    rolling = (
        "WEBVTT\nKind: captions\n\n"
        "00:00:01.000 --> 00:00:03.000 align:start position:0%\n \n"
        "so<00:00:01.500><c> today</c><00:00:02.000><c> we</c>\n\n"
        "00:00:03.000 --> 00:00:03.010 align:start position:0%\nso today we\n \n\n"
        "00:00:03.010 --> 00:00:05.000 align:start position:0%\nso today we\n"
        "fix<00:00:04.000><c> a</c><00:00:04.500><c> tire</c>\n\n"
        "00:00:06.000 --> 00:00:07.000\nThank you.\n\n"
        "00:00:07.000 --> 00:00:08.000\nThank you.\n"
    )
    (turn,) = _parse(tmp_path, "t.vtt", rolling).turns
    assert turn.text == "so today we fix a tire Thank you. Thank you."


def test_caption_labels_need_a_file_that_labels_its_speakers(tmp_path: Path) -> None:
    unlabelled = (
        "1\n00:00:00,000 --> 00:00:02,000\nChapter One: The Beginning\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\nit was a dark night.\n"
    )
    assert _turns(_parse(tmp_path, "a.srt", unlabelled)) == [
        ("", 0, "Chapter One: The Beginning it was a dark night.")
    ]
    labelled = (
        "1\n00:00:00,000 --> 00:00:02,000\n>> JORDAN: Welcome back.\n\n"
        "2\n00:00:02,000 --> 00:00:04,000\n- KEISHA: Hi, first time caller.\n\n"
        "3\n00:00:04,000 --> 00:00:06,000\n>> JORDAN: Go ahead.\n"
    )
    assert [t.speaker for t in _parse(tmp_path, "b.srt", labelled).turns] == [
        "JORDAN",
        "KEISHA",  # heard once, but the file labels its speakers
        "JORDAN",
    ]


def test_webvtt_without_voices_reads_zoom_labels(tmp_path: Path) -> None:
    zoom = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nJohn Doe: Hello there.\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\nJane Roe: Hi John.\n\n"
        "3\n00:00:03.000 --> 00:00:04.000\nJohn Doe: Shall we?\n"
    )
    assert [(t.speaker, t.text) for t in _parse(tmp_path, "z.vtt", zoom).turns] == [
        ("John Doe", "Hello there."),
        ("Jane Roe", "Hi John."),
        ("John Doe", "Shall we?"),
    ]


def test_webvtt_voice_inside_a_class_span_with_an_entity(tmp_path: Path) -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi.\n\n"
        "00:02.000 --> 00:03.000\n<c.yellow><v Q&amp;A Host>Questions!</v></c>\n"
    )
    assert _turns(_parse(tmp_path, "c.vtt", text)) == [
        ("Ann", 1, "Hi."),
        ("Q&A Host", 2, "Questions!"),
    ]


def test_a_note_with_a_few_labels_is_a_note_not_a_transcript(tmp_path: Path) -> None:
    note = "---\ntitle: A book\n---\n**Summary:** good\n\n**Rating:** 4/5\n\n**Verdict:** no\n"
    document = _parse(tmp_path, "note.md", note)
    assert document.turns == ()
    assert [n.title for n in document.notes][:3] == ["Summary", "Rating", "Verdict"]


def test_a_long_line_is_quick_to_refuse(tmp_path: Path) -> None:
    path = _write(tmp_path, "minified.json", '{"x": "' + "a" * 300_000 + '"}')
    with pytest.raises(FormatError):  # not a format; and no regular expression stalls on it
        parse_file(path)


def test_a_time_that_goes_back_costs_only_its_own_line(tmp_path: Path) -> None:
    text = "0:00 Intro\n5:00 Two\n4:00 Typo\n10:00 Three\n20:00 Four\n"
    chapters = _parse(tmp_path, "d.txt", text).chapters
    assert [(c.start, c.title) for c in chapters] == [
        (0, "Intro"),
        (300, "Two"),
        (600, "Three"),
        (1200, "Four"),
    ]
