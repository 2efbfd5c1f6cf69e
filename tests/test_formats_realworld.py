"""Transcripts and chapter lists as real tools and sites write them (tests/fixtures/realworld,
written by a reviewer who did not see the parsers), against the answer keys written with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.formats import parse_file
from index.model import Document

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "realworld"
KEYS = sorted(SAMPLES.glob("*.expected.json"))
# Where earmark decides otherwise on purpose: the key merges one speaker's consecutive blocks
# into one turn; earmark keeps them apart, because each block has its own time and a merged turn
# would keep only the first (docs/decisions.md, "Parsing").
KEEPS_BLOCKS_APART = {
    "podcast_transcript.html",
    "lexfridman_style_transcript.md",
    "rev_export.txt",
    "descript_export.txt",
}


def _sample(key: Path) -> Path:
    return SAMPLES / key.name.removesuffix(".expected.json")


def _parse(key: Path) -> tuple[Document, dict]:
    document, _warning = parse_file(_sample(key))
    return document, json.loads(key.read_text(encoding="utf-8"))


def test_every_sample_has_a_key() -> None:
    samples = {p.name for p in SAMPLES.iterdir() if p.name != "README.md"}
    keyed = {_sample(key).name for key in KEYS}
    assert samples == keyed | {key.name for key in KEYS}
    assert len(KEYS) == 26


@pytest.mark.parametrize("key", KEYS, ids=lambda key: _sample(key).name)
def test_sample_reads_as_its_key_says(key: Path) -> None:
    document, want = _parse(key)
    if "chapters" in want:
        assert [[c.start, c.title] for c in document.chapters] == want["chapters"]
    for field, value in want.get("metadata", {}).items():
        assert getattr(document, field) == value, field
    if "note_texts" in want:
        texts = [note.text for note in document.notes]
        assert len(texts) == len(want["note_texts"])
        starts = zip(texts, want["note_texts"], strict=True)
        assert all(text.startswith(start) for text, start in starts)


def _merged(turns: list[tuple[str, int | None, str]]) -> list[tuple[str, int | None, str]]:
    """The key's reading: one speaker's consecutive turns as one, at the first one's time."""
    merged: list[tuple[str, int | None, str]] = []
    for turn in turns:
        if merged and turn[0] and merged[-1][0] == turn[0]:
            continue
        merged.append(turn)
    return merged


def test_blocks_kept_apart_keep_their_times() -> None:
    document, _ = parse_file(SAMPLES / "podcast_transcript.html")
    kevin = [(t.start, t.text[:20]) for t in document.turns if t.speaker == "Kevin"][2:4]
    assert kevin == [(27, "So if a show publish"), (41, "And if a chapter has")]
