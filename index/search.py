"""Full-text search over a library: one Whoosh index per library, kept up to date, searched as
a person types.

The API (what the app, the CLI and the checks use)::

    index = SearchIndex.open(library)          # opens, builds or updates the index as needed
    found = index.search('speaker:ilya "age of research"', limit=20)  # Results
    found.hits                                 # Hits, best first
    found.marks                                # the words to light in any text
    found.timed_out, found.notes               # cut short by the time limit; what was left out
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

Several earmarks may open, update and rebuild one index at once. A short lock (``switch.lock``)
orders what they do to the folder: a build's folder is made and locked under it, and its lock
(``EARMARK_BUILDING``) is released only once the stamp names it; the stamp is read, switched
and the stale folders removed under it too. So a folder being built or just built is never
stale, and a folder is removed only when neither its build lock nor its write lock is held. A
build that fails (a full disk, a cancel) removes its own folder; the worker processes of a big
build end with the process that started them, so a `kill -9` leaves no lock held for ever.

Every search is bounded: the query's terms (`index.query`) and time (``time_limit``, by default
one keystroke's worth, compiling included: the best hits found by then are returned with
``timed_out`` set, so a caller can search again, unhurried, when the typing pauses). One
searcher is kept open across searches; a search returns the marks that light its words, so a
caller never needs the searcher for them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.collectors import TimeLimit
from whoosh.index import LockError
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.query import Query
from whoosh.searching import Searcher
from whoosh.util.filelock import FileLock

from index.errors import EarmarkError
from index.library import Library
from index.model import ItemId
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
SWITCH_LOCK = "switch.lock"  # in the library's index folder
BUILD_LOCK = "EARMARK_BUILDING"  # in an index folder, held while it is built
WRITE_LOCK = "MAIN_WRITELOCK"  # Whoosh's, held by a writer
# A big first build runs in two processes, one index segment each.
PARALLEL_FROM_EPISODES = 50
WRITER_MEMORY_MB = 256
# How long saving one of the reader's notes waits for another process's write lock.
SYNC_LOCK_WAIT_S = 5.0
# How many documents of a posting list are listed between two looks at the clock.
IDS_PER_CHECK = 256

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
    (`index.query`), one short sentence each."""

    hits: tuple[Hit, ...]
    marks: Marks
    timed_out: bool = False
    notes: tuple[str, ...] = ()


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
        searcher: _TimedSearcher,
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
        self._ix = ix
        self._searcher = searcher
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
            return cls._open(library, folder, rebuild, progress)
        except OSError as error:  # a full disk, a folder that cannot be written
            problem = f"{folder}: cannot write the search index: {error}"
            _close_what_it_left_open(error)
        raise EarmarkError(problem)

    @classmethod
    def _open(
        cls, library: Library, folder: Path, rebuild: bool, progress: Progress | None
    ) -> SearchIndex:
        if rebuild:
            return _build(library, folder, progress, "rebuilt on request")
        folder.mkdir(parents=True, exist_ok=True)
        with _switching(folder):  # the folder the stamp names stays until it is open
            stamp = _read_stamp(folder)
            opened = _open_index(folder / stamp.directory) if stamp else None
            if opened is not None:
                _remove_stale_folders(folder)
        if stamp is None or opened is None:
            notice = None if stamp is None else "rebuilt: the index was damaged"
            return _build(library, folder, progress, notice)
        return _Updater(library, folder, stamp, *opened, progress).run()

    @property
    def document_count(self) -> int:
        return self._searcher.doc_count()

    @property
    def episode_count(self) -> int:
        return len(self.stamp.episodes)

    def search(
        self, query: str, limit: int = 20, *, time_limit: float = KEYSTROKE_TIME_LIMIT
    ) -> Results:
        """The best ``limit`` hits for ``query`` as typed so far, best first, and the marks
        that light its words; when the search runs out of ``time_limit`` (seconds, from now:
        compiling, ranking), the best of what it found, ``timed_out``."""
        deadline = time.perf_counter() + time_limit
        with self._lock:
            compiled = compile_query(query, self._searcher.reader(), deadline)
            if compiled.query is None or limit <= 0:
                return Results((), compiled.marks, compiled.cut, compiled.notes)
            ranked, cut = self._rank(compiled.query, limit, deadline)
            stored_fields = self._searcher.stored_fields
            found = [(stored_fields(docnum), score) for score, docnum in ranked]
        hits = []
        for fields, score in found:
            text, highlights = snippet(fields["body"], compiled.marks)
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

    def sync_own_notes(self, library: Library, notes: Iterable[OwnNote]) -> None:
        """Make the reader's own notes (`index.userdata`) searchable as they are now: added,
        edited and deleted ones. Nothing to do takes no time; a locked, read-only or unwritable
        index is left as it is (the notes are indexed the next time it can be written)."""
        wanted = {n.note_id: n for n in notes if library.info(n.episode) is not None}
        edited = {note_id: note.updated for note_id, note in wanted.items()}
        if edited == self.stamp.own or self.read_only:
            return
        with self._sync_lock:  # one sync at a time in this process
            if not self._is_current():  # its folder deleted, or rebuilt elsewhere since
                self._reopen(library)
                if edited == self.stamp.own or self.read_only:
                    return
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

    def _is_current(self) -> bool:
        """Whether this is still the library's index: its folder there, the stamp naming it."""
        current = _read_stamp(self.folder)
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


def index_folder(library: Library) -> Path:
    key = hashlib.sha256(str(library.root.resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "search" / key


def _episode_of(own_note_id: str) -> str:
    parsed = ItemId.parse(own_note_id)
    return parsed.episode if parsed else ""


def _searcher(ix: whoosh_index.Index) -> _TimedSearcher:
    return _TimedSearcher(ix.reader(), weighting=SaturatedFrequency(), fromindex=ix)


class _TimedSearcher(Searcher):
    """A searcher whose posting lists raise `TimeLimit` once its ``deadline`` has passed.
    Whoosh's own time limit is looked at only when a hit is collected, and the matchers of
    a conjunction of many terms or of a phrase can walk posting lists for seconds before
    they find one (1.8 s for a pasted query at 1,000 episodes), or none."""

    deadline: float | None = None  # `time.perf_counter`; the segments' searchers ask this one

    def postings(self, fieldname: str, text: bytes, weighting: Any = None, qf: int = 1) -> Any:
        deadline = (self.parent() if self.parent else self).deadline
        if deadline is None:
            return super().postings(fieldname, text, weighting, qf)
        if time.perf_counter() > deadline:  # a query of many terms opens many posting lists
            raise TimeLimit
        return _TimedMatcher(super().postings(fieldname, text, weighting, qf), deadline)


class _TimedMatcher(WrappingMatcher):
    """A posting list that raises `TimeLimit` past ``deadline`` as it moves on."""

    def __init__(self, child: Matcher, deadline: float, boost: float = 1.0) -> None:
        super().__init__(child, boost)
        self.deadline = deadline

    def _replacement(self, newchild: Matcher) -> _TimedMatcher:
        return _TimedMatcher(newchild, self.deadline, self.boost)

    def copy(self) -> _TimedMatcher:
        return _TimedMatcher(self.child.copy(), self.deadline, self.boost)

    def _check(self) -> None:
        if time.perf_counter() > self.deadline:
            raise TimeLimit

    def next(self) -> Any:
        self._check()
        return self.child.next()

    def skip_to(self, id: int) -> Any:
        self._check()
        return self.child.skip_to(id)

    def skip_to_quality(self, minquality: float) -> Any:
        self._check()
        return self.child.skip_to_quality(minquality)

    def all_ids(self) -> Iterator[int]:
        for count, docnum in enumerate(self.child.all_ids()):
            if count % IDS_PER_CHECK == 0:
                self._check()
            yield docnum


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
        searcher: _TimedSearcher,
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
        with _switching(self.folder):
            recorded = _read_stamp(self.folder)
            if recorded is None or recorded.directory == stamp.directory:  # else rebuilt since
                _write_stamp(self.folder, stamp)
        self.searcher.close()
        return SearchIndex(self.folder, stamp, self.ix, _searcher(self.ix), indexed=tuple(changed))


def _build(
    library: Library, folder: Path, progress: Progress | None, notice: str | None
) -> SearchIndex:
    """A whole new index in a new folder, made current by switching the stamp to it; on any
    failure (a full disk, a cancel) the folder is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    directory = INDEX_PREFIX + secrets.token_hex(6)
    path = folder / directory
    building = FileLock(str(path / BUILD_LOCK))
    with _switching(folder):  # never seen by a clean-up without its build lock
        path.mkdir()
        building.acquire()
    current = False
    try:
        ix = whoosh_index.create_in(str(path), schema())
        episode_ids = [info.id for info in library.infos]
        _write(_writer(ix, len(episode_ids)), library, episode_ids, progress)
        searcher = _searcher(ix)  # opened before anyone may remove the folder
        stamp = Stamp(directory, {info.id: info.fingerprint for info in library.infos})
        with _switching(folder):
            try:
                _write_stamp(folder, stamp)
            except BaseException:
                searcher.close()
                raise
            current = True
            building.release()  # current now, so never stale
            _remove_stale_folders(folder)
    except BaseException:
        if not current:
            shutil.rmtree(path, ignore_errors=True)
        if building.fd is not None:
            building.release()
        raise
    return SearchIndex(folder, stamp, ix, searcher, notice=notice, indexed=tuple(episode_ids))


@contextlib.contextmanager
def _switching(folder: Path) -> Iterator[None]:
    """Hold the library's switch lock: short, around what makes a folder current or stale."""
    lock = FileLock(str(folder / SWITCH_LOCK))
    lock.acquire(blocking=True)
    try:
        yield
    finally:
        lock.release()


def _close_what_it_left_open(failure: BaseException) -> None:
    """Close the files a failed write left open, now: Whoosh leaves them open when every
    flush fails (a full disk), and only the failure's traceback still holds its writer. Its
    folder is removed already; its files take no room once closed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # they are closed on purpose
        failure.__traceback__ = None
        gc.collect()


def _open_index(path: Path) -> tuple[whoosh_index.Index, _TimedSearcher] | None:
    """The index in ``path`` and a searcher of it, or None when it cannot be opened."""
    with warnings.catch_warnings():
        # Whoosh leaves the files of an index it fails to open unclosed; they are about to be
        # deleted, and the warning would only say so.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = whoosh_index.open_dir(str(path))
            return ix, _searcher(ix)
        except Exception:  # truncated, garbled or missing files: whatever Whoosh raises
            gc.collect()  # some of them are held in reference cycles
            return None


def _writer(ix: whoosh_index.Index, episodes: int) -> Any:
    """A writer for a new index: a big one is written by two processes, one segment each."""
    if episodes >= PARALLEL_FROM_EPISODES and (os.cpu_count() or 1) > 1:
        return _MortalMpWriter(ix, procs=2, multisegment=True, limitmb=WRITER_MEMORY_MB)
    return ix.writer(limitmb=WRITER_MEMORY_MB)


class _MortalMpWriter(MpWriter):
    """Whoosh's parallel writer, whose worker processes end when this process ends. Forked,
    they would outlive a `kill -9` of it (waiting for work for ever, holding the locks they
    inherited), and a process is never told of its parent's death unless it watches."""

    def _new_task(self) -> SubWriterTask:
        task = _MortalTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task


class _MortalTask(SubWriterTask):
    def run(self) -> None:
        # The parent's sentinel is a pipe only the parent holds open (multiprocessing's own,
        # for fork and spawn alike): it reads as closed the moment the parent is gone.
        parent = multiprocessing.parent_process()
        if parent is not None:
            watcher = threading.Thread(target=_exit_when_closed, args=(parent.sentinel,))
            watcher.daemon = True
            watcher.start()
        super().run()


def _exit_when_closed(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _write(
    writer: Any, library: Library, episode_ids: list[str], progress: Progress | None
) -> None:
    """Add the episodes and commit; whatever stops it (a progress callback may, a full disk
    may) leaves the index as it was and its lock released."""
    try:
        _add_episodes(writer, library, episode_ids, progress)
        writer.commit()
    except BaseException:
        _cancel(writer)
        raise


def _cancel(writer: Any) -> None:
    """Cancel a writer, whatever state a failure left it in. Whoosh's parallel writer only
    marks its worker processes as cancelled in this process; they would work on, on files it
    deletes, print tracebacks and wait for work for ever: they are stopped first."""
    for task in getattr(writer, "tasks", ()):
        if isinstance(task, multiprocessing.Process):
            task.terminate()
            task.join()
    if not writer.is_closed:
        try:
            writer.cancel()
        except Exception:  # half-closed by the failure: at least its lock goes
            lock = getattr(writer, "writelock", None)
            if lock is not None and lock.fd is not None:
                lock.release()


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
    """Replace the stamp at once; on a failure (a full disk) nothing of it stays behind."""
    descriptor, name = tempfile.mkstemp(dir=folder, suffix=".tmp")
    try:
        with open(descriptor, "w", encoding="utf-8") as file:
            file.write(stamp.to_json())
        os.replace(name, folder / STAMP_FILE)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _remove_stale_folders(folder: Path) -> None:
    """Index folders that are neither the one the stamp names nor locked: older indexes and
    abandoned builds. Called with the switch lock held; each folder's locks are held while it
    is removed, so no writer starts on it meanwhile."""
    current = _read_stamp(folder)
    for path in folder.glob(INDEX_PREFIX + "*"):
        if (current and path.name == current.directory) or not path.is_dir():
            continue
        held = []
        try:
            for name in (BUILD_LOCK, WRITE_LOCK):
                lock = FileLock(str(path / name))
                if not _try_lock(lock):
                    break
                held.append(lock)
            else:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            for lock in held:
                lock.release()


def _try_lock(lock: FileLock) -> bool:
    """Take ``lock`` if no one holds it; False when someone does, or its folder just went
    (a failed build removes its own)."""
    try:
        return lock.acquire(blocking=False)
    except OSError:
        return False
