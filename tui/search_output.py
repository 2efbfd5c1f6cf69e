"""What ``earmark search`` and ``earmark index`` print: a table of hits for people, JSON for
programs, a progress bar on stderr while an index is built.

Document text is untrusted: snippets, names and titles reach Rich only as `Text` objects, never
as markup, and the lit words are styled by offset.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from index.search import Hit
from index.timecode import format_time

LIT_STYLE = "bold reverse"
# Work that ends sooner than this gets no progress bar: it would only flicker.
PROGRESS_AFTER_SECONDS = 0.5


def print_json(hits: list[Hit]) -> None:
    document = json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2)
    sys.stdout.buffer.write(document.encode("utf-8") + b"\n")
    sys.stdout.flush()


def print_hits(hits: list[Hit], several_episodes: bool) -> None:
    console = Console(highlight=False)
    if not hits:
        console.print(Text("no hits"))
        return
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("kind")
    table.add_column("where", max_width=32)
    table.add_column("time", justify="right")
    table.add_column("who", max_width=20)
    table.add_column("snippet", ratio=1)
    for hit in hits:
        where = " › ".join(
            part for part in (hit.episode if several_episodes else None, hit.chapter_title) if part
        )
        table.add_row(
            Text(hit.kind),
            Text(where),
            Text(format_time(hit.start) if hit.start is not None else ""),
            Text(hit.speaker or hit.source),
            lit_snippet(hit),
        )
    console.print(table)


def lit_snippet(hit: Hit) -> Text:
    text = Text(hit.snippet)
    for start, end in hit.highlights:
        text.stylize(LIT_STYLE, start, end)
    return text


class IndexProgress:
    """A progress callback for `SearchIndex.open` that shows a bar on stderr only once the work
    has taken longer than a moment."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._progress: Progress | None = None
        self._task = None

    def update(self, done: int, total: int) -> None:
        if self._progress is None:
            if time.monotonic() - self._started < PROGRESS_AFTER_SECONDS or done >= total:
                return
            self._progress = Progress(
                TextColumn("indexing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("episodes"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("indexing", total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __enter__(self) -> IndexProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
