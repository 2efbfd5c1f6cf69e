"""Your marks: reading positions, bookmarks and notes (`userdata`, in SQLite), a turn quoted with
its citation (`citation`), and one episode with your marks as Markdown (`markdown`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.marks.citation import quote
    from index.marks.markdown import episode_markdown
    from index.marks.userdata import Bookmark, EpisodeMarks, OwnNote, UserData

__all__ = ["Bookmark", "EpisodeMarks", "OwnNote", "UserData", "episode_markdown", "quote"]
__getattr__ = exports(
    __name__,
    {
        "quote": "citation",
        "episode_markdown": "markdown",
        "Bookmark": "userdata",
        "EpisodeMarks": "userdata",
        "OwnNote": "userdata",
        "UserData": "userdata",
    },
)
