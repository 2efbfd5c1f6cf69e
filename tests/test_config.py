"""Your settings: config.toml over the defaults, a wrong value one line naming its key."""

from __future__ import annotations

from pathlib import Path

from tui.config import Settings, config_path, describe, load_config


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
