"""An episode folder's ``episode.toml``: what sniffing and the documents cannot say.

    title = "Episode 7 - Making Progress"
    show = "John's Awesome Podcast"
    date = 2024-05-01                       # or a string as written
    url = "https://example.org/episodes/7"  # the episode's page
    guests = ["Jane Doe"]
    audio = "episode.mp3"                   # or an http(s) URL (`index.player.audio`)
    [formats]                               # file name → format name (`index.formats.FORMATS`)
    "captions.txt" = "srt"
    [roles]                                 # file name → "transcript" or "chapters"
    "description.txt" = "chapters"

A role says which file's turns are the transcript when several have turns, and which file's
chapters apply when several have chapters. Every key is optional; a wrong one is reported in one
line and ignored, the rest of the file still counts.

An episode that came from a feed (`index.feeds`) also records where from: ``guid``, ``feed``
(the feed's URL) and ``audio`` (the enclosure's URL). They are for a person and for the player,
not for the model, and are not read here.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from index.text import clean_line

ROLES = ("transcript", "chapters")
# An episode.toml is a few lines a person (or a feed, or `earmark add --episode NAME`) wrote.
# tomllib takes 1-3 s a megabyte, and time quadratic in the parts of one dotted key (8,000 parts
# took 2 s, 100,000 would take minutes): a bigger file, or a key of more parts, is not read.
MAX_BYTES = 1_000_000
MAX_KEY_PARTS = 64
# A dotted key: parts, bare or quoted, joined by dots; each bare part taken whole from the start
# of a word, so that the search is linear (a long word is tried once, not from each letter). A
# quoted part's own dots count too: a key is refused too soon only with an absurd name.
_PART = r"""(?:(?<![\w-])[\w-]++|"[^"\n]*+"|'[^'\n]*+')"""
_DOTTED_KEY = re.compile(rf"{_PART}(?:[ \t]*+\.[ \t]*+{_PART})++", re.ASCII)


@dataclass(frozen=True, slots=True)
class EpisodeSettings:
    title: str | None = None
    show: str | None = None
    date: str | None = None
    url: str | None = None
    guests: tuple[str, ...] = ()
    audio: str | None = None
    formats: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    def file_with_role(self, role: str) -> str | None:
        return next((name for name, given in self.roles.items() if given == role), None)


def read_settings(file: Path, problems: list[str]) -> EpisodeSettings:
    """The settings in ``file`` (none when it does not exist); problems are appended."""
    if not file.is_file():
        return EpisodeSettings()
    try:
        if file.stat().st_size > MAX_BYTES:
            problems.append(f"{file}: ignored: larger than {MAX_BYTES // 1_000_000} MB")
            return EpisodeSettings()
        text = file.read_text(encoding="utf-8")
        if _most_key_parts(text) > MAX_KEY_PARTS:
            problems.append(f"{file}: ignored: a key of more than {MAX_KEY_PARTS} dotted parts")
            return EpisodeSettings()
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        problems.append(f"{file}: ignored: {error}")
        return EpisodeSettings()
    except RecursionError:
        problems.append(f"{file}: ignored: nested too deeply")
        return EpisodeSettings()
    except ValueError:  # tomllib's int() of a number past Python's 4,300-digit limit
        problems.append(f"{file}: ignored: a number with too many digits")
        return EpisodeSettings()

    def text(key: str) -> str | None:
        value = data.get(key)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if value is None:
            return None
        if isinstance(value, str):
            return clean_line(value) or None  # as every string that enters the model
        problems.append(f"{file}: {key} ignored: not a string")
        return None

    return EpisodeSettings(
        title=text("title"),
        show=text("show"),
        date=text("date"),
        url=text("url"),
        guests=_names(file, data, problems),
        audio=text("audio"),
        formats=_table(file, data, "formats", None, problems),
        roles=_table(file, data, "roles", ROLES, problems),
    )


def _most_key_parts(text: str) -> int:
    """The most parts a dotted key of ``text`` has (or seems to have: dots in a string count)."""
    return max((len(key[0].split(".")) for key in _DOTTED_KEY.finditer(text)), default=0)


def _names(file: Path, data: dict, problems: list[str]) -> tuple[str, ...]:
    names = data.get("guests", [])
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        problems.append(f"{file}: guests ignored: expected a list of names")
        return ()
    return tuple(name for name in map(clean_line, names) if name)


def _table(
    file: Path, data: dict, key: str, allowed: tuple[str, ...] | None, problems: list[str]
) -> dict[str, str]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        problems.append(f"{file}: [{key}] ignored: not a table")
        return {}
    kept = {}
    for name, value in table.items():
        if not isinstance(value, str) or (allowed and value not in allowed):
            expected = " or ".join(allowed) if allowed else "a string"
            problems.append(f"{file}: [{key}] {name!r} ignored: expected {expected}")
        else:
            kept[name] = value
    return kept
