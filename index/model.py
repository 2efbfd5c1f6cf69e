"""The document model every part of earmark reads.

Frozen dataclasses, times in integer seconds, lists in reading order. A `Document` is what one
file says; `index.library` groups the documents of an episode folder into an `Episode` and gives
every turn and note its stable id. No string of the model holds a control character, not even a
path: `index.untrusted` sees to it where documents and episodes are made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal


class Pickled:
    """Pickled as its class and field values, so that unpickling is one ``__init__`` call: the
    dataclass default (a ``__setstate__`` that looks the fields up for every object) was half
    the time of opening a 1,000-episode library from its cache."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple]:
        return type(self), tuple(getattr(self, name) for name in self.__slots__)


# The metadata key of fields that hold text of several lines (a turn's paragraphs, a note's text):
# they may keep newlines; every other string of the model is one line (`index.untrusted`).
SEVERAL_LINES = "several_lines"
_TEXT: dict[str, bool] = {SEVERAL_LINES: True}


@dataclass(frozen=True, slots=True)
class ItemId:
    """The stable id of what an episode holds, ``"{episode}/{kind}/{key}"``, the same across
    runs and machines (search hits, marks and exports carry it): ``t`` a turn (key: its index),
    ``c`` a chapter (its index), ``n`` a document's note (``{document}/{number}``), ``own`` a
    note of yours (its number in your marks). Episode ids are slugs: they hold no ``/``."""

    episode: str
    kind: Literal["t", "c", "n", "own"]
    key: str

    def __str__(self) -> str:
        return f"{self.episode}/{self.kind}/{self.key}"

    @classmethod
    def parse(cls, text: str) -> ItemId | None:
        episode, _, rest = text.partition("/")
        kind, _, key = rest.partition("/")
        if not episode or not key or kind not in ("t", "c", "n", "own"):
            return None
        return cls(episode, kind, key)  # type: ignore[arg-type]

    @property
    def number(self) -> int | None:
        """A turn's or chapter's index, or your note's number; None for a document's note."""
        return int(self.key) if self.kind != "n" and self.key.isdigit() else None


def turn_id(episode: str, turn: int) -> str:
    return str(ItemId(episode, "t", str(turn)))


def chapter_id(episode: str, chapter: int) -> str:
    return str(ItemId(episode, "c", str(chapter)))


def note_id(episode: str, document: str, number: str) -> str:
    """A document's note: ``document`` is the document's slug, ``number`` its note's own id."""
    return str(ItemId(episode, "n", f"{document}/{number}"))


def own_note_id(episode: str, number: int) -> str:
    return str(ItemId(episode, "own", str(number)))


NoteKind = Literal["summary", "comment", "own"]
# "yours": the reader wrote the note at that turn (`index.marks.userdata`).
LinkReason = Literal["timestamp", "quote", "similar", "yours"]


@dataclass(frozen=True, slots=True)
class Span(Pickled):
    """A stretch of time in seconds; a single moment has ``start == end``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Chapter(Pickled):
    index: int
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Turn(Pickled):
    """One speaker's uninterrupted stretch of the transcript, as published.

    ``start`` and ``end`` are None for a turn whose transcript gives no time for it (sparse
    timestamps): earmark never makes one up. ``speaker`` is ``""`` when the transcript names none.
    """

    index: int
    speaker: str
    start: int | None
    end: int | None
    paragraphs: tuple[str, ...] = field(metadata=_TEXT)
    chapter: int

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True, slots=True)
class Link(Pickled):
    """Why a note is about a passage: the turn and chapter it points to, how strongly, and why.

    The evidence, as the note gives it: ``at`` the time it (or its heading) names, for a
    ``timestamp``; ``quote`` its quoted words found in the turn; ``shared`` the distinctive terms,
    as the note writes them, that it shares with the chapter, for ``similar``. ``turn`` is None
    when the evidence singles out a chapter but no one turn of it.
    """

    turn: int | None
    chapter: int | None
    score: float
    reason: LinkReason
    at: Span | None = None
    quote: str = ""
    shared: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Note(Pickled):
    """A summary point, a reader comment, or (later) the reader's own note.

    ``times`` holds every timestamp or range the note itself mentions; ``section_times`` those
    of the heading it sits under, which are weaker evidence of what it is about.
    """

    id: str
    kind: NoteKind
    source: str
    text: str = field(metadata=_TEXT)
    author: str | None = None
    date: str | None = None
    section: str | None = None
    title: str | None = None
    times: tuple[Span, ...] = ()
    section_times: tuple[Span, ...] = ()
    likes: int = 0
    edited: bool = False
    reply_to: str | None = None
    related: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Document(Pickled):
    """What one file of a library says, before it is merged into an episode.

    Chapters and turns come from transcripts; notes from summaries, notes and comment threads.
    A note's ``id`` and ``reply_to`` are local to the document here (``"0"``, ``"1"``, …);
    the library qualifies them with the episode and document stem. ``path`` names the file for
    people; one whose name holds control characters has them shown as escapes (``\\x1b``).
    """

    path: Path
    format: str
    source: str
    title: str | None = None
    show: str | None = None
    published: str | None = None
    guests: tuple[str, ...] = ()
    duration: int | None = None
    url: str | None = None
    chapters: tuple[Chapter, ...] = ()
    turns: tuple[Turn, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode(Pickled):
    id: str
    title: str
    show: str | None
    published: str | None
    guests: tuple[str, ...]
    duration: int | None
    url: str | None
    sources: tuple[Path, ...]
    chapters: tuple[Chapter, ...]
    turns: tuple[Turn, ...]
    notes: tuple[Note, ...] = field(default=())
    # What plays it: an audio or video file's absolute path, or an http(s) URL (`index.player`).
    audio: str | None = None
    # False while its notes' `related` is not worked out yet: a new library's episodes are
    # parsed first, their notes placed after (`index.library`); an episode is placed before
    # anything is shown or indexed from it.
    notes_placed: bool = True

    def find_turn(self, index: int) -> Turn | None:
        """The turn at ``index``; None when the transcript has no such turn (any more)."""
        return self.turns[index] if 0 <= index < len(self.turns) else None

    def turn_id(self, turn: Turn) -> str:
        return turn_id(self.id, turn.index)
