"""The reader's layout at the sizes people use (Pilot): the text's measure, the tree's titles,
panes that give their room away, the footer's keys, a folded note's hint."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey

from index.library import Library
from tests.bench.tree_fill import TreeAlone
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.config import Config, Settings
from tui.pane_widths import SIDE
from tui.widgets import chapter_tree
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.side_pane import FOLDED_CHARS, UNFOLD_HINT, SidePane, note_text
from tui.widgets.transcript import Transcript

CAPTIONS = Path(__file__).parent / "fixtures" / "formats" / "podcastindex_example_transcript.srt"


def _text_lines(app: EarmarkApp) -> list[str]:
    """The transcript's lines of text as shown, gutter and margin left out."""
    transcript = app.query_one(Transcript)
    layout = transcript._layout
    assert layout is not None
    episode = app.episode
    lines = []
    for line in layout.lines:
        if line.kind == "text":
            paragraph = episode.turns[line.turn].paragraphs[line.paragraph]
            lines.append(paragraph[line.start : line.end])
    return lines


async def _ready(pilot: Pilot[None], app: EarmarkApp) -> None:
    await wait_for(pilot, lambda: app.query_one(Transcript)._layout is not None)


async def test_the_text_has_a_comfortable_measure_at_every_size(library: Library) -> None:
    """120×40 with both panes: lines of 50+ columns (44 before); 200×50: at most 88, the rest
    to the side pane and the margin."""
    for size, shortest_longest, most in (((120, 40), 50, 60), ((200, 50), 80, 88)):
        app = EarmarkApp(library)
        async with app.run_test(size=size) as pilot:
            await _ready(pilot, app)
            assert app.query_one(SidePane).display and app.query_one(ChapterTree).display
            widths = [cell_len(line) for line in _text_lines(app)]
            assert shortest_longest <= max(widths) <= most, (size, max(widths))
            if size == (200, 50):
                assert app.query_one(SidePane).size.width > 40


async def test_tree_titles_fit_with_a_space_after_the_time(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        tree = app.query_one(ChapterTree)
        await wait_for(pilot, lambda: tree.size.width > 0)
        rows = [tree.render_line(y).text for y in range(12)]
        long_row = next(row for row in rows if "1:18:13" in row)
        assert "1:18:13 “We are" in long_row  # a space after the time
        assert long_row.rstrip().endswith("…")  # cut, and marked as cut
        chapter = tree.root.children[0].children[7]
        assert tree._is_cut(chapter)
        tree.hover_line = chapter.line
        assert str(tree.tooltip) == str(chapter.label)  # whole where it is cut
        assert "1:18:13 “We are squarely an age of research company”" in str(tree.tooltip)
    app = EarmarkApp(library)
    async with app.run_test(size=(200, 50)) as pilot:  # room for most titles whole
        await _ready(pilot, app)
        tree = app.query_one(ChapterTree)
        rows = [tree.render_line(y).text for y in range(12)]
        assert any(
            row.rstrip().endswith("Why humans generalize better than models") for row in rows
        )


async def test_t_hides_and_shows_the_tree(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        tree, transcript = app.query_one(ChapterTree), app.query_one(Transcript)
        width = transcript.size.width
        await pilot.press("T")
        await wait_for(pilot, lambda: not tree.display and transcript.size.width > width)
        await pilot.press("T")
        await wait_for(pilot, lambda: tree.display and transcript.size.width == width)


async def test_an_episode_with_nothing_written_gives_the_room_to_the_text(tmp_path: Path) -> None:
    """One caption file, no notes, no chapters: no side pane, no tree; s still shows the pane."""
    (tmp_path / "library" / "talk").mkdir(parents=True)
    shutil.copy(CAPTIONS, tmp_path / "library" / "talk" / CAPTIONS.name)
    app = EarmarkApp(Library.open(tmp_path / "library"))
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        side, tree = app.query_one(SidePane), app.query_one(ChapterTree)
        assert not side.display and not tree.display
        assert app.query_one(Transcript).outer_size.width == 120
        await pilot.press("s")
        await wait_for(pilot, lambda: side.display)
        await pilot.press("T")
        said = app._notifications
        await wait_for(pilot, lambda: any("no chapters to list" in n.message for n in said))
        assert not tree.display


async def test_the_footer_shows_whole_keys_at_80_columns(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await _ready(pilot, app)
        # The footer fits its keys after each layout (at first its width is not known and
        # nothing fits): wait until some keys show, some are hidden, and the palette's is there.
        await wait_for(
            pilot,
            lambda: (
                {key.display for key in app.screen.query(FooterKey)} == {True, False}
                and bool(app.screen.query(".-command-palette"))
            ),
        )
        footer_keys = list(app.screen.query(FooterKey))
        shown = [key for key in footer_keys if key.display]
        assert shown[-1].has_class("-command-palette")
        footer = app.screen._compositor.render_strips()[-1].text
        for key in shown:
            assert key.description in footer  # each whole
        hidden = [key for key in footer_keys if not key.display]
        assert all(key.description.split()[0] not in footer for key in hidden)


async def test_the_footer_follows_the_focus(library: Library) -> None:
    """The footer builds its keys again only when they change: each pane's own keys still come
    and go with the focus, and coming back shows the same keys as before."""

    def keys() -> list[str]:
        return [key.description for key in app.screen.query(FooterKey)]

    app = EarmarkApp(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        await wait_for(pilot, lambda: "Write a note" in keys())
        reading = keys()
        await pilot.press("slash")
        await wait_for(pilot, lambda: "Close search, keep terms lit" in keys())
        assert "Write a note" not in keys()
        await pilot.press("escape")
        await wait_for(pilot, lambda: keys() == reading)
        await pilot.press("tab")
        await wait_for(pilot, lambda: "Unfold note" in keys())
        assert keys()[len(keys()) - len(reading) :] == reading


async def test_a_chapter_title_wider_than_the_text_is_cut_with_an_ellipsis(
    library: Library,
) -> None:
    config = Config(Path("config.toml"), Settings(text_width=40))
    app = EarmarkApp(library, config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(pilot, app)
        app.go_to_chapter(app.episode.id, 7)  # “We are squarely an age of research company”
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: app.episode.turns[transcript.cursor].chapter == 7)
        await pilot.pause()
        rule = transcript.render_line(0).text.strip()
        assert rule.startswith("── “We are squarely") and rule.endswith("…")
        assert cell_len(rule) == 40


def test_the_hint_that_unfolds_a_note_is_kept_whole(library: Library) -> None:
    """At any width the side pane may have, `o unfolds` is on one line (Rich broke it after `o`)."""
    note = next(n for n in library.episodes[0].notes if len(n.text) > FOLDED_CHARS)
    console = Console(width=200)
    for width in range(SIDE.least - 4, SIDE.most):
        lines = note_text(note, None, width=width).wrap(console, width)
        assert UNFOLD_HINT in lines[-1].plain, width
        assert all(cell_len(line.plain.rstrip()) <= width for line in lines)


async def test_the_tree_fits_the_widest_title_in_cells_up_to_its_cap() -> None:
    # Titles are measured longest first and no further than needed: a shorter title in a
    # wide script can still be the widest.
    titles = ["A plain-letter title", "日本語のとても長い題名です", "Short"]
    assert len(titles[1]) < len(titles[0]) < cell_len(titles[1])
    app = TreeAlone(titles)
    async with app.run_test(size=(80, 20)):
        tree = app.query_one(ChapterTree)
        tree.show_library(app.infos)
        chrome = tree.CHROME + tree.scrollbar_size_vertical
        assert tree.fit_width(200) == cell_len(tree.ICON_NODE + titles[1]) + chrome
        assert tree.fit_width(20) == 20


async def test_the_tree_measures_each_label_as_wide_as_it_draws_it() -> None:
    # Measured without drawing (`get_label_width`): a dash, a wide script, a combining mark,
    # and a title cut to the tree's width, whose measure is the cut one.
    titles = [
        "Plain",
        "Guest – a dash",
        "日本語の題名",
        "Cafe\u0301 au lait",
        "A title far too long " * 3,
    ]
    app = TreeAlone(titles)
    async with app.run_test(size=(60, 12)) as pilot:
        tree = app.query_one(ChapterTree)
        tree.styles.width = 30
        tree.show_library(app.infos)
        await pilot.pause()
        for node in tree.root.children:
            drawn = tree.render_label(node, Style.null(), Style.null())
            assert tree.get_label_width(node) == drawn.cell_len, node.label
        cut = tree.root.children[-1]
        assert tree.get_label_width(cut) < cell_len(tree.ICON_NODE + titles[-1])


def test_the_characters_the_tree_counts_as_one_cell_are_one_cell_to_rich() -> None:
    ranges = [(0x20, 0x7F), (0xA0, 0x300), (0x2010, 0x2028), (0x2030, 0x205F)]
    one_cell = "".join(chr(code) for start, end in ranges for code in range(start, end))
    assert chapter_tree._ONE_CELL_EACH.fullmatch(one_cell)
    assert all(cell_len(character) == 1 for character in one_cell)
    for other in ("\u0301", "\u200b", "\u2028", "日", "\x1b"):  # a mark, zero width, wide
        assert not chapter_tree._ONE_CELL_EACH.fullmatch(other)


async def test_a_long_library_lists_a_screenful_before_the_first_paint() -> None:
    app = TreeAlone([f"Episode {n}" for n in range(30)])
    async with app.run_test(size=(60, 12)) as pilot:
        tree = app.query_one(ChapterTree)
        tree.show_library(app.infos)
        assert [node.data.episode for node in tree.root.children] == [
            f"e{n}"
            for n in range(12)  # as many as the terminal has rows, at once
        ]
        await wait_for(pilot, lambda: len(tree.root.children) == 30)  # the rest, after it
        assert [node.data.episode for node in tree.root.children][-1] == "e29"
