"""A turn quoted with its citation: who said it, in which episode of which show, when, where.

Where the episode's address can open at a moment, the citation's does: YouTube's ``t=`` and a
media file's ``#t=`` (W3C media fragments), or a ``t=`` the address carries already. Other pages
are cited as they are: a ``#t=`` they do not understand would only look like a promise.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index.model import Episode, Turn
from index.timecode import clock

_YOUTUBE_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "music.youtube.com",
)
_MEDIA_SUFFIXES = (".mp3", ".m4a", ".ogg", ".opus", ".wav", ".mp4", ".webm", ".aac", ".flac")


def at_moment(url: str, seconds: int) -> str:
    """``url`` opening at ``seconds`` where it can, else ``url`` as it is."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    fragment = parse_qsl(parts.fragment, keep_blank_values=True)
    youtube = parts.hostname in _YOUTUBE_HOSTS
    if youtube or any(key == "t" for key, _ in query):
        query = [(k, v) for k, v in query if k != "t"] + [
            ("t", f"{seconds}s" if youtube else str(seconds))
        ]
        return urlunsplit(parts._replace(query=urlencode(query)))
    if parts.path.lower().endswith(_MEDIA_SUFFIXES) or any(key == "t" for key, _ in fragment):
        fragment = [(k, v) for k, v in fragment if k != "t"] + [("t", str(seconds))]
        return urlunsplit(parts._replace(fragment=urlencode(fragment)))
    return url


def citation(episode: Episode, turn: Turn) -> str:
    """``Ilya Sutskever, "Episode title", Show, 00:25:13, https://…`` (what is known of it)."""
    parts = [turn.speaker] if turn.speaker else []
    parts.append(f"“{episode.title}”")
    if episode.show:
        parts.append(episode.show)
    if turn.start is not None:
        parts.append(clock(turn.start))
    if episode.url:
        parts.append(at_moment(episode.url, turn.start) if turn.start else episode.url)
    return ", ".join(parts)


def quote(episode: Episode, turn: Turn) -> str:
    """The turn as a Markdown block quote, its citation under it."""
    quoted = "\n>\n".join(f"> {paragraph}" for paragraph in turn.paragraphs)
    return f"{quoted}\n>\n> — {citation(episode, turn)}\n"
