"""Worker processes that end with the process that started them.

A worker blocked on its job queue never sees its parent die (it holds a copy of the queue's
writing end itself): killed with ``kill -9``, earmark left its workers behind for good. The
parent's sentinel is a pipe only the parent holds open (multiprocessing's own, for fork and
spawn alike): it reads as closed the moment the parent is gone.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading


def die_with_parent() -> None:
    """In a worker process: exit as soon as its parent is gone."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        watcher = threading.Thread(target=_exit_when_closed, args=(parent.sentinel,))
        watcher.daemon = True
        watcher.start()


def _exit_when_closed(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
