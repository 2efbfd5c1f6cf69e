"""A library: the episodes found under a path, each merged from the documents of its folder.

``Library.open(path)`` accepts a folder of episode folders, one episode folder, or one file:

- a file is an episode of its own;
- a folder holding only files is one episode made of all of them;
- a folder holding folders is a library: each sub-folder is an episode, each loose file too.

An episode folder may hold an ``episode.toml`` with ``title = "…"`` and a ``[formats]`` table
(file name → format name) for files that sniffing gets wrong. A file that cannot be read becomes
one line in ``Library.problems``; the rest of the library loads.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from index.errors import EarmarkError, FormatError
from index.formats import parse_file
from index.model import Document, Episode, Note
from index.parse_cache import ParseCache
from index.paths import cache_dir

EPISODE_FILE = "episode.toml"


@dataclass(frozen=True, slots=True)
class _Folder:
    """The files that make one episode; ``settings`` is its ``episode.toml``, if it may have one."""

    id: str
    files: tuple[Path, ...]
    settings: Path | None = None


@dataclass(frozen=True, slots=True)
class Library:
    root: Path
    episodes: tuple[Episode, ...]
    problems: tuple[str, ...] = ()

    @classmethod
    def open(cls, path: Path | str, *, cache: ParseCache | None = None) -> Library:
        root = Path(path).expanduser()
        if not root.exists():
            raise EarmarkError(f"{root}: no such file or folder")
        cache = cache or ParseCache(cache_dir())
        problems: list[str] = []
        episodes = []
        for folder in _episode_folders(root, problems):
            if episode := _load_episode(folder, cache, problems):
                episodes.append(episode)
        return cls(root, tuple(episodes), tuple(problems))

    def episode(self, episode_id: str) -> Episode:
        for episode in self.episodes:
            if episode.id == episode_id:
                return episode
        raise KeyError(episode_id)


def slug(name: str) -> str:
    """A folder or file name → an id safe in URLs, file names and search queries."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "episode"


def _episode_folders(root: Path, problems: list[str]) -> list[_Folder]:
    if root.is_file():
        return [_Folder(slug(root.stem), (root,))]
    entries = _visible_entries(root, problems)
    folders = [entry for entry in entries if entry.is_dir()]
    if not folders:
        files = _documents(entries)
        return [_Folder(slug(root.name), files, root / EPISODE_FILE)] if files else []
    found = []
    for folder in folders:
        if files := _documents(_visible_entries(folder, problems)):
            found.append(_Folder(slug(folder.name), files, folder / EPISODE_FILE))
    found += [_Folder(slug(file.stem), (file,)) for file in _documents(entries)]
    return _unique_ids(found)


def _documents(entries: list[Path]) -> tuple[Path, ...]:
    return tuple(entry for entry in entries if entry.is_file() and entry.name != EPISODE_FILE)


def _visible_entries(folder: Path, problems: list[str]) -> list[Path]:
    try:
        return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))
    except OSError as error:
        problems.append(f"{folder}: cannot list folder: {error.strerror or error}")
        return []


def _unique_ids(folders: list[_Folder]) -> list[_Folder]:
    seen: set[str] = set()
    unique = []
    for folder in folders:
        episode_id, number = folder.id, 2
        while episode_id in seen:
            episode_id, number = f"{folder.id}-{number}", number + 1
        seen.add(episode_id)
        unique.append(replace(folder, id=episode_id))
    return unique


def _load_episode(folder: _Folder, cache: ParseCache, problems: list[str]) -> Episode | None:
    settings = _episode_settings(folder.settings, problems) if folder.settings else {}
    formats = settings.get("formats", {})
    documents = []
    for path in folder.files:
        format_name = formats.get(path.name) if isinstance(formats, dict) else None
        try:
            documents.append(_parse(path, format_name, cache, problems))
        except FormatError as error:
            problems.append(str(error))
    if not documents:
        return None
    title = settings.get("title") if isinstance(settings.get("title"), str) else None
    return assemble(folder.id, documents, title, problems)


def _parse(path: Path, format_name: str | None, cache: ParseCache, problems: list[str]) -> Document:
    cached = cache.get(path, format_name)
    document, warning = cached or parse_file(path, format_name)
    if cached is None:
        cache.put(path, format_name, document, warning)
    if warning:
        problems.append(f"{path}: {warning}")
    return document


def _episode_settings(file: Path, problems: list[str]) -> dict:
    if not file.is_file():
        return {}
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(f"{file}: ignored: {error}")
        return {}


def assemble(
    episode_id: str, documents: Iterable[Document], title: str | None, problems: list[str]
) -> Episode:
    """Merge one folder's documents into an episode.

    The document with a transcript leads: its metadata wins, the others fill what it lacks. Notes
    of every document are kept in file order, with ids qualified by episode and document.
    """
    documents = list(documents)
    transcripts = [document for document in documents if document.turns]
    if len(transcripts) > 1:
        names = ", ".join(document.path.name for document in transcripts)
        problems.append(
            f"{transcripts[0].path.parent}: several transcripts ({names}); "
            f"showing {transcripts[0].path.name}"
        )
    lead = transcripts[:1]
    ordered = lead + [document for document in documents if document not in lead]

    def first(attribute: str):
        return next((getattr(d, attribute) for d in ordered if getattr(d, attribute)), None)

    transcript = lead[0] if lead else None
    return Episode(
        id=episode_id,
        title=title or first("title") or episode_id,
        show=first("show"),
        published=first("published"),
        guests=first("guests") or (),
        duration=first("duration"),
        url=first("url"),
        sources=tuple(document.path for document in documents),
        chapters=transcript.chapters if transcript else (),
        turns=transcript.turns if transcript else (),
        notes=tuple(_qualified_notes(episode_id, documents)),
    )


def _qualified_notes(episode_id: str, documents: list[Document]) -> Iterable[Note]:
    stems = [document.path.stem for document in documents]
    for document in documents:
        name = document.path.stem if stems.count(document.path.stem) == 1 else document.path.name
        prefix = f"{episode_id}/n/{slug(name)}/"
        for note in document.notes:
            reply_to = prefix + note.reply_to if note.reply_to else None
            yield replace(note, id=prefix + note.id, reply_to=reply_to)
