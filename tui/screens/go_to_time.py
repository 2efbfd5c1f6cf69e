"""Ask for a time as people paste it (``25:13``, ``1:02:03``, ``1h5m``, ``3900s``, a YouTube link
with ``t=``) and return it in seconds."""

from __future__ import annotations

from index.timecode import parse_moment
from tui.screens.ask import AskScreen


class GoToTimeScreen(AskScreen[int]):
    QUESTION = "Go to time"
    PLACEHOLDER = "25:13, 1:02:03, 1h5m or a link with t="
    UNREAD = "Type a time like 25:13, 1:02:03 or 1h5m"

    def read(self, typed: str) -> int:
        return parse_moment(typed)  # a TimecodeError is a ValueError
