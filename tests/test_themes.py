"""Every built-in Textual theme, light ones included, paints the transcript readably: its text,
times, speakers, marks and lit words each contrast with their background."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from tests.waiting import wait_for
from tui import app as reader
from tui.contrast import LEAST_CONTRAST, contrast
from tui.widgets.transcript import Transcript

# The body text is the theme's own foreground on its own surface: solarized's are 4.1:1.
LEAST_TEXT_CONTRAST = 4.0


class TranscriptAlone(App[None]):
    """The transcript with the reader's style sheet and nothing else: a theme change restyles
    every widget on screen, and the whole reader made this test the suite's slowest."""

    CSS_PATH = Path(reader.__file__).with_name(reader.EarmarkApp.CSS_PATH)

    def compose(self) -> ComposeResult:
        yield Transcript(measure=80)


@pytest.mark.cold  # it reads no library
async def test_every_built_in_theme_reads_well() -> None:
    app = TranscriptAlone()
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript.is_mounted)
        themes = sorted(name for name in app.available_themes if not name.startswith("ansi"))
        assert "textual-light" in themes and "catppuccin-latte" in themes
        unreadable = []
        for theme in themes:
            app.theme = theme
            await pilot.pause()
            body = contrast(transcript.rich_style)
            if body is None or body < LEAST_TEXT_CONTRAST:
                unreadable.append((theme, "text", body))
            for component in sorted(Transcript.COMPONENT_CLASSES):
                ratio = contrast(transcript._style(component))
                if ratio is None or ratio < LEAST_CONTRAST:
                    unreadable.append((theme, component, ratio))
        assert unreadable == []
