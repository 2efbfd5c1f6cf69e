"""The reader's own library: a folder of episode folders in the user data directory.

``earmark`` opens it when given no path. The first time, it is made with a copy of the bundled
episode; after that it is the reader's, and earmark only adds to it (`add_files`). Nothing here
writes a file in place: a new episode folder is filled under a hidden name and renamed when
complete, files are copied to hidden names and renamed once all are written, so an interrupted
add leaves either everything or nothing of what it was adding.

Files go into an existing episode only when ``--episode`` names it exactly, by its id or its
title; any other name makes a new episode, whatever its slug, so that two names that slug alike
(every name in a script without ASCII letters did, once) never share an episode. One add at a
time per library (a lock file): choosing the episode and renaming into it are one step, so two
adds naming the same new episode at once both land in it.
"""

from __future__ import annotations

import fcntl
import filecmp
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.errors import EarmarkError
from index.library.episodes import EPISODE_FILE, NAME_MAX, EpisodeInfo, Library, slug
from index.model import Document
from index.paths import data_dir, default_library
from index.player import is_media
from index.text import clean_line
from index.words import counted

# A new episode folder's name, in bytes of UTF-8: well under a file name's 255, with room for
# a "-2" and for file systems that keep less (eCryptfs: 143).
NEW_FOLDER_BYTES = 100
LOCK_FILE = ".adding.lock"


def user_library() -> Path:
    return data_dir() / "library"


def open_user_library() -> Path:
    """The user's library folder, made with the bundled episodes on first use."""
    root = user_library()
    if root.exists():
        return root
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".library-", dir=root.parent))
    except OSError as error:  # a read-only or full data folder
        raise EarmarkError(f"{root}: cannot make your library: {error.strerror}") from None
    try:
        bundled = default_library()
        for episode in (entry for entry in bundled.iterdir() if entry.is_dir()):
            # File by file (not copytree, which folds its errors into one list): a failure
            # says why in one line.
            for source in sorted([episode, *episode.rglob("*")]):
                target = staging / source.relative_to(bundled)
                if source.is_dir():
                    target.mkdir()
                else:
                    shutil.copy2(source, target)
        staging.rename(root)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        if not root.is_dir():  # else another earmark made it first
            raise EarmarkError(f"{root}: cannot make your library: {error.strerror}") from None
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
        label = FORMATS[self.document.format].label
        document = self.document
        parts = []
        if document.turns:
            speakers = {turn.speaker for turn in document.turns if turn.speaker}
            turns = counted(len(document.turns), "turn")
            parts.append(f"{turns}, {counted(len(speakers), 'speaker')}")
        if document.chapters:
            parts.append(counted(len(document.chapters), "chapter"))
        if document.notes:
            parts.append(counted(len(document.notes), "note"))
        return f"{label}: {', '.join(parts)}" if parts else label


@dataclass(frozen=True, slots=True)
class Addition:
    """What an add did: the episode the files went into and each file. ``existing_title`` is
    the title of the episode they were added to, None when the add made a new episode;
    ``namesake``, the existing episode whose id a new one's name slugs to, if any."""

    episode_id: str
    files: tuple[AddedFile, ...]
    existing_title: str | None = None
    namesake: str | None = None

    @property
    def summary(self) -> str:
        """One line: which episode, and whether it is a new one or one that was there."""
        if self.existing_title is not None:
            return f"{self.episode_id}: added to the existing episode “{self.existing_title}”"
        line = f"{self.episode_id}: added as a new episode"
        if self.namesake:
            line += f" ({self.namesake} is another episode; --episode {self.namesake} adds to it)"
        return line


def add_files(root: Path, files: list[Path], episode: str | None) -> Addition:
    """Copy ``files`` into an episode of the library at ``root``. ``episode`` is the id or the
    title of an existing episode, or the name of a new one; without it, a new episode is named
    after the title its files give (a video's, from its yt-dlp info JSON), else after the first
    file. Every file is read first: one that cannot be read stops the add before anything is
    copied."""
    name = _episode_name(episode)
    documents = [_read(file) for file in files]
    try:
        with adding_lock(root):
            library = Library.open(root)
            existing = _named_episode(library, name) if name is not None else None
            _refuse_audio_alone(files, documents, into_existing=existing is not None)
            if existing is None:
                return _add_new(root, library, files, documents, name)
            folder = library.folder(existing.id)
            if folder is None:
                raise EarmarkError(
                    f"episode {existing.id} is the single file {existing.sources[0]}; "
                    "put it in a folder of its own to add to it"
                )
            added = _copy_files(folder, files, documents)
            return Addition(existing.id, tuple(added), existing_title=existing.title)
    except OSError as error:  # a read-only or full library folder
        raise EarmarkError(f"{root}: cannot add to your library: {error.strerror}") from None


def _episode_name(episode: str | None) -> str | None:
    """``--episode`` as a title: bytes that were not UTF-8 (kept by Python as surrogates)
    become U+FFFD, then cleaned as every title is."""
    if episode is None:
        return None
    name = clean_line(episode.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))
    if not name:
        raise EarmarkError("--episode needs a name")
    return name


def _named_episode(library: Library, name: str) -> EpisodeInfo | None:
    """The episode whose id, or else whose title, is ``name``."""
    if (by_id := library.info(name)) is not None:
        return by_id
    titled = [info for info in library.infos if info.title == name]
    if len(titled) > 1:
        ids = ", ".join(info.id for info in titled)
        raise EarmarkError(f"several episodes are titled “{name}” ({ids}); name one by its id")
    return titled[0] if titled else None


def _add_new(
    root: Path,
    library: Library,
    files: list[Path],
    documents: list[Document | None],
    name: str | None,
) -> Addition:
    base = slug(name or _title(documents) or files[0].stem, NEW_FOLDER_BYTES)
    folder = unused_folder(root, base, library)
    staging = staging_folder(root, ".adding-")
    try:
        added = _copy_files(staging, files, documents)
        if name is not None and name != folder.name:
            import json  # only here: not on the reader's start-up path

            # A JSON string is a TOML basic string: quotes, backslashes and controls escaped.
            title = json.dumps(name, ensure_ascii=False)
            (staging / EPISODE_FILE).write_text(f"title = {title}\n", encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    stored = tuple(
        AddedFile(a.source, folder / a.stored.name if a.stored else None, a.document) for a in added
    )
    namesake = base if library.info(base) is not None else None
    return Addition(folder.name, stored, namesake=namesake)


@contextmanager
def adding_lock(root: Path) -> Iterator[None]:
    """One writer of new episode folders at a time in this library (`add`, a feed's update):
    choosing a folder and renaming into it are then one step."""
    with (root / LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        yield


def _read(file: Path) -> Document | None:
    """The document in ``file``; None for an audio or video file (it is played, not read).
    Only a regular file is opened: a named pipe would block and ``/dev/zero`` never ends."""
    # The parsers load only when a file is added: `earmark` itself starts without them.
    from index.formats import parse_file

    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise EarmarkError(f"{file}: no such file") from None
    except OSError as error:
        raise EarmarkError(f"{file}: cannot read: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise EarmarkError(f"{file}: not a regular file")
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


def _title(documents: list[Document | None]) -> str | None:
    """The title the episode will show: the transcript's, else the first another file gives
    (as `index.library.episodes.assemble` picks it)."""
    read = [document for document in documents if document is not None]
    leading = sorted(read, key=lambda document: not document.turns)
    return next((document.title for document in leading if document.title), None)


def staging_folder(root: Path, prefix: str) -> Path:
    """A new hidden folder in ``root`` (the library skips it) to fill before renaming it."""
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    staging.chmod(0o777 & ~umask())  # mkdtemp makes it private; an episode folder is not
    return staging


def unused_folder(root: Path, name: str, library: Library) -> Path:
    """A new folder for ``name``: one that is neither there nor another episode's id, so that
    no episode's id (and marks) moves when it appears."""
    folder, number = root / name, 2
    while folder.exists() or library.info(folder.name) is not None:
        folder, number = root / f"{name}-{number}", number + 1
    return folder


def _copy_files(
    folder: Path, files: list[Path], documents: list[Document | None]
) -> list[AddedFile]:
    """Copy each file into ``folder`` under a name the library reads; one identical to a file
    already there (or earlier in ``files``) is not copied again. Every copy is written and
    synced under a hidden name first and renamed once all are: a failure leaves the folder as
    it was."""
    pending: dict[str, Path] = {}  # target name → the file that will be copied there
    parts: list[tuple[Path, Path]] = []
    added = []
    try:
        for file, document in zip(files, documents, strict=True):
            target = _target(folder, file, pending)
            if target is not None:
                pending[target.name] = file
                parts.append((_written_part(folder, file), target))
            added.append(AddedFile(file, target, document))
        for part, target in parts:
            os.replace(part, target)
    except BaseException:
        for part, _target_path in parts:
            part.unlink(missing_ok=True)
        raise
    return added


def _target(folder: Path, file: Path, pending: dict[str, Path]) -> Path | None:
    """Where ``file`` goes in ``folder``: its name, or ``-2``, ``-3``… when that is taken by
    a different file; None when the same file is there already."""
    name = _stored_name(file.name)
    target, number = folder / name, 2
    while target.exists() or target.name in pending:
        there = pending.get(target.name, target)
        if there.is_file() and filecmp.cmp(there, file, shallow=False):
            return None
        target, number = folder / _numbered(name, number), number + 1
    return target


def _numbered(name: str, number: int) -> str:
    """``stem-number.suffix``, the stem cut as much as it takes to stay a file name (255 bytes:
    a file of the longest name, added twice, once failed as "File name too long")."""
    stem, suffix = Path(name).stem, Path(name).suffix
    if len(os.fsencode(suffix)) > NAME_MAX // 2:  # no extension, only a long last part
        stem, suffix = name, ""
    tail = f"-{number}{suffix}"
    while len(os.fsencode(stem + tail)) > NAME_MAX:
        stem = stem[:-1]
    return stem + tail


def _written_part(folder: Path, file: Path) -> Path:
    """A copy of ``file`` in ``folder`` under a hidden name, synced to disk."""
    try:
        source = file.open("rb")
    except OSError as error:  # gone or changed since it was read
        raise EarmarkError(f"{file}: cannot read: {error.strerror}") from None
    with (
        source,
        tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=".part", delete=False) as part,
    ):
        try:
            shutil.copyfileobj(source, part)
            part.flush()
            os.fsync(part.fileno())
        except BaseException:
            Path(part.name).unlink(missing_ok=True)
            raise
    os.chmod(part.name, 0o666 & ~umask())  # as a plain copy would be, not private
    return Path(part.name)


def _stored_name(name: str) -> str:
    """The name a document gets in the library: one the library reads (not hidden, not the
    episode's own settings file)."""
    name = name.lstrip(".") or "document"
    return f"document-{name}" if name == EPISODE_FILE else name


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
