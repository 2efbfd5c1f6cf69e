"""No control character reaches the model, whatever a format decodes after the file is read.

`read_source` strips escape sequences from the raw text; JSON (``\\u001b``), HTML entities
(``&#x202e;``), YAML (``\\e``) and TOML (``\\u009b``) escapes are decoded after it, and file names
never pass through it. Each format is fed payloads of ESC, CSI, OSC, DCS, C1 and bidi controls
in every field, through the escapes that format decodes, in a file whose name holds them too;
then every string of what `parse_file` returns, or of the episode the library assembles, is
walked (dataclasses, tuples, paths) and must hold no control character. Only a turn's paragraphs
and a note's text may keep newlines and tabs.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.errors import FormatError
from index.formats import FORMATS, parse_file
from index.library import Library
from index.library.cache import EpisodeCache
from index.model import Note, Turn
from index.text import visible
from index.untrusted import sanitized
from tests.seeds import DEFAULT_EPISODE_DIR, REPO

REALWORLD = REPO / "tests" / "fixtures" / "realworld"
# The sequences terminals act on, as the issue found them and more: OSC (title, clipboard),
# CSI (clear screen), DCS, their one-byte C1 forms, bidi overrides, lone surrogates, separators.
CONTROLS = [
    "\x1b]0;PWNED\x07", "\x1b]2;TITLE\x1b\\", "\x1b]52;c;cHduZWQ=\x07", "\x1b[2J", "\x1b[31m",
    "\x1bPq#0;2;0;0;0\x1b\\", "\x1b(B", "\x1b", "\x9b2J", "\x9d0;title\x9c", "\x90dcs\x9c", "\x85",
    "\u202e", "\u2066", "\u2069", "\x07", "\x08", "\x00", "\r", "\n", "\t", "\x7f", "\u2028",
    "\ud800", "\udc9b",
]  # fmt: skip
payloads = st.lists(
    st.one_of(st.sampled_from(CONTROLS), st.text(alphabet="Ab é;:[]<>&\"'\\", max_size=3)),
    min_size=1,
    max_size=5,
).map("".join)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Where a field may hold several lines; every other string of the model is one line.
SEVERAL_LINES = {(Turn, "paragraphs"), (Note, "text")}
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strings(value: object, where: str, several_lines: bool = False) -> Iterator[tuple]:
    """Every string in ``value`` with where it is and whether it may hold several lines."""
    if isinstance(value, str):
        yield where, value, several_lines
    elif isinstance(value, PurePath):
        yield where, str(value), False
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}[{index}]", several_lines)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            lines = (type(value), field.name) in SEVERAL_LINES
            yield from strings(getattr(value, field.name), f"{where}.{field.name}", lines)
    else:
        assert value is None or isinstance(value, int | float), f"{where}: {type(value)}"


def unsafe_characters(text: str, several_lines: bool) -> list[str]:
    unsafe = [
        c for c in text if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI_CONTROLS
    ]
    return [c for c in unsafe if not (several_lines and c in "\n\t")]


def assert_no_controls(value: object, where: str) -> int:
    """Fails on any string of ``value`` that holds a control character; returns how many
    strings were looked at."""
    count = 0
    for place, text, several_lines in strings(value, where):
        assert not unsafe_characters(text, several_lines), f"{place} = {text!r}"
        count += 1
    return count


# -- each format, with the payload in every field, through the escapes it decodes ----------------


def json_escaped(payload: str) -> str:
    return json.dumps(payload)[1:-1]  # ASCII only: every control as \uXXXX


def entities(payload: str) -> str:
    """Every character but letters as an HTML character reference, decimal and hex in turn."""
    return "".join(
        c if c.isalnum() else (f"&#{ord(c)};" if i % 2 else f"&#x{ord(c):x};")
        for i, c in enumerate(payload)
    )


_YAML_NAMED = {"\x1b": "\\e", "\x07": "\\a", "\x00": "\\0", "\x85": "\\N", "\u2028": "\\L",
               "\u2029": "\\P", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"',
               "\\": "\\\\"}  # fmt: skip


def yaml_escaped(payload: str) -> str:
    """For a double-quoted YAML scalar: named escapes where YAML has them, else \\x or \\u."""
    return "".join(
        _YAML_NAMED.get(c) or (c if c.isprintable() else f"\\u{ord(c):04x}") for c in payload
    )


def toml_escaped(payload: str) -> str:
    """For a TOML basic string; TOML has no escape for a surrogate, so they are left out."""
    return "".join(
        '\\"' if c == '"' else "\\\\" if c == "\\" else c if c.isprintable() else f"\\u{ord(c):04x}"
        for c in payload
        if not 0xD800 <= ord(c) <= 0xDFFF
    )


def raw(payload: str) -> str:
    """The payload as written in the file: a lone surrogate only as a byte that is not UTF-8
    (which makes the file read as Windows-1252), no NUL (which makes it a binary file)."""
    return "".join(c for c in payload if c != "\x00" and not 0xD800 <= ord(c) < 0xDC80)


def _every_line(path: Path, *parts: slice) -> str:
    """A real document (only the ``parts`` of its lines, when given) with the payload at the end
    of every line, and before its first."""
    lines = path.read_text(encoding="utf-8").split("\n")
    kept = [line for part in parts for line in lines[part]] if parts else lines
    return "{raw}" + "\n".join(line + "{raw}" for line in kept)


PODCAST_TRANSCRIPT_JSON = """{"version": "1.0.0", "segments": [
  {"speaker": "{json}Alice{json}", "startTime": 0, "endTime": 2,
   "body": "{json}Hello {json}there.{json}"},
  {"speaker": "{json}", "startTime": 2, "endTime": 4, "body": "And{json} you?"},
  {"speaker": "Bob{json}", "startTime": 4, "endTime": 6, "body": "Fine{json}\\n"}]}"""
PODCAST_CHAPTERS_JSON = """{"version": "1.2.0",
  "title": "{json}Episode{json}", "podcastName": "{json}Show{json}",
  "chapters": [{"startTime": 0, "title": "{json}Intro{json}"},
               {"startTime": 60, "title": "{json}", "endTime": 120}]}"""
PODCAST_TRANSCRIPT_HTML = """<html><head><title>{html}T</title></head><body>
<cite>{html}Alice{html}:</cite><time>0:00{html}</time><p>{html}Hello{html} there</p>
<p>More{html}</p><cite>Bob{html}:</cite><time>{html}0:09</time><p>Yes {html}</p>
</body></html>"""
WEBVTT = """WEBVTT{raw}

NOTE {raw}a note

1{raw}
00:00:01.000 --> 00:00:02.000
<v {html}Sarah{html}>{html}Hello {html}there{raw}

00:00:02.000 --> 00:00:04.000
<v.loud Bob{html}>Yes{html}</v>
"""
SRT = """1
00:00:00,000 --> 00:00:02,000
Alice: {html}Hello{html}{raw}

2
00:00:02,000 --> 00:00:04,000
Bob: there{html} {raw}

3
00:00:04,000 --> 00:00:06,000
Alice: again{html}
"""
MARKDOWN_TRANSCRIPT = """---
title: "{yaml}Title{yaml}"
show: "{yaml}Show"
date: "{yaml}2024-01-01"
guests: ["{yaml}Guest{yaml}", "{yaml}Other"]
source: "{yaml}https://example.com/{yaml}"
---
# {raw}Heading{raw}

**Alice{raw}:** [00:00] {raw}Hello{raw} there
**Bob:** [00:09] Yes {raw}
**Alice:** [00:12] Again{raw}
"""
OBSIDIAN_NOTE = """---
title: "{yaml}Note{yaml}"
show: ["[[{yaml}Show]]"]
guests: ["{yaml}G"]
published: "{yaml}"
source: "{yaml}https://example.com"
---
## **{raw}Heading{raw} (1:00):**

- **{raw}Label{raw}:** {raw}text (2:00){raw}
\t- {raw}nested
- plain {raw}point
"""
WHISPER_JSON = """{"text": "{json}Hello there.{json} Fine.", "language": "{json}en",
  "segments": [
    {"start": 0.0, "end": 2.0, "text": "{json} Hello {json}there.", "speaker": "{json}SPEAKER_00"},
    {"start": 2.0, "end": 4.0, "text": " Fine{json}.", "speaker": "SPEAKER_01{json}",
     "words": [{"word": "{json}Fine", "start": 2.0, "end": 3.0}]}]}"""
YTDLP_INFO_JSON = """{"id": "x{json}", "title": "{json}A video{json}", "channel": "{json}Channel",
  "uploader": "{json}Uploader", "upload_date": "2024{json}0101",
  "webpage_url": "https://www.youtube.com/watch?v=x{json}", "duration": 120,
  "description": "{json}First paragraph.{json}\\n\\n0:00 {json}Intro\\n1:00 Middle{json}",
  "chapters": [{"start_time": 0, "end_time": 60, "title": "{json}Intro{json}"},
               {"start_time": 60, "end_time": 120, "title": "Middle{json}"}]}"""
SPEAKER_TEXT = """{raw}Dana{raw}  0:00{raw}
{raw}Hi everyone{raw}, welcome back.{raw}

Theo{raw}  0:12
Thanks, Dana.{raw}

Dana  0:16
{raw}Really?
"""
# Format name → file suffix, and a document with a marker in every field: {json}, {html},
# {yaml} (in a double-quoted scalar) or {raw}, replaced by the payload encoded so.
TEMPLATES: dict[str, tuple[str, str]] = {
    "podcast-transcript-json": (".json", PODCAST_TRANSCRIPT_JSON),
    "podcast-chapters-json": (".json", PODCAST_CHAPTERS_JSON),
    "podcast-transcript-html": (".html", PODCAST_TRANSCRIPT_HTML),
    "webvtt": (".vtt", WEBVTT),
    "srt": (".srt", SRT),
    "markdown-transcript": (".md", MARKDOWN_TRANSCRIPT),
    "obsidian-note": (".md", OBSIDIAN_NOTE),
    # The page's header, chapters and first turns, then its last turns and first comments (the
    # whole page made the test take ten seconds).
    "transcript-page": (
        ".txt",
        _every_line(DEFAULT_EPISODE_DIR / "transcript-page.txt", slice(236), slice(840, 1060)),
    ),
    "video-summary": (".txt", _every_line(DEFAULT_EPISODE_DIR / "video-summary.txt")),
    "takeaway-thread": (".txt", _every_line(DEFAULT_EPISODE_DIR / "takeaways-thread.txt")),
    "chapter-list": (".txt", _every_line(REALWORLD / "youtube_description_chapters.txt")),
    "show-notes": (".txt", _every_line(REALWORLD / "podcast_description_outline.txt")),
    "whisper-json": (".json", WHISPER_JSON),
    "ytdlp-info-json": (".info.json", YTDLP_INFO_JSON),
    "speaker-text": (".txt", SPEAKER_TEXT),
}
ENCODERS = {"{json}": json_escaped, "{html}": entities, "{yaml}": yaml_escaped, "{raw}": raw}


def document_text(format_name: str, payload: str) -> str:
    text = TEMPLATES[format_name][1]
    for marker, encode in ENCODERS.items():
        text = text.replace(marker, encode(payload))
    return text


def file_name(payload: str, suffix: str) -> str:
    """A file name holding the payload: anything but a slash and NUL, within 255 bytes; a lone
    surrogate only as a byte that is not UTF-8 (``os.fsdecode``'s stand-in)."""
    name = "".join(
        c for c in payload if c not in "/\x00" and not 0xD800 <= ord(c) < 0xDC80
    ).replace(".", "")
    while len(os.fsencode(name + suffix)) > 255:
        name = name[:-1]
    return f"{name}doc{suffix}"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


def test_every_format_has_a_template() -> None:
    assert set(TEMPLATES) == set(FORMATS)


@pytest.mark.parametrize("format_name", sorted(TEMPLATES))
def test_each_template_reads_as_its_format(tmp_path: Path, format_name: str) -> None:
    """Without a payload each template is a document of its format, sniffed as such (but show
    notes, which only episode.toml chooses), so the payloads below land in real fields."""
    suffix = TEMPLATES[format_name][0]
    path = write(tmp_path, f"doc{suffix}", document_text(format_name, ""))
    sniffed = None if format_name != "show-notes" else format_name
    document, _warning = parse_file(path, sniffed)
    assert document.format == format_name
    assert document.turns or document.chapters or document.notes


@pytest.mark.parametrize("format_name", sorted(TEMPLATES))
@SETTINGS
@given(payload=payloads)
@example(payload="\x1b]0;PWNED\x07")
@example(payload="\x1b]52;c;cHduZWQ=\x07\x9b2J\u202e\udc9b\ud800\x00\r\n\t")
def test_every_string_of_every_format_is_clean(
    tmp_path: Path, format_name: str, payload: str
) -> None:
    suffix = TEMPLATES[format_name][0]
    path = write(tmp_path, file_name(payload, suffix), document_text(format_name, payload))
    try:
        for chosen in (None, format_name):  # sniffed, and named by episode.toml
            try:
                document, _warning = parse_file(path, chosen)
            except FormatError:
                continue
            assert assert_no_controls(document, "document") > 0
    finally:
        path.unlink()


# The case and its kin: an OSC title, a clipboard write, a C1 CSI and a bidi override.
PAYLOAD = "\x1b]0;PWNED\x07\x1b]52;c;cHduZWQ=\x07\x9b2J\u202e"
# HTML references to ESC, BEL or C1 decode to nothing or to Windows-1252 letters (what is left
# of a sequence is then plain text), so through entities the controls that decode are these.
DECODED_BY_HTML = "\u202e\u2066\u2028\u2069"


@pytest.mark.parametrize(
    ("format_name", "payload", "field", "expected"),
    [
        pytest.param("podcast-transcript-json", PAYLOAD, lambda d: d.turns[0].speaker, "Alice",
                     id="json-speaker"),
        pytest.param("podcast-transcript-json", PAYLOAD, lambda d: d.turns[0].paragraphs[0],
                     "Hello there.", id="json-body"),
        pytest.param("podcast-chapters-json", PAYLOAD, lambda d: d.title, "Episode",
                     id="json-episode-title"),
        pytest.param("podcast-chapters-json", PAYLOAD, lambda d: d.chapters[0].title, "Intro",
                     id="json-chapter-title"),
        pytest.param("podcast-transcript-html", DECODED_BY_HTML, lambda d: d.turns[0].speaker,
                     "Alice", id="html-cite"),
        pytest.param("webvtt", DECODED_BY_HTML, lambda d: d.turns[0].speaker, "Sarah",
                     id="vtt-voice"),
        pytest.param("srt", DECODED_BY_HTML, lambda d: d.turns[0].paragraphs[0], "Hello",
                     id="srt-text"),
        pytest.param("markdown-transcript", PAYLOAD, lambda d: d.title, "Title",
                     id="yaml-title"),
        pytest.param("markdown-transcript", PAYLOAD, lambda d: d.guests, ("Guest", "Other"),
                     id="yaml-guests"),
        pytest.param("obsidian-note", PAYLOAD, lambda d: d.title, "Note", id="yaml-note-title"),
    ],
)  # fmt: skip
def test_the_payload_is_removed_and_the_words_stay(
    tmp_path: Path, format_name: str, payload: str, field: Callable, expected: object
) -> None:
    """Through each format's own escapes, the sequences go and the words around them stay."""
    suffix = TEMPLATES[format_name][0]
    path = write(tmp_path, f"doc{suffix}", document_text(format_name, payload))
    document, _warning = parse_file(path)
    assert document.format == format_name
    assert field(document) == expected


def test_a_file_name_with_escapes_is_shown_as_escapes(tmp_path: Path) -> None:
    name = "\x1b]2;TITLE\x1b\\bad\udc9b.srt"
    path = write(tmp_path, name, document_text("srt", ""))
    document, _warning = parse_file(path)
    assert document.path.name == "\\x1b]2;TITLE\\x1b\\bad\\x9b.srt"
    assert document.path.name == visible(path.name)


def test_a_clean_document_is_returned_as_it_is(tmp_path: Path) -> None:
    """The check does not copy what needs no cleaning (the usual case: it must stay cheap)."""
    document, _warning = parse_file(DEFAULT_EPISODE_DIR / "transcript-page.txt")
    assert sanitized(document) is document


# -- an episode: episode.toml values, file names, several documents -------------------------------

EPISODE_TOML = """title = "{toml}Episode{toml}"
show = "{toml}Show"
date = "{toml}2024"
[roles]
"{name}" = "transcript"
"""


@SETTINGS
@given(payload=payloads)
@example(payload="\x1b]0;PWNED\x07\u009b2J\u202e")
def test_every_string_of_an_episode_is_clean(tmp_path: Path, payload: str) -> None:
    """A folder whose episode.toml (TOML escapes) and file names hold the payload, with two
    transcripts (the role picks one by its hostile name), chapters and an unreadable file."""
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        folder = root / "episode"
        folder.mkdir()
        transcript = file_name(payload, ".json")
        write(folder, transcript, document_text("podcast-transcript-json", payload))
        write(folder, "other.vtt", document_text("webvtt", payload))
        write(folder, "chapters.json", document_text("podcast-chapters-json", payload))
        write(folder, file_name(payload, ".srt"), "not captions")
        settings_text = EPISODE_TOML.replace("{toml}", toml_escaped(payload))
        write(folder, "episode.toml", settings_text.replace("{name}", toml_escaped(transcript)))
        library = Library.open(root, cache=EpisodeCache(root / "cache"))
        for info in library.infos:  # its problems are printed through `tui.output`
            assert_no_controls(dataclasses.replace(info, problems=()), "info")
        for episode in library.episodes:
            assert assert_no_controls(episode, "episode") > 0
    finally:
        shutil.rmtree(root)


def test_episode_toml_escapes_and_a_hostile_file_name(tmp_path: Path) -> None:
    """The role names the transcript by its real (hostile) name; TOML escapes are removed."""
    folder = tmp_path / "episode"
    folder.mkdir()
    hostile = "\x1b]2;TITLE\x1b\\talk.json"
    write(folder, hostile, document_text("podcast-transcript-json", "\x1b]0;PWNED\x07"))
    write(folder, "other.vtt", document_text("webvtt", ""))
    toml = EPISODE_TOML.replace("{toml}", toml_escaped("\x1b]0;PWNED\x07\x9b2J\u202e"))
    write(folder, "episode.toml", toml.replace("{name}", toml_escaped(hostile)))
    library = Library.open(folder, cache=EpisodeCache(tmp_path / "cache"))
    (episode,) = library.episodes
    assert (episode.title, episode.show, episode.published) == ("Episode", "Show", "2024")
    assert episode.turns[0].speaker == "Alice"  # the JSON transcript leads, as the role says
    assert sorted(path.name for path in episode.sources) == [visible(hostile), "other.vtt"]
    assert library.problems == ()
