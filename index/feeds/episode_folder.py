"""One feed item brought into the library as an episode folder.

    <library>/<episode id>/
        episode.toml     title, show, date, url, guid, feed, audio, guests; [formats], [roles]
        transcript.vtt   the offered transcript earmark reads best: VTT, SRT, JSON, HTML, text
        chapters.json    the item's podcast:chapters
        show-notes.txt   content:encoded or the description, as text with its links

The folder is filled under a hidden name (the library skips dot-files) and renamed into place
only when every file it should hold has downloaded and parsed: an episode is in the library
whole or not at all. The file names are earmark's own, never the feed's; ``[formats]`` names
each file's format (from its MIME type), so the library never has to guess.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from index.errors import EarmarkError, FormatError
from index.feeds.feed import Feed, FeedItem
from index.feeds.fetch import Fetcher, FetchError
from index.feeds.podcast_elements import Offer
from index.library import EPISODE_FILE, Library, adding_lock, staging_folder, unused_folder
from index.model import Document

SHOW_NOTES_FILE = "show-notes.txt"
CHAPTERS_FILE = "chapters.json"
CHAPTERS_FORMAT = "podcast-chapters-json"
SHOW_NOTES_FORMAT = "show-notes"


@dataclass(frozen=True, slots=True)
class TranscriptKind:
    """A transcript's format (None: whichever format recognises the text), the suffix of the
    file it is saved as, and the MIME types that announce it."""

    format: str | None
    suffix: str
    types: tuple[str, ...]


# In the order earmark prefers them when an item offers several.
TRANSCRIPT_KINDS = (
    TranscriptKind("webvtt", "vtt", ("text/vtt",)),
    TranscriptKind(
        "srt",
        "srt",
        ("application/srt", "application/x-subrip", "text/srt", "text/x-srt", "application/x-srt"),
    ),
    TranscriptKind("podcast-transcript-json", "json", ("application/json",)),
    TranscriptKind("podcast-transcript-html", "html", ("text/html",)),
    TranscriptKind(None, "txt", ("text/plain",)),
)
CHAPTER_TYPES = ("application/json+chapters", "application/json")


class EpisodeFailed(EarmarkError):
    """The item could not come in whole; it stays to be tried again by the next update."""


@dataclass(frozen=True, slots=True)
class Arrival:
    """What an item became: its episode id (None: it had nothing to read), the transcript's
    format, and what was noticed on the way, one line each."""

    episode_id: str | None
    title: str
    transcript: str | None
    chapters: int
    notes: int
    problems: tuple[str, ...] = ()


def transcript_kind(offer: Offer) -> TranscriptKind | None:
    """What a transcript offer is, by its MIME type, else by its URL's suffix."""
    suffix = PurePosixPath(urlsplit(offer.url).path).suffix.lower().lstrip(".")
    by_type = next((kind for kind in TRANSCRIPT_KINDS if offer.type in kind.types), None)
    return by_type or next((kind for kind in TRANSCRIPT_KINDS if kind.suffix == suffix), None)


def bring_in(root: Path, feed: Feed, item: FeedItem, episode_id: str, fetcher: Fetcher) -> Arrival:
    """Download ``item`` into the episode folder ``root/episode_id`` (or ``-2``… when another
    took the name meanwhile). Raises `EpisodeFailed` naming the episode and URL."""
    who = f"{feed.title}: {item.title or item.key}"
    problems = [f"{who}: {problem}" for problem in item.problems]
    staging = staging_folder(root, ".following-")
    try:
        files = _Files(staging, who, fetcher)
        transcript = files.transcript(item.transcripts, problems)
        chapters = files.chapters(item.chapters, problems)
        notes = files.show_notes(item.show_notes)
        if not files.formats:
            problems.append(f"{who}: no transcript, chapters or show notes; nothing to read")
            return Arrival(None, item.title, None, 0, 0, tuple(problems))
        _write_settings(staging / EPISODE_FILE, feed, item, files)
        with adding_lock(root):  # no `earmark add` takes the folder between choice and rename
            target = unused_folder(root, episode_id, Library.open(root))
            staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when it was renamed in
    listed = chapters or notes
    return Arrival(
        target.name,
        item.title,
        transcript.source if transcript else None,
        len(listed.chapters) if listed else 0,
        len(notes.notes) if notes else 0,
        tuple(problems),
    )


class _Files:
    """The files of one episode folder being filled, and what each was read as."""

    def __init__(self, folder: Path, who: str, fetcher: Fetcher) -> None:
        self.folder = folder
        self.who = who
        self.fetcher = fetcher
        self.formats: dict[str, str] = {}
        self.roles: dict[str, str] = {}

    def transcript(self, offers: tuple[Offer, ...], problems: list[str]) -> Document | None:
        """The best offered transcript that reads; one that does not is reported and the
        next is tried. When none reads, the episode fails (unless the only ones were plain
        text that no format recognises, which retrying cannot change)."""
        ranked = []
        for offer in offers:
            kind = transcript_kind(offer)
            if kind is None:
                problems.append(f"{self.who}: {offer.url}: transcript type {offer.type!r} not read")
            else:
                ranked.append((TRANSCRIPT_KINDS.index(kind), kind, offer))
        unreadable: list[str] = []
        for _, kind, offer in sorted(ranked, key=lambda ranked_offer: ranked_offer[0]):
            name = f"transcript.{kind.suffix}"
            try:
                document = self._download(offer.url, name, kind.format)
                if not document.turns:
                    (self.folder / name).unlink()
                    raise FormatError(offer.url, None, "no transcript turns in it")
            except FormatError as error:
                reason = _reason(offer.url, error)
                if kind.format is None:
                    problems.append(f"{self.who}: plain-text transcript not read: {reason}")
                else:
                    unreadable.append(reason)
                continue
            self.formats[name] = document.format
            self.roles[name] = "transcript"
            problems += [f"{self.who}: {reason}; read another" for reason in unreadable]
            return document
        if unreadable:
            raise EpisodeFailed(f"{self.who}: {unreadable[0]}")
        return None

    def chapters(self, offers: tuple[Offer, ...], problems: list[str]) -> Document | None:
        for offer in offers:
            suffix = PurePosixPath(urlsplit(offer.url).path).suffix.lower()
            if offer.type not in CHAPTER_TYPES and not (not offer.type and suffix == ".json"):
                problems.append(f"{self.who}: {offer.url}: chapters type {offer.type!r} not read")
                continue
            try:
                document = self._download(offer.url, CHAPTERS_FILE, CHAPTERS_FORMAT)
            except FormatError as error:
                raise EpisodeFailed(f"{self.who}: {_reason(offer.url, error)}") from None
            self.formats[CHAPTERS_FILE] = CHAPTERS_FORMAT
            self.roles[CHAPTERS_FILE] = "chapters"
            return document
        return None

    def show_notes(self, text: str) -> Document | None:
        if not text:
            return None
        from index.formats import parse_file

        path = self.folder / SHOW_NOTES_FILE
        path.write_text(text + "\n", encoding="utf-8")
        self.formats[SHOW_NOTES_FILE] = SHOW_NOTES_FORMAT
        document, _ = parse_file(path, SHOW_NOTES_FORMAT)  # text cleaned already: it reads
        return document

    def _download(self, url: str, name: str, format_name: str | None) -> Document:
        """Fetch ``url`` into the file ``name`` and parse it; `FormatError` (the file is
        removed) when it does not read; `EpisodeFailed` when it does not download."""
        from index.formats import parse_file

        try:
            fetched = self.fetcher.get(url)
        except FetchError as error:
            raise EpisodeFailed(f"{self.who}: {error}") from None
        path = self.folder / name
        path.write_bytes(fetched.body or b"")
        try:
            document, _ = parse_file(path, format_name)
        except FormatError:
            path.unlink()
            raise
        return document


def _reason(url: str, error: FormatError) -> str:
    where = f"line {error.line}: " if error.line else ""
    return f"{url}: {where}{error.message}"


def _write_settings(file: Path, feed: Feed, item: FeedItem, files: _Files) -> None:
    import tomli_w

    settings: dict[str, object] = {
        key: value
        for key, value in (
            ("title", item.title),
            ("show", feed.title),
            ("date", item.published),
            ("url", item.link),
            ("guid", item.guid),
            ("feed", feed.url),
            ("audio", item.audio),
        )
        if value
    }
    if item.guests:
        settings["guests"] = list(item.guests)
    settings["formats"] = files.formats
    if files.roles:
        settings["roles"] = files.roles
    file.write_text(tomli_w.dumps(settings), encoding="utf-8")
