"""A progress bar on stderr for work that may be long (reading a big library the first time,
building its index), shown only once the work has taken longer than a moment, and only to a
terminal: in a pipe or a log it would be noise among the warnings."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any

# Work that ends sooner than this gets no progress bar: it would only flicker.
PROGRESS_AFTER_SECONDS = 0.5


class WorkProgress:
    """A ``progress(done, total)`` callback that draws ``label ━━━━ done/total episodes``."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._started = time.monotonic()
        self._bar: Any = None  # rich.progress.Progress, imported only when it is shown
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            soon = time.monotonic() - self._started < PROGRESS_AFTER_SECONDS
            if soon or done >= total or not sys.stderr.isatty():
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                # The label may be a feed's title: shown as text, never as markup or a format.
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("episodes"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __enter__(self) -> WorkProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
