"""How well a colour reads on another: the WCAG contrast ratio (1 to 21).

Textual's built-in themes do not all give every colour variable a readable contrast on the
surface (atom-one-light's ``$text-warning`` is 2.6:1, textual-light's ``$accent`` 1.4:1), so a
colour the reader paints is checked against its background, and falls back to the text's own
colour below `LEAST_CONTRAST` (the ratio WCAG asks of bold text and of marks).
"""

from __future__ import annotations

from rich.color import Color, ColorType
from rich.style import Style

LEAST_CONTRAST = 3.0


def contrast(style: Style) -> float | None:
    """The ratio of ``style``'s colour to its background; None when the terminal chooses either
    (a default or an ANSI colour, as the ansi-* themes paint)."""
    if not _exact(style.color) or not _exact(style.bgcolor):
        return None
    assert style.color is not None and style.bgcolor is not None
    lighter, darker = sorted((_luminance(style.color), _luminance(style.bgcolor)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(style: Style, fallback: Style) -> Style:
    """``style``, or with ``fallback``'s colour when its own does not read on its background."""
    ratio = contrast(style)
    if ratio is not None and ratio < LEAST_CONTRAST:
        return style + Style(color=fallback.color)
    return style


def _exact(color: Color | None) -> bool:
    return color is not None and color.type in (ColorType.TRUECOLOR, ColorType.EIGHT_BIT)


def _luminance(color: Color) -> float:
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
