"""The whole model as plain data, for ``earmark export --format json``: nothing more, nothing less.

Times are in seconds, indexes 0-based; ``times`` lists ``[start, end]`` pairs. Each note's
``related`` entries say where it is placed and on what evidence (`_link`).
"""

from __future__ import annotations

from typing import Any

from index.library.episodes import Library
from index.model import Episode, Link, Note, Span


def library_to_dict(library: Library) -> dict[str, Any]:
    return {"episodes": [episode_to_dict(episode) for episode in library.episodes]}


def episode_to_dict(episode: Episode) -> dict[str, Any]:
    return {
        "id": episode.id,
        "title": episode.title,
        "show": episode.show,
        "published": episode.published,
        "guests": list(episode.guests),
        "duration": episode.duration,
        "url": episode.url,
        "sources": [path.name for path in episode.sources],
        "chapters": [
            {"index": c.index, "title": c.title, "start": c.start, "end": c.end}
            for c in episode.chapters
        ],
        "turns": [
            {
                "index": t.index,
                "speaker": t.speaker,
                "start": t.start,
                "end": t.end,
                "chapter": t.chapter,
                "text": t.text,
            }
            for t in episode.turns
        ],
        "notes": [_note(note) for note in episode.notes],
    }


def _note(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "source": note.source,
        "author": note.author,
        "date": note.date,
        "edited": note.edited,
        "reply_to": note.reply_to,
        "section": note.section,
        "section_times": _spans(note.section_times),
        "title": note.title,
        "text": note.text,
        "times": _spans(note.times),
        "likes": note.likes,
        "related": [_link(link) for link in note.related],
    }


def _spans(spans: tuple[Span, ...]) -> list[list[int]]:
    return [[span.start, span.end] for span in spans]


def _link(link: Link) -> dict[str, Any]:
    """Where a note is placed and its evidence: ``at`` the ``[start, end]`` time it gives (a
    timestamp), ``quote`` its quoted words (a quote), ``shared`` the terms it shares with the
    chapter as the note writes them (similar wording); ``turn`` is null for a chapter alone."""
    return {
        "turn": link.turn,
        "chapter": link.chapter,
        "score": link.score,
        "reason": link.reason,
        "at": [link.at.start, link.at.end] if link.at is not None else None,
        "quote": link.quote or None,
        "shared": list(link.shared),
    }
