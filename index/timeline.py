"""Which turn is being said at a given second: the question the note linker asks of every time a
note mentions, and the reader of every "go to 25:13" and (later) of the audio's position."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from index.model import Turn


class Timeline:
    """The timed turns of a transcript, in order, to look up by second.

    Untimed turns (a transcript with sparse timestamps) have no place on it: a time can only
    point at a turn the transcript gives a time.
    """

    def __init__(self, turns: Sequence[Turn]) -> None:
        self.turns = [turn for turn in turns if turn.start is not None]
        self._starts = [turn.start for turn in self.turns]

    def turn_at(self, second: float) -> Turn | None:
        """The turn whose span holds ``second``. A time in a gap (an ad break) belongs to the turn
        before it, a time before the first turn to the first, a time past the end to none."""
        if not self.turns:
            return None
        index = max(bisect.bisect_right(self._starts, second) - 1, 0)
        turn, last = self.turns[index], self.turns[-1]
        if turn is last and second > max(last.end or 0, last.start or 0):
            return None
        return turn
