"""One episode and your marks on it as an Obsidian-friendly Markdown note, for
``earmark export --format markdown``.

YAML front matter (title, show, published, source, episode, tags), the chapters with their
times, then, chapter by chapter, each passage you marked: a bookmarked turn, or the turn one of
your notes is about, quoted with its citation, and your notes on it beneath the quote.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from index.citation import quote
from index.model import Episode
from index.timecode import format_time
from index.userdata import Bookmark, OwnNote


def episode_markdown(
    episode: Episode, bookmarks: Iterable[Bookmark], notes: Iterable[OwnNote]
) -> str:
    marked = {b.turn for b in bookmarks if 0 <= b.turn < len(episode.turns)}
    notes_by_turn: dict[int, list[OwnNote]] = {}
    for note in notes:
        if 0 <= note.turn < len(episode.turns):
            notes_by_turn.setdefault(note.turn, []).append(note)
    parts = [_front_matter(episode), f"# {episode.title}\n"]
    if episode.chapters:
        parts.append("## Chapters\n")
        parts.append(
            "".join(f"- {format_time(c.start, hours=True)} {c.title}\n" for c in episode.chapters)
        )
    passages = sorted(marked | notes_by_turn.keys())
    if not passages:
        parts.append("*No bookmarks or notes yet.*\n")
    chapter_shown = None
    for index in passages:
        turn = episode.turns[index]
        if turn.chapter != chapter_shown and episode.chapters:
            chapter = episode.chapters[turn.chapter]
            parts.append(f"## {chapter.title} ({format_time(chapter.start, hours=True)})\n")
            chapter_shown = turn.chapter
        parts.append(quote(episode, turn))
        for note in notes_by_turn.get(index, []):
            parts.append(_note(note))
    return "\n".join(parts)


def _front_matter(episode: Episode) -> str:
    fields = {
        "title": episode.title,
        "show": episode.show,
        "published": episode.published,
        "source": episode.url,
        "episode": episode.id,
        "tags": ["earmark"],
    }
    kept = {key: value for key, value in fields.items() if value}
    return f"---\n{yaml.safe_dump(kept, allow_unicode=True, sort_keys=False)}---\n"


def _note(note: OwnNote) -> str:
    """A note of yours: a list item, its later lines indented under it."""
    lines = note.text.split("\n")
    body = "\n".join([lines[0], *(f"  {line}" if line else "" for line in lines[1:])])
    return f"- {body} *({note.updated[:10]})*\n"
