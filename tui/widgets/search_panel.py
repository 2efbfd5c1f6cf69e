"""Search as you type: an input and the best hits, refreshed a moment after each keystroke.

Queries run in a thread worker (one at a time: a new keystroke cancels the previous one), and a
result that arrives for a query the user has since changed is dropped. ↑/↓ choose, Enter jumps,
Esc closes and leaves the terms lit in the transcript. The input and the results are made when the
panel first opens: hidden until then, they would only add to the work before the first paint.

The UI thread never searches and never waits for the index, whatever is typed or pasted: Enter
pressed before the answer to what was typed has arrived chooses from that answer when it comes,
and the words to light (`TermsFound`) come with the answer to what was typed when the panel
closed.
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
from index.words import counted

if TYPE_CHECKING:
    from index.search import Hit, Marks, Results, SearchIndex

DEBOUNCE_SECONDS = 0.05
# How long a search cut short at the keystroke limit may take when it runs again.
UNHURRIED_SECONDS = 2.0
RESULT_LIMIT = 50
PLACEHOLDER = 'Search everything: words, "phrases", speaker:ilya, kind:comment'
KIND_LABELS = {"turn": "said", "chapter": "chapter", "summary": "summary", "comment": "comment"}
# Turns a hit's (episode id, chapter index) into the chapter's title.
ChapterTitle = Callable[[str, int | None], str]


class SearchPanel(Vertical):
    OPENING = "Opening the search index…"  # what it says until the index is ready
    COMPONENT_CLASSES: ClassVar[set[str]] = {"search-panel--lit"}
    DEFAULT_CSS = """
    SearchPanel > .search-panel--lit {
        background: $warning;
        color: $text;
        text-style: bold;
    }
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
        def __init__(self, hit: Hit, query: str, marks: Marks | None) -> None:
            self.hit = hit
            self.query = query
            self.marks = marks  # the words its search lights
            super().__init__()

    class Closed(Message):
        pass

    class TermsFound(Message):
        """The words to light for what was typed when the panel closed (None: nothing)."""

        def __init__(self, query: str, marks: Marks | None) -> None:
            self.query = query
            self.marks = marks
            super().__init__()

    def __init__(self, chapter_title: ChapterTitle, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._chapter_title = chapter_title
        self._index: SearchIndex | None = None
        self._answer: Results | None = None  # None: nothing was searched
        self._answer_query = ""  # the query ``_answer`` answers
        self._choose_on_answer = False  # Enter came before the answer
        self._timer: Timer | None = None
        self._status = self.OPENING

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

    def index_waiting(self, reason: str) -> None:
        """Say why there is no index to search yet (the library is still being read)."""
        if self._index is None:
            self._set_status(reason)

    def index_failed(self, reason: str) -> None:
        self._set_status(f"Search is unavailable: {reason}")

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -step
            results.highlighted = max(0, min(current + step, results.option_count - 1))

    @property
    def _hits(self) -> tuple[Hit, ...]:
        return self._answer.hits if self._answer is not None else ()

    def action_close(self) -> None:
        self._choose_on_answer = False
        self.remove_class("open")
        self.post_message(self.Closed())
        if self._answer_query == self.query_text:
            self._post_terms()
        # Otherwise the answer is on its way: its terms are lit when it comes (`_show`).

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._choose_on_answer = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self._search(event.value))

    def action_choose(self) -> None:
        query = self.query_text
        if self._answer_query != query and query.strip():
            # Enter pressed before the answer to what was typed: chosen when it comes.
            self._choose_on_answer = True
            if self._timer is not None:
                self._timer.stop()
            self._search(query)
            return
        self._choose_highlighted()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._hits):
            self._choose(self._hits[event.option_index])

    def _choose_highlighted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and results.highlighted < len(self._hits):
            self._choose(self._hits[results.highlighted])

    def _choose(self, hit: Hit) -> None:
        self.remove_class("open")
        self.post_message(self.HitChosen(hit, self.query_text, self._marks()))

    def _post_terms(self) -> None:
        self.post_message(self.TermsFound(self._answer_query, self._marks()))

    def _marks(self) -> Marks | None:
        return self._answer.marks if self._answer is not None else None

    def _search(self, query: str) -> None:
        if not query.strip():
            self._show(query, None)
            return
        if self._index is not None:
            self._run_query(self._index, query)

    @work(thread=True, exclusive=True, group="search")
    def _run_query(self, index: SearchIndex, query: str) -> None:
        worker = get_current_worker()
        # A keystroke's search stops at its time limit with the best hits found so far; when it
        # was cut short, the same query runs again unhurried, unless a newer keystroke came.
        for unhurried in ({}, {"time_limit": UNHURRIED_SECONDS}):
            try:
                answer = index.search(query, limit=RESULT_LIMIT, **unhurried)
            except Exception as error:  # e.g. index files removed by another earmark's rebuild
                self.app.call_from_thread(self._set_status, f"Search failed: {error}")
                return
            if worker.is_cancelled:
                return
            self.app.call_from_thread(self._show, query, answer)
            if not answer.timed_out:
                return

    def _show(self, query: str, answer: Results | None) -> None:
        """Show the answer to ``query`` (None: nothing to search), unless it is stale."""
        if query != self.query_text:  # the user typed on
            return
        self._answer, self._answer_query = answer, query
        hits = self._hits
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options(Option(self._hit_text(hit)) for hit in hits)
        if hits:
            results.highlighted = 0
        if answer is None:
            self._set_status("")
        else:
            count = counted(len(hits), "result")
            if len(hits) == RESULT_LIMIT:  # the panel shows the best; there may be more
                count = count.replace(" ", "+ ", 1)
            self._set_status(" · ".join([count if hits else "No results", *answer.notes]))
        if not self.has_class("open"):
            self._post_terms()
        elif self._choose_on_answer:
            self._choose_on_answer = False
            self._choose_highlighted()

    def _hit_text(self, hit: Hit) -> Text:
        where = [KIND_LABELS.get(hit.kind, hit.kind), self._chapter_title(hit.episode, hit.chapter)]
        if hit.start is not None:
            where.append(format_time(hit.start))
        if hit.who:
            where.append(hit.who)
        text = Text(" · ".join(part for part in where if part), style="dim")
        text.append("\n")
        snippet = Text(hit.snippet)
        for start, end in hit.highlights:
            snippet.stylize(self.get_component_rich_style("search-panel--lit"), start, end)
        text.append_text(snippet)
        return text

    def _set_status(self, message: str) -> None:
        self._status = visible(message)  # error text may quote a path: shown, not sent
        if self.children:
            self.query_one("#search-status", Static).update(Text(self._status))
