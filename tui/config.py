"""Your settings for the reader: ``config.toml`` in the user config directory (under
``$EARMARK_HOME/config`` when that is set)::

    theme = "gruvbox"              # any Textual theme (ctrl+p → "Theme" lists them)
    text_width = 88                # the transcript's widest measure, in columns
    tree_width = 60                # the chapter tree's widest, in columns
    tree = true                    # the chapter tree shown at start (T: hide or show it)
    side_pane = true               # the side pane shown at start, where there is room
    [keys]                         # binding id (earmark config lists them) → keys
    "app.next_chapter" = "right_square_bracket,l"

A wrong value is one line naming its key, and the rest of the file still applies; a file that is
not TOML is one line and the defaults apply. Read once at start-up (tomllib is in the standard
library); whether a theme or a binding id exists is the app's to check, as only it knows them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.paths import config_dir

CONFIG_FILE = "config.toml"
TEXT_WIDTHS = (40, 200)
TREE_WIDTHS = (16, 80)


@dataclass(frozen=True, slots=True)
class Settings:
    theme: str = "textual-dark"
    text_width: int = 88
    tree_width: int = 60
    tree: bool = True
    side_pane: bool = True
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Config:
    """The settings in force, where they came from, and what in the file was not taken."""

    path: Path
    settings: Settings
    problems: tuple[str, ...] = ()


def config_path() -> Path:
    return config_dir() / CONFIG_FILE


def load_config(path: Path | None = None) -> Config:
    """The settings of ``path`` (default: the user's file) over the defaults."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(path, Settings())
    except (OSError, UnicodeDecodeError) as error:
        return Config(path, Settings(), (f"{path}: not read ({error}); the defaults apply",))
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        return Config(path, Settings(), (f"{path}: not TOML ({error}); the defaults apply",))
    problems: list[str] = []
    taken: dict[str, object] = {}
    for key, value in data.items():
        if key not in _RULES:
            problems.append(f"{path}: {key}: not a setting; ignored")
        elif not _RULES[key][0](value):
            problems.append(f"{path}: {key}: {_RULES[key][1]}; ignored")
        else:
            taken[key] = value
    return Config(path, Settings(**taken), tuple(problems))  # type: ignore[arg-type]


def _whole_number(low: int, high: int) -> tuple[Callable[[object], bool], str]:
    def check(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high

    return check, f"expected a whole number from {low} to {high}"


def _flag() -> tuple[Callable[[object], bool], str]:
    return (lambda value: isinstance(value, bool)), "expected true or false"


def _keys(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(keys, str) and keys.strip() for keys in value.values()
    )


# Each setting: what it takes, and what a wrong value is told.
_RULES: dict[str, tuple[Callable[[object], bool], str]] = {
    "theme": (lambda value: isinstance(value, str) and bool(value.strip()), "expected a name"),
    "text_width": _whole_number(*TEXT_WIDTHS),
    "tree_width": _whole_number(*TREE_WIDTHS),
    "tree": _flag(),
    "side_pane": _flag(),
    "keys": (_keys, 'expected a table of binding id = "keys"'),
}


def describe(config: Config) -> list[str]:
    """The settings in force as lines of TOML, for ``earmark config``."""
    settings = config.settings
    lines = [
        f"theme = {_toml(settings.theme)}",
        f"text_width = {settings.text_width}",
        f"tree_width = {settings.tree_width}",
        f"tree = {str(settings.tree).lower()}",
        f"side_pane = {str(settings.side_pane).lower()}",
        "[keys]",
    ]
    return lines + describe_keys(settings.keys)


def describe_keys(keys: dict[str, str]) -> list[str]:
    """Binding ids and their keys, as lines of a TOML table."""
    return [f"{_toml(binding)} = {_toml(keys)}" for binding, keys in keys.items()]


def _toml(text: str) -> str:
    import json  # a JSON string is a TOML basic string

    return json.dumps(text, ensure_ascii=False)
