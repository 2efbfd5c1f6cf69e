"""Parsed episodes kept on disk, so that opening a library does not re-parse what did not change.

Two kinds of entry, both pickles written atomically (temp file + rename):

- one *manifest* per library: the `EpisodeInfo` of every episode (title, chapters, counts, the
  fingerprint of its sources), read in one go when the library opens;
- one entry per episode: the whole `Episode`, read only when the episode itself is wanted.

An entry is used only when its fingerprint matches: the sources' names, sizes and modification
times, the episode's id and the code that parses. An unreadable or foreign entry means "parse
again", never an error: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from index.files import write_whole
from index.model import Episode

# `index`, this module's package's package: everything below the UI.
_CODE = Path(__file__).resolve().parents[1]


@cache
def code_fingerprint() -> str:
    """A hash of every module of `index`: any of them may decide what parsing and linking
    return, and a hand-kept list of them missed new helper modules."""
    digest = hashlib.sha256()
    for file in code_files():
        digest.update(str(file.relative_to(_CODE)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def code_files() -> list[Path]:
    return sorted(_CODE.rglob("*.py"))


def fingerprint(episode_id: str, files: tuple[str, ...]) -> str:
    """Changes whenever a source file (or ``episode.toml``) is added, removed, resized or touched.

    The files are absolute paths (found under a resolved library root). A file that cannot be
    examined (it vanished, or is unreadable) counts as such, so the parse that follows reports it.
    """
    digest = hashlib.sha256(f"{code_fingerprint()}\0{episode_id}".encode())
    for file in files:
        try:
            stat = os.stat(file)
        except OSError as error:
            digest.update(_bytes(f"\0{file}\0{error.errno}"))
            continue
        digest.update(_bytes(f"\0{file}\0{stat.st_size}\0{stat.st_mtime_ns}"))
    return digest.hexdigest()[:32]


class EpisodeCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def manifest(self, root: Path) -> dict[str, Any]:
        loaded = self._read(self._manifest_path(root))
        return loaded if isinstance(loaded, dict) else {}

    def save_manifest(self, root: Path, manifest: dict[str, Any]) -> None:
        self._write(self._manifest_path(root), manifest)

    def episode(self, key: str, expected_fingerprint: str) -> Episode | None:
        loaded = self._read(self._episode_path(key))
        if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == expected_fingerprint:
            return loaded[1] if isinstance(loaded[1], Episode) else None
        return None

    def save_episode(self, key: str, episode_fingerprint: str, episode: Episode) -> None:
        self._write(self._episode_path(key), (episode_fingerprint, episode))

    def _manifest_path(self, root: Path) -> Path:
        return self.directory / "libraries" / f"{_digest(str(root.resolve()))}.pickle"

    def _episode_path(self, key: str) -> Path:
        return self.directory / "episodes" / f"{_digest(key)}.pickle"

    @staticmethod
    def _read(path: Path) -> Any:
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except Exception:  # missing, truncated, foreign or from an older earmark: parse again
            return None

    @staticmethod
    def _write(path: Path, value: Any) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_whole(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # a read-only or full cache only costs speed
            pass


def _digest(text: str) -> str:
    return hashlib.sha256(_bytes(text)).hexdigest()[:32]


def _bytes(text: str) -> bytes:
    """``text`` as UTF-8; a file name's bytes that are not UTF-8 (held as lone surrogates) as
    they are on disk, where a plain ``encode()`` raised and stopped the whole library."""
    return text.encode(errors="surrogateescape")
