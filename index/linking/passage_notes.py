"""Which notes go with a passage, and why: the side pane's question, answered from the links that
`index.linking.related` made when the episode was read. Apart from the linker, so that showing
them does not load the linker's analysis (and Whoosh's stemmer) at start-up.

For the turn being read, three groups: the notes placed on *this passage* (the turn), those
placed elsewhere in *this chapter*, and those about *the whole episode*. Your own notes lead each
group; the rest follow by the strength of their evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.model import Episode, Link, Note
from index.timecode import format_span

SHARED_SHOWN = 3


@dataclass(frozen=True, slots=True)
class PassageNotes:
    """The notes for one turn, grouped by where they are placed."""

    passage: list[tuple[Note, Link]]
    chapter: list[tuple[Note, Link]]
    episode: list[Note]


@dataclass(frozen=True, slots=True)
class RelatedNotes:
    """The side pane's question, answered from the links: which notes go with this turn?"""

    episode: Episode

    def for_turn(self, turn_index: int) -> PassageNotes:
        """Notes placed on the turn, then those placed elsewhere in its chapter (yours first,
        then by evidence), and the notes about the whole episode."""
        chapter = self.episode.turns[turn_index].chapter
        on_turn: list[tuple[Note, Link]] = []
        on_chapter: list[tuple[Note, Link]] = []
        for note in self.episode.notes:
            if link := next((lk for lk in note.related if lk.turn == turn_index), None):
                on_turn.append((note, link))
            elif link := next((lk for lk in note.related if lk.chapter == chapter), None):
                on_chapter.append((note, link))
        order = lambda pair: (pair[0].kind != "own", -pair[1].score)  # noqa: E731
        return PassageNotes(
            sorted(on_turn, key=order), sorted(on_chapter, key=order), self.episode_wide()
        )

    def episode_wide(self) -> list[Note]:
        """Notes about the whole episode rather than one passage (yours first)."""
        return sorted(
            (note for note in self.episode.notes if not note.related),
            key=lambda note: note.kind != "own",
        )

    def place_time(self, link: Link) -> int | None:
        """When the place a link names starts: its turn's time, or its chapter's."""
        if link.turn is not None:
            turn = self.episode.find_turn(link.turn)
            return turn.start if turn is not None else None
        if link.chapter is not None and 0 <= link.chapter < len(self.episode.chapters):
            return self.episode.chapters[link.chapter].start
        return None


def evidence_words(note: Note, link: Link) -> str:
    """Why a note is placed where it is, in words: ``at 25:00``, ``heading at 25:00``,
    ``quote``, ``shares: value function, emotions``; ``""`` for your own notes (they are where
    you wrote them)."""
    if link.reason == "timestamp" and link.at is not None:
        heading = link.at in note.section_times and link.at not in note.times
        return f"{'heading at' if heading else 'at'} {format_span(link.at)}"
    if link.reason == "quote":
        return "quote"
    if link.reason == "similar" and link.shared:
        return "shares: " + ", ".join(link.shared[:SHARED_SHOWN])
    return ""
