"""Where an episode's audio comes from.

``audio`` in the folder's ``episode.toml`` wins: a path relative to the episode folder, or an
http(s) URL (a followed feed writes its enclosure's). Without it, an audio or video file in the
folder plays. Media files are never documents: the library sets them aside before parsing, so
an episode folder can hold its recording without a "not a format earmark reads" line.

Light on purpose: the library imports it when it lists a folder, long before anything plays.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

# Audio first: when a folder holds both, the audio file plays rather than the video's soundtrack.
MEDIA_SUFFIXES = (".mp3", ".m4a", ".ogg", ".opus", ".wav", ".mp4", ".webm")
NO_AUDIO = "no audio for this episode: put an audio file in its folder or set audio in episode.toml"

_URL = re.compile(r"https?://[^/\s?#]+", re.IGNORECASE)
_OTHER_URL = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def is_media(name: str) -> bool:
    """Whether a file of this name is an audio or video file (by its extension; as
    `os.path.splitext` has it, a name's leading dots do not start one, but one call for the
    thousands of files a library lists)."""
    return name.lstrip(".").lower().endswith(MEDIA_SUFFIXES)


def is_url(source: str) -> bool:
    return _URL.match(source) is not None


def episode_audio(
    settings_file: Path, setting: str | None, media: Sequence[Path], problems: list[str]
) -> str | None:
    """The episode's audio: an absolute path or an http(s) URL, or None without any.

    ``setting`` is ``audio`` from ``settings_file`` (the folder's episode.toml), ``media`` the
    folder's media files in name order. A setting that is neither a relative path nor an
    http(s) URL is one line in ``problems`` and the folder's files count instead; so does
    having several media files (the first audio one plays). Whether a file exists is the
    player's question, asked when it starts: it may arrive after the library was read.
    """
    folder = settings_file.parent
    if setting is not None:
        if is_url(setting):
            return setting
        if not (_OTHER_URL.match(setting) or setting.startswith(("/", "~"))):
            return str(folder / setting)
        problems.append(
            f"{settings_file}: audio ignored: {setting!r} is neither a path relative to the "
            "episode folder nor an http(s) URL"
        )
    if not media:
        return None
    ordered = sorted(media, key=lambda path: MEDIA_SUFFIXES.index(path.suffix.lower()))
    if len(ordered) > 1:
        names = ", ".join(path.name for path in media)
        problems.append(f"{folder}: several audio files ({names}); playing {ordered[0].name}")
    return str(ordered[0])
