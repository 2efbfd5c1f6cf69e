"""Show notes: paragraphs become notes about the episode, chapter lines its chapters."""

from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import parse_file

NOTES = """In this episode Ana and Ben talk about tides, moons and the people who measure them.

Chapters:
0:00 Welcome
4:10 Why tides are late
1:02:03 Listener questions

Sponsored by Tide Tables Inc. https://example.com/tides
Mentioned at 12:30, the harmonic method.
"""


def test_paragraphs_are_notes_and_chapter_lines_chapters(tmp_path: Path) -> None:
    path = tmp_path / "show-notes.txt"
    path.write_text(NOTES, encoding="utf-8")
    document, _ = parse_file(path, "show-notes")
    assert [(c.start, c.title) for c in document.chapters] == [
        (0, "Welcome"),
        (250, "Why tides are late"),
        (3723, "Listener questions"),
    ]
    texts = [note.text for note in document.notes]
    assert texts == [
        "In this episode Ana and Ben talk about tides, moons and the people who measure them.",
        # "Chapters:" heads the chapter list: it goes with it, not into the notes
        "Sponsored by Tide Tables Inc. https://example.com/tides\n"
        "Mentioned at 12:30, the harmonic method.",
    ]
    assert {note.kind for note in document.notes} == {"summary"}
    assert document.notes[1].times[0].start == 750


def test_a_time_in_prose_is_not_a_chapter_list(tmp_path: Path) -> None:
    path = tmp_path / "show-notes.txt"
    path.write_text("We meet at 9:30 by the pier.\n\nBring boots.", encoding="utf-8")
    document, _ = parse_file(path, "show-notes")
    assert document.chapters == ()
    assert [note.text for note in document.notes] == [
        "We meet at 9:30 by the pier.",
        "Bring boots.",
    ]


def test_show_notes_are_never_guessed(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just a paragraph of prose about an episode.", encoding="utf-8")
    with pytest.raises(FormatError, match="not a format"):
        parse_file(path)
