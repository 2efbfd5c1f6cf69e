"""Transcripts as people's tools export them (Zoom, Whisper, yt-dlp, Otter, Rev, Descript): small
inputs for each rule the readers promise; the whole files are in tests/fixtures/realworld."""

from __future__ import annotations

from pathlib import Path

from index.formats import parse_file
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
