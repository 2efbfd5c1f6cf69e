"""Which notes go with a passage: the side pane's question, answered from the links that
`index.related` made when the episode was read. Apart from the linker, so that showing them does
not load the linker's analysis (and Whoosh's stemmer) at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from index.model import Episode, Link, Note


@dataclass(frozen=True, slots=True)
class RelatedNotes:
    """The side pane's question, answered from the links: which notes go with this turn?"""

    episode: Episode

    def for_turn(self, turn_index: int) -> list[tuple[Note, Link]]:
        """Notes linked to the turn first, then those linked to its chapter, each by score."""
        chapter = self.episode.turns[turn_index].chapter
        on_turn: list[tuple[Note, Link]] = []
        on_chapter: list[tuple[Note, Link]] = []
        for note in self.episode.notes:
            if link := next((lk for lk in note.related if lk.turn == turn_index), None):
                on_turn.append((note, link))
            elif link := next((lk for lk in note.related if lk.chapter == chapter), None):
                on_chapter.append((note, link))
        by_score = lambda pair: -pair[1].score  # noqa: E731
        return sorted(on_turn, key=by_score) + sorted(on_chapter, key=by_score)

    def episode_wide(self) -> list[Note]:
        """Notes about the whole episode rather than one passage."""
        return [note for note in self.episode.notes if not note.related]
