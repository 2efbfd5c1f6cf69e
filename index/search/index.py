"""Searching a library's index as a person types: the API the app, the CLI and the checks use::

    index = SearchIndex.open(library)          # opens, builds or updates the index as needed
    found = index.search('speaker:ilya "age of research"', limit=20)  # Results
    found.hits                                 # Hits, best first
    found.marks                                # the words to light in any text
    found.timed_out, found.notes               # cut short by the time limit; what was left out
    index.notice                               # one line to show, or None
    index.close()

A `Hit` is a turn, a chapter title, a summary point or a comment: ``id`` (the model's `ItemId`),
``kind``, ``episode``, ``chapter`` (its index, like `Turn.chapter`; a note's is that of its
strongest link, or None), ``start`` (seconds), ``speaker`` (a comment's author), ``source``,
``score``, ``snippet`` (one line), ``highlights``, the ``(start, end)`` offsets of the matched
words in the snippet, ``chapter_title``, and ``turn`` for a turn's hit. `index.search.query`
describes what may be typed; nothing typed raises. The index on disk is `index.search.storage`'s.

Every search is bounded: the query's terms (`index.search.query`) and time (``time_limit``, by
default one keystroke's worth, compiling included: the best hits found by then are returned with
``timed_out`` set, so a caller can search again, unhurried, when the typing pauses). One
searcher is kept open across searches; a search returns the marks that light its words, so a
caller never needs the searcher for them.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from whoosh.collectors import TimeLimit
from whoosh.index import LockError
from whoosh.query import And, Query, Term

from index.errors import EarmarkError
from index.library import Library
from index.marks import OwnNote
from index.model import ItemId
from index.search.query import Marks, compile_query
from index.search.schema import note_document
from index.search.snippets import snippet
from index.search.storage import (
    WRITER_OPTIONS,
    Opened,
    Progress,
    close_what_it_left_open,
    index_folder,
    merge_small_segments,
    open_index,
    read_stamp,
    write_stamp,
)
from index.search.timed import open_searcher
from index.search.topk import OutOfTime, PostingsCache, Ranked, top_documents

# A keystroke's search stops here with the best hits found so far: one look at the index per
# keystroke must not hold up the next. A caller that can wait (the CLI) passes more.
KEYSTROKE_TIME_LIMIT = 0.04
# How long saving one of the reader's notes waits for another process's write lock.
SYNC_LOCK_WAIT_S = 5.0


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    kind: str
    episode: str
    chapter: int | None  # the chapter's index in its episode, like `Turn.chapter`
    start: int | None
    speaker: str | None
    source: str
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    chapter_title: str | None = None

    @property
    def who(self) -> str:
        """Who said it, or where it comes from; nothing for a transcript's turn that names no
        speaker (its source, "Transcript", says nothing a turn does not)."""
        if self.speaker:
            return self.speaker
        return "" if self.kind == "turn" else self.source

    @property
    def turn(self) -> int | None:
        """The turn a turn's hit is, by index; None for any other kind of hit."""
        parsed = ItemId.parse(self.id)
        return parsed.number if parsed is not None and parsed.kind == "t" else None


@dataclass(frozen=True, slots=True)
class Results:
    """What one search found: ``hits``, best first; ``marks``, the words it lights in any text
    (`snippets.lit_spans`); ``timed_out``: the time limit cut it short (the best hits found by
    then: search again, unhurried, for all); ``notes``: what the query's bounds left out
    (`index.search.query`), one short sentence each."""

    hits: tuple[Hit, ...]
    marks: Marks
    timed_out: bool = False
    notes: tuple[str, ...] = ()


class SearchIndex:
    def __init__(self, opened: Opened) -> None:
        self.folder = opened.folder
        self.stamp = opened.stamp
        self.read_only = opened.read_only
        self.notice = opened.notice
        self.indexed = opened.indexed  # the episodes (re)indexed when it opened
        self._ix = opened.ix
        self._searcher = opened.searcher
        self._postings = PostingsCache()  # of this searcher's segments
        self._sync_lock = threading.Lock()
        # A Whoosh searcher is not meant for two threads at once (the app searches in one
        # worker and indexes the reader's notes in another); never taken by the app's UI thread.
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, library: Library, *, rebuild: bool = False, progress: Progress | None = None
    ) -> SearchIndex:
        """The library's index, built or brought up to date first when it must be."""
        folder = index_folder(library)
        try:
            return cls(open_index(library, folder, rebuild, progress))
        except OSError as error:  # a full disk, a folder that cannot be written
            problem = f"{folder}: cannot write the search index: {error}"
            close_what_it_left_open(error)
        raise EarmarkError(problem)

    @property
    def document_count(self) -> int:
        return self._searcher.doc_count()

    @property
    def episode_count(self) -> int:
        return len(self.stamp.episodes)

    def search(
        self,
        query: str,
        limit: int | None = 20,
        *,
        time_limit: float = KEYSTROKE_TIME_LIMIT,
        episode: str | None = None,
        snippets: bool = True,
    ) -> Results:
        """The best ``limit`` hits for ``query`` as typed so far, best first, and the marks
        that light its words; when the search runs out of ``time_limit`` (seconds, from now:
        compiling, ranking), the best of what it found, ``timed_out``. ``limit`` None: every
        hit. With ``episode``, only that episode's documents are searched (what n/N step
        through). Without ``snippets`` the hits' text is empty: where they are is all n/N
        need, and lighting every hit of a long episode took most of such a search's time."""
        deadline = time.perf_counter() + time_limit
        with self._lock:
            compiled = compile_query(query, self._searcher.reader(), deadline)
            searched = compiled.query
            if searched is not None and episode is not None:
                # A conjunction with the episode's term: its few hundred documents are the
                # rarest list, so the ranking reads only their postings of the other terms.
                searched = And([searched, Term("episode", episode)])
            if limit is None:
                reader = self._searcher
                limit = (
                    reader.doc_count()
                    if episode is None
                    else reader.doc_frequency("episode", episode)
                )
            if searched is None or limit <= 0:
                return Results((), compiled.marks, compiled.cut, compiled.notes)
            ranked, cut = self._rank(searched, limit, deadline)
            stored_fields = self._searcher.stored_fields
            found = [(stored_fields(docnum), score) for score, docnum in ranked]
        hits = []
        for fields, score in found:
            text, highlights = snippet(fields["body"], compiled.marks) if snippets else ("", ())
            hits.append(_hit(fields, score, text, highlights))
        return Results(tuple(hits), compiled.marks, compiled.cut or cut, compiled.notes)

    def _rank(self, query: Query, limit: int, deadline: float) -> tuple[Ranked, bool]:
        """The best (score, document number) pairs, best first, and whether the deadline
        cut the ranking short; `topk` ranks the queries it can, faster, and Whoosh the
        others."""
        try:
            ranked = top_documents(self._searcher, query, limit, deadline, self._postings)
        except OutOfTime as stopped:
            return stopped.ranked, True
        if ranked is not None:
            return ranked, False
        collector = self._searcher.collector(limit=limit)
        self._searcher.deadline = deadline
        cut = False
        try:
            self._searcher.search_with_collector(query, collector)
        except TimeLimit:  # the collector holds the best hits found until then
            cut = True
        finally:
            self._searcher.deadline = None
        return [(r.score or 0.0, r.docnum) for r in collector.results()], cut

    def sync_own_notes(self, library: Library, notes: Iterable[OwnNote]) -> bool:
        """Make the reader's own notes (`index.marks.userdata`) searchable as they are now: added,
        edited and deleted ones. Nothing to do takes no time; a locked, read-only or unwritable
        index is left as it is (the notes are indexed the next time it can be written). True
        when it indexed them: a search made before (on the searcher it replaced) may be stale."""
        wanted = {n.note_id: n for n in notes if library.info(n.episode) is not None}
        edited = {note_id: note.updated for note_id, note in wanted.items()}
        if edited == self.stamp.own or self.read_only:
            return False
        with self._sync_lock:  # one sync at a time in this process
            if not self._is_current():  # its folder deleted, or rebuilt elsewhere since
                self._reopen(library)
                if edited == self.stamp.own or self.read_only:
                    return False
            try:  # another process may be writing: wait for it a little
                writer = self._ix.writer(timeout=SYNC_LOCK_WAIT_S, **WRITER_OPTIONS)
            except (LockError, OSError):
                return False
            # What is indexed now, as whoever wrote last recorded it (perhaps another earmark).
            current = read_stamp(self.folder)
            if current is None or current.directory != self.stamp.directory:
                writer.cancel()  # rebuilt elsewhere since: this index is no longer the one
                return False
            stale = {i for i, when in current.own.items() if edited.get(i) != when}
            fresh = [note for i, note in wanted.items() if current.own.get(i) != note.updated]
            try:
                # Deleted by id before being added: a note is never in the index twice.
                for note_id in stale | {note.note_id for note in fresh}:
                    writer.delete_by_term("id", note_id)
                for note in fresh:
                    episode = library.episode(note.episode)
                    writer.add_document(**note_document(episode, note.as_note(episode)))
                writer.commit(mergetype=merge_small_segments)
            except OSError:
                writer.cancel()
                return False
            except BaseException:
                writer.cancel()
                raise
            self.stamp = replace(current, own=edited)
            with contextlib.suppress(OSError):  # unrecorded, the notes are indexed again later
                write_stamp(self.folder, self.stamp)
            with self._lock:
                # A new searcher, not refresh(): refresh reuses the readers of segments it has
                # seen, which then miss the deletions made in them since.
                self._searcher.close()
                self._searcher = open_searcher(self._ix)
                self._postings.clear()  # it held the old searcher's segments
        return True

    def _is_current(self) -> bool:
        """Whether this is still the library's index: its folder there, the stamp naming it."""
        current = read_stamp(self.folder)
        return (
            current is not None
            and current.directory == self.stamp.directory
            and (self.folder / self.stamp.directory).is_dir()
        )

    def _reopen(self, library: Library) -> None:
        """Search the library's current index from now on, built anew if it is gone; left as
        it is when that cannot be done (read-only, unwritable: the next start tries again)."""
        try:
            current = SearchIndex.open(library)
        except EarmarkError:
            return
        with self._lock:
            self._searcher.close()
            self._postings.clear()
            self.stamp, self.read_only = current.stamp, current.read_only
            self._ix, self._searcher = current._ix, current._searcher

    def close(self) -> None:
        with self._lock:
            self._postings.clear()
            self._searcher.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _hit(fields: dict[str, Any], score: float, text: str, highlights: tuple) -> Hit:
    return Hit(
        id=fields["id"],
        kind=fields["kind"],
        episode=fields["episode"],
        chapter=fields.get("chapter_index"),
        start=fields.get("start"),
        speaker=fields.get("speaker"),
        source=fields.get("source", ""),
        score=round(score, 4),
        snippet=text,
        highlights=highlights,
        chapter_title=fields.get("chapter"),
    )
