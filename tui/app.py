"""The reader: chapter tree, transcript and side pane, with search as you type.

Data flows one way: the `Library` (files → model → links) is opened before the app starts; the
episodes the cache does not have yet (a new library) are read after the first paint, in a
worker, but the one shown first. What a person does to the episode being read is asked of a
`Reading` (`index.reading`: opening, moving, marks, matches), which answers from the model and
user data and raises `EarmarkError` when a change cannot be saved. The app keeps the widgets,
routes the panes' messages (`TurnChanged`, `ChapterChosen`, `NoteChosen`, `HitChosen`,
`TermsFound`), and turns errors into notifications. The search index is opened in a thread after
the first paint, so Whoosh is never on the start-up path, and the UI thread never searches it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Static
from textual.worker import Worker, get_current_worker

from index.errors import EarmarkError
from index.library import EpisodeRead, Library, Listing, list_folders
from index.marks import quote
from index.model import Episode, Note, Turn
from index.reading import EXCERPT_CHARS, Reading
from index.timecode import clock, format_time
from index.words import counted, shortened
from tui.commands import ChapterCommands, FeedCommands
from tui.config import Config, load_config
from tui.listening import BINDINGS as LISTENING_BINDINGS
from tui.listening import Listening
from tui.output import notify
from tui.pane_widths import SIDE, Pane, share, tree_size
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.footer import FittedFooter
from tui.widgets.library_progress import LibraryProgress
from tui.widgets.search_panel import SearchPanel
from tui.widgets.side_pane import SidePane
from tui.widgets.transcript import Transcript

# The screens (help, bookmarks, a note, go to time, confirm) are imported where they open, so
# that none of them is on the start-up path.
if TYPE_CHECKING:
    from index.feeds import FeedReport
    from index.marks import OwnNote
    from index.reading import BookmarkRow
    from index.search import Marks, Results, SearchIndex


# Actions the palette leaves out: moving between panes, and opening the palette itself.
NOT_IN_PALETTE = frozenset({"focus_next", "focus_previous", "command_palette"})
# Actions with no key of their own, offered in the palette only: (title, help, action).
PALETTE_ONLY: tuple[tuple[str, str, str], ...] = (
    ("Export Markdown", "This episode with your bookmarks and notes, to a file", "export_markdown"),
)


class IndexBuildCancelled(Exception):
    """The app is quitting while the search index is being built."""


STATUS_PADDING = 2
# The reading position is saved this long after the cursor stops moving (and when quitting).
POSITION_SAVE_DELAY = 0.5
# Finding every hit of the lit query in one episode, for n/N: not a keystroke's search.
MATCHES_TIME_LIMIT = 5.0
# While a new library is read: how often the progress line says how far it is, and how many of
# the problems found are notified one by one. The library and its tree take in what arrived as
# often up to LISTED_EVERY_FROM new episodes, less often in proportion past it: each time goes
# over the whole library, and at 10,000 episodes every quarter second the reader's own work
# held its parsing workers back by a third.
READ_SHOWN_EVERY = 0.25
LISTED_EVERY_FROM = 1_000
PROBLEMS_SHOWN = 3


class ReaderScreen(Screen[None]):
    """The reader's panes. The transcript has the focus from the start: by default the first pane
    that takes it (the tree) did, and was restyled twice (focused, then not) before the first
    paint. Below 40×10 it says it is too small (its breakpoints' classes, earmark.tcss); how
    the width is shared above that is `tui.pane_widths`'."""

    AUTO_FOCUS = "#transcript"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-too-narrow"), (40, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-too-short"), (10, "-tall")]


@dataclass(frozen=True, slots=True)
class PaneChoice:
    """Whether the person wants a pane shown, and when they last said so (a count of `s` and
    `T` presses; 0: the settings')."""

    shown: bool
    asked: int = 0


class EarmarkApp(App[None]):
    CSS_PATH = "earmark.tcss"
    TITLE = "earmark"
    COMMANDS = App.COMMANDS | {ChapterCommands, FeedCommands}

    # Each action's description is its name in the footer, help and the palette; its tooltip,
    # what it does in the palette's line below the name.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "search", "Search", id="app.search",
            tooltip='Words, "phrases", speaker:ilya, kind:comment, in the whole library',
        ),
        Binding(
            "n", "next_match", "Next match", id="app.next_match",
            tooltip="The next hit of the search in this episode",
        ),
        Binding(
            "N", "previous_match", "Previous match", id="app.previous_match", show=False,
            tooltip="The previous hit of the search in this episode",
        ),
        Binding("right_square_bracket", "next_chapter", "Next chapter", id="app.next_chapter"),
        Binding(
            "left_square_bracket", "previous_chapter", "Previous chapter",
            id="app.previous_chapter", tooltip="The start of this chapter, then the one before",
        ),
        Binding(
            "t", "go_to_time", "Go to time", id="app.go_to_time",
            tooltip="25:13, 1:02:03, 1h5m or a link with t=",
        ),
        Binding(
            "b", "toggle_bookmark", "Bookmark", id="app.bookmark",
            tooltip="Bookmark the turn you are on, or remove its bookmark",
        ),
        Binding(
            "B", "bookmarks", "List bookmarks", id="app.bookmarks", show=False,
            tooltip="Your bookmarks in every episode: go to one, or delete it",
        ),
        Binding(
            "c", "write_note", "Write a note", id="app.write_note",
            tooltip="A note of yours on the turn you are on",
        ),
        Binding(
            "y", "copy_quote", "Copy as quote", id="app.copy_quote", show=False,
            tooltip="The turn, with a citation that links to its moment",
        ),
        Binding(
            "s", "toggle_side_pane", "Side pane", id="app.toggle_side_pane",
            tooltip="Show or hide what was written about the passage",
        ),
        Binding(
            "T", "toggle_tree", "Chapter tree", id="app.toggle_tree", show=False,
            tooltip="Show or hide the episodes and their chapters",
        ),
        Binding("tab", "focus_next", "Next pane", id="app.focus_next", show=False),
        Binding(
            "shift+tab", "focus_previous", "Previous pane", id="app.focus_previous", show=False
        ),
        Binding(
            "ctrl+p", "command_palette", "Chapters, episodes, commands", id="app.palette",
            show=False,
        ),
        *LISTENING_BINDINGS,
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Every key"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]  # fmt: skip

    def __init__(
        self, library: Library, reading: Reading | None = None, config: Config | None = None
    ) -> None:
        """``config``: the settings (default: the person's file, `tui.config`)."""
        super().__init__()
        self.reading = reading or Reading.of(library)
        self.config = config or load_config()
        self._position_timer: Timer | None = None
        self.search_index: SearchIndex | None = None
        self._problems_said = 0  # the library's problems notified so far
        # Episodes the reading worker has parsed and not yet handed over: kept if it quits.
        self._reads_held: tuple[Library, list[EpisodeRead]] | None = None
        self._tree_choice = PaneChoice(self.config.settings.tree)
        self._side_choice = PaneChoice(self.config.settings.side_pane)
        self._side_even_empty: str | None = None  # an episode with no notes, side pane asked for
        self._keys_set: dict[str, str] = {}  # the settings' keys, by binding id
        self.listening = Listening(self, changed=self._update_status)

    @property
    def library(self) -> Library:
        return self.reading.library

    @property
    def episode(self) -> Episode | None:
        """The episode shown, with your notes merged in."""
        return self.reading.episode

    @property
    def here(self) -> Reading:
        """The reading, at the turn the transcript's cursor is on now. Its TurnChanged message
        may still be on its way: keys typed in a burst (`]]]]`) act before it arrives."""
        with suppress(NoMatches):  # the reader is closing: the panes are gone
            self.reading.move_to(self.query_one(Transcript).cursor)
        return self.reading

    def get_default_screen(self) -> Screen:
        return ReaderScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchPanel(self.chapter_title, id="search")
        with Horizontal(id="main"):
            yield ChapterTree(id="tree")
            yield Transcript(measure=self.config.settings.text_width, id="transcript")
            yield SidePane(id="side")
        yield Static(id="status")
        yield Static(Text("The terminal is too small for earmark: make it larger."), id="too-small")
        yield FittedFooter()

    def on_mount(self) -> None:
        self._apply_settings()
        first = self.reading.first_episode()  # parsed now if the library had not read it
        self.query_one(ChapterTree).show_library(self.library.infos)
        if first is not None:
            self._show_episode(first)
        self._fit_to_size()
        if self.reading.notice:
            notify(self, self.reading.notice, severity="warning", timeout=15)
        self._say_problems(self.library.problems)
        if self.library.listed:
            self._library_known()
        else:  # started from the cache's manifest: its folders are listed after the paint
            self.call_after_refresh(self._list_library, self.library)

    def _library_known(self) -> None:
        """The library's folders are listed: read what is new, else open the search index."""
        if self.library.unread:
            self.call_after_refresh(self._read_the_rest)
        else:
            self._say_how_many_more_problems()
            self.call_after_refresh(self._open_search_index)

    def _say_problems(self, problems: Iterable[str]) -> None:
        """The library's problems, the first few one by one (the rest: `_say_how_many_more…`)."""
        for problem in problems:
            if self._problems_said < PROBLEMS_SHOWN:
                notify(self, problem, title="Not read", severity="warning", timeout=10)
            self._problems_said += 1

    def _say_how_many_more_problems(self) -> None:
        if self._problems_said > PROBLEMS_SHOWN:
            more = self._problems_said - PROBLEMS_SHOWN
            self.notify(
                f"…and {more} more (see `earmark export`)", severity="warning", markup=False
            )

    def _apply_settings(self) -> None:
        """The settings' theme and keys (their other choices are read where they apply): what
        is wrong is said, one line each, and the rest applies."""
        settings, where = self.config.settings, self.config.path
        problems = list(self.config.problems)
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            problems.append(f"{where}: theme: no theme called {settings.theme!r}; ignored")
        if settings.keys:
            known = self.binding_keys()
            for binding_id, keys in settings.keys.items():
                if binding_id in known:
                    self._keys_set[binding_id] = keys
                else:
                    problems.append(
                        f"{where}: keys: no binding {binding_id!r} (earmark config lists them)"
                    )
            self.set_keymap(self._keys_set)
        for problem in problems:
            notify(self, problem, title="Settings", severity="warning", timeout=15)

    # -- showing an episode --------------------------------------------------------------------

    def _show_episode(
        self, episode_id: str, turn: int | None = None, *, again: bool = False
    ) -> None:
        """Show an episode at ``turn``; without one, where the reader last was in it.
        ``again``: read it again even if it is the one shown (its files changed)."""
        if not again and self.episode is not None and self.episode.id == episode_id:
            if turn is not None:
                self.query_one(Transcript).go_to_turn(turn)
            return
        self._keep(self.here.save_position)  # where the reader leaves the episode shown
        turn = self.reading.open(episode_id, turn)
        episode = self.reading.episode
        assert episode is not None
        self.title = episode.title
        self.sub_title = episode.show or ""
        transcript = self.query_one(Transcript)
        self._show_marks()
        transcript.set_highlighter(self.reading.lit)
        transcript.show_episode(episode, turn)
        self._keep(self.reading.save_position)  # the episode read last, even if not moved in
        self._find_matches()  # of the words lit, in this episode
        self._fit_to_size()  # its notes, or none, decide the side pane

    def on_transcript_turn_changed(self, event: Transcript.TurnChanged) -> None:
        episode = self.episode
        if episode is None or event.episode.id != episode.id:  # from the episode shown before
            return
        try:
            side, tree = self.query_one(SidePane), self.query_one(ChapterTree)
        except NoMatches:  # the reader is closing: the panes are gone
            return
        self.reading.move_to(event.turn)
        assert self.reading.related is not None
        side.show_turn(self.reading.related, event.turn)
        tree.mark_current(episode.id, episode.turns[event.turn].chapter)
        self.listening.cursor_moved()
        self._update_status()
        if self._position_timer is not None:  # saved once the cursor rests, not at every step
            self._position_timer.stop()
        self._position_timer = self.set_timer(POSITION_SAVE_DELAY, self._save_position)

    def _update_status(self) -> None:
        episode, turn = self.episode, self.here.current
        if episode is None or turn is None:
            return
        chapter = episode.chapters[turn.chapter].title if episode.chapters else ""
        where = [*self.listening.status(), chapter]
        if turn.start is not None:
            where.append(clock(turn.start))
        where.append(f"{self.reading.percent_read()}%")
        if (matches := self._match_status()) is not None:
            where.append(matches)
        # The header shows the title too: on a narrow line it yields its room to the rest.
        rest = " · ".join(where)
        room = self.size.width - STATUS_PADDING - cell_len(rest) - len(" · ")
        title = episode.title
        if cell_len(title) > room:
            title = title[: room - 1].rstrip() + "…" if room > 1 else ""
        line = f"{title} · {rest}" if title else rest
        self.query_one("#status", Static).update(Text(line, no_wrap=True, overflow="ellipsis"))

    def chapter_title(self, episode_id: str, chapter: int | None) -> str:
        info = self.library.info(episode_id)
        if info is None:
            return ""
        title = info.chapter_title(chapter)
        return info.title if title is None else title

    # -- jumping -------------------------------------------------------------------------------

    def go_to_chapter(self, episode_id: str, chapter: int | None) -> None:
        """A chapter's first turn; for an episode (no chapter), where the reader left it."""
        if chapter is None:
            self._show_episode(episode_id)
        else:
            self._show_episode(episode_id, self.reading.first_turn(chapter, episode_id))
        self.query_one(Transcript).focus()

    def on_chapter_tree_chapter_chosen(self, event: ChapterTree.ChapterChosen) -> None:
        self.go_to_chapter(event.place.episode, event.place.chapter)

    def on_side_pane_note_chosen(self, event: SidePane.NoteChosen) -> None:
        if self.episode is not None:
            self._go_to_note(self.episode.id, event.note)

    def _go_to_note(self, episode_id: str, note: Note) -> None:
        """The passage a note is anchored to (its strongest link), the note kept in view beside
        it; a note about the whole episode leaves the reading where it is."""
        link = note.related[0] if note.related else None
        if link is None:
            if self.episode is None or self.episode.id != episode_id:
                self._show_episode(episode_id)
            self.notify("This note is about the whole episode.", timeout=3)
        elif link.turn is not None:
            self._show_episode(episode_id, link.turn)
        else:
            self.go_to_chapter(episode_id, link.chapter)
        if self.reading.related is not None:
            cursor = self.query_one(Transcript).cursor
            self.query_one(SidePane).show_turn(self.reading.related, cursor, keep=note.id)

    def on_search_panel_hit_chosen(self, event: SearchPanel.HitChosen) -> None:
        hit = event.hit
        if self.library.info(hit.episode) is None:  # an index searched read-only may be behind
            self.notify("That episode is no longer in the library.", timeout=4)
            return
        if hit.kind == "chapter":
            self.go_to_chapter(hit.episode, hit.chapter)
        elif hit.turn is not None:
            self._show_episode(hit.episode, hit.turn)
        elif note := self.reading.find_note(hit.episode, hit.id):
            self._go_to_note(hit.episode, note)
        self._light(event.query, event.marks)  # in the hit's episode
        self.query_one(Transcript).focus()

    def on_search_panel_closed(self, event: SearchPanel.Closed) -> None:
        self.query_one(Transcript).focus()

    def on_search_panel_terms_found(self, event: SearchPanel.TermsFound) -> None:
        self._light(event.query, event.marks)

    # -- lit terms and n/N ---------------------------------------------------------------------

    def _light(self, query: str, marks: Marks | None) -> None:
        """Light a query's words (``marks``, from its search) in the transcript, then find its
        hits in the episode shown: the matches n/N step through."""
        self.reading.light(query, marks)
        self.query_one(Transcript).set_highlighter(self.reading.lit)
        self._update_status()
        self._find_matches()

    def _find_matches(self) -> None:
        """Search the lit query's hits in the episode shown (a thread), unless they are known."""
        episode = self.episode
        if self.reading.matches is None and episode is not None and self.search_index:
            self._search_matches(self.search_index, self.reading.lit_query, episode.id)

    @work(thread=True, exclusive=True, group="matches")
    def _search_matches(self, index: SearchIndex, query: str, episode_id: str) -> None:
        try:
            found = index.search(
                query, None, episode=episode_id, time_limit=MATCHES_TIME_LIMIT, snippets=False
            )
        except Exception as error:  # e.g. index files removed by another earmark's rebuild
            self.call_from_thread(self.notify, f"The matches were not found: {error}", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._matches_found, query, episode_id, found)

    def _matches_found(self, query: str, episode_id: str, found: Results) -> None:
        if self.reading.take_hits(query, episode_id, found.hits):
            self._update_status()
            if found.timed_out:
                self.notify("Only the matches found in time are counted.", timeout=4)

    def _match_status(self) -> str | None:
        """``match 2 of 3`` on a match, ``3 matches`` elsewhere; None when nothing is lit."""
        if self.reading.lit is None:
            return None
        matches = self.reading.matches
        if matches is None:
            return "finding matches…"
        if (number := self.reading.match_number()) is not None:
            return f"match {number} of {len(matches)}"
        return counted(len(matches), "match", "matches")

    def action_next_match(self) -> None:
        self._step_match(+1)

    def action_previous_match(self) -> None:
        self._step_match(-1)

    def _step_match(self, direction: int) -> None:
        step = self.here.next_match(direction)
        if step is None:
            if self.reading.lit is None:
                message = "No search terms to find: press / to search."
            elif self.reading.matches is None:
                message = "Still finding the matches…"
            else:
                message = "No matches in this episode."
            self.notify(message, timeout=3)
            return
        target, wrapped = step
        if wrapped:
            where = "first" if direction > 0 else "last"
            self.notify(f"Wrapped to the {where} match.", timeout=2)
        self.query_one(Transcript).go_to_turn(target)

    # -- other actions -------------------------------------------------------------------------

    async def action_search(self) -> None:
        await self.query_one(SearchPanel).open()

    def action_next_chapter(self) -> None:
        self._step_chapter(+1)

    def action_previous_chapter(self) -> None:
        self._step_chapter(-1)

    def _step_chapter(self, direction: int) -> None:
        chapter = self.here.chapter_step(direction)
        if chapter is not None and self.episode is not None:
            self.go_to_chapter(self.episode.id, chapter)

    def action_go_to_time(self) -> None:
        from tui.screens.go_to_time import GoToTimeScreen

        def go(seconds: int | None) -> None:
            episode = self.episode
            if seconds is None or episode is None:
                return
            turn = self.reading.turn_at(seconds)
            if turn is not None:
                self.query_one(Transcript).go_to_turn(turn.index)
            elif not any(t.start is not None for t in episode.turns):
                self.notify("This transcript gives no times.", timeout=4)
            else:
                end = format_time(episode.duration or 0)
                self.notify(f"{format_time(seconds)} is past the end ({end}).", timeout=4)

        self.push_screen(GoToTimeScreen(), go)

    # -- your marks ----------------------------------------------------------------------------

    def _save_position(self) -> None:
        self._keep(self.here.save_position)

    def _keep(self, change: Callable[[], object]) -> bool:
        """Make a change to the reader's marks; a failure (a locked or full disk) is a
        notification, not the end of the reader. True when it was saved."""
        try:
            change()
        except EarmarkError as error:
            self._not_saved(error)
            return False
        return True

    def _not_saved(self, error: EarmarkError) -> None:
        notify(self, str(error), title="Not saved", severity="error")

    def action_quit(self) -> None:  # type: ignore[override]
        self._save_position()
        self.exit()

    def action_toggle_bookmark(self) -> None:
        try:
            marked = self.here.toggle_bookmark()
        except EarmarkError as error:
            self._not_saved(error)
            return
        self._show_marks()
        self.notify("Bookmarked." if marked else "Bookmark removed.", timeout=2)

    def action_bookmarks(self) -> None:
        from tui.screens.bookmarks import BookmarksScreen

        def delete(row: BookmarkRow) -> None:
            if self._keep(lambda: self.reading.delete_bookmark(row.episode, row.turn)):
                self._show_marks()

        def jump(row: BookmarkRow | None) -> None:
            if row is not None and self.library.info(row.episode) is not None:
                self._show_episode(row.episode, row.turn)
                self.query_one(Transcript).focus()

        self.push_screen(BookmarksScreen(self.reading.bookmark_rows(), delete), jump)

    def action_write_note(self) -> None:
        if (turn := self.here.current) is not None:
            self._edit_note(turn, None)

    def on_side_pane_own_note_edit(self, event: SidePane.OwnNoteEdit) -> None:
        if self.episode is not None and (own := self.reading.own_note(event.note.id)):
            # The transcript may have changed since the note was written.
            self._edit_note(self.episode.find_turn(own.turn), own)

    def on_side_pane_own_note_delete(self, event: SidePane.OwnNoteDelete) -> None:
        from tui.screens.confirm import ConfirmScreen

        own = self.reading.own_note(event.note.id)
        if own is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and self._keep(lambda: self.reading.delete_note(own)):
                self._own_notes_changed()
                self.notify("Note deleted.", timeout=2)

        self.push_screen(ConfirmScreen("Delete this note of yours?"), answered)

    def _edit_note(self, turn: Turn | None, own: OwnNote | None) -> None:
        """Write a note on ``turn`` (``own``: edit that one; its turn may be gone)."""
        from tui.screens.note_editor import NoteEditorScreen

        if turn is None:
            about = "About a passage no longer in the transcript"
        else:
            when = f" at {clock(turn.start)}" if turn.start is not None else ""
            excerpt = shortened(turn.text, EXCERPT_CHARS)
            about = f"About {turn.speaker or 'this turn'}{when}: {excerpt}"

        def saved(text: str | None) -> None:
            if text is None:
                return
            try:
                change = self.reading.save_note(own, text)
            except EarmarkError as error:  # the words typed are not lost: back to the editor
                self._not_saved(error)
                self.push_screen(NoteEditorScreen(about, original, typed=text), saved)
                return
            if change is not None:
                self._own_notes_changed()
                self.notify(f"Note {change}.", timeout=2)

        original = own.text if own else ""
        self.push_screen(NoteEditorScreen(about, original), saved)

    def _show_marks(self) -> None:
        """Your bookmarks and notes, in the transcript's margin."""
        self.query_one(Transcript).set_marks(self.reading.bookmarks, self.reading.noted)

    def _own_notes_changed(self) -> None:
        self._show_marks()
        self._fit_to_size()  # the first note of an episode brings the side pane
        if self.reading.related is not None:
            self.query_one(SidePane).show_turn(self.reading.related, self.here.turn)
        self._index_own_notes(self.reading.all_own_notes())

    @work(thread=True, exclusive=True, group="own-notes")
    def _index_own_notes(self, notes: list[OwnNote]) -> None:
        """Make the reader's notes searchable at once (a small Whoosh commit, off the UI)."""
        if self.search_index is None:
            return
        if self.search_index.sync_own_notes(self.library, notes):
            # The matches may have been searched meanwhile, on the searcher the sync replaced
            # (at start-up, a query typed while the notes written last time were indexed).
            self.call_from_thread(self._own_notes_indexed)
        elif self.reading.matches is None:  # your notes changed, yet none was indexed
            self.call_from_thread(self._find_matches)

    def _own_notes_indexed(self) -> None:
        self.reading.forget_matches()
        self._find_matches()

    def action_copy_quote(self) -> None:
        turn = self.here.current
        if turn is None or self.episode is None:
            return
        self.copy_to_clipboard(quote(self.episode, turn))
        self.notify("Copied the turn as a quote, with its citation.", timeout=3)

    def action_export_markdown(self) -> None:
        from tui.screens.export_markdown import ExportMarkdownScreen

        episode = self.episode
        if episode is None:
            return

        def write(path: Path | None) -> None:
            if path is not None and self._keep(lambda: self.reading.export_markdown(path)):
                notify(self, f"Exported to {path}", timeout=6)

        self.push_screen(ExportMarkdownScreen(Path.cwd() / f"{episode.id}.md"), write)

    def action_toggle_side_pane(self) -> None:
        shown = not self.query_one(SidePane).display
        self._side_choice = PaneChoice(shown, self._asks() + 1)
        episode = self.episode
        self._side_even_empty = episode.id if shown and episode and not episode.notes else None
        self._fit_to_size()

    def action_toggle_tree(self) -> None:
        tree = self.query_one(ChapterTree)
        if not tree.worth_showing:
            self.notify("There are no chapters to list: one episode, without chapters.")
            return
        self._tree_choice = PaneChoice(not tree.display, self._asks() + 1)
        self._fit_to_size()

    def _asks(self) -> int:
        return max(self._tree_choice.asked, self._side_choice.asked)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_groups(self._keys_set)))

    @classmethod
    def key_groups(
        cls, keys: Mapping[str, str] | None = None
    ) -> list[tuple[str, list[BindingType]]]:
        """Every pane's bindings under the heading of where they work (help, README), with
        the ``keys`` set for some binding ids instead of their own."""
        panes = (cls, Transcript, SearchPanel, SidePane, ChapterTree)
        from tui.screens.bookmarks import BookmarksScreen
        from tui.screens.help import KEY_GROUPS
        from tui.screens.note_editor import NoteEditorScreen

        classes = {c.__name__: c for c in (*panes, BookmarksScreen, NoteEditorScreen)}
        return [
            (title, [_with_keys(binding, keys or {}) for binding in classes[name].BINDINGS])
            for title, name in KEY_GROUPS
        ]

    @classmethod
    def binding_keys(cls) -> dict[str, str]:
        """Every binding's keys by its id, the reader's and its dialogs' (what the settings
        may change; ``earmark config`` lists them)."""
        from tui.screens.ask import AskScreen
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.export_markdown import ExportMarkdownScreen
        from tui.screens.help import HelpScreen

        groups = [bindings for _, bindings in cls.key_groups()]
        dialogs = (AskScreen, ConfirmScreen, ExportMarkdownScreen, HelpScreen)
        groups += [dialog.BINDINGS for dialog in dialogs]
        return {
            b.id: b.key for bindings in groups for b in bindings if isinstance(b, Binding) and b.id
        }

    # -- the command palette -------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the reader, by the words of its binding (`palette_actions`), then
        Textual's own (Theme, Screenshot…) but the two the reader's replace (Quit, Keys)."""
        for title, help_text, action in self.palette_actions():
            yield SystemCommand(title, help_text, partial(self.run_action, action))
        replaced = {"Quit", "Keys"}
        yield from (c for c in super().get_system_commands(screen) if c.title not in replaced)

    def palette_actions(self) -> list[tuple[str, str, str]]:
        """(title, help, action) for the palette: each binding of the app with its keys as set,
        and `PALETTE_ONLY`. A binding added to the app's BINDINGS is in the palette."""
        from tui.screens.help import key_name

        actions = []
        for binding in self.key_groups(self._keys_set)[0][1]:
            if isinstance(binding, Binding) and binding.action not in NOT_IN_PALETTE:
                keys = " / ".join(key_name(key) for key in binding.key.split(","))
                help_text = f"{binding.tooltip} · {keys}" if binding.tooltip else keys
                actions.append((binding.description, help_text, binding.action))
        return actions + list(PALETTE_ONLY)

    # -- listening (tui/listening.py) ---------------------------------------------------------

    def action_play(self) -> None:
        self.listening.play_pause()

    def action_play_turn(self) -> None:
        self.listening.play_turn()

    def action_follow(self) -> None:
        self.listening.follow()

    def action_seek(self, seconds: float) -> None:
        self.listening.seek(seconds)

    def action_speed(self, step: float) -> None:
        self.listening.change_speed(step)

    async def on_unmount(self) -> None:
        await self.listening.stop()  # quitting: mpv ends with the reader
        if self.library.unread:  # quit while reading: what is read is not read again
            if self._reads_held is not None and self._reads_held[0] is self.library:
                # (a batch handed over a moment ago may be added again: the same entries)
                self.library.add(*self._reads_held[1])
            self.library.save()

    # -- podcasts ------------------------------------------------------------------------------

    def ask_feed(self) -> None:
        """Ask for a feed's address, then follow it (palette: "Follow a podcast…")."""
        from tui.screens.follow_feed import FollowFeedScreen

        def follow(url: str | None) -> None:
            if url:
                self.notify("Following the podcast…", timeout=3)
                self._fetch_feeds(url)

        self.push_screen(FollowFeedScreen(), follow)

    def update_feeds(self) -> None:
        """Bring in what is new in every followed feed (palette: "Update feeds")."""
        self.notify("Updating the podcasts you follow…", timeout=3)
        self._fetch_feeds(None)

    @work(thread=True, exclusive=True, group="feeds")
    def _fetch_feeds(self, url: str | None) -> None:
        """Follow ``url`` (None: update every followed feed) in your library; what came in is
        then read into the library shown, when it is yours, and indexed."""
        from index.feeds import Fetcher, follow, read_followed, update_feed
        from index.library import open_user_library

        root = open_user_library()
        reports: list[FeedReport] = []
        failures: list[str] = []
        try:
            with Fetcher() as fetcher:
                if url is not None:
                    reports.append(follow(root, url, fetcher=fetcher))
                else:
                    feeds = read_followed(root)
                    if not feeds:
                        failures.append("You follow no podcasts yet: “Follow a podcast…” first.")
                    for feed in feeds:
                        try:
                            reports.append(update_feed(root, feed.url, fetcher=fetcher))
                        except EarmarkError as error:  # this feed; the others still update
                            failures.append(f"{feed.title}: {error}")
        except EarmarkError as error:
            failures.append(str(error))
        arrived = any(report.arrived for report in reports)
        library = None
        if arrived and self.library.root == root.resolve():
            library = Library.open(root)  # cheap: unchanged episodes come from the cache
        self.call_from_thread(self._feeds_fetched, reports, failures, library)

    def _feeds_fetched(
        self, reports: list[FeedReport], failures: list[str], library: Library | None
    ) -> None:
        for report in reports:
            where = "" if library is not None or not report.arrived else " (in your library)"
            notify(self, report.summary + where, title="Podcasts", timeout=8)
            for line in (report.failed + report.problems)[:3]:
                notify(self, line, title="Not brought in", severity="warning")
        for failure in failures:
            notify(self, failure, title="Podcasts", severity="error", timeout=10)
        if library is not None:
            self.workers.cancel_group(self, "library")  # read whole: what was being read is in
            with suppress(NoMatches):
                self.query_one(LibraryProgress).remove()
            self.reading.library = library
            self._list_in_tree()
            self._open_search_index()  # indexes only the new episodes

    # -- size ----------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_to_size(event.size)

    def on_chapter_tree_refit(self, event: ChapterTree.Refit) -> None:
        self._fit_to_size()

    def _fit_to_size(self, size: Size | None = None) -> None:
        """Share the width between the panes (`tui.pane_widths`): the side pane where the
        episode has notes (or the person asked for it), the tree where it lists something."""
        width = (size or self.size).width
        if not width:  # not laid out yet: the first resize does it
            return
        tree, side = self.query_one(ChapterTree), self.query_one(SidePane)
        settings, episode = self.config.settings, self.episode
        written = episode is not None and (
            bool(episode.notes) or self._side_even_empty == episode.id
        )
        widths = share(
            width,
            settings.text_width,
            tree=Pane(
                self._tree_choice.shown and tree.worth_showing,
                self._tree_choice.asked,
                tree_size(tree.fit_width(settings.tree_width), settings.tree_width),
            ),
            side=Pane(self._side_choice.shown and written, self._side_choice.asked, SIDE),
        )
        for pane, pane_width in ((tree, widths.tree), (side, widths.side)):
            pane.display = pane_width > 0
            if pane_width:
                pane.styles.width = pane_width
        self.call_after_refresh(self._update_status)  # the status line fits the new width

    def _list_in_tree(self) -> None:
        """The tree lists the library's episodes afresh, the cursor on the chapter being read."""
        tree = self.query_one(ChapterTree)
        tree.show_library(self.library.infos)
        if (turn := self.here.current) is not None and self.episode is not None:
            tree.mark_current(self.episode.id, turn.chapter)

    # -- a library started from its manifest, listed after the first paint --------------------

    @work(thread=True, exclusive=True, group="library")
    def _list_library(self, library: Library) -> None:
        listing = list_folders(library.root)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._library_listed, library, listing)

    def _library_listed(self, library: Library, listing: Listing) -> None:
        """What the folders hold now replaces what the manifest said. Episodes gone or changed
        leave the tree (a changed one comes back once read again); the one shown is read again
        where the reader is, or gives way to the first episode if its folder went."""
        if library is not self.library:  # read again meanwhile (a feed brought episodes in)
            return
        changed = library.take(listing)
        self._say_problems(listing.problems)
        if self.episode is not None and self.episode.id in changed:
            self._show_again(self.episode.id)
        if changed:
            self._list_in_tree()
        self._library_known()

    def _show_again(self, episode_id: str) -> None:
        """The episode shown changed on disk: read it again at the reader's turn, or show the
        first episode if it can no longer be read."""
        turn = self.here.turn
        shown = self.library.first_readable(episode_id)
        if shown is not None:
            self._show_episode(shown, turn if shown == episode_id else None, again=True)

    # -- a new library, read after the first paint ------------------------------------------

    def _read_the_rest(self) -> None:
        """Parse the episodes the cache did not have in a worker, the first one shown: the
        progress line says how far it is, the tree lists each episode as it arrives, and the
        search index opens once they are all read (an index of part of the library would
        drop the rest)."""
        total = len(self.library.unread)
        self.screen.mount(LibraryProgress(total, id="reading-library"), before="#status")
        self._say_reading(0, total)
        self._read_library(self.library, total)

    @work(thread=True, exclusive=True, group="library")
    def _read_library(self, library: Library, total: int) -> None:
        """Every episode parsed first, so that the tree is whole sooner, then their notes
        placed (two thirds of the work); an episode opened meanwhile is placed as it opens."""
        worker = get_current_worker()
        parsed = self._parse_unread(library, total, worker)
        if parsed is None or not self._place_notes(library, parsed, worker):
            return  # quitting
        self.call_from_thread(self._library_read, library)

    def _parse_unread(self, library: Library, total: int, worker: Worker) -> list[str] | None:
        """The keys of the episodes parsed, their notes not placed; None if the reader quit
        meanwhile (what was read is saved as it closes)."""
        batch: list[EpisodeRead] = []
        self._reads_held = (library, batch)
        parsed: list[str] = []
        listed_every = READ_SHOWN_EVERY * max(1.0, total / LISTED_EVERY_FROM)
        listed = shown = time.monotonic()
        reads = library.read_unread(stop=lambda: worker.is_cancelled, place=False)
        for done, episode_read in enumerate(reads, start=1):
            batch.append(episode_read)
            if episode_read.info is not None:
                parsed.append(episode_read.key)
            if (now := time.monotonic()) - shown < READ_SHOWN_EVERY:
                continue
            if worker.is_cancelled:
                return None
            if now - listed >= listed_every:
                self.call_from_thread(self._episodes_read, library, batch, done, total)
                batch, listed = [], now
                self._reads_held = (library, batch)
            else:
                self.call_from_thread(self._show_reading, library, done, total)
            shown = now
        if worker.is_cancelled:
            return None
        self.call_from_thread(self._episodes_read, library, batch, total, total)
        library.save()  # every result is in (the call above waited for it)
        return parsed

    def _place_notes(self, library: Library, parsed: list[str], worker: Worker) -> bool:
        """Whether every parsed episode's notes were placed; if the reader quit first, the
        rest are placed when they are first asked for."""
        self.call_from_thread(self._placing_notes, library, 0, len(parsed))
        shown = time.monotonic()
        placing = library.place_notes(parsed, stop=lambda: worker.is_cancelled)
        for done, _ in enumerate(placing, start=1):
            if (now := time.monotonic()) - shown < READ_SHOWN_EVERY:
                continue
            if worker.is_cancelled:
                return False
            self.call_from_thread(self._placing_notes, library, done, len(parsed))
            shown = now
        return not worker.is_cancelled

    def _episodes_read(
        self, library: Library, reads: list[EpisodeRead], done: int, total: int
    ) -> None:
        if library is not self.library:  # read again meanwhile (a feed brought episodes in)
            return
        library.add(*reads)
        with suppress(NoMatches):  # the reader is closing
            self.query_one(ChapterTree).add_episodes(library.infos)
        self._show_reading(library, done, total)
        self._say_problems(problem for read in reads for problem in read.problems)

    def _show_reading(self, library: Library, done: int, total: int) -> None:
        if library is not self.library:
            return
        with suppress(NoMatches):  # the reader is closing
            self.query_one(LibraryProgress).show(done)
            self._say_reading(done, total)

    def _placing_notes(self, library: Library, done: int, total: int) -> None:
        if library is not self.library:
            return
        with suppress(NoMatches):  # the reader is closing
            progress = self.query_one(LibraryProgress)
            if not progress.placing:
                progress.start_placing(total)
            progress.show(done)
            self.query_one(SearchPanel).index_waiting(
                f"Search starts once the notes are placed ({done:,} of "
                f"{counted(total, 'episode')}) and your library is indexed"
            )

    def _library_read(self, library: Library) -> None:
        if library is not self.library:
            return
        with suppress(NoMatches):
            self.query_one(LibraryProgress).remove()
        self._say_how_many_more_problems()
        self.query_one(SearchPanel).index_waiting(SearchPanel.OPENING)
        self._open_search_index()

    def _say_reading(self, done: int, total: int) -> None:
        """What the search panel says while the library is read, before there is an index."""
        self.query_one(SearchPanel).index_waiting(
            f"Search starts once your library is read ({done:,} of "
            f"{counted(total, 'new episode')}) and indexed"
        )

    # -- search index --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index")
    def _open_search_index(self) -> None:
        worker = get_current_worker()

        def stop_when_quitting(done: int, total: int) -> None:
            if worker.is_cancelled:  # a first build can take minutes: quitting must not wait
                raise IndexBuildCancelled

        try:
            from index.search import SearchIndex

            index = SearchIndex.open(self.library, progress=stop_when_quitting)
        except IndexBuildCancelled:
            return
        except Exception as error:  # the reader stays usable without search
            self.call_from_thread(self._search_index_failed, str(error))
            return
        self.call_from_thread(self._search_index_ready, index)

    def _search_index_failed(self, message: str) -> None:
        with suppress(NoMatches):  # the reader quit while the index opened
            self.query_one(SearchPanel).index_failed(message)

    def _search_index_ready(self, index: SearchIndex) -> None:
        try:
            panel = self.query_one(SearchPanel)
        except NoMatches:  # the reader quit while the index opened
            index.close()
            return
        self.search_index = index
        panel.index_ready(index)  # searches what was typed meanwhile
        self._index_own_notes(self.reading.all_own_notes())  # as they are now, written meanwhile


def _with_keys(binding: BindingType, keys: Mapping[str, str]) -> BindingType:
    """``binding`` with the keys the settings give its id, if they do."""
    if isinstance(binding, Binding) and binding.id in keys:
        return replace(binding, key=keys[binding.id])
    return binding
