"""The transcript: a Line-API scroll view over pre-wrapped turns, with a turn cursor.

One widget for the whole transcript (a widget per turn is too slow at this size): the text is laid
out once per width (`tui.transcript_layout`), each visible line becomes a `Strip` when painted, and
a jump to a turn is a lookup of its first line. The reading position is the cursor turn, not a
scroll offset, so a resize re-wraps and keeps the same turn in view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from index.model import Episode, Turn
from index.timecode import clock
from tui.contrast import readable
from tui.transcript_layout import Layout, Line, lay_out

GUTTER = 2
# A turn's marks, down the gutter from its header line: bookmarked, then with a note of yours.
BOOKMARK = "★"
NOTED = "✎"
PLAYING = "▶"  # in the gutter's first column, on the header line of the turn the audio is at
# Speakers take these in order of appearance; each is styled by the theme (DEFAULT_CSS).
SPEAKER_CLASSES = tuple(f"transcript--speaker-{n}" for n in range(1, 7))
# A function that finds the lit spans (start, end) in a paragraph.
Highlighter = Callable[[str], list[tuple[int, int]]]


class Transcript(ScrollView, can_focus=True):
    """Speaker turns with timestamps; ``cursor`` is the index of the current turn."""

    # Every colour comes from the theme, so that light themes read as well as dark ones.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--cursor",
        "transcript--playing",
        "transcript--bookmark",
        "transcript--noted",
        "transcript--chapter",
        "transcript--rule",
        "transcript--time",
        "transcript--lit",
        *SPEAKER_CLASSES,
    }
    DEFAULT_CSS = """
    Transcript {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        /* The text's width does not depend on whether the scrollbar shows, so the first paint
           lays it out once, at the width it keeps. */
        scrollbar-gutter: stable;
    }
    Transcript > .transcript--cursor { color: $text-primary; }
    Transcript > .transcript--playing { color: $text-success; text-style: bold; }
    Transcript > .transcript--bookmark { color: $text-warning; text-style: bold; }
    Transcript > .transcript--noted { color: $text-accent; text-style: bold; }
    Transcript > .transcript--chapter { color: $text-secondary; text-style: bold; }
    Transcript > .transcript--rule { color: $secondary 60%; }
    Transcript > .transcript--time { color: $text-muted; }
    Transcript > .transcript--lit { background: $warning; color: $text; text-style: bold; }
    Transcript > .transcript--speaker-1 { color: $text-primary; text-style: bold; }
    Transcript > .transcript--speaker-2 { color: $text-warning; text-style: bold; }
    Transcript > .transcript--speaker-3 { color: $text-success; text-style: bold; }
    Transcript > .transcript--speaker-4 { color: $text-accent; text-style: bold; }
    Transcript > .transcript--speaker-5 { color: $text-secondary; text-style: bold; }
    Transcript > .transcript--speaker-6 { color: $text-error; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "next_turn", "Next turn", id="transcript.next_turn", show=False),
        Binding(
            "k,up", "previous_turn", "Previous turn", id="transcript.previous_turn", show=False
        ),
        Binding(
            "space,pagedown,ctrl+f", "page_down", "Page down", id="transcript.page_down", show=False
        ),
        Binding("pageup,ctrl+b", "page_up", "Page up", id="transcript.page_up", show=False),
        Binding(
            "ctrl+d", "half_page(1)", "Half a page down", id="transcript.half_down", show=False
        ),
        Binding("ctrl+u", "half_page(-1)", "Half a page up", id="transcript.half_up", show=False),
        Binding("g,home", "first_turn", "Start", id="transcript.first_turn", show=False),
        Binding("G,end", "last_turn", "End", id="transcript.last_turn", show=False),
        # Listening (tui/listening.py): the app owns the player.
        Binding(
            "enter", "app.play_turn", "Play from this turn", id="transcript.play_turn", show=False
        ),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class TurnChanged(Message):
        """The cursor moved to another turn."""

        def __init__(self, episode: Episode, turn: int) -> None:
            self.episode = episode
            self.turn = turn
            super().__init__()

    def __init__(self, *, measure: int, id: str | None = None) -> None:
        """``measure``: the text's widest, in columns (settings: text_width); the rest is margin."""
        super().__init__(id=id)
        self.measure = measure
        self.episode: Episode | None = None
        self._layout: Layout | None = None
        self._highlighter: Highlighter | None = None
        self._lit: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self._strips: LRUCache[tuple[int, bool], Strip] = LRUCache(2048)
        self._styles: dict[str, Style] = {}  # by component, in the theme shown
        self._bookmarks: set[int] = set()
        self._noted: set[int] = set()
        self.playing: int | None = None  # the turn the audio is at, while it plays
        self._speaker_numbers: dict[str, int] = {}  # in order of appearance

    # -- what is shown -------------------------------------------------------------------------

    def show_episode(self, episode: Episode, turn: int = 0) -> None:
        self.episode = episode
        speakers = dict.fromkeys(turn.speaker for turn in episode.turns)
        self._speaker_numbers = {name: number for number, name in enumerate(speakers)}
        self._lit.clear()
        self._relayout()
        self.go_to_turn(turn, force_message=True)

    def set_marks(self, bookmarked: set[int], noted: set[int]) -> None:
        """Mark these turns in the gutter: bookmarked ones, and those with a note of yours."""
        if bookmarked != self._bookmarks or noted != self._noted:
            self._bookmarks, self._noted = set(bookmarked), set(noted)
            self._strips.clear()
            self.refresh()

    def set_playing(self, turn: int | None) -> None:
        """Mark the turn the audio is at (None: none is)."""
        if turn != self.playing:
            self.playing = turn
            self._strips.clear()
            self.refresh()

    def set_highlighter(self, highlighter: Highlighter | None) -> None:
        """Light the spans ``highlighter`` finds (search terms) in every paragraph."""
        self._highlighter = highlighter
        self._lit.clear()
        self._strips.clear()
        self.refresh()

    def go_to_turn(self, turn: int, *, force_message: bool = False) -> None:
        """Move the cursor to a turn and bring its start to the top of the view."""
        if not self.episode or not self.episode.turns:
            return
        turn = max(0, min(turn, len(self.episode.turns) - 1))
        if turn == self.cursor and force_message:
            self.post_message(self.TurnChanged(self.episode, turn))
        self.cursor = turn
        self._scroll_to_cursor()

    # -- keys ----------------------------------------------------------------------------------

    def action_next_turn(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_previous_turn(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_first_turn(self) -> None:
        self.go_to_turn(0)

    def action_last_turn(self) -> None:
        if self.episode:
            self.go_to_turn(len(self.episode.turns) - 1)

    def action_page_down(self) -> None:
        self._page(+1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_half_page(self, direction: int) -> None:
        """Half a page, as ctrl+d and ctrl+u scroll in vim and less."""
        self._scroll_lines(direction * max(self.scrollable_content_region.height // 2, 1))

    def move_cursor(self, turn: int) -> None:
        """Move the cursor to a turn, scrolling only when it is not wholly in view."""
        if not self.episode or not 0 <= turn < len(self.episode.turns) or self._layout is None:
            return
        self.cursor = turn
        first, last = self._layout.first_line[turn], self._layout.last_line(turn)
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if first < top or last >= top + height:
            self._scroll_to_cursor()

    def _page(self, direction: int) -> None:
        """A page, less the line kept in view for continuity."""
        self._scroll_lines(direction * max(self.scrollable_content_region.height - 1, 1))

    def _scroll_lines(self, lines: int) -> None:
        if self._layout is None:
            return
        self.scroll_to(y=self.scroll_y + lines, animate=False, immediate=True)
        self._cursor_to_top_turn()

    # -- reacting ------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()  # cached strips are keyed by whether their turn is the current one
        if self.episode:
            self.post_message(self.TurnChanged(self.episode, new))

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if self._layout is None:
            return
        first, last = self._layout.first_line[self.cursor], self._layout.last_line(self.cursor)
        top, height = round(new), self.scrollable_content_region.height
        if last < top or first >= top + height:  # scrolled away (wheel, scrollbar): follow
            self._cursor_to_top_turn()

    def on_click(self, event: events.Click) -> None:
        if self._layout is None:
            return
        line = round(self.scroll_y) + event.y
        if 0 <= line < len(self._layout.lines):
            self.cursor = self._layout.turn_at(line)

    # -- painting ------------------------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return max(min(self.scrollable_content_region.width - GUTTER, self.measure), 8)

    @property
    def _margin(self) -> int:
        """Blank columns left of the gutter: the text, at its measure, in the middle."""
        return max(self.scrollable_content_region.width - GUTTER - self._text_width, 0) // 2

    def _relayout(self) -> None:
        """Lay the text out for the width shown; before the widget has one (an episode shown
        from ``on_mount``), the first paint does it."""
        if self.episode is None or not self.size.width:
            self._layout = None
            return
        self._layout = lay_out(self.episode.turns, self._text_width)
        self._strips.clear()
        self.virtual_size = Size(self._margin + GUTTER + self._text_width, len(self._layout.lines))
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        """Bring the cursor turn's first line to the top of the view.

        Forced: at the first paint (where the layout is made) Textual has not yet decided that
        the view has a scrollbar, and an unforced scroll was refused there, so a reopened
        episode showed its start while the cursor and status line were at the saved turn.
        """
        if self._layout is not None:
            y = self._layout.first_line[self.cursor]
            self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _cursor_to_top_turn(self) -> None:
        if self._layout is not None:
            self.cursor = self._layout.turn_at(round(self.scroll_y))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Laid out where the width is known for sure: at the first paint (a Resize event comes
        # after it) and after a resize, keeping the cursor turn at the top.
        if self.episode and (self._layout is None or self._layout.width != self._text_width):
            self._relayout()
            self._scroll_to_cursor()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        index = scroll_y + y
        if self._layout is None or index >= len(self._layout.lines):
            return Strip.blank(width, self.rich_style)
        line = self._layout.lines[index]
        current = line.turn == self.cursor
        key = (index, current)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._paint(line, current)
            self._strips[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _theme_changed(self) -> None:
        self._strips.clear()  # painted in the old theme's colours
        self._styles.clear()
        self.refresh()

    def _style(self, component: str) -> Style:
        """A component's style, in a colour that reads on the background (`tui.contrast`)."""
        style = self._styles.get(component)
        if style is None:
            # Whole, not partial: a colour with alpha ($text-muted) is blended with the
            # background only then (partial gave white on the light themes).
            whole = self.rich_style + self.get_component_rich_style(component)
            style = self._styles[component] = readable(whole, self.rich_style)
        return style

    def _speaker_style(self, speaker: str) -> Style:
        number = self._speaker_numbers.get(speaker, 0)
        return self._style(SPEAKER_CLASSES[number % len(SPEAKER_CLASSES)])

    def _paint(self, line: Line, current: bool) -> Strip:
        assert self.episode is not None
        base = self.rich_style
        cursor_mark = "▌" if current and line.kind != "blank" else " "
        mark_style = self._style("transcript--cursor")
        if line.kind == "header" and line.turn == self.playing:
            cursor_mark, mark_style = PLAYING, self._style("transcript--playing")
        gutter = [
            Segment(" " * self._margin, base),
            Segment(cursor_mark, mark_style),
            self._mark(line),
        ]
        turn = self.episode.turns[line.turn]
        if line.kind == "chapter":
            chapter = self.episode.chapters[turn.chapter]
            title = f"── {chapter.title} "
            if cell_len(title) > self._text_width:  # cut where it ends, and marked so
                cut = Text(title.rstrip())
                cut.truncate(self._text_width, overflow="ellipsis")
                title = cut.plain
            segments = [
                Segment(" " * (self._margin + GUTTER), base),
                Segment(title, self._style("transcript--chapter")),
                Segment(
                    "─" * max(self._text_width - cell_len(title), 0),
                    self._style("transcript--rule"),
                ),
            ]
        elif line.kind == "header":
            segments = [
                *gutter,
                Segment(_time_label(turn), self._style("transcript--time")),
                Segment("  ", base),
                Segment(turn.speaker, self._speaker_style(turn.speaker)),
            ]
        elif line.kind == "text":
            segments = [*gutter, *self._text_segments(line, base)]
        else:
            segments = gutter
        return Strip(segments).simplify()

    def _mark(self, line: Line) -> Segment:
        """The gutter's second column: ★ on a bookmarked turn's header line, ✎ for your note
        there or, when both, on the line below it."""
        marks = []
        if line.turn in self._bookmarks:
            marks.append((BOOKMARK, "transcript--bookmark"))
        if line.turn in self._noted:
            marks.append((NOTED, "transcript--noted"))
        row = 0 if line.kind == "header" else 1 if _opens_turn_text(line) else None
        if row is None or row >= len(marks):
            return Segment(" ", self.rich_style)
        mark, component = marks[row]
        return Segment(mark, self._style(component))

    def _text_segments(self, line: Line, base: Style) -> list[Segment]:
        assert self.episode is not None
        paragraph = self.episode.turns[line.turn].paragraphs[line.paragraph]
        lit = self._lit_spans(line.turn, line.paragraph, paragraph)
        segments, at = [], line.start
        style_lit = self._style("transcript--lit")
        for start, end in lit:
            start, end = max(start, line.start), min(end, line.end)
            if start >= end:
                continue
            if start > at:
                segments.append(Segment(paragraph[at:start], base))
            segments.append(Segment(paragraph[start:end], style_lit))
            at = end
        if at < line.end:
            segments.append(Segment(paragraph[at : line.end], base))
        return segments

    def _lit_spans(self, turn: int, paragraph: int, text: str) -> list[tuple[int, int]]:
        if self._highlighter is None:
            return []
        key = (turn, paragraph)
        if key not in self._lit:
            self._lit[key] = self._highlighter(text)
        return self._lit[key]


def _opens_turn_text(line: Line) -> bool:
    """Whether this is the first line of a turn's text (the one below its header)."""
    return line.kind == "text" and line.paragraph == 0 and line.start == 0


def _time_label(turn: Turn) -> str:
    """``00:09:39``, or as much blank room when the transcript gives the turn no time."""
    return clock(turn.start).ljust(8)
