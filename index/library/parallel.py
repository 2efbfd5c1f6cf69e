"""Parsing a library's new episodes on every core, the cache written as they come.

Parsing and placing notes is pure Python: in one process it used one core of two. Past
`POOL_FROM_BYTES` of files, the episodes are parsed in worker processes, each writing the
episode it parsed to the cache and sending back only its `EpisodeRead` (its info: titles,
chapters, counts), so the process that asked holds no parsed episode and stays as small as it
was. Fewer bytes than that are parsed in this process: a worker costs an interpreter start and
the parsers' imports (~0.3 s each), more than a few episodes take to parse.

Workers are *spawned*, never forked: the reader asks from a thread, and a fork copies whatever
lock another thread holds at that moment. At most `IN_FLIGHT_PER_WORKER` episodes per worker are
asked for at once, so a stop takes effect after the episodes being parsed, and results come
back in library order. The reader reads a new library in two passes, the same way: every
episode parsed (`read_folders` with ``place=False``: its tree is then whole), then their notes
placed (`place_folders`), two thirds of the work.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import suppress
from functools import partial
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING, TypeVar

from index.library.cache import EpisodeCache
from index.mortal import die_with_parent

T = TypeVar("T")

if TYPE_CHECKING:
    from index.library.episodes import EpisodeRead, _Folder

    # Episode folders with their fingerprints; what is done to one in a worker.
    Folders = list[tuple[_Folder, str]]
    Job = Callable[[_Folder, str, EpisodeCache], T]
    Stop = Callable[[], bool]

# ~20 episodes of a podcast transcript with notes: 2-3 s of parsing on one core.
POOL_FROM_BYTES = 2_000_000
IN_FLIGHT_PER_WORKER = 2


def read_folders(
    folders: Folders, store: EpisodeCache, stop: Stop, place: bool = True
) -> Iterator[EpisodeRead]:
    """Each folder (with its fingerprint) parsed into ``store``, in order, its notes placed
    unless not ``place``; ``stop()`` true ends it after the episodes being parsed."""
    return _each(partial(_read, place=place), folders, store, stop)


def place_folders(folders: Folders, store: EpisodeCache, stop: Stop) -> Iterator[str]:
    """The notes of each folder's episode in ``store`` placed, in order (`read_folders` with
    ``place=False`` left them): each folder's key when done."""
    from index.library.episodes import place_cached

    return _each(place_cached, folders, store, stop)


def _each(job: Job[T], folders: Folders, store: EpisodeCache, stop: Stop) -> Iterator[T]:
    """``job`` done for each folder, in this process or on every core; its results in order."""
    workers = _workers(folders)
    if workers < 2:
        return _in_this_process(job, folders, store, stop)
    return _in_workers(job, folders, store, stop, workers)


def prepare(folders: Folders | None) -> None:
    """Start multiprocessing's resource tracker now if reading ``folders`` will need workers
    (None: the folders are not listed yet, and any reading may). Started with the first worker,
    it is handed this process's stderr, which must be a file then: under a Textual app it is
    not (the app captures it), and starting it failed."""
    if folders is None or _workers(folders) >= 2:
        resource_tracker.ensure_running()


def _workers(folders: Folders) -> int:
    """How many worker processes to parse ``folders`` in: below 2, none (this process)."""
    workers = min(os.cpu_count() or 1, len(folders))
    return workers if workers >= 2 and _size(folders) >= POOL_FROM_BYTES else 1


def _in_this_process(job: Job[T], folders: Folders, store: EpisodeCache, stop: Stop) -> Iterator[T]:
    for folder, episode_fingerprint in folders:
        if stop():
            return
        yield job(folder, episode_fingerprint, store)


def _in_workers(
    job: Job[T], folders: Folders, store: EpisodeCache, stop: Stop, workers: int
) -> Iterator[T]:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent)
    waiting: deque[Future[T]] = deque()
    to_do = iter(folders)
    try:
        while True:
            while not stop() and len(waiting) < workers * IN_FLIGHT_PER_WORKER:
                if (folder := next(to_do, None)) is None:
                    break
                waiting.append(pool.submit(job, *folder, store))
            if not waiting or stop():
                return
            yield waiting.popleft().result()
    finally:
        # What is being parsed finishes (its cache entry is written whole, or not at all).
        pool.shutdown(wait=True, cancel_futures=True)


def _read(
    folder: _Folder, episode_fingerprint: str, store: EpisodeCache, place: bool = True
) -> EpisodeRead:
    from index.library.episodes import read_folder

    read, _ = read_folder(folder, episode_fingerprint, store, place)
    return read


def _size(folders: Folders) -> int:
    size = 0
    for folder, _ in folders:
        for path in folder.files:
            with suppress(OSError):  # gone: its parse says so
                size += os.stat(path).st_size
    return size
