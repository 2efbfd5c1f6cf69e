"""Episodes and their chapters, with start times; the current chapter follows the reading.

The tree is as wide as its chapters' titles need, up to a cap (the app shares the width:
`fit_width`); a title cut to the tree's width ends in ``…`` and shows whole in the tooltip
where it is cut. Each time has a space after it, right-aligned to the episode's longest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from index.library import EpisodeInfo
from index.timecode import format_time

# Printable ASCII, Latin-1 to the spacing modifiers, and the visible general punctuation:
# characters of one cell each (tests/test_layout.py checks every one against Rich).
_ONE_CELL_EACH = re.compile(r"[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e]*")
# Libraries this small show every episode's chapters; larger ones only the episode being read.
EXPAND_ALL_UP_TO = 10
# Episodes shown before the first paint: as many as the terminal has rows, the most a screen
# of the tree holds (up to this many); the rest follow at once.
EPISODES_BEFORE_FIRST_PAINT = 100


@dataclass(frozen=True, slots=True)
class Place:
    """What a tree node stands for: an episode, or one of its chapters."""

    episode: str
    chapter: int | None = None


class ChapterTree(Tree[Place]):
    DEFAULT_CSS = """
    ChapterTree {
        background: $panel;
        padding: 0 1;
    }
    """
    # Columns of a line that are not its label: padding (1 + 1) and the border on the right.
    CHROME = 3

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Go to the chapter", id="tree.go", show=False),
        Binding("j", "cursor_down", "Next chapter in the list", id="tree.down", show=False),
        Binding("k", "cursor_up", "Previous chapter in the list", id="tree.up", show=False),
    ]

    class ChapterChosen(Message):
        def __init__(self, place: Place) -> None:
            self.place = place
            super().__init__()

    class Refit(Message):
        """The titles listed changed what width the tree needs (`fit_width`)."""

    def __init__(self, *, id: str | None = None) -> None:
        # Both set before Textual's __init__, which measures and invalidates already.
        self._label_widths: dict[TreeNode[Place], int] = {}  # cells, by node
        self._adding_many = False  # `_invalidate` waits until `_add_rest` has added them all
        self._room_in_build: int | None = None  # the labels' room, while `_build` measures
        super().__init__(Text("Library"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self._chapters: dict[tuple[str, int], TreeNode[Place]] = {}
        self._episodes: dict[str, TreeNode[Place]] = {}
        self._infos: dict[str, EpisodeInfo] = {}
        self._current: tuple[str, int] | None = None  # the chapter being read
        self._widest_chapter = 0  # the longest chapter line listed, guides included
        self._titles_longest_first: list[str] = []

    def show_library(self, infos: tuple[EpisodeInfo, ...]) -> None:
        """One node per episode; its chapters are added when it is first expanded, so a library
        of a thousand episodes does not build ten thousand nodes before the first paint. Past a
        screenful, the episodes are added after the first paint too."""
        self.clear()
        self._chapters.clear()
        self._episodes.clear()
        self._label_widths.clear()
        self._widest_chapter = 0
        self._infos = {info.id: info for info in infos}
        self._titles_longest_first = sorted((info.title for info in infos), key=len, reverse=True)
        expand_all = len(infos) <= EXPAND_ALL_UP_TO
        rows = self.app.size.height or EPISODES_BEFORE_FIRST_PAINT
        first = min(rows, EPISODES_BEFORE_FIRST_PAINT)
        for info in infos[:first]:
            self._add_episode(info, expand=expand_all)
        if len(infos) > first:
            self.call_after_refresh(self._add_rest, infos[first:])

    def add_episodes(self, infos: tuple[EpisodeInfo, ...]) -> None:
        """The library's episodes now that more of them are read: each new one is listed in
        its place in ``infos`` (the library's order), the others stay as they are."""
        following: TreeNode[Place] | None = None  # the node listed after the one added
        for info in reversed(infos):
            if (node := self._episodes.get(info.id)) is None:
                self._infos[info.id] = info
                expand = len(infos) <= EXPAND_ALL_UP_TO
                node = self._add_episode(info, expand=expand, before=following)
            following = node
        # The cursor stays on its node (Textual's tree follows it as lines are inserted).
        self.post_message(self.Refit())  # a new title may be the widest

    def _add_episode(
        self, info: EpisodeInfo, *, expand: bool, before: TreeNode[Place] | None = None
    ) -> TreeNode[Place]:
        node = self._episodes.get(info.id)  # listed already, by `add_episodes`
        if node is None:
            label = Text(info.title, style="bold")
            node = self.root.add(label, Place(info.id), before=before)
            self._episodes[info.id] = node
        if expand:
            self._expand(node)
        return node

    def _add_rest(self, infos: tuple[EpisodeInfo, ...]) -> None:
        self._adding_many = True
        try:
            for info in infos:
                self._add_episode(info, expand=False)
        finally:
            self._adding_many = False
        self._invalidate()
        if self._current is not None:  # it may be one of those just added
            self.mark_current(*self._current)

    def _invalidate(self) -> None:
        """Textual's tree drops its caches and asks for a layout at every node added: a third
        of adding 10,000 episodes after the first paint, while keys wait (`tests.bench.
        tree_fill`: 239–390 ms of CPU, 151–257 without). `_add_rest` does it once, at the end."""
        if not self._adding_many:
            super()._invalidate()

    def _expand(self, node: TreeNode[Place]) -> bool:
        """Expand an episode's node; whether its chapters had to be added first."""
        added = self._add_chapters(node)
        if not node.is_expanded:
            node.expand()
        return added

    def _add_chapters(self, node: TreeNode[Place]) -> bool:
        place = node.data
        if place is None or node.children:
            return False
        chapters = self._infos[place.episode].chapters
        times = [format_time(chapter.start) for chapter in chapters]
        time_width = max(map(len, times), default=0)
        for chapter, time in zip(chapters, times, strict=True):
            label = Text.assemble((time.rjust(time_width), "dim"), " ", chapter.title)
            leaf = node.add_leaf(label, Place(place.episode, chapter.index))
            self._chapters[(place.episode, chapter.index)] = leaf
            self._widest_chapter = max(self._widest_chapter, self.guide_depth + label.cell_len)
        if chapters:
            self.post_message(self.Refit())
        return True

    @property
    def worth_showing(self) -> bool:
        """Whether it lists anywhere to go: more than one episode, or than one chapter (an
        episode without chapters has one, the whole transcript)."""
        return len(self._infos) > 1 or any(len(info.chapters) > 1 for info in self._infos.values())

    def fit_width(self, most: int) -> int:
        """The width that shows every chapter title listed whole (without chapters, every
        episode's title), scrollbar and chrome included, or ``most`` if that is narrower."""
        chrome = self.CHROME + self.scrollbar_size_vertical
        widest = self._widest_chapter or self._widest_title(most - chrome)
        return min(widest + chrome, most)

    def _widest_title(self, enough: int) -> int:
        """The widest episode title's line, or at least ``enough``: titles are measured longest
        first, until one is that wide or none left can be wider (a character is at most two
        cells). Measuring all of a thousand episodes' titles was 15 ms before the first paint."""
        icon = cell_len(self.ICON_NODE)
        widest = 0
        for title in self._titles_longest_first:
            if widest >= enough or icon + 2 * len(title) <= widest:
                break
            widest = max(widest, icon + cell_len(title))
        return widest

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        self.post_message(self.Refit())  # its scrollbar takes room from the titles

    def render_label(self, node: TreeNode[Place], base_style: Style, style: Style) -> Text:
        """The label, cut with ``…`` where the tree is too narrow for it."""
        label = super().render_label(node, base_style, style)
        if self._is_cut(node, label):
            label.truncate(self._label_room(node), overflow="ellipsis")
        return label

    def get_label_width(self, node: TreeNode[Place]) -> int:
        """The width `render_label` draws the label at, without drawing it, each label measured
        once: the tree measures every line it lists whenever one is added or expanded and at
        every resize, and drawing the 10,000 of a library that large took 0.6 s each time."""
        width = self._label_widths.get(node)
        if width is None:  # a node's label and icon (both icons are as wide) never change
            icon = cell_len(self.ICON_NODE) if node.allow_expand else 0
            width = self._label_widths[node] = icon + _cells(node.label.plain)
        room = self._label_room(node)
        return min(width, room) if room > 0 else width

    def _build(self) -> None:
        """Textual's tree lines, each measured (`get_label_width`) against the room worked out
        once: Textual works the room out from the scrollbars at each ask, and a library of
        10,000 episodes rebuilt its lines at each batch of episodes read, 2.7 million asks
        in all (the reader's own CPU then slowed its parsing workers)."""
        self._room_in_build = self.scrollable_content_region.width
        try:
            super()._build()
        finally:
            self._room_in_build = None

    def _label_room(self, node: TreeNode[Place]) -> int:
        guides = 0 if node.parent is self.root else self.guide_depth
        room = self._room_in_build
        return (self.scrollable_content_region.width if room is None else room) - guides

    def _is_cut(self, node: TreeNode[Place], label: Text | None = None) -> bool:
        label = label or super().render_label(node, Style.null(), Style.null())
        return 0 < self._label_room(node) < label.cell_len

    def watch_hover_line(self, previous: int, line: int) -> None:
        """The whole title, as a tooltip, where the tree cut it."""
        super().watch_hover_line(previous, line)
        node = self._get_node(line)
        self.tooltip = Text(str(node.label)) if node and self._is_cut(node) else None

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Place]) -> None:
        event.stop()
        self._add_chapters(event.node)

    def mark_current(self, episode: str, chapter: int) -> None:
        """Put the tree's cursor on the chapter being read, without moving focus."""
        self._current = (episode, chapter)
        episode_node = self._episodes.get(episode)
        added = episode_node is not None and self._expand(episode_node)
        node = self._chapters.get((episode, chapter)) or episode_node
        if node is None or self.cursor_node is node:
            return
        if added:  # chapters just added have no line in the tree until it refreshes
            self.call_after_refresh(self.move_cursor, node, animate=False)
        else:
            self.move_cursor(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Place]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ChapterChosen(event.node.data))


def _cells(text: str) -> int:
    """The cells ``text`` takes: its length when each character takes one cell, as in most
    titles (letters of Latin scripts, dashes, curly quotes). Rich measures a title holding a
    dash character by character, past its cache of 4,096 strings, and a tree of 10,000
    episodes measured 10,000 titles the first time it was built."""
    return len(text) if _ONE_CELL_EACH.fullmatch(text) else cell_len(text)
