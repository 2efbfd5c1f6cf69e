"""Listening while reading: the episode's audio, played by mpv, with the transcript following it.

- `index.player.audio`: where an episode's audio comes from (its ``episode.toml`` or a media
  file in its folder); light, the library imports it.
- `index.player.mpv`: the player, driven over mpv's JSON IPC from the app's asyncio loop; its
  docstring shows how the app uses it. Imported at the first ``p``, never at start-up.
- `index.player.events`: what the player tells the app (position, pause, speed, stopped).

No Textual, no Rich: the app turns events into marks, scrolling and the status line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.player.audio import NO_AUDIO, episode_audio, is_media
    from index.player.events import (
        Duration,
        Ended,
        Paused,
        PlayerEvent,
        Position,
        Speed,
        Stopped,
    )
    from index.player.mpv import MAX_SPEED, MIN_SPEED, Player, PlayerError, clamp_speed, start

__all__ = [
    "MAX_SPEED",
    "MIN_SPEED",
    "NO_AUDIO",
    "Duration",
    "Ended",
    "Paused",
    "Player",
    "PlayerError",
    "PlayerEvent",
    "Position",
    "Speed",
    "Stopped",
    "clamp_speed",
    "episode_audio",
    "is_media",
    "start",
]
__getattr__ = exports(
    __name__,
    {
        "NO_AUDIO": "audio",
        "episode_audio": "audio",
        "is_media": "audio",
        **dict.fromkeys(
            ("Duration", "Ended", "Paused", "PlayerEvent", "Position", "Speed", "Stopped"),
            "events",
        ),
        **dict.fromkeys(
            ("MAX_SPEED", "MIN_SPEED", "Player", "PlayerError", "clamp_speed", "start"), "mpv"
        ),
    },
)
