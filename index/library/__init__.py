"""The library: the episodes found under a path, each merged from the documents of its folder.

- `episodes`: `Library` (opening a folder of episode folders, one folder or one file), the
  merge of a folder's documents into an `Episode` (`assemble`), episode ids (`slug`);
- `cache`: parsed episodes kept on disk, so that unchanged files are not parsed again;
- `settings`: an episode folder's ``episode.toml``;
- `user_library`: your own library in the user data directory, and `earmark add`;
- `ytdlp`: a video's page added through yt-dlp;
- `export`: what earmark understood of a library, as JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.library.episodes import (
        EPISODE_FILE,
        FEEDS_FILE,
        EpisodeInfo,
        EpisodeRead,
        Library,
        Listing,
        list_folders,
        slug,
    )
    from index.library.export import episode_to_dict, library_to_dict
    from index.library.user_library import (
        add_files,
        adding_lock,
        open_user_library,
        staging_folder,
        unused_folder,
    )
    from index.library.ytdlp import add_sources, is_url

__all__ = [
    "EPISODE_FILE",
    "FEEDS_FILE",
    "EpisodeInfo",
    "EpisodeRead",
    "Library",
    "Listing",
    "add_files",
    "add_sources",
    "adding_lock",
    "episode_to_dict",
    "is_url",
    "library_to_dict",
    "list_folders",
    "open_user_library",
    "slug",
    "staging_folder",
    "unused_folder",
]
__getattr__ = exports(
    __name__,
    {
        "EPISODE_FILE": "episodes",
        "FEEDS_FILE": "episodes",
        "EpisodeInfo": "episodes",
        "EpisodeRead": "episodes",
        "Library": "episodes",
        "Listing": "episodes",
        "list_folders": "episodes",
        "slug": "episodes",
        "episode_to_dict": "export",
        "library_to_dict": "export",
        "add_files": "user_library",
        "adding_lock": "user_library",
        "open_user_library": "user_library",
        "staging_folder": "user_library",
        "unused_folder": "user_library",
        "add_sources": "ytdlp",
        "is_url": "ytdlp",
    },
)
