"""Podcast-namespace chapters JSON: ``chapters`` with ``startTime`` (required), ``title``,
``endTime``, ``toc``; the file may name the episode (``title``) and show (``podcastName``).

A chapter with ``toc: false`` is a silent marker and is not shown. One without a title is
"Chapter N". ``null`` anywhere means "not given"; a chapter without a usable start is skipped.
"""

from __future__ import annotations

from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.json_source import load_object, looks_like_json_with, seconds, text
from index.formats.source import SourceText
from index.model import Document

NAME = "podcast-chapters-json"
LABEL = "Podcast chapters (JSON)"


def sniff(head: str) -> float:
    return 0.95 if looks_like_json_with(head, "chapters", "startTime") else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    data = load_object(path, source, "chapters")
    shown = [
        (start, chapter)
        for chapter in data["chapters"]
        if isinstance(chapter, dict)
        and chapter.get("toc") is not False
        and (start := seconds(chapter.get("startTime"))) is not None
    ]
    if not shown:
        raise FormatError(path, None, "no chapters with a startTime to show")
    titles = [
        (int(start), text(chapter.get("title")) or f"Chapter {n}")
        for n, (start, chapter) in enumerate(shown, 1)
    ]
    end = seconds(shown[-1][1].get("endTime"))
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        title=text(data.get("title")) or None,
        show=text(data.get("podcastName")) or None,
        chapters=tuple(chapters_with_ends(titles, int(end or 0))),
    )
