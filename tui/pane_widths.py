"""How the reader's width is shared between the chapter tree, the transcript and the side pane.

Plain arithmetic, no Textual, so that every width is tested. The text comes first: it gets a
comfortable measure (at least `LEAST_TEXT` columns) before a pane beside it is shown, and
panes that do not fit then give way, the one the person asked for least recently first
(by default the side pane, as the tree is how one moves about); a pane just asked for is shown
beside a narrower text when it is the only one. Width beyond what every pane
and the text want (``text_width`` of the settings, 88 by default) goes to the side pane, up to
`SIDE.most`, and the rest is margin either side of the text.

Each width is a pane's whole width, its padding, border and scrollbar included.
"""

from __future__ import annotations

from dataclasses import dataclass

# The transcript's columns that are not text: padding (1 + 1), the gutter (the cursor, and a
# turn's marks: ★ bookmarked, ✎ your note) and the scrollbar (2).
TRANSCRIPT_CHROME = 6
# Below this many columns of text a pane beside it gives way; a pane the person has just asked
# for (s, T) gives way only below the second.
LEAST_TEXT = 50
SQUEEZED_TEXT = 30
# The text is given this measure before the panes grow past their narrowest (66 characters,
# the typographers' ideal line), then the panes, then the text again up to its setting.
COMFORTABLE_TEXT = 66


@dataclass(frozen=True, slots=True)
class PaneSize:
    """How narrow a pane may be, the width it wants, and the widest it is worth making."""

    least: int
    wanted: int
    most: int


SIDE = PaneSize(least=32, wanted=40, most=64)
TREE_LEAST = 24


@dataclass(frozen=True, slots=True)
class Pane:
    """A pane the person wants shown (``shown``), asked for at ``asked`` (a count of key
    presses: 0 is the settings' choice), with its size."""

    shown: bool
    asked: int
    size: PaneSize


@dataclass(frozen=True, slots=True)
class Widths:
    tree: int  # 0: not shown
    transcript: int
    side: int  # 0: not shown
    text: int  # the transcript's measure: its text column

    @property
    def margin(self) -> int:
        """The transcript's blank columns beside its text."""
        return self.transcript - TRANSCRIPT_CHROME - self.text


def tree_size(fit: int, cap: int) -> PaneSize:
    """The tree's size: as wide as its longest title needs (``fit``), up to ``cap``."""
    wanted = min(fit, cap)
    return PaneSize(least=min(TREE_LEAST, wanted), wanted=wanted, most=wanted)


def share(width: int, text_width: int, tree: Pane, side: Pane) -> Widths:
    """Each pane's width in a terminal ``width`` columns wide, the text at most ``text_width``."""
    panes = {"side": side, "tree": tree}
    # The first to give way first: the one asked for least recently (the side pane on a tie).
    order = list(panes)
    shown = sorted(
        (name for name, pane in panes.items() if pane.shown),
        key=lambda name: (panes[name].asked, order.index(name)),
    )
    while shown and sum(panes[n].size.least for n in shown) + _text_least(panes, shown) > (
        width - TRANSCRIPT_CHROME
    ):
        shown.pop(0)
    widths = {name: panes[name].size.least for name in shown}
    beside = width - TRANSCRIPT_CHROME - sum(widths.values())
    widths["text"] = max(min(LEAST_TEXT, text_width, beside), 1)
    room = beside - widths["text"]

    def give(name: str, up_to: int) -> None:
        nonlocal room
        more = max(min(room, up_to - widths[name]), 0)
        widths[name] += more
        room -= more

    give("text", min(COMFORTABLE_TEXT, text_width))
    # Then the panes, each to the width it wants, in proportion to what they lack.
    lacking = {name: panes[name].size.wanted - widths[name] for name in shown}
    total = sum(lacking.values())
    shares = dict(lacking) if room >= total else {n: room * w // total for n, w in lacking.items()}
    for name in shown:
        give(name, widths[name] + shares[name])
    for name in reversed(shown):  # what rounding left, to the one asked for last
        give(name, panes[name].size.wanted)
    give("text", text_width)
    if "side" in widths:  # beyond every want: the notes read better wider
        give("side", panes["side"].size.most)
    tree_width, side_width = widths.get("tree", 0), widths.get("side", 0)
    return Widths(tree_width, width - tree_width - side_width, side_width, widths["text"])


def _text_least(panes: dict[str, Pane], shown: list[str]) -> int:
    """A pane the person asked for, alone beside the text, is shown on a narrower measure."""
    asked_alone = len(shown) == 1 and panes[shown[0]].asked > 0
    return SQUEEZED_TEXT if asked_alone else LEAST_TEXT
