"""A library: the episodes found under a path, each merged from the documents of its folder.

``Library.open(path)`` accepts a folder of episode folders, one episode folder, or one file:

- a file is an episode of its own;
- a folder holding only files is one episode made of all of them;
- a folder holding folders is a library: each sub-folder is an episode, each loose file too.

An episode folder may hold an ``episode.toml`` (`index.library.settings`): title, show, date,
the format of files that sniffing gets wrong, and which file is the transcript or the chapters.
A file that cannot be read becomes one line in ``Library.problems``; the rest of the library loads.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.chapters import chapters_with_ends, in_chapters
from index.errors import EarmarkError, FormatError
from index.library.cache import EpisodeCache, fingerprint
from index.model import Chapter, Document, Episode, Note, Pickled, note_id
from index.paths import cache_dir
from index.player import episode_audio, is_media
from index.text import visible
from index.untrusted import sanitized

if TYPE_CHECKING:  # loaded with the parsers, when a file must be parsed (tomllib with it)
    from index.library.settings import EpisodeSettings

EPISODE_FILE = "episode.toml"
# The feeds a library follows (`index.feeds.followed`), at its root: not an episode.
FEEDS_FILE = "feeds.toml"
# How many whole episodes a library keeps loaded, the last ones asked for: the one being read
# and the few a search or a move between episodes comes back to. Keeping every one made a
# rebuild of a 1,000-episode library hold all of it (336 MB); the rest reload from the cache.
EPISODES_KEPT = 8
FULL_TRANSCRIPT = "Full transcript"
# A file name's length limit on Linux and macOS file systems: no folder's id is ever cut.
NAME_MAX = 255
SLUG_HASH_CHARS = 8
_DASHES = re.compile(r"-+")
_NOT_ASCII_LETTERS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class _Folder(Pickled):
    """The files that make one episode; ``settings`` is its ``episode.toml``, if it may have one;
    ``media`` its audio and video files (played, never parsed). Paths are held as the strings
    the listing gave: a `Path` for each file of a 1,000-episode library was a third of opening
    it, and only a file being parsed needs one. The manifest keeps each episode's, so that the
    reader can start from it before the folders are listed again (`Library.open`)."""

    id: str
    files: tuple[str, ...]
    settings: str | None = None
    media: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Where this episode's cache entry lives: the same files always map to the same entry
        (they are found under the library's resolved root)."""
        return "\0".join(self.files)

    def fingerprint(self) -> str:
        settings = (self.settings,) if self.settings and os.path.isfile(self.settings) else ()
        return fingerprint(self.id, self.files + settings + self.media)


@dataclass(frozen=True, slots=True)
class EpisodeInfo(Pickled):
    """What lists and the chapter tree need about an episode, without its turns and notes.

    ``problems`` are the warnings its files gave when they were parsed, one line each. Its
    chapters and source files are kept as plain values and become `Chapter`s and `Path`s when
    asked for: the cache's manifest of a 1,000-episode library holds 10,000 chapters and 3,000
    paths, and making them was most of reading it, at every start. The chapters are one JSON
    string (``chapters_json``, rows of index, title, start, end): the manifest is read before
    the reader's first paint, and 100,000 chapters as small tuples took 3× as long to read.
    """

    id: str
    title: str
    show: str | None
    published: str | None
    duration: int | None
    chapters_json: str
    turn_count: int
    note_count: int
    source_paths: tuple[str, ...]
    fingerprint: str
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, episode: Episode, fingerprint: str, problems: Iterable[str]) -> EpisodeInfo:
        return cls(
            id=episode.id,
            title=episode.title,
            show=episode.show,
            published=episode.published,
            duration=episode.duration,
            chapters_json=json.dumps(
                [(c.index, c.title, c.start, c.end) for c in episode.chapters],
                ensure_ascii=False,
                separators=(",", ":"),
            ),
            turn_count=len(episode.turns),
            note_count=len(episode.notes),
            source_paths=tuple(map(str, episode.sources)),
            fingerprint=fingerprint,
            problems=tuple(problems),
        )

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        return tuple(Chapter(*row) for row in _chapter_rows(self.chapters_json))

    @property
    def chapter_count(self) -> int:
        return len(_chapter_rows(self.chapters_json))

    def chapter_title(self, chapter: int | None) -> str | None:
        """One chapter's title (None when there is no such chapter), without building them all:
        the search panel asks it of every result row, at every keystroke."""
        rows = _chapter_rows(self.chapters_json)
        if chapter is None or not 0 <= chapter < len(rows):
            return None
        return rows[chapter][1]

    @property
    def sources(self) -> tuple[Path, ...]:
        return tuple(map(Path, self.source_paths))


@lru_cache(maxsize=4096)
def _chapter_rows(chapters_json: str) -> tuple[tuple[int, str, int, int], ...]:
    """An episode's chapters as `EpisodeInfo.chapters_json` holds them (index, title, start,
    end), decoded once for the episodes asked about most lately."""
    return tuple(
        (index, title, start, end) for index, title, start, end in json.loads(chapters_json)
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """The episode folders under a library's root as they are on disk now, in library order,
    each with its fingerprint, and what could not be listed (one line each)."""

    found: tuple[tuple[_Folder, str], ...]
    problems: tuple[str, ...]


def list_folders(root: Path) -> Listing:
    """List and fingerprint the episode folders under ``root`` (resolved): it reads the disk
    and changes nothing, so it may run in a thread while the library is used."""
    problems: list[str] = []
    folders = _episode_folders(root, problems)
    return Listing(tuple((folder, folder.fingerprint()) for folder in folders), tuple(problems))


@dataclass(frozen=True, slots=True)
class EpisodeRead:
    """What parsing one episode folder gave: its info (None when not one of its files could be
    read; tried again next time) and the problems its files gave, one line each. Its whole
    episode went to the cache."""

    key: str
    info: EpisodeInfo | None
    problems: tuple[str, ...]


class Library:
    """The episodes under a path. Opening reads only the cached `EpisodeInfo` of unchanged
    episodes (parsing the rest); `episode(id)` loads one whole episode when it is wanted.

    Opened with ``later=True``, the episodes the cache does not have are left `unread`: the
    reader parses the one it shows (`read`) and the rest in a worker (`read_unread`, whose
    results `add` takes in, on the thread that uses the library), then `save`s the manifest;
    it reads them without placing their notes, and places those next (`place_notes`).
    """

    def __init__(self, root: Path, store: EpisodeCache) -> None:
        self.root = root
        self.infos: tuple[EpisodeInfo, ...] = ()
        self.problems: tuple[str, ...] = ()
        # The problems found by this opening (files parsed now, folders listed now): the rest
        # were said when they arose, and each episode keeps its own (`EpisodeInfo.problems`).
        self.new_problems: tuple[str, ...] = ()
        # False while the library is what the manifest said, its folders not listed yet (`take`).
        self.listed = True
        self._store = store
        self._loaded: OrderedDict[str, Episode] = OrderedDict()  # the last `EPISODES_KEPT`
        self._folders: dict[str, _Folder] = {}
        self._info_by_id: dict[str, EpisodeInfo] = {}
        # Every folder found, in library order, with its fingerprint; what each gave once read.
        self._found: list[tuple[_Folder, str]] = []
        self._read: dict[str, EpisodeRead] = {}
        self._listing_problems: tuple[str, ...] = ()
        # The manifest as read or last saved: each folder's key → (folder, info), library order.
        self._manifest: dict[str, Any] = {}

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        cache: EpisodeCache | None = None,
        progress: Callable[[int, int], None] | None = None,
        later: bool = False,
    ) -> Library:
        """The library at ``path``; ``progress(done, total)`` is told of each episode parsed
        (``total``: those the cache did not have). ``later``: parse none of them now, and when
        the cache has a manifest of the library, start from it without listing the folders:
        the reader lists them after its first paint (`list_folders`, `take`), since listing
        and fingerprinting 10,000 folders took 0.6 s."""
        root = Path(path).expanduser()
        if not root.exists():
            raise EarmarkError(f"{root}: no such file or folder")
        # Resolved once here, so the paths found under it are absolute and need no resolving
        # each (that was most of the time of opening a 1,000-episode library).
        root = root.resolve()
        store = cache or EpisodeCache(cache_dir())
        library = cls(root, store)
        library._manifest = store.manifest(root)
        if later and (entries := _entries(library._manifest)):
            library._start_from(entries)
        else:
            library.take(list_folders(root))
        if later:  # read in a worker, maybe once an app holds the terminal
            library._prepare_workers()
        else:
            unread, reads = len(library.unread), []
            for done, read in enumerate(library.read_unread(), start=1):
                reads.append(read)
                if progress:
                    progress(done, unread)
            library.add(*reads)  # at once: each `add` goes over the whole library
            library.save()
        return library

    def _start_from(self, entries: list[tuple[str, _Folder, EpisodeInfo]]) -> None:
        """The library as the manifest says, its folders not listed (`take` lists them)."""
        self.listed = False
        self._found = [(folder, info.fingerprint) for _, folder, info in entries]
        self._read = {key: EpisodeRead(key, info, ()) for key, _, info in entries}
        self._update()

    def _prepare_workers(self) -> None:
        """Workers may read what is unread later: new folders, too, if they are not listed yet."""
        from index.library.parallel import prepare

        if not self.listed:
            if len(self._found) > 1:
                prepare(None)
        elif self.unread:
            prepare(self._unread_folders())

    def take(self, listing: Listing) -> tuple[str, ...]:
        """The folders as listed now replace those the library knew: an episode whose files
        changed is unread again (parse it: `read`, `read_unread`), one whose folder went is
        gone, a new folder is unread. Returns the ids of the episodes the library had that are
        gone or changed: whatever shows them shows what was."""
        before = {info.id: info.fingerprint for info in self.infos}
        read_before, self._read = self._read, {}
        self.listed = True
        self._found = list(listing.found)
        self._listing_problems = listing.problems
        self.new_problems += listing.problems
        for folder, episode_fingerprint in self._found:
            key = folder.key
            read = read_before.get(key)
            info = read.info if read else _manifest_info(self._manifest.get(key))
            if info is not None and info.fingerprint == episode_fingerprint:
                self._read[key] = read or EpisodeRead(key, info, ())
        self._update()
        after = self._info_by_id
        changed = tuple(
            eid for eid, was in before.items() if eid not in after or after[eid].fingerprint != was
        )
        for episode_id in changed:
            self._loaded.pop(episode_id, None)
        return changed

    @property
    def unread(self) -> tuple[str, ...]:
        """The ids of the episodes not read yet (the cache did not have them), in library order."""
        return tuple(folder.id for folder, _ in self._found if folder.key not in self._read)

    def read(self, episode_id: str) -> None:
        """Parse one unread episode now, in this process (the one the reader shows first)."""
        folder, episode_fingerprint = next(
            (folder, found) for folder, found in self._found if folder.id == episode_id
        )
        read, episode = read_folder(folder, episode_fingerprint, self._store)
        self.add(read)
        if episode is not None:
            self._keep(episode)
        if not self.unread:  # no worker will read the rest and save: the last one read is it
            self.save()

    def first_readable(self, preferred: str | None = None) -> str | None:
        """``preferred`` if the library has that episode, else its first; parsed now if it was
        unread, or if its files changed since the manifest was written (before the folders are
        listed, the one shown first is checked alone). One that cannot be read gives way to the
        next; None when none can."""
        keys = {folder.id: folder.key for folder, _ in self._found}
        for episode_id in [preferred, *keys] if preferred in keys else keys:
            if not self.listed:
                self._check(episode_id)
            if keys[episode_id] not in self._read:
                self.read(episode_id)
            if episode_id in self._info_by_id:
                return episode_id
        return None

    def _check(self, episode_id: str) -> None:
        """One episode's files fingerprinted again: changed (or gone), it is unread."""
        for position, (folder, was) in enumerate(self._found):
            if folder.id == episode_id:
                if (now := folder.fingerprint()) != was:
                    self._found[position] = (folder, now)
                    self._read.pop(folder.key, None)
                    self._loaded.pop(episode_id, None)
                    self._update()
                return

    def read_unread(
        self, stop: Callable[[], bool] | None = None, *, place: bool = True
    ) -> Iterator[EpisodeRead]:
        """Parse the unread episodes, in library order, each into the cache: in worker
        processes when there is enough to read (`index.library.parallel`). Nothing here changes
        the library, so it may run in a thread while the library is used: `add` each result.
        ``stop()`` true ends it after the episodes being parsed. Not ``place``: their notes are
        left for `place_notes` (or for `episode`, when one is asked for first)."""
        from index.library.parallel import read_folders

        folders = self._unread_folders()
        return read_folders(folders, self._store, stop or (lambda: False), place=place)

    def place_notes(
        self, keys: Collection[str], stop: Callable[[], bool] | None = None
    ) -> Iterator[str]:
        """Place the notes of the episodes read with ``keys`` (`EpisodeRead.key`) that
        `read_unread` left unplaced, in the cache, as it reads them; each key when done. Like
        `read_unread`, it changes nothing in the library and may run in a thread."""
        from index.library.parallel import place_folders

        wanted = set(keys)  # a list of 10,000 keys looked up 10,000 times took 0.8 s
        folders = [(folder, found) for folder, found in self._found if folder.key in wanted]
        return place_folders(folders, self._store, stop or (lambda: False))

    def _unread_folders(self) -> list[tuple[_Folder, str]]:
        return [(folder, found) for folder, found in self._found if folder.key not in self._read]

    def add(self, *reads: EpisodeRead) -> None:
        """Episodes just parsed join the library (their problems are new: they are said)."""
        for read in reads:
            self._read[read.key] = read
            self.new_problems += read.problems
        self._update()

    def save(self) -> None:
        """Keep what is read in the cache's manifest, so that it is not parsed again (a folder
        left unread is parsed the next time)."""
        manifest = {}
        for folder, _ in self._found:
            if (read := self._read.get(folder.key)) is not None and read.info is not None:
                manifest[folder.key] = (folder, read.info)
        if manifest != self._manifest:
            self._store.save_manifest(self.root, manifest)
            self._manifest = manifest

    def _update(self) -> None:
        """``infos``, ``problems`` and the look-ups, from what is read, in library order."""
        infos, problems = [], list(self._listing_problems)
        self._folders = {}
        for folder, _ in self._found:
            read = self._read.get(folder.key)
            if read is None:
                continue
            if read.info is None:  # nothing readable: reported, tried again next time
                problems.extend(read.problems)
                continue
            self._folders[read.info.id] = folder
            infos.append(read.info)
            problems.extend(read.info.problems)
        self.infos = tuple(infos)
        self._info_by_id = {info.id: info for info in infos}
        self.problems = tuple(problems)

    @property
    def episodes(self) -> tuple[Episode, ...]:
        """Every episode, loaded in full: for exports and tests, not for start-up."""
        return tuple(self.episode(info.id) for info in self.infos)

    def info(self, episode_id: str) -> EpisodeInfo | None:
        """What the lists need about an episode, or None when the library has no such episode."""
        return self._info_by_id.get(episode_id)

    def folder(self, episode_id: str) -> Path | None:
        """The folder whose files make the episode; None when the episode is one loose file
        (or the library has no such episode)."""
        folder = self._folders.get(episode_id)
        return Path(folder.settings).parent if folder and folder.settings else None

    def episode(self, episode_id: str) -> Episode:
        """One whole episode, from the cache when its sources have not changed since."""
        if episode_id in self._loaded:
            self._loaded.move_to_end(episode_id)
            return self._loaded[episode_id]
        folder, info = self._folders[episode_id], self._info_by_id[episode_id]
        episode = self._store.episode(folder.key, info.fingerprint)
        if episode is None:
            episode = _load_episode(folder, [])
            if episode is None:
                raise EarmarkError(f"{folder.files[0]}: episode {episode_id} can no longer be read")
            self._store.save_episode(folder.key, info.fingerprint, episode)
        elif not episode.notes_placed:  # read, its notes not placed yet (`place_notes`)
            episode = placed(episode)
            self._store.save_episode(folder.key, info.fingerprint, episode)
        self._keep(episode)
        return episode

    def _keep(self, episode: Episode) -> None:
        self._loaded[episode.id] = episode
        self._loaded.move_to_end(episode.id)
        while len(self._loaded) > EPISODES_KEPT:
            self._loaded.popitem(last=False)


def _entries(manifest: dict[str, Any]) -> list[tuple[str, _Folder, EpisodeInfo]] | None:
    """The folders a manifest lists, each with its key and its episode's info; None when it
    lists none, or is not one this earmark wrote."""
    entries = []
    for key, entry in manifest.items():
        if _manifest_info(entry) is None or not isinstance(entry[0], _Folder):
            return None
        entries.append((key, entry[0], entry[1]))
    return entries or None


def _manifest_info(entry: object) -> EpisodeInfo | None:
    """The info of a manifest's entry, if it is one this earmark wrote."""
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], EpisodeInfo):
        return entry[1]
    return None


def read_folder(
    folder: _Folder, episode_fingerprint: str, store: EpisodeCache, place: bool = True
) -> tuple[EpisodeRead, Episode | None]:
    """Parse one episode folder into the cache (its notes placed unless not ``place``); what it
    gave, and the episode."""
    problems: list[str] = []
    episode = _load_episode(folder, problems, place=place)
    if episode is None:
        return EpisodeRead(folder.key, None, tuple(problems)), None
    store.save_episode(folder.key, episode_fingerprint, episode)
    info = EpisodeInfo.of(episode, episode_fingerprint, tuple(problems))
    return EpisodeRead(folder.key, info, tuple(problems)), episode


def slug(name: str, max_bytes: int = NAME_MAX) -> str:
    """A folder or file name → an id safe in file names and search queries.

    The name's letters and digits in any script with their marks, lower-cased (NFC, so a name
    spelt with combining accents is the same id), each run of anything else one ``-``; never
    empty, ``.`` or ``..`` (a name without letters is ``episode``). An ASCII name keeps the id
    it always had (``my_show`` → ``my-show``). A slug longer than ``max_bytes`` of UTF-8 is cut
    and ends in a hash of the whole, so that two long names that start alike stay two ids.
    """
    lowered = name.lower()
    # An ASCII name's letters and digits are a-z and 0-9, and it has no marks: one substitution
    # gives the same id as looking each character up (a tenth of opening 1,000 episodes).
    whole = (
        _NOT_ASCII_LETTERS.sub("-", lowered) if lowered.isascii() else _unicode_slug(lowered)
    ).strip("-") or "episode"
    if len(whole.encode()) <= max_bytes:
        return whole
    tag = "-" + hashlib.sha256(whole.encode()).hexdigest()[:SLUG_HASH_CHARS]
    cut = whole.encode()[: max_bytes - len(tag)].decode(errors="ignore").rstrip("-")
    return cut + tag


def _unicode_slug(lowered: str) -> str:
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", lowered):
        kind = unicodedata.category(char)[0]
        # A mark (an accent, a vowel sign, a variation selector) only with the letter it marks.
        alone = kind == "M" and (not kept or kept[-1] == "-")
        kept.append(char if kind in "LN" or (kind == "M" and not alone) else "-")
    return _DASHES.sub("-", "".join(kept))


def _episode_folders(root: Path, problems: list[str]) -> list[_Folder]:
    if root.is_file():
        return [_Folder(slug(root.stem), (str(root),))]
    entries = [entry for entry in _visible_entries(str(root), problems) if entry.name != FEEDS_FILE]
    folders = [entry for entry in entries if _is_dir(entry)]
    if not folders:
        files = _documents(entries, problems)
        settings = os.path.join(root, EPISODE_FILE)
        return [_Folder(slug(root.name), files, settings, _media(entries))] if files else []
    found = []
    for folder in folders:
        folder_entries = _visible_entries(folder.path, problems)
        if files := _documents(folder_entries, problems):
            settings = os.path.join(folder.path, EPISODE_FILE)
            found.append(_Folder(slug(folder.name), files, settings, _media(folder_entries)))
    found += [_Folder(slug(Path(file).stem), (file,)) for file in _documents(entries, problems)]
    return _unique_ids(found)


def _documents(entries: list[os.DirEntry[str]], problems: list[str]) -> tuple[str, ...]:
    """The files among ``entries`` but media; what is neither a file nor a folder is reported."""
    files = []
    for entry in entries:
        if _is_file(entry):
            if entry.name != EPISODE_FILE and not is_media(entry.name):
                files.append(entry.path)
        elif not _is_dir(entry):
            problems.append(f"{entry.path}: {_not_a_file(Path(entry.path))}; not read")
    return tuple(files)


def _media(entries: list[os.DirEntry[str]]) -> tuple[str, ...]:
    """The audio and video files among ``entries``: an episode's recording, not documents."""
    return tuple(entry.path for entry in entries if is_media(entry.name) and _is_file(entry))


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # a symbolic link loop; reported as such by `_not_a_file`
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _not_a_file(entry: Path) -> str:
    try:
        entry.lstat()
    except OSError as error:  # gone since the folder was listed, or not ours to look at
        return f"cannot read: {error.strerror}"
    if not entry.is_symlink():
        return "not a regular file"
    try:
        entry.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop so
        return "symbolic link loop"
    except OSError as error:
        return "symbolic link loop" if error.errno == errno.ELOOP else "broken symbolic link"
    return "symbolic link to something that is not a file"


def _visible_entries(folder: str, problems: list[str]) -> list[os.DirEntry[str]]:
    """The folder's entries but hidden ones, by name. `os.scandir` entries know whether they
    are files or folders without a stat each: a quarter of opening a 1,000-episode library."""
    try:
        with os.scandir(folder) as entries:
            visible = [entry for entry in entries if not entry.name.startswith(".")]
        return sorted(visible, key=lambda entry: entry.name)
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
        unique.append(folder if episode_id == folder.id else replace(folder, id=episode_id))
    return unique


def _load_episode(folder: _Folder, problems: list[str], *, place: bool = True) -> Episode | None:
    """Parse the folder's files and merge them, its notes placed unless not ``place``; ``None``
    when not one of them could be read."""
    # The parsers and episode.toml's reader load only when a file must be parsed.
    from index.formats import parse_file
    from index.library.settings import EpisodeSettings, read_settings

    settings_file = Path(folder.settings) if folder.settings else None
    settings = read_settings(settings_file, problems) if settings_file else EpisodeSettings()
    documents = []
    for path in map(Path, folder.files):
        try:
            document, warning = parse_file(path, settings.formats.get(path.name))
        except FormatError as error:
            problems.append(str(error))
            continue
        if warning:
            problems.append(f"{path}: {warning}")
        documents.append(document)
    if not documents:
        return None
    episode = assemble(folder.id, documents, settings, problems)
    if settings_file is not None:
        media = tuple(map(Path, folder.media))
        audio = episode_audio(settings_file, settings.audio, media, problems)
        episode = replace(episode, audio=audio)
    episode = sanitized(episode)  # episode.toml's values, names derived from files
    return placed(episode) if place else episode


def placed(episode: Episode) -> Episode:
    """The episode with its notes placed (`index.linking`): two thirds of reading a new one."""
    if episode.notes_placed:
        return episode
    # Imported here: linking needs the stemmer (from Whoosh), which a warm start never touches.
    from index.linking import link_notes

    # Sanitized again: a quote is one line in a link and may span two of a note's lines.
    return sanitized(replace(link_notes(episode), notes_placed=True))


def place_cached(folder: _Folder, episode_fingerprint: str, store: EpisodeCache) -> str:
    """The cached episode of ``folder`` with its notes placed, if they were not; its key."""
    episode = store.episode(folder.key, episode_fingerprint)
    if episode is not None and not episode.notes_placed:
        store.save_episode(folder.key, episode_fingerprint, placed(episode))
    return folder.key


def assemble(
    episode_id: str,
    documents: Iterable[Document],
    settings: EpisodeSettings,
    problems: list[str],
) -> Episode:
    """Merge one folder's documents into an episode.

    The transcript (the document with turns; ``roles`` may name it) leads: its metadata wins, the
    others fill what it lacks; the duration is the longest any of them gives. Its own chapters
    apply; without them, those of another document (a chapter list, chapters JSON; ``roles`` may
    name it); without any, one chapter, "Full transcript". Notes of every document are kept in
    file order, with ids qualified by episode and document.
    """
    documents = list(documents)
    transcript = _lead(documents, "transcript", settings, problems, lambda d: bool(d.turns))
    ordered = [transcript] if transcript else []
    ordered += [document for document in documents if document is not transcript]

    def first(attribute: str):
        return next((getattr(d, attribute) for d in ordered if getattr(d, attribute)), None)

    turns = list(transcript.turns) if transcript else []
    timed_ends = [turn.end for turn in turns if turn.end is not None]
    # The longest any document gives: captions end where the words do, before the video ends.
    duration = max((d.duration or 0 for d in documents), default=0) or max(timed_ends, default=0)
    chapters = list(transcript.chapters) if transcript else []
    # The transcript's own chapters first, then a chapter list's; the episode file may choose.
    by_preference = sorted(documents, key=lambda document: document is not transcript)
    listed = _lead(by_preference, "chapters", settings, problems, lambda d: bool(d.chapters))
    if listed is not None and listed is not transcript:
        chapters = chapters_with_ends([(c.start, c.title) for c in listed.chapters], duration)
        turns = in_chapters(turns, chapters)
    if turns and not chapters:
        chapters = [Chapter(0, FULL_TRANSCRIPT, 0, duration)]
    return Episode(
        id=episode_id,
        title=settings.title or first("title") or episode_id,
        show=settings.show or first("show"),
        published=settings.date or first("published"),
        guests=settings.guests or first("guests") or (),
        duration=duration or None,
        url=settings.url or first("url"),
        sources=tuple(document.path for document in documents),
        chapters=tuple(chapters),
        turns=tuple(turns),
        notes=tuple(_qualified_notes(episode_id, documents)),
        notes_placed=False,
    )


def _lead(
    documents: list[Document],
    role: str,
    settings: EpisodeSettings,
    problems: list[str],
    has: Callable[[Document], bool],
) -> Document | None:
    """The document that plays ``role``: the one ``episode.toml`` names, else the first that
    ``has`` what the role needs; several candidates are reported."""
    named = settings.file_with_role(role)
    candidates = [document for document in documents if has(document)]
    # A document's path shows a name's control characters as escapes (`index.untrusted`).
    chosen = next((d for d in candidates if named and d.path.name == visible(named)), None)
    if named and chosen is None:
        folder = next((document.path.parent for document in documents), Path())
        problems.append(f"{folder / EPISODE_FILE}: no {role} in {named!r}; role ignored")
    if chosen is None and len(candidates) > 1 and role == "transcript":
        names = ", ".join(document.path.name for document in candidates)
        other = candidates[1].path.name
        problems.append(
            f"{candidates[0].path.parent}: several transcripts ({names}); showing "
            f'{candidates[0].path.name} (to show another, put [roles] "{other}" = "transcript" '
            f"in its {EPISODE_FILE})"
        )
    return chosen or (candidates[0] if candidates else None)


def _qualified_notes(episode_id: str, documents: list[Document]) -> Iterable[Note]:
    stems = [document.path.stem for document in documents]
    for document in documents:
        name = document.path.stem if stems.count(document.path.stem) == 1 else document.path.name
        document_id = slug(name)
        for note in document.notes:
            reply_to = note_id(episode_id, document_id, note.reply_to) if note.reply_to else None
            yield replace(note, id=note_id(episode_id, document_id, note.id), reply_to=reply_to)
