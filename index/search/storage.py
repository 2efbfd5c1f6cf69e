"""The search index on disk: where it lives, its stamp, and building, updating and cleaning its
folders, safely when several earmarks work on it at once.

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
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import whoosh
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.util.filelock import FileLock

from index.files import write_whole
from index.library import Library
from index.model import ItemId
from index.mortal import die_with_parent
from index.paths import cache_dir
from index.search.schema import SCHEMA_VERSION, documents, schema
from index.search.segments import InPlaceCodec
from index.search.timed import TimedSearcher, open_searcher

STAMP_FORMAT = "earmark-search-index"
STAMP_FILE = "stamp.json"
INDEX_PREFIX = "index-"
SWITCH_LOCK = "switch.lock"  # in the library's index folder
BUILD_LOCK = "EARMARK_BUILDING"  # in an index folder, held while it is built
WRITE_LOCK = "MAIN_WRITELOCK"  # Whoosh's, held by a writer
# A big first build runs in two processes, one index segment each.
PARALLEL_FROM_EPISODES = 50
# A build commits its segments every this many episodes. Whoosh's sorting pool writes each
# posting to a temporary run file as a pickled tuple, ~57x the text, and deletes the runs only
# when the segment is committed: 10,000 episodes in one commit needed over 60 GB of disk.
BUILD_BATCH_EPISODES = 500
WRITER_MEMORY_MB = 256
# Every writer's: segments read in place (`index.search.segments`).
WRITER_OPTIONS: dict[str, Any] = {"limitmb": WRITER_MEMORY_MB, "codec": InPlaceCodec()}
# An update's segment takes in the small segments that earlier updates and notes left, once
# there are this many: each update leaves one, every search reads them all, and Whoosh's own
# policy never merged them beside the build's big segments.
SMALL_SEGMENT_DOCS = 5_000
SMALL_SEGMENTS_KEPT = 8

_INDEX_NAME = re.compile(re.escape(INDEX_PREFIX) + "[0-9a-f]+")

Progress = Callable[[int, int], None]


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


@dataclass(frozen=True, slots=True)
class Opened:
    """An index opened for searching: its library's index folder, what the stamp says, the
    Whoosh index and a searcher of it; ``read_only`` when another process was writing it,
    ``notice`` one line to show, ``indexed`` the episodes (re)indexed now."""

    folder: Path
    stamp: Stamp
    ix: whoosh_index.Index
    searcher: TimedSearcher
    read_only: bool = False
    notice: str | None = None
    indexed: tuple[str, ...] = ()


def open_index(library: Library, folder: Path, rebuild: bool, progress: Progress | None) -> Opened:
    """The library's index in ``folder``, built or brought up to date first when it must be."""
    if rebuild:
        return _build(library, folder, progress, "rebuilt on request")
    folder.mkdir(parents=True, exist_ok=True)
    with switching(folder):  # the folder the stamp names stays until it is open
        stamp = read_stamp(folder)
        opened = _open_folder(folder / stamp.directory) if stamp else None
        if opened is not None:
            _remove_stale_folders(folder)
    if stamp is None or opened is None:
        notice = None if stamp is None else "rebuilt: the index was damaged"
        return _build(library, folder, progress, notice)
    return _Updater(library, folder, stamp, *opened, progress).run()


def index_folder(library: Library) -> Path:
    key = hashlib.sha256(str(library.root.resolve()).encode()).hexdigest()[:32]
    return cache_dir() / "search" / key


def episode_of(own_note_id: str) -> str:
    parsed = ItemId.parse(own_note_id)
    return parsed.episode if parsed else ""


class _Updater:
    """Brings an opened index up to date with the library: re-indexes the episodes whose
    fingerprint changed, deletes the ones that are gone."""

    def __init__(
        self,
        library: Library,
        folder: Path,
        stamp: Stamp,
        ix: whoosh_index.Index,
        searcher: TimedSearcher,
        progress: Progress | None,
    ) -> None:
        self.library, self.folder, self.stamp = library, folder, stamp
        self.ix, self.searcher, self.progress = ix, searcher, progress

    def run(self) -> Opened:
        current = {info.id: info.fingerprint for info in self.library.infos}
        changed = [eid for eid, print_ in current.items() if self.stamp.episodes.get(eid) != print_]
        gone = [eid for eid in self.stamp.episodes if eid not in current]
        if not changed and not gone:
            return Opened(self.folder, self.stamp, self.ix, self.searcher)
        if len(changed) > BUILD_BATCH_EPISODES:  # a new version changes every fingerprint
            # Built anew: in batches and in two processes, where one update is one commit.
            self.searcher.close()
            return _build(self.library, self.folder, self.progress, None)
        try:
            writer = self.ix.writer(**WRITER_OPTIONS)
        except LockError:
            notice = "another earmark is updating the search index: searching it as it was"
            return Opened(
                self.folder, self.stamp, self.ix, self.searcher, read_only=True, notice=notice
            )
        # Closed before writing: the writer reads the index with a reader of its own (its
        # deletions must see the segments as they are now that it holds the lock), and two
        # readers at once were two copies of what they read.
        self.searcher.close()
        for episode_id in changed + gone:
            writer.delete_by_term("episode", episode_id)
        _write(writer, self.library, changed, self.progress)
        # Re-indexing an episode deleted the reader's notes on it too: they are added again.
        own = {
            i: edited
            for i, edited in self.stamp.own.items()
            if (episode := episode_of(i)) in current and episode not in changed
        }
        stamp = Stamp(self.stamp.directory, current, own)
        with switching(self.folder):
            recorded = read_stamp(self.folder)
            if recorded is None or recorded.directory == stamp.directory:  # else rebuilt since
                write_stamp(self.folder, stamp)
        return Opened(self.folder, stamp, self.ix, open_searcher(self.ix), indexed=tuple(changed))


def _build(library: Library, folder: Path, progress: Progress | None, notice: str | None) -> Opened:
    """A whole new index in a new folder, made current by switching the stamp to it; on any
    failure (a full disk, a cancel) the folder is removed."""
    folder.mkdir(parents=True, exist_ok=True)
    directory = INDEX_PREFIX + secrets.token_hex(6)
    path = folder / directory
    building = FileLock(str(path / BUILD_LOCK))
    with switching(folder):  # never seen by a clean-up without its build lock
        path.mkdir()
        building.acquire()
    current = False
    try:
        ix = whoosh_index.create_in(str(path), schema())
        episode_ids = [info.id for info in library.infos]
        for start in range(0, len(episode_ids), BUILD_BATCH_EPISODES):
            batch = episode_ids[start : start + BUILD_BATCH_EPISODES]
            counted = _counted_from(start, len(episode_ids), progress)
            _write(_writer(ix, len(batch)), library, batch, counted)
        searcher = open_searcher(ix)  # opened before anyone may remove the folder
        stamp = Stamp(directory, {info.id: info.fingerprint for info in library.infos})
        with switching(folder):
            try:
                write_stamp(folder, stamp)
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
    return Opened(folder, stamp, ix, searcher, notice=notice, indexed=tuple(episode_ids))


@contextlib.contextmanager
def switching(folder: Path) -> Iterator[None]:
    """Hold the library's switch lock: short, around what makes a folder current or stale."""
    lock = FileLock(str(folder / SWITCH_LOCK))
    lock.acquire(blocking=True)
    try:
        yield
    finally:
        lock.release()


def close_what_it_left_open(failure: BaseException) -> None:
    """Close the files a failed write left open, now: Whoosh leaves them open when every
    flush fails (a full disk), and only the failure's traceback still holds its writer. Its
    folder is removed already; its files take no room once closed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # they are closed on purpose
        failure.__traceback__ = None
        gc.collect()


def _open_folder(path: Path) -> tuple[whoosh_index.Index, TimedSearcher] | None:
    """The index in ``path`` and a searcher of it, or None when it cannot be opened."""
    with warnings.catch_warnings():
        # Whoosh leaves the files of an index it fails to open unclosed; they are about to be
        # deleted, and the warning would only say so.
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = whoosh_index.open_dir(str(path))
            return ix, open_searcher(ix)
        except Exception:  # truncated, garbled or missing files: whatever Whoosh raises
            gc.collect()  # some of them are held in reference cycles
            return None


def _writer(ix: whoosh_index.Index, episodes: int) -> Any:
    """A writer for a new index: a big one is written by two processes, one segment each."""
    if episodes >= PARALLEL_FROM_EPISODES and (os.cpu_count() or 1) > 1:
        return _MortalMpWriter(ix, procs=2, multisegment=True, **WRITER_OPTIONS)
    return ix.writer(**WRITER_OPTIONS)


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
        die_with_parent()
        super().run()


def _write(
    writer: Any, library: Library, episode_ids: list[str], progress: Progress | None
) -> None:
    """Add the episodes and commit; whatever stops it (a progress callback may, a full disk
    may) leaves the index as it was and its lock released."""
    try:
        _add_episodes(writer, library, episode_ids, progress)
        writer.commit(mergetype=merge_small_segments)
    except BaseException:
        _cancel(writer)
        raise


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's merge policy interface: the segments to keep as they are; the others are
    read into ``writer``'s new segment. The small ones go once there are
    ``SMALL_SEGMENTS_KEPT`` of them, and one whose documents are at least half deleted goes at
    once: an update deletes an episode's old documents where they are, and every search still
    reads them (a bundled library updated four times made long queries three times slower)."""
    small = [segment for segment in segments if segment.doc_count_all() < SMALL_SEGMENT_DOCS]
    merged = small if len(small) >= SMALL_SEGMENTS_KEPT else []
    merged += [
        segment
        for segment in segments
        if segment not in merged and segment.deleted_count() * 2 >= segment.doc_count_all()
    ]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [segment for segment in segments if segment not in merged]


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
    writer: Any, library: Library, episode_ids: list[str], progress: Progress | None
) -> None:
    for done, episode_id in enumerate(episode_ids, 1):
        for document in documents(library.episode(episode_id)):
            writer.add_document(**document)
        if progress:
            progress(done, len(episode_ids))


def _counted_from(start: int, total: int, progress: Progress | None) -> Progress | None:
    """``progress`` told of a batch's episodes as of the whole build's ``total``."""
    if progress is None:
        return None
    return lambda done, _batch: progress(start + done, total)


def read_stamp(folder: Path) -> Stamp | None:
    try:
        return Stamp.from_json((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def write_stamp(folder: Path, stamp: Stamp) -> None:
    """Replace the stamp at once; on a failure (a full disk) nothing of it stays behind."""
    write_whole(folder / STAMP_FILE, stamp.to_json().encode())


def _remove_stale_folders(folder: Path) -> None:
    """Index folders that are neither the one the stamp names nor locked: older indexes and
    abandoned builds. Called with the switch lock held; each folder's locks are held while it
    is removed, so no writer starts on it meanwhile."""
    current = read_stamp(folder)
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
