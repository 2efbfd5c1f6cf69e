"""``earmark add URL``: a video page's metadata and subtitles, fetched with yt-dlp when it is
installed (the ``earmark[youtube]`` extra).

yt-dlp writes the video's info JSON and its subtitles (uploaded ones, else automatic ones, in
the person's language) into a temporary folder, without the video itself; those files are then
added like any others (`index.formats.ytdlp_info`, `index.library.user_library.add_files`).
earmark has no network code of its own here: yt-dlp does the fetching, and keeps up with the
sites.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import EarmarkError
from index.text import clean_line

# Long enough for a slow connection; a stuck yt-dlp is stopped and nothing is added.
TIMEOUT_S = 180.0
INSTALL = "pipx inject earmark yt-dlp (or pip install 'earmark[youtube]')"
SUBTITLE_SUFFIXES = (".vtt", ".srt")
_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(?=$|[_.@:-])")


@dataclass(frozen=True, slots=True)
class Sources:
    """What ``earmark add`` adds: the files, how to name those fetched for a URL (by the URL),
    and notices for the person."""

    files: list[Path]
    shown: dict[Path, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def is_url(argument: str) -> bool:
    return argument.lower().startswith(("http://", "https://"))


@contextmanager
def add_sources(arguments: Sequence[str], language: str | None = None) -> Iterator[Sources]:
    """The files ``earmark add ARGUMENT...`` adds: paths as they are, and for a video's URL the
    files yt-dlp writes for it, which last as long as the context."""
    urls = [argument for argument in arguments if is_url(argument)]
    paths = [Path(argument) for argument in arguments if not is_url(argument)]
    if not urls:
        yield Sources(paths)
        return
    if len(urls) > 1:
        raise EarmarkError("one video at a time: add each URL with its own earmark add")
    url, wanted = urls[0], language or user_language(os.environ)
    with fetched(url, wanted) as (info, subtitles):
        files = [info, subtitles] if subtitles else [info]
        notices = (
            [] if subtitles else [f"{url}: no subtitles in {wanted!r}; added what its page says"]
        )
        yield Sources(files + paths, {file: f"{url} ({file.name})" for file in files}, notices)


@contextmanager
def fetched(url: str, language: str) -> Iterator[tuple[Path, Path | None]]:
    """The video's info JSON and subtitles (None when it has none in ``language``), written by
    yt-dlp into a temporary folder that is removed afterwards."""
    program = ytdlp_program()
    if program is None:
        raise EarmarkError(f"adding a video needs yt-dlp, which is not installed: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="earmark-ytdlp-") as folder:
        command = ytdlp_command(program, url, Path(folder), language)
        try:
            done = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EarmarkError(
                f"{url}: yt-dlp did not finish within {TIMEOUT_S:g} s; nothing was added"
            ) from None
        except OSError as error:
            raise EarmarkError(f"cannot run yt-dlp: {error.strerror or error}") from None
        if done.returncode != 0:
            raise EarmarkError(f"{url}: yt-dlp: {_last_error(done.stderr)}")
        yield video_files(url, Path(folder), language)


def ytdlp_program() -> list[str] | None:
    """How to run yt-dlp: the one on PATH (its installer keeps it up to date with the sites),
    else the one installed beside earmark (``pipx inject``, the ``youtube`` extra)."""
    if found := shutil.which("yt-dlp"):
        return [found]
    if importlib.util.find_spec("yt_dlp") is not None:
        return [sys.executable, "-m", "yt_dlp"]
    return None


def ytdlp_command(program: list[str], url: str, folder: Path, language: str) -> list[str]:
    """yt-dlp's command line: the info JSON and the subtitles in ``language`` (uploaded ones
    before automatic ones, as yt-dlp chooses when asked for both; regional variants such as
    ``en-GB`` too, but not machine translations such as ``en-fr``), no video, into ``folder``."""
    return [
        *program,
        "--skip-download",
        "--ignore-no-formats-error",
        "--no-playlist",
        "--no-write-playlist-metafiles",
        "--quiet",
        "--no-warnings",
        "--write-info-json",
        "--write-subs",
        "--write-auto-subs",
        # yt-dlp splits the list at commas: no commas inside a pattern.
        "--sub-langs",
        f"{language},{language}-(?-i:[A-Z]{{2}}),{language}-[0-9]{{3}}",
        "--sub-format",
        "vtt/srt/best",
        "--paths",
        str(folder),
        "--output",
        "%(id)s.%(ext)s",
        "--",
        url,
    ]


def user_language(environ: Mapping[str, str]) -> str:
    """The person's language for subtitles, as the locale names it (``LANGUAGE``, ``LC_ALL``,
    ``LC_MESSAGES``, ``LANG``: ``de_DE.UTF-8`` → ``de``); English when it names none."""
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if match := _LANGUAGE.match(environ.get(key, "")):
            return match[0].lower()
    return "en"


def video_files(url: str, folder: Path, language: str) -> tuple[Path, Path | None]:
    """The info JSON yt-dlp wrote into ``folder`` and the subtitles to read with it."""
    written = sorted(folder.iterdir())
    infos = [path for path in written if path.name.endswith(".info.json")]
    if not infos:
        raise EarmarkError(f"{url}: yt-dlp wrote no info JSON; is it a video's page?")
    if len(infos) > 1:
        raise EarmarkError(f"{url}: several videos (a playlist?); add one video at a time")
    subtitles = [path for path in written if path.suffix in SUBTITLE_SUFFIXES]
    return infos[0], subtitle_choice(subtitles, _uploaded(infos[0]), language)


def subtitle_choice(files: list[Path], uploaded: Collection[str], language: str) -> Path | None:
    """The subtitles to read when yt-dlp wrote several (``ID.en.vtt``, ``ID.en-GB.vtt``):
    uploaded ones before automatic ones, the language itself before a regional variant."""

    def rank(path: Path) -> tuple[bool, bool, str]:
        code = Path(path.stem).suffix.removeprefix(".")
        return (code not in uploaded, code != language, path.name)

    return min(files, key=rank, default=None)


def _uploaded(info: Path) -> set[str]:
    """The languages of the video's uploaded subtitles (the info JSON's ``subtitles``)."""
    try:
        data = json.loads(info.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return set()
    subtitles = data.get("subtitles") if isinstance(data, dict) else None
    return set(subtitles) if isinstance(subtitles, dict) else set()


def _last_error(stderr: str) -> str:
    """yt-dlp's own words for what went wrong: its last ``ERROR:`` line, else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    said = (errors or lines or ["it stopped without saying why"])[-1]
    return clean_line(said)
