"""The README's key and format tables are the app's bindings and formats, so they cannot drift
apart."""

from __future__ import annotations

from pathlib import Path

from tui.app import EarmarkApp
from tui.screens.help import key_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_key_as_the_help_does() -> None:
    table = key_markdown(EarmarkApp.key_groups())
    assert "| `/` | Search |" in table
    assert table in README.read_text(encoding="utf-8")


def test_readme_names_every_format_as_the_registry_does() -> None:
    """A row per format: the name people know it by, and the name [formats] takes."""
    from index.formats import FORMATS

    readme = README.read_text(encoding="utf-8")
    missing = [
        name for name, entry in FORMATS.items() if f"| {entry.label} | `{name}` |" not in readme
    ]
    assert missing == []
