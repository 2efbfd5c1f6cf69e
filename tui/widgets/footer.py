"""The footer's keys: as many as fit, each whole.

Textual's `Footer` lays its keys in a row and the command palette's key, docked on the right,
covers whatever runs under it: at 80 columns a key was cut mid-word (``[ Prev▏^p Chapters…``).
This one shows the keys in their order while they fit whole beside the palette's key and
hides the rest (all of them after the first that does not fit, so the order never skips).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class FittedFooter(Footer):
    _drawn_from: tuple = ()

    async def recompose(self) -> None:
        # Textual recomposes on every change of focus or bindings, building each key anew;
        # two in three changes leave the keys as they were (measured over the Pilot tests).
        drawn_from = self._keys_drawn_from()
        if drawn_from == self._drawn_from and self.children:
            return
        self._drawn_from = drawn_from
        await super().recompose()
        self.call_after_refresh(self._show_what_fits)

    def _keys_drawn_from(self) -> tuple:
        """What `Footer.compose` draws the keys from, and nothing else."""
        keys = tuple(
            (key, binding.action, binding.description, binding.show, binding.group, on, tooltip)
            for key, (_, binding, on, tooltip) in self.screen.active_bindings.items()
        )
        return (self.show_command_palette, keys)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._show_what_fits)

    def _show_what_fits(self) -> None:
        keys = list(self.query(FooterKey))
        docked = [key for key in keys if key.has_class("-command-palette")]
        room = self.size.width - sum(_width(key) for key in docked)
        for key in keys:
            if key in docked:
                continue
            width = _width(key)
            key.display = width <= room
            room = room - width if key.display else -1


def _width(key: FooterKey) -> int:
    """The columns a key takes: its text, padding, border and margin."""
    styles = key.styles
    return key.render().cell_len + styles.gutter.width + styles.margin.width
