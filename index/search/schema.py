"""What the search index holds: its fields, and the documents an episode becomes.

Every turn, chapter title and note is one document. Text fields are analysed by
`index.analysis` in one pass per field (each field's ``index`` method), not
by Whoosh's token filter chains: the same terms, at several times the speed. The schema is
pickled into the index by reference to these classes, so renaming them or changing what they
index means raising ``SCHEMA_VERSION``: an index stamped with another version is rebuilt.

The postings are as lean as the searches allow. Ranking reads a posting's weight, the term's
count in the document (`index.search.ranking`), and phrases the positions of ``body``: the
counted fields keep no value beside the weight (Whoosh's `Frequency` kept the count twice), the
positions are a small array (`CompactPositions`) rather than a pickled list, and no field keeps
document lengths, which only BM25F's length normalisation read. Version 2 (the scale issue):
the same terms and weights as version 1; the index of 1,000 episodes 411 → 361 MB, most of
it the ``grams`` postings and terms (docs/decisions.md, "Scale").
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.formats import Format, Positions

from index import analysis
from index.model import Chapter, Episode, Note, chapter_id

SCHEMA_VERSION = 2
TRANSCRIPT_SOURCE = "Transcript"
CHAPTERS_SOURCE = "Chapters"
KINDS = ("turn", "chapter", "summary", "comment", "own")
# An array of unsigned shorts holds positions below this; past it, unsigned ints.
_SHORT_LIMIT = 1 << 16


class CompactPositions(Positions):
    """A posting's positions as one array: a type code byte (``H`` for positions below
    65,536, else ``I``), then the array's bytes, decoded by `array` in one call. Whoosh's
    `Positions` pickled a list of deltas: 12 bytes and more for one position, 3 here."""

    def encode(self, positions: Sequence[int]) -> bytes:
        code = "H" if max(positions, default=0) < _SHORT_LIMIT else "I"
        return code.encode() + array(code, positions).tobytes()

    def decode_positions(self, value: bytes) -> list[int]:
        return array(chr(value[0]), value[1:]).tolist()

    def decode_frequency(self, value: bytes) -> int:
        return (len(value) - 1) // array(chr(value[0])).itemsize

    def decode_weight(self, value: bytes) -> float:
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, float]]:
        return [(position, 1.0) for position in self.decode_positions(value)]

    def combine(self, values: Sequence[bytes]) -> bytes:
        return self.encode(sorted({p for value in values for p in self.decode_positions(value)}))


class Counts(Format):
    """Only the posting's weight, which is the term's count in the document: no value."""

    posting_size = 0

    def encode(self, value: Any) -> bytes:
        return b""


class Positional(TEXT):
    """Terms with positions (for phrases): the words people finish typing."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(stored=stored, phrase=True)
        self.format = CompactPositions()
        self.scorable = False

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        encode = self.format.encode
        for term, positions in analysis.term_positions(value).items():
            yield term.encode(), len(positions), float(len(positions)), encode(positions)


class Counted(TEXT):
    """A bag of strings, counted: the base of the word and gram fields."""

    def __init__(self, stored: bool = False) -> None:
        super().__init__(stored=stored, phrase=False)
        self.format = Counts()
        self.scorable = False

    def index(self, value: str, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        for text, count in self.counts(value).items():
            yield text.encode(), count, float(count), b""

    def counts(self, value: str) -> Counter[str]:
        raise NotImplementedError


class Words(Counted):
    """Whole words, unstemmed: for the filters (``speaker:``, ``chapter:``…)."""

    def counts(self, value: str) -> Counter[str]:
        return Counter(analysis.words(value))


class Grams(Counted):
    """Word starts (`analysis.grams`): a word being typed is one term, not an expansion, and
    fuzzy terms are matched against them."""

    def counts(self, value: str) -> Counter[str]:
        return analysis.gram_counts(value)


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        episode=ID(stored=True),
        episode_words=Words(),
        kind=ID(stored=True),
        speaker=Words(stored=True),
        source=Words(stored=True),
        chapter=Words(stored=True),
        chapter_index=STORED(),
        start=STORED(),
        body=Positional(stored=True),
        grams=Grams(),
    )


def documents(episode: Episode) -> Iterator[dict[str, Any]]:
    """The index documents of one episode: its chapter titles, turns and notes."""
    common = _episode_fields(episode)
    for chapter in episode.chapters:
        yield (
            _text_fields(chapter.title)
            | common
            | _place(chapter)
            | {
                "id": chapter_id(episode.id, chapter.index),
                "kind": "chapter",
                "source": CHAPTERS_SOURCE,
            }
        )
    for turn in episode.turns:
        yield (
            _text_fields(turn.text)
            | common
            | _place(episode.chapters[turn.chapter])
            | {
                "id": episode.turn_id(turn),
                "kind": "turn",
                "speaker": turn.speaker,
                "source": TRANSCRIPT_SOURCE,
                "start": turn.start,
            }
        )
    for note in episode.notes:
        yield note_document(episode, note)


def note_document(episode: Episode, note: Note) -> dict[str, Any]:
    """A summary point, a comment or one of the reader's own notes, placed where it points."""
    return (
        _text_fields(_note_text(note))
        | _episode_fields(episode)
        | _note_place(episode, note)
        | {"id": note.id, "kind": note.kind, "speaker": note.author, "source": note.source}
    )


def _episode_fields(episode: Episode) -> dict[str, str]:
    return {"episode": episode.id, "episode_words": f"{episode.id} {episode.title}"}


def _text_fields(text: str) -> dict[str, str]:
    return {"body": text, "grams": text}


def _note_text(note: Note) -> str:
    """A labelled summary point reads "Label: text", so its label is searched and shown too."""
    return f"{note.title}: {note.text}" if note.title else note.text


def _place(chapter: Chapter) -> dict[str, Any]:
    return {"chapter": chapter.title, "chapter_index": chapter.index, "start": chapter.start}


def _note_place(episode: Episode, note: Note) -> dict[str, Any]:
    """Where a note points, by its strongest link (`index.linking.related`): the linked turn's start
    in the linked chapter; nothing for a note about the whole episode."""
    link = note.related[0] if note.related else None
    if link is None or link.chapter is None or not 0 <= link.chapter < len(episode.chapters):
        return {}
    place = _place(episode.chapters[link.chapter])
    if link.turn is not None and 0 <= link.turn < len(episode.turns):
        place["start"] = episode.turns[link.turn].start
    return place
