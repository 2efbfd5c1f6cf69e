"""Every built-in Textual theme, light ones included, paints the transcript readably: its text,
times, speakers, marks and lit words each contrast with their background."""

from __future__ import annotations

from index.library import Library
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.contrast import LEAST_CONTRAST, contrast
from tui.widgets.transcript import Transcript

# The body text is the theme's own foreground on its own surface: solarized's are 4.1:1.
LEAST_TEXT_CONTRAST = 4.0


async def test_every_built_in_theme_reads_well(library: Library) -> None:
    app = EarmarkApp(library)
    async with app.run_test(size=(80, 24)) as pilot:
        transcript = app.query_one(Transcript)
        await wait_for(pilot, lambda: transcript._layout is not None)
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
