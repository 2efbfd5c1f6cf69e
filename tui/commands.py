"""Command palette (ctrl+p) entries for every chapter and episode of the library."""

from __future__ import annotations

from functools import cached_property, partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from index.timecode import format_time

if TYPE_CHECKING:
    from tui.app import EarmarkApp


class ChapterCommands(Provider):
    """Go to any chapter or episode by typing part of its title."""

    @cached_property
    def _places(self) -> list[tuple[str, str, int | None]]:
        """Every episode and chapter, once per opening of the palette (not per keystroke)."""
        app: EarmarkApp = self.app  # type: ignore[assignment]
        places = []
        for info in app.library.infos:
            places.append((f"Episode: {info.title}", info.id, None))
            for chapter in info.chapters:
                places.append(
                    (f"{format_time(chapter.start)} {chapter.title}", info.id, chapter.index)
                )
        return places

    async def discover(self) -> Hits:
        app: EarmarkApp = self.app  # type: ignore[assignment]
        for text, episode, chapter in self._places:
            yield DiscoveryHit(
                Content(text), partial(app.go_to_chapter, episode, chapter), text=text
            )

    async def search(self, query: str) -> Hits:
        app: EarmarkApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for text, episode, chapter in self._places:
            score, offsets = matcher.fuzzy_search.match(query, text)
            if score > 0:
                # Our own highlight: Matcher.highlight would read the title as markup.
                display = Content(text)
                for offset in offsets:
                    display = display.stylize("bold reverse", offset, offset + 1)
                yield Hit(score, display, partial(app.go_to_chapter, episode, chapter), text=text)
