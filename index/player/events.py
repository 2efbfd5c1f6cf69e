"""What the player tells the app, as it happens (`index.player.mpv.Player`'s ``on_event``).

Each is a small frozen dataclass, so the app can ``match`` on them. Times are seconds of the
audio (floats, as mpv gives them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """The voice is at ``seconds``: sent when the whole second changes, and after each seek."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Paused:
    paused: bool


@dataclass(frozen=True, slots=True)
class Speed:
    speed: float


@dataclass(frozen=True, slots=True)
class Duration:
    """How long the audio is, once mpv knows (a stream may never say)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Ended:
    """The end of the audio was reached; mpv holds it there, paused, so a seek still works."""


@dataclass(frozen=True, slots=True)
class Stopped:
    """mpv went away on its own (it died, or the audio failed mid-way): ``message`` is the line
    to show. The player is finished; the next play starts a new one. Not sent after `stop`."""

    message: str


PlayerEvent = Position | Paused | Speed | Duration | Ended | Stopped
