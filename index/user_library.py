"""The reader's own library: a folder of episode folders in the user data directory.

``earmark`` opens it when given no path. The first time, it is made with a copy of the bundled
episode; after that it is the reader's, and earmark only adds to it (`add_files`). Nothing here
writes a file in place: a new episode folder is filled under a hidden name and renamed when
complete, a file is copied to a hidden name and renamed, so an interrupted add leaves either
everything or nothing of what it was adding.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from index.errors import EarmarkError
from index.library import EPISODE_FILE, slug
from index.model import Document
from index.paths import data_dir, default_library
from index.player.audio import is_media


def user_library() -> Path:
    return data_dir() / "library"


def open_user_library() -> Path:
    """The user's library folder, made with the bundled episodes on first use."""
    root = user_library()
    if not root.exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".library-", dir=root.parent))
        for episode in default_library().iterdir():
            if episode.is_dir():
                shutil.copytree(episode, staging / episode.name)
        try:
            staging.rename(root)
        except OSError:  # another earmark made it first
            shutil.rmtree(staging, ignore_errors=True)
    return root


@dataclass(frozen=True, slots=True)
class AddedFile:
    """A file added to an episode: where it came from, where it is now, what it was read as."""

    source: Path
    stored: Path | None  # None: the episode already had the same file
    document: Document | None  # None: an audio or video file, played rather than read

    @property
    def summary(self) -> str:
        from index.formats import FORMATS

        if self.document is None:
            return "audio"
        label = FORMATS[self.document.format].LABEL
        document = self.document
        parts = []
        if document.turns:
            speakers = {turn.speaker for turn in document.turns if turn.speaker}
            parts.append(f"{len(document.turns)} turns, {len(speakers)} speakers")
        if document.chapters:
            parts.append(f"{len(document.chapters)} chapters")
        if document.notes:
            parts.append(f"{len(document.notes)} notes")
        return f"{label}: {', '.join(parts)}" if parts else label


def add_files(root: Path, files: list[Path], episode: str | None) -> tuple[str, list[AddedFile]]:
    """Copy ``files`` into an episode of the library at ``root``; returns its id and what each
    file was read as. ``episode`` names an existing episode (by id or name) or a new one; without
    it, a new episode is named after the first file. Every file is read first: one that cannot
    be read stops the add before anything is copied."""
    if episode is not None and not episode.strip():
        raise EarmarkError("--episode needs a name")
    documents = [_read(file) for file in files]
    episode_id = slug(episode or files[0].stem)
    folder = root / episode_id
    _refuse_audio_alone(files, documents, into_existing=episode is not None and folder.is_dir())
    if folder.is_dir() and episode is not None:
        added = [_copy_into(folder, file, doc) for file, doc in zip(files, documents, strict=True)]
        return episode_id, added
    folder = _unused(root, episode_id)
    staging = Path(tempfile.mkdtemp(prefix=".adding-", dir=root))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; an episode folder is not
    try:
        added = [_copy_into(staging, file, doc) for file, doc in zip(files, documents, strict=True)]
        if episode is not None and episode != folder.name:
            import json  # only here: not on the reader's start-up path

            # A JSON string is a TOML basic string: quotes, backslashes and controls escaped.
            title = json.dumps(episode.strip(), ensure_ascii=False)
            (staging / EPISODE_FILE).write_text(f"title = {title}\n", encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder.name, [
        AddedFile(a.source, folder / a.stored.name if a.stored else None, a.document) for a in added
    ]


def _read(file: Path) -> Document | None:
    """The document ``file`` holds; None for an audio or video file (it is played, not read)."""
    # The parsers load only when a file is added: `earmark` itself starts without them.
    from index.formats import parse_file

    if not file.is_file():
        raise EarmarkError(f"{file}: no such file")
    if is_media(file.name):
        return None
    document, _warning = parse_file(file)
    return document


def _refuse_audio_alone(
    files: list[Path], documents: list[Document | None], *, into_existing: bool
) -> None:
    """A new episode needs something to read: audio joins a transcript, or an episode that
    exists (the library lists only folders with documents)."""
    if not into_existing and all(document is None for document in documents):
        raise EarmarkError(
            f"{files[0]}: audio alone is not an episode: add it with its transcript, "
            "or to an episode with --episode ID"
        )


def _unused(root: Path, name: str) -> Path:
    folder, number = root / name, 2
    while folder.exists():
        folder, number = root / f"{name}-{number}", number + 1
    return folder


def _copy_into(folder: Path, file: Path, document: Document | None) -> AddedFile:
    name = _stored_name(file.name)
    stem, suffix = Path(name).stem, Path(name).suffix
    target, number = folder / name, 2
    while target.exists():
        if filecmp.cmp(target, file, shallow=False):
            return AddedFile(file, None, document)
        target, number = folder / f"{stem}-{number}{suffix}", number + 1
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=".part", delete=False) as part:
        with file.open("rb") as source:
            shutil.copyfileobj(source, part)
        part.flush()
        os.fsync(part.fileno())
    os.chmod(part.name, 0o666 & ~_umask())  # as a plain copy would be, not private
    os.replace(part.name, target)
    return AddedFile(file, target, document)


def _stored_name(name: str) -> str:
    """The name a document gets in the library: one the library reads (not hidden, not the
    episode's own settings file)."""
    name = name.lstrip(".") or "document"
    return f"document-{name}" if name == EPISODE_FILE else name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
