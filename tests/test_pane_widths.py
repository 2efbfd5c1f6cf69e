"""How the width is shared between the tree, the transcript and the side pane (no screen)."""

from __future__ import annotations

import pytest

from tui.pane_widths import (
    COMFORTABLE_TEXT,
    LEAST_TEXT,
    SIDE,
    SQUEEZED_TEXT,
    TRANSCRIPT_CHROME,
    Pane,
    Widths,
    share,
    tree_size,
)

TREE = tree_size(fit=57, cap=60)  # what the bundled episode's chapter titles need


def both(width: int, text_width: int = 88) -> Widths:
    return share(width, text_width, Pane(True, 0, TREE), Pane(True, 0, SIDE))


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 140, 160, 200, 250, 400])
def test_the_panes_fill_the_width_and_the_text_fits_its_pane(width: int) -> None:
    widths = both(width)
    assert widths.tree + widths.transcript + widths.side == width
    assert 0 < widths.text <= 88 and widths.margin >= 0


def test_a_comfortable_measure_before_any_pane() -> None:
    """At 120 columns the text had 44; now a pane gives way before it gets fewer than 50."""
    for width in range(40, 300):
        widths = both(width)
        if widths.tree or widths.side:
            assert widths.text >= LEAST_TEXT, width
    at_120 = both(120)
    assert at_120.tree and at_120.side and at_120.text >= 55
    assert both(160).text == COMFORTABLE_TEXT  # before the panes grow past their narrowest


def test_the_measure_stops_at_text_width_and_the_side_pane_takes_the_rest() -> None:
    wide = both(200)
    assert wide.text == 88 and wide.tree == 57 and wide.side > SIDE.wanted
    widest = both(400)
    assert widest.side == SIDE.most and widest.margin == 400 - 57 - SIDE.most - 88 - 6
    assert both(200, text_width=60).text == 60


def test_the_side_pane_gives_way_first_unless_asked_for() -> None:
    narrow = both(80)
    assert narrow.tree and not narrow.side
    asked = share(80, 88, Pane(True, 0, TREE), Pane(True, 1, SIDE))
    assert asked.side and not asked.tree  # the one asked for last stays
    assert asked.text >= SQUEEZED_TEXT
    tree_asked_after = share(80, 88, Pane(True, 2, TREE), Pane(True, 1, SIDE))
    assert tree_asked_after.tree and not tree_asked_after.side


def test_hidden_panes_leave_their_room_to_the_text_and_its_margin() -> None:
    alone = share(200, 88, Pane(False, 0, TREE), Pane(False, 0, SIDE))
    assert (alone.tree, alone.side, alone.text) == (0, 0, 88)
    assert alone.margin == 200 - 88 - TRANSCRIPT_CHROME


def test_a_tree_of_short_titles_is_narrow() -> None:
    short = share(200, 88, Pane(True, 0, tree_size(fit=18, cap=60)), Pane(True, 0, SIDE))
    assert short.tree == 18
