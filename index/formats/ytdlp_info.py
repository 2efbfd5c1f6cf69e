"""A video's metadata as yt-dlp writes it (``--write-info-json``: ``NAME.info.json``): the title,
the channel (the show), the upload date, the page's address, the duration, the chapters and the
description. The transcript is the subtitles yt-dlp writes beside it (``NAME.en.vtt``): added
together they make one episode, the subtitles leading and this file filling in the rest
(`index.library.episodes.assemble`). Alone, it is an episode of chapters and notes.

The description's paragraphs become notes (`show_notes.notes_and_chapters`), less its chapter
lines when it lists chapters; those lines are the chapters when the file has no ``chapters``
list. yt-dlp writes ``formats`` (hundreds of KB of download addresses) right after the title, so
sniffing sees little more than ``id``, ``title`` and the start of those.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.common import iso_date
from index.formats.json_source import load_object, looks_like_json_with, seconds, text
from index.formats.show_notes import notes_and_chapters
from index.formats.source import SourceText
from index.model import Chapter, Document

NAME = "ytdlp-info-json"
LABEL = "yt-dlp info JSON"
DESCRIPTION_SOURCE = "Video description"

# Keys yt-dlp writes into every info JSON, near its start or its end.
_YTDLP_KEYS = ('"formats"', '"extractor"', '"extractor_key"', '"webpage_url"', '"_version"')


def sniff(head: str) -> float:
    if not looks_like_json_with(head, "id", "title"):
        return 0.0
    return 0.9 if any(key in head for key in _YTDLP_KEYS) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    data = load_object(path, source, None)
    if data.get("_type") == "playlist" or isinstance(data.get("entries"), list):
        raise FormatError(path, None, "the info JSON of a playlist; add each video's own")
    description = data.get("description")
    notes, described = notes_and_chapters(
        description if isinstance(description, str) else "", DESCRIPTION_SOURCE
    )
    duration = int(seconds(data.get("duration")) or 0)
    chapters = _chapters(data.get("chapters"), duration) or chapters_with_ends(
        [(chapter.start, chapter.title) for chapter in described], duration
    )
    title = text(data.get("title")) or None
    if not (title or notes or chapters):
        raise FormatError(path, None, "no title, description or chapters in this info JSON")
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        title=title,
        show=text(data.get("channel")) or text(data.get("uploader")) or None,
        published=_date(data.get("upload_date")) or _date(data.get("release_date")),
        duration=duration or None,
        url=text(data.get("webpage_url")) or None,
        chapters=tuple(chapters),
        notes=notes,
    )


def _chapters(listed: Any, duration: int) -> list[Chapter]:
    """yt-dlp's ``chapters``: ``start_time``, ``end_time`` and ``title`` (seconds); one without
    a usable start is skipped, one without a title is "Chapter N"."""
    if not isinstance(listed, list):
        return []
    starts = [
        (start, chapter)
        for chapter in listed
        if isinstance(chapter, dict) and (start := seconds(chapter.get("start_time"))) is not None
    ]
    return chapters_with_ends(
        [
            (int(start), text(chapter.get("title")) or f"Chapter {n}")
            for n, (start, chapter) in enumerate(starts, 1)
        ],
        duration,
    )


def _date(value: object) -> str | None:
    """yt-dlp's ``YYYYMMDD`` → ``YYYY-MM-DD``; None for anything that is not such a date."""
    digits = text(value)
    return iso_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:]}") if len(digits) == 8 else None
