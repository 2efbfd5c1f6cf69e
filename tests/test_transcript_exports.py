"""Transcripts as people's tools export them (Zoom, Whisper, yt-dlp, Otter, Rev, Descript): small
inputs for each rule the readers promise; the whole files are in tests/fixtures/realworld."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import SNIFF_CHARS, parse_file
from index.library import Library, add_files, open_user_library
from index.model import Document


def _parse(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    document, _warning = parse_file(path)
    return document


def _vtt(*cues: str) -> str:
    return "WEBVTT\n\n" + "".join(
        f"{n}\n00:00:{n:02d}.000 --> 00:00:{n + 1:02d}.000\n{cue}\n\n"
        for n, cue in enumerate(cues, 1)
    )


# Zoom ---------------------------------------------------------------------------------------


def test_zoom_display_names_are_speakers_as_typed(tmp_path: Path) -> None:
    zoom = _vtt(
        "jdoe: Can you see my screen?",
        "Анна (she/her): Yes.",
        "jdoe: Good. Item one: the budget.",
        "Hmm.",
        "Анна (she/her): Go on.",
    )
    turns = _parse(tmp_path, "z.vtt", zoom).turns
    assert [(t.speaker, t.text) for t in turns] == [
        ("jdoe", "Can you see my screen?"),
        ("Анна (she/her)", "Yes."),
        ("jdoe", "Good. Item one: the budget. Hmm."),  # an unlabelled cue continues the turn
        ("Анна (she/her)", "Go on."),
    ]


def test_a_colon_in_captions_without_labels_is_words(tmp_path: Path) -> None:
    captions = _vtt("Chapter one: the beginning", "it was a dark night.", "the end: for now")
    turns = _parse(tmp_path, "c.vtt", captions).turns
    assert [t.speaker for t in turns] == [""]
    assert turns[0].text.startswith("Chapter one: the beginning it was")


def test_display_names_need_one_that_recurs(tmp_path: Path) -> None:
    two_sayings = _vtt("step one: mix the flour", "step two: add the water")
    assert [t.speaker for t in _parse(tmp_path, "s.vtt", two_sayings).turns] == [""]


# Whisper JSON -------------------------------------------------------------------------------


def test_whisper_json_whose_segments_start_past_the_sniffed_head(tmp_path: Path) -> None:
    """openai-whisper writes the whole text first: an hour of talk puts the segments ~50 KB in."""
    sentence = " We kept bees on the roof."
    segments = [
        {"id": n, "start": n * 2.0, "end": n * 2.0 + 1.5, "text": sentence} for n in range(2000)
    ]
    text = json.dumps({"text": sentence * 2000, "segments": segments, "language": "en"})
    assert text.index('"segments"') > SNIFF_CHARS
    document = _parse(tmp_path, "talk.json", text)
    assert document.format == "whisper-json"
    assert document.turns[0].start == 0
    assert document.turns[0].text.startswith("We kept bees on the roof. We kept")
    assert document.duration == 4000  # the last segment ends at 3999.5 s


def test_openai_api_verbose_json_reads_as_whisper(tmp_path: Path) -> None:
    response = {
        "task": "transcribe",
        "language": "english",
        "duration": 8.47,
        "text": "Hello there. Goodbye.",
        "segments": [
            {"id": 0, "seek": 0, "start": 0.0, "end": 3.2, "text": " Hello there."},
            {"id": 1, "seek": 0, "start": 6.0, "end": 8.47, "text": " Goodbye."},
        ],
    }
    turns = _parse(tmp_path, "api.json", json.dumps(response)).turns
    assert [(t.speaker, t.start, t.text) for t in turns] == [
        ("", 0, "Hello there."),
        ("", 6, "Goodbye."),  # after a pause: a new paragraph, its own turn and time
    ]


def test_json_that_opens_with_text_but_has_no_segments_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "note.json"
    path.write_text('{"text": "just a note", "tags": ["x"]}', encoding="utf-8")
    with pytest.raises(FormatError, match=r'no "segments" list'):
        parse_file(path)


# Otter, Rev and Descript text ---------------------------------------------------------------


def test_rev_headers_with_the_words_on_the_same_line(tmp_path: Path) -> None:
    text = (
        "Speaker 1 (00:00): Hi John, thanks for meeting.\n"
        "Speaker 2 (00:10): Happy to be here.\n"
        "Speaker 1 (01:02:03): One more thing.\nAnd another.\n\nA new paragraph.\n"
    )
    turns = _parse(tmp_path, "call.txt", text).turns
    assert [(t.speaker, t.start, t.end, t.paragraphs) for t in turns] == [
        ("Speaker 1", 0, 10, ("Hi John, thanks for meeting.",)),
        ("Speaker 2", 10, 3723, ("Happy to be here.",)),
        ("Speaker 1", 3723, 3723, ("One more thing. And another.", "A new paragraph.")),
    ]


def test_descript_markdown_with_front_matter_gives_the_title(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Feeling stuck\nguest: Ada Chen\n---\n\n# Feeling stuck\n\n## Transcript\n\n"
        "Ada Chen (00:00:00):\nI felt stuck for a long time.\n\n"
        "Lenny (00:00:45):\nWelcome to the podcast.\n"
    )
    document = _parse(tmp_path, "ep.md", text)
    assert document.format == "speaker-text"
    assert document.title == "Feeling stuck"
    assert [(t.speaker, t.start) for t in document.turns] == [("Ada Chen", 0), ("Lenny", 45)]


def test_a_chapter_list_with_wide_gaps_is_not_a_transcript(tmp_path: Path) -> None:
    chapters = "Chapters\nIntro  0:00\nThe guest  2:15\nListener mail  8:40\nOutro  12:00\n"
    document = _parse(tmp_path, "description.txt", chapters)
    assert document.format == "chapter-list"
    assert [(c.start, c.title) for c in document.chapters][:2] == [(0, "Intro"), (135, "The guest")]


# yt-dlp info JSON ---------------------------------------------------------------------------

REALWORLD = Path(__file__).resolve().parent / "fixtures" / "realworld"
VIDEO = "Fixing a wobbly chair, properly [Qx7pL2mVb0s]"
INFO_JSON = REALWORLD / f"{VIDEO}.info.json"
SUBTITLES = REALWORLD / f"{VIDEO}.en.vtt"


def test_info_json_and_subtitles_added_together_are_one_episode() -> None:
    root = open_user_library()
    addition = add_files(root, [INFO_JSON, SUBTITLES], None)
    episode_id = addition.episode_id
    assert episode_id == "fixing-a-wobbly-chair-properly"  # the video's title, not "…-info"
    assert [item.summary for item in addition.files] == [
        "yt-dlp info JSON: 4 chapters, 4 notes",
        "WebVTT captions: 7 turns, 2 speakers",
    ]
    library = Library.open(root)
    assert library.problems == ()
    episode = library.episode(episode_id)
    assert (episode.title, episode.show, episode.published, episode.url) == (
        "Fixing a wobbly chair, properly",
        "Fenwick Street Tool Library",
        "2024-05-01",
        "https://www.youtube.com/watch?v=Qx7pL2mVb0s",
    )
    # The video lasts 312 s; its captions end at 309.6 s.
    assert episode.duration == 312
    assert [(c.title, c.start, c.end) for c in episode.chapters][-1] == (
        "Glue, clamps and patience",
        250,
        312,
    )
    assert [(t.speaker, t.start, t.chapter) for t in episode.turns][:3] == [
        ("NINA", 0, 0),
        ("SAM", 58, 1),
        ("NINA", 62, 1),
    ]
    assert {note.source for note in episode.notes} == {"Video description"}


def test_an_info_json_alone_is_an_episode_of_chapters_and_notes() -> None:
    root = open_user_library()
    episode_id = add_files(root, [INFO_JSON], None).episode_id
    episode = Library.open(root).episode(episode_id)
    assert episode.turns == ()
    assert len(episode.chapters) == 4
    assert episode.notes[0].text.startswith("Most wobbly chairs are not broken")


def test_description_chapter_lines_are_the_chapters_without_a_chapters_list(
    tmp_path: Path,
) -> None:
    info = {
        "id": "abc",
        "title": "A talk",
        "formats": [],
        "duration": 600.5,
        "description": "What it is about.\n\n0:00 Intro\n1:30 The middle\n9:00 The end",
        "chapters": None,
        "webpage_url": "https://example.org/v/abc",
        "_type": "video",
    }
    document = _parse(tmp_path, "abc.info.json", json.dumps(info))
    assert [(c.start, c.title, c.end) for c in document.chapters] == [
        (0, "Intro", 90),
        (90, "The middle", 540),
        (540, "The end", 600),
    ]
    assert [note.text for note in document.notes] == ["What it is about."]


def test_a_playlist_info_json_says_to_add_each_video(tmp_path: Path) -> None:
    playlist = {"id": "PL1", "title": "Talks", "_type": "playlist", "entries": [], "extractor": "x"}
    path = tmp_path / "PL1.info.json"
    path.write_text(json.dumps(playlist), encoding="utf-8")
    with pytest.raises(FormatError, match="playlist; add each video's own"):
        parse_file(path)


# When no format reads a file ----------------------------------------------------------------


def _refusal(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError) as refused:
        parse_file(path)
    return str(refused.value)


def test_a_file_like_no_format_names_them_as_people_know_them(tmp_path: Path) -> None:
    message = _refusal(tmp_path, "shopping.txt", "milk\neggs\nbread\n")
    assert message.startswith(f"{tmp_path / 'shopping.txt'}: not a format earmark reads (it reads")
    for known in ("WebVTT captions", "SRT captions", "Whisper JSON", "yt-dlp info JSON"):
        assert known in message
    assert "Otter/Rev/Descript text" in message
    assert "takeaway-thread" not in message  # no internal names
    assert message.endswith("name its format under [formats] in the episode folder's episode.toml")
    assert "\n" not in message


def test_the_closest_format_says_why_it_refused_and_where(tmp_path: Path) -> None:
    headerless = "00:01.000 --> 00:02.000\nHello.\n\n00:02.000 --> 00:03.000\nBye.\n"
    message = _refusal(tmp_path, "talk.vtt", headerless)
    assert message.startswith(
        f"{tmp_path / 'talk.vtt'}:1: looks like WebVTT captions, but not valid WebVTT: "
        "the first line is not “WEBVTT”; if it is another format, name it under [formats]"
    )


def test_a_broken_cue_is_named_by_its_line(tmp_path: Path) -> None:
    broken = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:02,000 -> 00:00:03,000\nBye.\n"
    message = _refusal(tmp_path, "talk.srt", broken)
    assert message.startswith(f"{tmp_path / 'talk.srt'}:5: looks like SRT captions, but not valid")


def test_too_little_to_be_sure_says_how_to_read_it_anyway(tmp_path: Path) -> None:
    one_turn = "Dana  0:00\nWelcome to the show, it is just me today.\n"
    message = _refusal(tmp_path, "solo.txt", one_turn)
    assert message == (
        f"{tmp_path / 'solo.txt'}: looks like Otter/Rev/Descript text, but too little of it to be "
        'sure; to read it as one, put "solo.txt" = "speaker-text" under [formats] in the episode '
        "folder's episode.toml"
    )
    path = tmp_path / "solo.txt"
    document, _ = parse_file(path, "speaker-text")  # as the episode.toml would have it
    assert [(t.speaker, t.start) for t in document.turns] == [("Dana", 0)]
