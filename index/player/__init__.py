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
    from index.player.audio import episode_audio, is_media

__all__ = ["episode_audio", "is_media"]
__getattr__ = exports(__name__, {"episode_audio": "audio", "is_media": "audio"})
