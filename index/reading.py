"""One episode being read: what the reader asks of the model and of your marks, without a screen.

The app keeps widgets, messages, workers, timers and notifications. Everything else a person's
keys ask — open an episode where they left it, where the next chapter starts, which turn is said
at 25:13, how far in they are, bookmark this, write a note, step to the next match — is answered
here, from the library and `UserData`, so that it is tested without Pilot. A change that cannot
be saved raises `EarmarkError`; the app says so in a notification.

Your own notes are merged into the episode here, once per change: ``episode.notes`` holds the
documents' notes and yours, so the side pane, jumps and search hits treat them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from index.errors import EarmarkError
from index.files import write_whole
from index.library import Library
from index.linking import RelatedNotes
from index.marks import OwnNote, UserData
from index.model import Episode, Note, Turn
from index.timeline import Timeline
from index.words import shortened

if TYPE_CHECKING:  # the analyser (and Whoosh's stemmer) load when terms are first lit
    from index.search import Hit, Marks

EXCERPT_CHARS = 100
NoteChange = Literal["saved", "deleted"]


@dataclass(frozen=True, slots=True)
class BookmarkRow:
    """One bookmark as the list of bookmarks shows it."""

    episode: str
    turn: int
    episode_title: str
    time: str  # "00:12:34", or "" for a turn without a time
    speaker: str
    excerpt: str


class Reading:
    """The episode shown and where in it the reader is (``turn``), with their marks."""

    def __init__(self, library: Library, userdata: UserData) -> None:
        self.library = library  # replaced when it is read again (a feed brought episodes in)
        self._userdata = userdata
        self.episode: Episode | None = None  # with your notes merged in
        self.turn = 0
        self.related: RelatedNotes | None = None
        self.bookmarks: frozenset[int] = frozenset()
        self.own_notes: tuple[OwnNote, ...] = ()
        self._timeline = Timeline(())
        self._saved_turn: int | None = None  # the position user data holds for this episode
        self._last_read = userdata.last_episode()
        self._query = ""
        self._marks: Marks | None = None
        # The turns n/N step through, in reading order; None while the lit query's hits in
        # this episode are being searched for.
        self.matches: tuple[int, ...] | None = ()

    @classmethod
    def of(cls, library: Library) -> Reading:
        """A reading of ``library`` with your marks (`UserData.open`)."""
        return cls(library, UserData.open())

    @property
    def notice(self) -> str | None:
        """What the reader must be told once about their marks (a damaged file set aside)."""
        return self._userdata.notice

    # -- opening ------------------------------------------------------------------------------

    def first_episode(self) -> str | None:
        """The episode to open at start-up: the one read last, if the library has it, else the
        first; parsed now if the library has not read it yet (`Library.first_readable`)."""
        return self.library.first_readable(self._last_read)

    def open(self, episode_id: str, turn: int | None = None) -> int:
        """Read ``episode_id`` from now on, at ``turn`` or, without one, where the reader left
        it; returns that turn. Nothing is written: `save_position` records the move."""
        episode = self.library.episode(episode_id)
        marks = self._userdata.episode_marks(episode_id)
        self._saved_turn = marks.position
        self.bookmarks = frozenset(marks.bookmarks)
        self._set_episode(episode, marks.notes)
        self.turn = self._valid_turn(marks.position or 0 if turn is None else turn)
        return self.turn

    def _set_episode(self, episode: Episode, own: tuple[OwnNote, ...]) -> None:
        self.own_notes = own
        merged = tuple(note.as_note(episode) for note in own)
        self.episode = replace(episode, notes=episode.notes + merged) if merged else episode
        self.related = RelatedNotes(self.episode)
        self._timeline = Timeline(episode.turns)
        self.forget_matches()  # another episode, or your notes changed (their hits may have)

    def _valid_turn(self, turn: int) -> int:
        if self.episode is None or not self.episode.turns:
            return 0
        return max(0, min(turn, len(self.episode.turns) - 1))

    # -- where the reader is ------------------------------------------------------------------

    def move_to(self, turn: int) -> None:
        """The reader is at ``turn`` now (saved by `save_position`, once they rest there)."""
        self.turn = self._valid_turn(turn)

    @property
    def current(self) -> Turn | None:
        if self.episode is None:
            return None
        return self.episode.find_turn(self.turn)

    def save_position(self) -> None:
        """Record the reader's place: this turn of this episode, the episode read last. Nothing is
        written when user data says so already (a write waits for the disk)."""
        episode = self.episode
        if episode is None or self.current is None:
            return
        if self._saved_turn == self.turn and self._last_read == episode.id:
            return
        self._userdata.set_position(episode.id, self.turn)
        self._saved_turn, self._last_read = self.turn, episode.id

    def percent_read(self) -> int:
        """How far into the episode the reader is: by time, or by turns when it has no times."""
        turn, episode = self.current, self.episode
        if turn is None or episode is None:
            return 0
        if turn.start is not None and episode.duration:
            return round(100 * turn.start / episode.duration)
        return round(100 * turn.index / max(len(episode.turns) - 1, 1))

    # -- moving -------------------------------------------------------------------------------

    def first_turn(self, chapter: int, episode_id: str | None = None) -> int:
        """The first turn of a chapter of this episode (or of ``episode_id``); the episode's
        first when there is no such chapter."""
        episode = self.library.episode(episode_id) if episode_id is not None else self.episode
        opening = _opening_turn(episode, chapter) if episode is not None else None
        return 0 if opening is None else opening

    def chapter_step(self, direction: int) -> int | None:
        """The chapter ``]`` (+1) or ``[`` (-1) goes to: ``[`` first goes back to the start of
        the chapter being read, as in an editor. None when there is none that way."""
        turn, episode = self.current, self.episode
        if turn is None or episode is None:
            return None
        chapter = turn.chapter + direction
        if direction < 0 and self.turn != self.first_turn(turn.chapter):
            chapter = turn.chapter
        return chapter if 0 <= chapter < len(episode.chapters) else None

    def turn_at(self, second: float) -> Turn | None:
        """The turn said at ``second``; None past the end of the transcript or in one that gives
        no times."""
        return self._timeline.turn_at(second)

    def audio_start(self, turn: int) -> int | None:
        """The second of the audio to play ``turn`` from: its time or, for a turn the transcript
        gives none, that of the last timed turn before it (the first's, before any). None when
        the transcript gives no times."""
        timed = self._timeline.turns
        if not timed:
            return None
        before = [t for t in timed if t.index <= turn]
        return (before[-1] if before else timed[0]).start

    # -- lit terms and n/N --------------------------------------------------------------------

    def light(self, query: str, marks: Marks | None) -> None:
        """Light the words of ``query`` (``marks``, from its search; None or no query: nothing).
        Its matches in this episode are unknown until its hits here are given (`take_hits`)."""
        lit = bool(query.strip()) and marks is not None
        self._query, self._marks = (query, marks) if lit else ("", None)
        self.forget_matches()

    def forget_matches(self) -> None:
        """The lit query's matches are to be searched again (unknown until `take_hits`): the
        episode, its notes or the index searched changed since they were found."""
        self.matches = None if self._query else ()

    @property
    def lit_query(self) -> str:
        """The query whose words are lit ("" when nothing is)."""
        return self._query

    @property
    def lit(self) -> Callable[[str], list[tuple[int, int]]] | None:
        """The lit words' spans in a paragraph, for the transcript to paint; None: nothing lit."""
        if self._marks is None:
            return None
        from index.search import lit_spans

        marks = self._marks
        return lambda text: lit_spans(text, marks)

    def take_hits(self, query: str, episode_id: str, hits: Iterable[Hit]) -> bool:
        """The lit query's hits in this episode become the matches n/N step through, in
        reading order: a turn's hit is its turn, a chapter's its first turn, a note's the turn
        it is placed on (a note about a whole chapter or episode has none). False when the
        hits are stale: for another query or episode than the one read now."""
        episode = self.episode
        if episode is None or episode.id != episode_id or query != self._query or not query:
            return False
        notes = {note.id: note for note in episode.notes}
        turns: set[int] = set()
        for hit in hits:
            turn: int | None = None
            if hit.kind == "turn":
                turn = hit.turn
            elif hit.kind == "chapter" and hit.chapter is not None:
                turn = _opening_turn(episode, hit.chapter)  # None: no turn is in it
            elif (note := notes.get(hit.id)) is not None and note.related:
                turn = note.related[0].turn
            if turn is not None and 0 <= turn < len(episode.turns):
                turns.add(turn)
        self.matches = tuple(sorted(turns))
        return True

    def match_number(self) -> int | None:
        """Which match (from 1) the reader's turn is; None when it is not one."""
        if not self.matches or self.turn not in self.matches:
            return None
        return self.matches.index(self.turn) + 1

    def next_match(self, direction: int) -> tuple[int, bool] | None:
        """The turn of the next (+1) or previous (-1) match, and whether the step wrapped round
        the episode to get there; None: no matches (or not known yet)."""
        if not self.matches:
            return None
        if direction > 0:
            after = next((t for t in self.matches if t > self.turn), None)
            return (self.matches[0], True) if after is None else (after, False)
        before = next((t for t in reversed(self.matches) if t < self.turn), None)
        return (self.matches[-1], True) if before is None else (before, False)

    # -- your marks ---------------------------------------------------------------------------

    def toggle_bookmark(self) -> bool:
        """Bookmark the reader's turn, or remove its bookmark; True when it is bookmarked now."""
        if self.episode is None or self.current is None:
            raise EarmarkError("there is no turn to bookmark")
        marked = self._userdata.toggle_bookmark(self.episode.id, self.turn)
        self.bookmarks = self.bookmarks ^ {self.turn}
        return marked

    def bookmark_rows(self) -> list[BookmarkRow]:
        """Every bookmark on a turn this library still has, across episodes."""
        from index.timecode import clock

        rows = []
        for bookmark in self._userdata.bookmarks():
            info = self.library.info(bookmark.episode)
            if info is None:  # an episode of another library
                continue
            try:
                turn = self.library.episode(bookmark.episode).find_turn(bookmark.turn)
            except EarmarkError:  # the episode's files can no longer be read
                continue
            if turn is not None:
                excerpt = shortened(turn.text, EXCERPT_CHARS)
                rows.append(
                    BookmarkRow(
                        bookmark.episode, turn.index, info.title, clock(turn.start), turn.speaker,
                        excerpt,
                    )
                )  # fmt: skip
        return rows

    def delete_bookmark(self, episode_id: str, turn: int) -> None:
        self._userdata.delete_bookmark(episode_id, turn)
        if self.episode is not None and episode_id == self.episode.id:
            self.bookmarks = self.bookmarks - {turn}

    @property
    def noted(self) -> frozenset[int]:
        """The turns that have a note of yours."""
        return frozenset(own.turn for own in self.own_notes)

    def own_note(self, note_id: str) -> OwnNote | None:
        """One of your notes on this episode, by its id among the episode's notes."""
        return next((own for own in self.own_notes if own.note_id == note_id), None)

    def save_note(self, own: OwnNote | None, text: str) -> NoteChange | None:
        """Save what the editor returned: a new note on the reader's turn (``own`` None), or
        ``own`` edited; saved empty, a note is deleted. None: nothing to save."""
        episode = self.episode
        if episode is None:
            return None
        if own is None:
            if not text or self.current is None:
                return None
            self._userdata.add_note(episode.id, self.turn, text)
        elif text:
            self._userdata.update_note(own.id, text)
        else:
            self._userdata.delete_note(own.id)
        self._notes_changed()
        return "saved" if text else "deleted"

    def delete_note(self, own: OwnNote) -> None:
        self._userdata.delete_note(own.id)
        self._notes_changed()

    def _notes_changed(self) -> None:
        if self.episode is not None:
            original = self.library.episode(self.episode.id)
            self._set_episode(original, tuple(self._userdata.notes(original.id)))

    def export_markdown(self, path: Path) -> None:
        """Write the episode with your bookmarks and notes as Markdown (``earmark export
        --format markdown``) to ``path``, whole or not at all."""
        from index.marks import episode_markdown

        if self.episode is None:
            raise EarmarkError("there is no episode to export")
        episode = self.library.episode(self.episode.id)  # your notes are passed on their own
        text = episode_markdown(
            episode, self._userdata.bookmarks(episode.id), self._userdata.notes(episode.id)
        )
        try:
            write_whole(path, text.encode())
        except OSError as error:
            raise EarmarkError(f"{path}: cannot write: {error.strerror or error}") from None

    def all_own_notes(self) -> list[OwnNote]:
        """Your notes on every episode, for the search index."""
        return self._userdata.notes()

    def find_note(self, episode_id: str, note_id: str) -> Note | None:
        """A note of any episode, yours included, by its id (a search hit's)."""
        if self.episode is not None and episode_id == self.episode.id:
            notes = self.episode.notes
        else:
            episode = self.library.episode(episode_id)
            own = (note.as_note(episode) for note in self._userdata.notes(episode_id))
            notes = (*episode.notes, *own)
        return next((note for note in notes if note.id == note_id), None)


def _opening_turn(episode: Episode, chapter: int) -> int | None:
    """The first turn of a chapter; None when the transcript has none in it."""
    return next((turn.index for turn in episode.turns if turn.chapter == chapter), None)
