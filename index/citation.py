"""A turn quoted with its citation: who said it, in which episode of which show, when, where."""

from __future__ import annotations

from index.model import Episode, Turn
from index.timecode import clock


def citation(episode: Episode, turn: Turn) -> str:
    """``Ilya Sutskever, "Episode title", Show, 00:25:13, https://…`` (what is known of it)."""
    parts = [turn.speaker] if turn.speaker else []
    parts.append(f"“{episode.title}”")
    if episode.show:
        parts.append(episode.show)
    if turn.start is not None:
        parts.append(clock(turn.start))
    if episode.url:
        parts.append(episode.url)
    return ", ".join(parts)


def quote(episode: Episode, turn: Turn) -> str:
    """The turn as a Markdown block quote, its citation under it."""
    quoted = "\n>\n".join(f"> {paragraph}" for paragraph in turn.paragraphs)
    return f"{quoted}\n>\n> — {citation(episode, turn)}\n"
