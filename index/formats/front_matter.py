"""YAML front matter of Markdown documents (Obsidian notes, Markdown transcripts): read, and
turned into the episode metadata a `Document` carries. Values may be wiki links (``"[[Name]]"``)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import yaml

from index.errors import FormatError
from index.formats.common import iso_date
from index.text import clean_line

# No bracket inside: a link's name cannot hold one, and "[[[[…" would take quadratic time.
WIKILINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?(?P<text>[^\[\]]*)\]\]")
# libyaml when PyYAML has it: its scanner stops nesting at 1,000 levels with a YAMLError, in
# milliseconds, where the pure-Python one takes seconds (quadratic) to reach RecursionError.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def episode_metadata(front: dict, title: str | None = None) -> dict[str, Any]:
    """The `Document` fields front matter can give: title (else ``title``, the one the
    document's body gives), show, published, guests, url."""
    return {
        "title": _text(front.get("title")) or title,
        "show": _first(front.get("show")),
        "published": _date(front.get("published") or front.get("date")),
        "guests": tuple(_names(front.get("guests"))),
        "url": _text(front.get("source")) or _text(front.get("url")),
    }


def read_front_matter(path: Path, lines: list[str]) -> tuple[dict, int]:
    """The YAML between the first two ``---`` lines, and the index of the line after it."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise FormatError(path, 1, "front matter opened with --- is never closed")
    try:
        front = yaml.load("\n".join(lines[1:end]), Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = _first_line(getattr(error, "problem", None) or error)  # not its context
        message = f"front matter is not valid YAML ({problem})"
        raise FormatError(path, line, message) from None
    except (ValueError, OverflowError, RecursionError) as error:
        # PyYAML raises these for values it matches but cannot build (a 13th month, deep nesting).
        raise FormatError(path, 1, f"front matter cannot be read ({_first_line(error)})") from None
    return (front if isinstance(front, dict) else {}), end + 1


def _text(value: object) -> str | None:
    """A scalar as text; None for anything else (a list, a mapping, a set, pairs), which could
    be a YAML alias bomb that ``str()`` would expand."""
    if value is None or not isinstance(value, str | int | float | datetime.date):
        return None
    return clean_line(WIKILINK.sub(lambda m: m["text"], str(value))) or None


def _names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [name for name in map(_text, items) if name]


def _first(value: object) -> str | None:
    names = _names(value)
    return names[0] if names else None


def _date(value: object) -> str | None:
    text = _text(value)
    return (iso_date(text) or text) if text else None


def _first_line(error: object) -> str:
    return str(error).split("\n")[0]
