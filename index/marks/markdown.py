"""One episode and your marks on it as an Obsidian-friendly Markdown note, for
``earmark export --format markdown``.

YAML front matter (title, show, published, source, episode, tags), the chapters with their
times, then, chapter by chapter, each passage you marked: a bookmarked turn, or the turn one of
your notes is about, quoted with its citation, your notes on it beneath the quote, and then the
summaries and comments placed on that passage, each with its evidence (``at 25:00``, ``quote``,
``shares: …``). Marks on turns the transcript no longer has close the note, so that nothing you
wrote is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from index.linking import RelatedNotes, evidence_words
from index.marks.citation import quote
from index.marks.userdata import Bookmark, OwnNote
from index.model import Episode
from index.timecode import format_time


def episode_markdown(
    episode: Episode, bookmarks: Iterable[Bookmark], notes: Iterable[OwnNote]
) -> str:
    in_transcript = range(len(episode.turns))
    bookmarks, notes = list(bookmarks), list(notes)
    marked = {b.turn for b in bookmarks if b.turn in in_transcript}
    notes_by_turn: dict[int, list[OwnNote]] = {}
    for note in notes:
        if note.turn in in_transcript:
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
    related = RelatedNotes(episode)
    for index in passages:
        turn = episode.turns[index]
        if turn.chapter != chapter_shown and episode.chapters:
            chapter = episode.chapters[turn.chapter]
            parts.append(f"## {chapter.title} ({format_time(chapter.start, hours=True)})\n")
            chapter_shown = turn.chapter
        parts.append(quote(episode, turn))
        for note in notes_by_turn.get(index, []):
            parts.append(_note(note))
        parts += _placed_here(related, index)
    parts += _unplaced(bookmarks, notes, in_transcript)
    return "\n".join(parts)


def _unplaced(bookmarks: list[Bookmark], notes: list[OwnNote], in_transcript: range) -> list[str]:
    """Marks on turns the transcript no longer has (it was replaced since): kept, not lost."""
    lost_notes = [note for note in notes if note.turn not in in_transcript]
    lost_marks = sorted({b.turn for b in bookmarks if b.turn not in in_transcript})
    if not lost_notes and not lost_marks:
        return []
    parts = ["## Not in the transcript any more\n"]
    parts += [_note(note) for note in lost_notes]
    parts += [f"- A bookmark on turn {turn + 1}.\n" for turn in lost_marks]
    return parts


def _placed_here(related: RelatedNotes, turn: int) -> list[str]:
    """The summaries and comments placed on the turn, with where they come from and why."""
    placed = [(note, link) for note, link in related.for_turn(turn).passage if note.kind != "own"]
    if not placed:
        return []
    lines = []
    for note, link in placed:
        about = ", ".join(part for part in (note.source, evidence_words(note, link)) if part)
        title = f"**{note.title}** " if note.title else ""
        body = (title + note.text).replace("\n", " ")
        lines.append(f"- *{about}:* {body}\n")
    return ["*Placed on this passage:*\n", "".join(lines)]


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
    return f"- {body} *({note.day})*\n"
