"""What the notes, summaries and readers said about the passage being read, and why each is here.

For the current turn (`RelatedNotes.for_turn`): *This passage*, the notes placed on the turn;
*This chapter*, those placed elsewhere in its chapter, each with the time it points to
(``→ 17:15``); and *The whole episode*, folded under its count (``w`` or Enter opens it). Each
note says its evidence in words (``at 25:00``, ``quote``, ``shares: value function, emotions``);
yours come first, with their time. Long items fold (``o`` unfolds); Enter goes to the passage a
note is placed on.
"""

from __future__ import annotations

from functools import cache
from typing import ClassVar

from rich.console import Console
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from index.linking import RelatedNotes, evidence_words
from index.model import Link, Note
from index.timecode import format_time
from index.words import counted, shortened

FOLDED_CHARS = 240
UNFOLD_HINT = "o unfolds"
EPISODE_WIDE = "episode-wide"


class _AboutNote(Message):
    """A message about one note of the pane."""

    def __init__(self, note: Note) -> None:
        self.note = note
        super().__init__()


class SidePane(OptionList):
    DEFAULT_CSS = """
    SidePane {
        background: $panel;
        border: none;
        padding: 0 1;
        /* Room for the scrollbar from the start: when it appeared later, the items' heights
           (measured without it) were a line short and their separator lines went missing. */
        scrollbar-gutter: stable;
    }
    SidePane > .option-list--option-disabled {
        color: $text-primary;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Go to the passage the note is about", id="side.go"),
        Binding("o", "unfold", "Unfold note", id="side.unfold"),
        Binding(
            "w",
            "toggle_episode_wide",
            "Whole-episode notes (open or close)",
            id="side.episode_wide",
        ),
        Binding("e", "edit_own", "Edit your note", id="side.edit"),
        Binding("d", "delete_own", "Delete your note", id="side.delete"),
        Binding("j", "cursor_down", "Next note", id="side.down", show=False),
        Binding("k", "cursor_up", "Previous note", id="side.up", show=False),
    ]

    class NoteChosen(_AboutNote):
        """Jump to the passage a note is about."""

    class OwnNoteEdit(_AboutNote):
        """Edit one of the reader's own notes."""

    class OwnNoteDelete(_AboutNote):
        """Delete one of the reader's own notes (after asking)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._related: RelatedNotes | None = None
        self._shown: list[tuple[Note, Link | None]] = []
        self._unfolded: set[str] = set()
        self._episode_wide_open = False
        self._turn = 0
        self._built_for = 0  # the width the items were made for

    def show_turn(self, related: RelatedNotes, turn: int, *, keep: str | None = None) -> None:
        """Show the notes for ``turn`` (new ``related``: the notes changed); ``keep`` is a note
        id to highlight if it is among them."""
        unchanged = related is self._related and turn == self._turn and self.option_count
        if unchanged and keep is None:
            return
        self._related, self._turn = related, turn
        if keep in {n.id for n in related.episode_wide()}:
            self._episode_wide_open = True
        self._rebuild(keep)

    def _rebuild(self, keep: str | None) -> None:
        assert self._related is not None
        self._built_for = self._option_width
        groups = self._related.for_turn(self._turn)
        highlighted = keep or self._highlighted_note_id()
        self.clear_options()
        self._shown = []
        options: list[Option | None] = []  # None draws a separator line
        for heading, placed, pointing in (
            ("This passage", groups.passage, False),
            ("This chapter", groups.chapter, True),
        ):
            if placed:
                options.append(Option(Text(heading), disabled=True))
                for note, link in placed:
                    options += [self._option(note, link, pointing=pointing), None]
        if not groups.passage and not groups.chapter:
            options.append(
                Option(Text("Nothing placed on this passage.", style="dim"), disabled=True)
            )
        if groups.episode:
            arrow = "▼" if self._episode_wide_open else "▶"
            verb = "closes" if self._episode_wide_open else "opens"
            count = counted(len(groups.episode), "note")
            label = f"{arrow} The whole episode: {count} · w {verb}"
            options.append(Option(Text(label), id=EPISODE_WIDE))
            if self._episode_wide_open:
                for note in groups.episode:
                    options += [self._option(note, None), None]
        self.add_options(options)
        ids = [option.id for option in options if option is not None]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)

    def _option(self, note: Note, link: Link | None, *, pointing: bool = False) -> Option:
        assert self._related is not None
        self._shown.append((note, link))
        where = self._related.place_time(link) if link is not None else None
        own = note.kind == "own"
        text = note_text(
            note,
            link,
            points_to=where if pointing and not own else None,
            said_at=where if own else None,
            unfolded=note.id in self._unfolded,
            width=self._option_width,
        )
        return Option(text, id=note.id)

    @property
    def _option_width(self) -> int:
        """The columns an item's text is wrapped to (as `OptionList` measures them)."""
        padding = self.get_component_styles("option-list--option").padding.width
        return self.scrollable_content_region.width - self._get_left_gutter_width() - padding

    def on_resize(self) -> None:
        if self._related is not None and self._option_width != self._built_for:
            self._rebuild(None)  # the unfold hints are placed for the width

    def _highlighted_note_id(self) -> str | None:
        if self.highlighted is None or self.highlighted >= self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def _note(self, note_id: str | None) -> Note | None:
        return next((note for note, _ in self._shown if note.id == note_id), None)

    def action_unfold(self) -> None:
        note_id = self._highlighted_note_id()
        if note_id is None or note_id == EPISODE_WIDE or self._related is None:
            return
        self._unfolded ^= {note_id}
        self._rebuild(note_id)

    def action_toggle_episode_wide(self) -> None:
        if self._related is None:
            return
        self._episode_wide_open = not self._episode_wide_open
        self._rebuild(EPISODE_WIDE)

    def action_edit_own(self) -> None:
        if note := self._highlighted_own():
            self.post_message(self.OwnNoteEdit(note))

    def action_delete_own(self) -> None:
        if note := self._highlighted_own():
            self.post_message(self.OwnNoteDelete(note))

    def _highlighted_own(self) -> Note | None:
        note = self._note(self._highlighted_note_id())
        return note if note is not None and note.kind == "own" else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == EPISODE_WIDE:
            self.action_toggle_episode_wide()
        elif note := self._note(event.option.id):
            self.post_message(self.NoteChosen(note))


def note_text(
    note: Note,
    link: Link | None,
    *,
    points_to: int | None = None,
    said_at: int | None = None,
    unfolded: bool = False,
    width: int = 0,
) -> Text:
    """One side-pane item: where it comes from, why it is here (its evidence, and ``→ time``
    when it is about another passage), then what it says. ``said_at``: the time of the turn a
    note of yours is on. A long note is folded; the hint that unfolds it is kept whole: on the
    last line at ``width`` columns if it fits there, else below."""
    about = [note.source]
    if said_at is not None:
        about.append(format_time(said_at))
    if note.author:
        about.append(note.author)
    if link is not None and (evidence := evidence_words(note, link)):
        about.append(evidence)
    if points_to is not None:
        about.append(f"→ {format_time(points_to)}")
    if note.likes:
        about.append(f"♥ {note.likes}")
    if note.kind == "own" and note.date:
        about.append(f"{note.date} · e edit · d delete")
    text = Text(" · ".join(about), style="dim")
    text.append("\n")
    if note.title:
        text.append(note.title, style="bold")
        text.append(" ")
    if not unfolded and len(note.text) > FOLDED_CHARS:
        text.append(shortened(note.text, FOLDED_CHARS))
        last_line = text.wrap(_measuring(), width)[-1] if width > 0 else text
        fits = last_line.cell_len + 1 + len(UNFOLD_HINT) <= width
        text.append(" " if fits else "\n")
        text.append(UNFOLD_HINT, style="dim italic")
    else:
        text.append(note.text)
    return text


@cache
def _measuring() -> Console:
    """A console for `Text.wrap`, which measures by it: made once, when first needed."""
    return Console(width=200)
