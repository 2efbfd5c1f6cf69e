"""The README's key table is the app's bindings, so the two cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from tui.app import EarmarkApp
from tui.screens.help import key_markdown

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_key_as_the_help_does() -> None:
    table = key_markdown(EarmarkApp.key_groups())
    assert "| `/` | Search |" in table
    assert table in README.read_text(encoding="utf-8")
