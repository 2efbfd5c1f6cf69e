"""Your settings: config.toml over the defaults, a wrong value one line naming its key; the
reader applies them at start-up."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.library import Library
from tests.screen import screen_text
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.cli import main
from tui.config import Settings, config_path, describe, load_config
from tui.screens.help import HelpScreen
from tui.widgets.chapter_tree import ChapterTree
from tui.widgets.side_pane import SidePane
from tui.widgets.transcript import Transcript


def test_no_file_means_the_defaults(earmark_home: Path) -> None:
    config = load_config()
    assert config.path == earmark_home / "config" / "config.toml" == config_path()
    assert config.settings == Settings() and config.problems == ()


def test_settings_apply_and_a_wrong_one_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "gruvbox"\ntext_width = 500\ntree = false\ncolour = "red"\n'
        '[keys]\n"app.next_chapter" = "right_square_bracket,l"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.settings == Settings(
        theme="gruvbox", tree=False, keys={"app.next_chapter": "right_square_bracket,l"}
    )
    assert config.problems == (
        f"{path}: text_width: expected a whole number from 40 to 200; ignored",
        f"{path}: colour: not a setting; ignored",
    )
    assert 'theme = "gruvbox"' in describe(config) and "tree = false" in describe(config)
    assert '"app.next_chapter" = "right_square_bracket,l"' in describe(config)


def test_a_file_that_is_not_toml_leaves_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = [\n" * 1000, encoding="utf-8")
    config = load_config(path)
    assert config.settings == Settings()
    (problem,) = config.problems
    assert problem.startswith(f"{path}: not TOML (") and problem.endswith("; the defaults apply")
    assert "\n" not in problem


async def test_the_reader_applies_the_settings_and_names_what_it_cannot(
    library: Library, tmp_path: Path
) -> None:
    """Theme, keys by binding id, text width, panes: applied at start-up; a wrong value, an
    unknown theme or binding id is one notification each, naming it, and the rest applies."""
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "textual-light"\ntext_width = 60\ntree = false\nside_pane = false\n'
        "tree_width = 5\n"
        '[keys]\n"app.next_chapter" = "l"\n"app.no_such_thing" = "x"\n',
        encoding="utf-8",
    )
    app = EarmarkApp(library, config=load_config(path))
    async with app.run_test(size=(200, 50)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript._layout is not None)
        assert app.theme == "textual-light"
        assert not app.query_one(ChapterTree).display and not app.query_one(SidePane).display
        assert transcript._layout.width == 60
        said = [n.message for n in app._notifications if n.title == "Settings"]
        assert said == [
            f"{path}: tree_width: expected a whole number from 16 to 80; ignored",
            f"{path}: keys: no binding 'app.no_such_thing' (earmark config lists them)",
        ]
        await pilot.press("l")
        await wait_for(pilot, lambda: app.episode.turns[transcript.cursor].chapter == 1)
        await pilot.press("right_square_bracket")  # replaced, no longer bound
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = screen_text(app)
        assert re.search(r"\bl +Next chapter", keys)
    assert app.episode.turns[transcript.cursor].chapter == 1


async def test_an_unknown_theme_is_said_and_the_default_kept(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    app = EarmarkApp(library, config=load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app._notifications)
        (said,) = [n.message for n in app._notifications]
        assert said == f"{path}: theme: no theme called 'no-such-theme'; ignored"
        assert app.theme == "textual-dark"


def test_earmark_config_lists_every_binding_id_with_its_keys(
    earmark_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `[keys]` takes is found where the settings are shown, ready to copy."""
    assert main(["config"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert '# "app.next_chapter" = "right_square_bracket"' in out
    assert '# "app.toggle_tree" = "T"' in out
    assert '# "app.play" = "p"' in out  # the player's
    assert '# "confirm.no" = "n,escape"' in out  # a dialog's
    listed = {line.split('"')[1] for line in out if line.startswith('# "')}
    assert listed == set(EarmarkApp.binding_keys())
