"""Full-text search over a library: one Whoosh index per library, kept up to date, searched as
a person types.

The API (what the app, the CLI and the checks use)::

    index = SearchIndex.open(library)          # opens, builds or updates the index as needed
    hits = index.search('speaker:ilya "age of research"', limit=20)   # list[Hit], best first
    index.notice                               # one line to show, or None
    index.close()

A `Hit` is a turn, a chapter title, a summary point or a comment: ``id`` (the model's id; a
chapter's is ``"{episode}/c/{index}"``), ``kind``, ``episode``, ``chapter`` (its index, like
`Turn.chapter`; a note's is that of its strongest link, or None), ``start`` (seconds),
``speaker`` (a comment's author), ``source``, ``score``, ``snippet`` (one line), ``highlights``,
the ``(start, end)`` offsets of the matched words in the snippet, and ``chapter_title``.
`index.query` describes what may be typed; nothing typed raises.

Where the index lives: ``cache_dir()/search/<hash of the library's path>/``, holding
``stamp.json`` (whoosh and schema versions, the current index folder, each episode's source
fingerprint) and that folder. Opening compares the fingerprints with the library's and re-indexes
only the episodes that changed (deleting those that are gone). An index that is missing, from
another Whoosh or schema version, or unreadable is rebuilt in a new folder, and the stamp is
switched to it by an atomic rename: a half-written index is never the current one. When another
process holds the index's write lock, the index is searched as it is, read-only, with a notice.

Every search is bounded: expansions (`index.query`) and time (``time_limit``, by default one
keystroke's worth: the best hits found by then are returned and ``timed_out`` is set, so a caller
can search again, unhurried, when the typing pauses). One searcher is kept open across searches.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.query import Query
from whoosh.searching import Searcher

from index.errors import EarmarkError
from index.library import Library
from index.paths import cache_dir
from index.query import Marks, compile_query
from index.ranking import SaturatedFrequency
from index.search_schema import SCHEMA_VERSION, documents, note_document, schema
from index.snippets import snippet
from index.topk import OutOfTime, PostingsCache, Ranked, top_documents
from index.userdata import OwnNote

# A keystroke's search stops here with the best hits found so far: one look at the index per
# keystroke must not hold up the next. A caller that can wait (the CLI) passes more.
KEYSTROKE_TIME_LIMIT = 0.04
STAMP_FORMAT = "earmark-search-index"
STAMP_FILE = "stamp.json"
INDEX_PREFIX = "index-"
# A big first build runs in two processes, one index segment each.
PARALLEL_FROM_EPISODES = 50
WRITER_MEMORY_MB = 256
# How long saving one of the reader's notes waits for another process's write lock.
SYNC_LOCK_WAIT_S = 5.0

_INDEX_NAME = re.compile(re.escape(INDEX_PREFIX) + "[0-9a-f]+")

Progress = Callable[[int, int], None]


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


@dataclass(frozen=True, slots=True)
class Stamp:
    """What ``stamp.json`` says: which folder is the index, and what it was built from."""

    directory: str
    episodes: dict[str, str]  # episode id → fingerprint of its sources when indexed
    own: dict[str, str] = field(default_factory=dict)  # the reader's note id → when edited

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": STAMP_FORMAT,
                "whoosh": whoosh.versionstring(),
                "schema": SCHEMA_VERSION,
                "directory": self.directory,
                "episodes": self.episodes,
                "own": self.own,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Stamp | None:
        """The stamp, or None when it is not one this earmark wrote and can use."""
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not (
            isinstance(data, dict)
            and data.get("format") == STAMP_FORMAT
            and data.get("whoosh") == whoosh.versionstring()
            and data.get("schema") == SCHEMA_VERSION
            and isinstance(data.get("directory"), str)
            and _INDEX_NAME.fullmatch(data["directory"])
            and isinstance(data.get("episodes"), dict)
        ):
            return None
        own = data.get("own", {})
        return cls(data["directory"], data["episodes"], own if isinstance(own, dict) else {})


class SearchIndex:
    def __init__(
        self,
        folder: Path,
        stamp: Stamp,
        ix: whoosh_index.Index,
        searcher: Searcher,
        *,
        read_only: bool = False,
        notice: str | None = None,
        indexed: tuple[str, ...] = (),
    ) -> None:
        self.folder = folder
        self.stamp = stamp
        self.read_only = read_only
        self.notice = notice
        self.indexed = indexed  # the episodes (re)indexed when it opened
        self.timed_out = False  # whether the last search ran out of time
        self._ix = ix
        self._searcher = searcher
        self._postings = PostingsCache()  # of this searcher's segments
        self._sync_lock = threading.Lock()
        # A Whoosh searcher is not meant for two threads at once (the app searches in a worker
        # and lights terms in its own thread); a search holds it for a few milliseconds.
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, library: Library, *, rebuild: bool = False, progress: Progress | None = None
    ) -> SearchIndex:
        """The library's index, built or brought up to date first when it must be."""
        folder = index_folder(library)
        try:
            return cls._open(library, folder, rebuild, progress)
        except OSError as error:
            raise EarmarkError(f"{folder}: cannot write the search index: {error}") from None

    @classmethod
    def _open(
        cls, library: Library, folder: Path, rebuild: bool, progress: Progress | None
    ) -> SearchIndex:
        stamp = None if rebuild else _read_stamp(folder)
        if stamp is None:
            reason = "rebuilt on request" if rebuild else None
            return _build(library, folder, progress, reason)
        with warnings.catch_warnings():
            # Whoosh leaves the files of an index it fails to open unclosed; they are about
            # to be deleted, and the warning would only say so.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(folder / stamp.directory))
                searcher = _searcher(ix)
            except Exception:  # truncated, garbled or missing files: whatever Whoosh raises
                ix = None
            if ix is None:
                gc.collect()  # some of them are held in reference cycles
        if ix is None:
            return _build(library, folder, progress, "rebuilt: the index was damaged")
        return _Updater(library, folder, stamp, ix, searcher, progress).run()

    @property
    def document_count(self) -> int:
        return self._searcher.doc_count()

    @property
    def episode_count(self) -> int:
        return len(self.stamp.episodes)

    def search(
        self, query: str, limit: int = 20, *, time_limit: float = KEYSTROKE_TIME_LIMIT
    ) -> list[Hit]:
        """The best ``limit`` hits for ``query`` as typed so far, best first; when the search
        runs out of ``time_limit`` (seconds), the best of what it found, and ``timed_out``."""
        with self._lock:
            compiled = compile_query(query, self._searcher.reader())
            if compiled.query is None or limit <= 0:
                return []
            self.timed_out = False
            ranked = self._rank(compiled.query, limit, time_limit)
            stored_fields = self._searcher.stored_fields
            results = [(stored_fields(docnum), score) for score, docnum in ranked]
        hits = []
        for fields, score in results:
            text, highlights = snippet(fields["body"], compiled.marks)
            hits.append(_hit(fields, score, text, highlights))
        return hits

    def _rank(self, query: Query, limit: int, time_limit: float) -> Ranked:
        """The best (score, document number) pairs, best first; `topk` ranks the queries it
        can, faster, and Whoosh the others."""
        try:
            deadline = time.perf_counter() + time_limit
            ranked = top_documents(self._searcher, query, limit, deadline, self._postings)
        except OutOfTime as stopped:
            self.timed_out = True
            return stopped.ranked
        if ranked is not None:
            return ranked
        collector = TimeLimitCollector(
            self._searcher.collector(limit=limit), timelimit=time_limit, use_alarm=False
        )
        try:
            self._searcher.search_with_collector(query, collector)
        except TimeLimit:  # the collector holds the best hits found until then
            self.timed_out = True
        return [(r.score or 0.0, r.docnum) for r in collector.results()]

    def marks(self, query: str) -> Marks:
        """The words ``query`` lights, to find them in any text (`snippets.lit_spans`)."""
        with self._lock:
            return compile_query(query, self._searcher.reader()).marks

    def sync_own_notes(self, library: Library, notes: Iterable[OwnNote]) -> None:
        """Make the reader's own notes (`index.userdata`) searchable as they are now: added,
        edited and deleted ones. Nothing to do takes no time; a locked, read-only or unwritable
        index is left as it is (the notes are indexed the next time it can be written)."""
        wanted = {n.note_id: n for n in notes if library.info(n.episode) is not None}
        edited = {note_id: note.updated for note_id, note in wanted.items()}
        if edited == self.stamp.own or self.read_only:
            return
        with self._sync_lock:  # one sync at a time in this process
            try:  # another process may be writing: wait for it a little
                writer = self._ix.writer(timeout=SYNC_LOCK_WAIT_S)
            except (LockError, OSError):
                return
            # What is indexed now, as whoever wrote last recorded it (perhaps another earmark).
            current = _read_stamp(self.folder)
            if current is None or current.directory != self.stamp.directory:
                writer.cancel()  # rebuilt elsewhere since: this index is no longer the one
                return
            stale = {i for i, when in current.own.items() if edited.get(i) != when}
            fresh = [note for i, note in wanted.items() if current.own.get(i) != note.updated]
            try:
                # Deleted by id before being added: a note is never in the index twice.
                for note_id in stale | {note.note_id for note in fresh}:
                    writer.delete_by_term("id", note_id)
                for note in fresh:
                    episode = library.episode(note.episode)
                    writer.add_document(**note_document(episode, note.as_note(episode)))
                writer.commit()
            except OSError:
                writer.cancel()
                return
            except BaseException:
                writer.cancel()
                raise
            self.stamp = replace(current, own=edited)
            with contextlib.suppress(OSError):  # unrecorded, the notes are indexed again later
                _write_stamp(self.folder, self.stamp)
            with self._lock:
                # A new searcher, not refresh(): refresh reuses the readers of segments it has
                # seen, which then miss the deletions made in them since.
                self._searcher.close()
                self._searcher = _searcher(self._ix)
                self._postings.clear()  # it held the old searcher's segments

    def close(self) -> None:
        with self._lock:
            self._postings.clear()
            self._searcher.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def index_folder(library: Library) -> Path:
    key = hashlib.sha256(str(library.root.resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "search" / key


def _episode_of(own_note_id: str) -> str:
    return own_note_id.split("/own/", 1)[0]


def _searcher(ix: whoosh_index.Index) -> Searcher:
    return ix.searcher(weighting=SaturatedFrequency())


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


class _Updater:
    """Brings an opened index up to date with the library: re-indexes the episodes whose
    fingerprint changed, deletes the ones that are gone."""

    def __init__(
        self,
        library: Library,
        folder: Path,
        stamp: Stamp,
        ix: whoosh_index.Index,
        searcher: Searcher,
        progress: Progress | None,
    ) -> None:
        self.library, self.folder, self.stamp = library, folder, stamp
        self.ix, self.searcher, self.progress = ix, searcher, progress

    def run(self) -> SearchIndex:
        current = {info.id: info.fingerprint for info in self.library.infos}
        changed = [eid for eid, print_ in current.items() if self.stamp.episodes.get(eid) != print_]
        gone = [eid for eid in self.stamp.episodes if eid not in current]
        if not changed and not gone:
            return SearchIndex(self.folder, self.stamp, self.ix, self.searcher)
        try:
            writer = self.ix.writer(limitmb=WRITER_MEMORY_MB)
        except LockError:
            notice = "another earmark is updating the search index: searching it as it was"
            return SearchIndex(
                self.folder, self.stamp, self.ix, self.searcher, read_only=True, notice=notice
            )
        for episode_id in changed + gone:
            writer.delete_by_term("episode", episode_id)
        _write(writer, self.library, changed, self.progress)
        # Re-indexing an episode deleted the reader's notes on it too: they are added again.
        own = {
            i: edited
            for i, edited in self.stamp.own.items()
            if (episode := _episode_of(i)) in current and episode not in changed
        }
        stamp = Stamp(self.stamp.directory, current, own)
        _write_stamp(self.folder, stamp)
        self.searcher.close()
        return SearchIndex(self.folder, stamp, self.ix, _searcher(self.ix), indexed=tuple(changed))


def _build(
    library: Library, folder: Path, progress: Progress | None, notice: str | None
) -> SearchIndex:
    """A whole new index in a new folder, made current by switching the stamp to it."""
    folder.mkdir(parents=True, exist_ok=True)
    directory = INDEX_PREFIX + secrets.token_hex(6)
    (folder / directory).mkdir()
    ix = whoosh_index.create_in(str(folder / directory), schema())
    episode_ids = [info.id for info in library.infos]
    parallel = len(episode_ids) >= PARALLEL_FROM_EPISODES and (os.cpu_count() or 1) > 1
    options = {"procs": 2, "multisegment": True} if parallel else {}
    writer = ix.writer(limitmb=WRITER_MEMORY_MB, **options)
    _write(writer, library, episode_ids, progress)
    stamp = Stamp(directory, {info.id: info.fingerprint for info in library.infos})
    _write_stamp(folder, stamp)
    _remove_stale_folders(folder, keep=directory)
    return SearchIndex(folder, stamp, ix, _searcher(ix), notice=notice, indexed=tuple(episode_ids))


def _write(
    writer: Any, library: Library, episode_ids: list[str], progress: Progress | None
) -> None:
    """Add the episodes and commit; whatever stops it (a progress callback may) leaves the
    index as it was and its lock released."""
    try:
        _add_episodes(writer, library, episode_ids, progress)
    except BaseException:
        _cancel(writer)
        raise
    writer.commit()


def _cancel(writer: Any) -> None:
    """Cancel a writer. Whoosh's parallel writer only marks its worker processes as cancelled
    in this process; they would work on, on files it deletes, print tracebacks and wait for
    work for ever: they are stopped first."""
    for task in getattr(writer, "tasks", ()):
        task.terminate()
        task.join()
    writer.cancel()


def _add_episodes(
    writer: Any, library: Library, episode_ids: Iterable[str], progress: Progress | None
) -> None:
    episode_ids = list(episode_ids)
    for done, episode_id in enumerate(episode_ids, 1):
        for document in documents(library.episode(episode_id)):
            writer.add_document(**document)
        if progress:
            progress(done, len(episode_ids))


def _read_stamp(folder: Path) -> Stamp | None:
    try:
        return Stamp.from_json((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _write_stamp(folder: Path, stamp: Stamp) -> None:
    with tempfile.NamedTemporaryFile(
        "w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8"
    ) as file:
        file.write(stamp.to_json())
    os.replace(file.name, folder / STAMP_FILE)


def _remove_stale_folders(folder: Path, keep: str) -> None:
    """Older index folders and abandoned builds; a folder whose write lock is held (a build in
    progress in another process) stays."""
    for path in folder.glob(INDEX_PREFIX + "*"):
        if path.name == keep or not path.is_dir():
            continue
        lock = FileStorage(str(path)).lock("MAIN_WRITELOCK")
        if lock.acquire(blocking=False):
            lock.release()
            shutil.rmtree(path, ignore_errors=True)
