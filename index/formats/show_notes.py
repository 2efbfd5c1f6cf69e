"""An episode's show notes or video description, as text: its paragraphs are notes about the
episode, and its chapter lines (``0:00 Intro``, ``(12:30) - Title``…) its chapters.

Show notes are prose like any other, so this format is never guessed from a file's contents: a
followed feed names it in the ``episode.toml`` it writes (``[formats]``), and a yt-dlp info JSON
reads its ``description`` with `notes_and_chapters`. Links stay in the text as written.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.chapter_list import MIN_CHAPTERS, chapter_line, longest_list
from index.formats.common import rows
from index.formats.source import SourceText, read_source
from index.model import Chapter, Document, Note
from index.text import clean
from index.timecode import find_spans

NAME = "show-notes"
LABEL = "Show notes"

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def sniff(head: str) -> float:
    return 0.0  # prose: read as show notes only when the episode says so


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    notes, chapters = notes_and_chapters(source.text, LABEL)
    if not notes and not chapters:
        raise FormatError(path, None, "no text in these show notes")
    return Document(path=path, format=NAME, source=LABEL, chapters=chapters, notes=notes)


def notes_and_chapters(text: str, source: str) -> tuple[tuple[Note, ...], tuple[Chapter, ...]]:
    """The paragraphs of ``text`` as summary notes from ``source``, and its chapter list (the
    longest run of chapter lines, when it has at least two); chapter lines, and a heading alone
    above them, are not notes."""
    listed = longest_list(rows(text))
    chapters = tuple(chapters_with_ends(listed, 0)) if len(listed) >= MIN_CHAPTERS else ()
    notes = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        kept = [line for line in lines if not (chapters and chapter_line(line))]
        if len(kept) < len(lines) and len(kept) == 1 and kept[0].rstrip().endswith(":"):
            continue  # the heading of the chapter list ("Chapters:", "OUTLINE:") goes with it
        if body := clean("\n".join(kept)):
            notes.append(
                Note(
                    id=str(len(notes)),
                    kind="summary",
                    source=source,
                    text=body,
                    times=find_spans(body),
                )
            )
    return tuple(notes), chapters
