"""Search as you type: an input and the best hits, refreshed a moment after each keystroke.

Queries run in a thread worker (one at a time: a new keystroke cancels the previous one), and a
result that arrives for a query the user has since changed is dropped. ↑/↓ choose, Enter jumps,
Esc closes and leaves the terms lit in the transcript. The input and the results are made when the
panel first opens: hidden until then, they would only add to the work before the first paint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from index.text import visible
from index.timecode import format_time

if TYPE_CHECKING:
    from index.search import Hit, SearchIndex

DEBOUNCE_SECONDS = 0.05
# How long a search cut short at the keystroke limit may take when it runs again.
UNHURRIED_SECONDS = 2.0
RESULT_LIMIT = 50
PLACEHOLDER = 'Search everything: words, "phrases", speaker:ilya, kind:comment'
KIND_LABELS = {"turn": "said", "chapter": "chapter", "summary": "summary", "comment": "comment"}
# Turns a hit's (episode id, chapter index) into the chapter's title.
ChapterTitle = Callable[[str, int | None], str]


class SearchPanel(Vertical):
    DEFAULT_CSS = """
    SearchPanel {
        dock: top;
        height: auto;
        max-height: 60%;
        background: $panel;
        border-bottom: solid $accent;
        display: none;
    }
    SearchPanel.open {
        display: block;
    }
    SearchPanel Input {
        border: tall $accent;
    }
    SearchPanel OptionList {
        height: auto;
        max-height: 20;
        border: none;
        background: $panel;
    }
    SearchPanel #search-status {
        color: $text-muted;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next result", id="search.next_result"),
        Binding("up", "move(-1)", "Previous result", id="search.previous_result"),
        # A priority binding, so that Enter in the input chooses a result rather than submitting.
        Binding("enter", "choose", "Go to the chosen result", id="search.choose", priority=True),
        Binding("escape", "close", "Close search, keep terms lit", id="search.close"),
    ]

    class HitChosen(Message):
        def __init__(self, hit: Hit, query: str) -> None:
            self.hit = hit
            self.query = query
            super().__init__()

    class Closed(Message):
        def __init__(self, query: str) -> None:
            self.query = query
            super().__init__()

    def __init__(self, chapter_title: ChapterTitle, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._chapter_title = chapter_title
        self._index: SearchIndex | None = None
        self._hits: list[Hit] = []
        self._hits_query = ""  # the query ``_hits`` answer
        self._timer: Timer | None = None
        self._status = "Opening the search index…"

    @property
    def query_text(self) -> str:
        """What is typed; nothing before the panel first opens."""
        return self.query_one(Input).value if self.children else ""

    async def open(self) -> None:
        if not self.children:
            await self.mount_all(
                [
                    Input(placeholder=PLACEHOLDER),
                    Static(Text(self._status), id="search-status"),
                    OptionList(id="search-results", markup=False),
                ]
            )
        self.add_class("open")
        search_input = self.query_one(Input)
        search_input.focus()
        if search_input.value:
            search_input.select_all()

    def index_ready(self, index: SearchIndex) -> None:
        self._index = index
        self._set_status(index.notice or "")
        if self.query_text.strip():
            self._search(self.query_text)

    def index_failed(self, reason: str) -> None:
        self._set_status(f"Search is unavailable: {reason}")

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -step
            results.highlighted = max(0, min(current + step, results.option_count - 1))

    def action_close(self) -> None:
        self.remove_class("open")
        self.post_message(self.Closed(self.query_text))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(event.value))

    def action_choose(self) -> None:
        query = self.query_text
        if self._index is not None and self._hits_query != query and query.strip():
            # Enter pressed before the answer to what was typed arrived: it cannot wait.
            self._show(query, self._index.search(query, limit=RESULT_LIMIT))
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.highlighted < len(self._hits):
            self._choose(self._hits[results.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._hits):
            self._choose(self._hits[event.option_index])

    def _choose(self, hit: Hit) -> None:
        self.remove_class("open")
        self.post_message(self.HitChosen(hit, self.query_text))

    def _search(self, query: str) -> None:
        if self._index is None:
            return
        if not query.strip():
            self._show(query, [])
            return
        self._run_query(self._index, query)

    @work(thread=True, exclusive=True, group="search")
    def _run_query(self, index: SearchIndex, query: str) -> None:
        worker = get_current_worker()
        # A keystroke's search stops at its time limit with the best hits found so far; when it
        # was cut short, the same query runs again unhurried, unless a newer keystroke came.
        for unhurried in ({}, {"time_limit": UNHURRIED_SECONDS}):
            try:
                hits = index.search(query, limit=RESULT_LIMIT, **unhurried)
            except Exception as error:  # e.g. index files removed by another earmark's rebuild
                self.app.call_from_thread(self._set_status, f"Search failed: {error}")
                return
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._show, query, hits)
            if not index.timed_out:
                return

    def _show(self, query: str, hits: list[Hit]) -> None:
        if query != self.query_text:  # the user typed on: this answer is stale
            return
        self._hits, self._hits_query = hits, query
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(Option(self._hit_text(hit)) for hit in hits)
        if hits:
            results.highlighted = 0
        count = f"{len(hits)}{'+' if len(hits) == RESULT_LIMIT else ''} results"
        self._set_status(
            count if query.strip() and hits else ("No results" if query.strip() else "")
        )

    def _hit_text(self, hit: Hit) -> Text:
        where = [KIND_LABELS.get(hit.kind, hit.kind), self._chapter_title(hit.episode, hit.chapter)]
        if hit.start is not None:
            where.append(format_time(hit.start))
        if who := hit.speaker or hit.source:
            where.append(who)
        text = Text(" · ".join(part for part in where if part), style="dim")
        text.append("\n")
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize("bold black on #ffd75f", start, end)
        text.append_text(snippet)
        return text

    def _set_status(self, message: str) -> None:
        self._status = visible(message)  # error text may quote a path: shown, not sent
        if self.children:
            self.query_one("#search-status", Static).update(Text(self._status))
