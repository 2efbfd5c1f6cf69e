"""Command palette (ctrl+p) entries: every chapter and episode of the library, and the
commands that follow podcasts."""

from __future__ import annotations

from collections.abc import Callable
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


class FeedCommands(Provider):
    """Follow a podcast, and bring in what is new in the ones followed (in a worker)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        app: EarmarkApp = self.app  # type: ignore[assignment]
        return [
            ("Follow a podcast…", "Bring a feed's last episodes into your library", app.ask_feed),
            ("Update feeds", "Bring in what is new in the podcasts you follow", app.update_feeds),
        ]

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
