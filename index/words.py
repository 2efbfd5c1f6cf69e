"""How earmark says counts and cut text, wherever it says them (the reader, the CLI): ``1 turn``,
``3 turns``; a cut always ends in ``…``, so a reader never takes part of a sentence for all of it.
(Cutting to a number of terminal cells is the display's: Rich's ``overflow="ellipsis"``.)
"""

from __future__ import annotations

ELLIPSIS = "…"


def counted(number: int, one: str, many: str | None = None) -> str:
    """``1 turn``, ``0 speakers``, ``2,000 matches``: ``many`` defaults to ``one`` + "s"."""
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def shortened(text: str, length: int) -> str:
    """``text`` on one line in at most ``length`` characters: whole when it fits, otherwise cut
    after a word (mid-word when no word ends in its last third) and ended with ``…``."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: max(length - 1, 0)]  # one character for the ellipsis
    if text[len(cut)] != " ":  # cut mid-word: back to the end of the word before, if near
        word_end = cut.rfind(" ")
        if word_end > len(cut) * 2 // 3:
            cut = cut[:word_end]
    return cut.rstrip() + ELLIPSIS
