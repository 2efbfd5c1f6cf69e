"""JSON documents: loaded with errors that name the line, and values read defensively."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.errors import FormatError
from index.formats.common import MAX_SECONDS
from index.formats.source import SourceText, read_source
from index.text import clean_line


def looks_like_json_with(head: str, *keys: str) -> bool:
    text = head.lstrip("\ufeff \n\t")
    return text.startswith("{") and all(f'"{key}"' in text for key in keys)


def load_object(path: Path, source: SourceText | None, key: str | None) -> dict[str, Any]:
    """The file's top-level object, which must hold a ``key`` list (when a key is given)."""
    source = source or read_source(path)
    try:
        data = json.loads(source.text, parse_int=_integer)
    except json.JSONDecodeError as error:
        raise FormatError(path, error.lineno, f"not valid JSON: {error.msg}") from None
    except RecursionError:
        raise FormatError(path, None, "not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise FormatError(path, None, "not a JSON object")
    if key is not None and not isinstance(data.get(key), list):
        raise FormatError(path, None, f'no "{key}" list in this JSON')
    return data


def _integer(digits: str) -> int | float:
    """An integer as JSON writes it. One too long to count or time anything is read as a float:
    Python's int() refuses more than 4,300 digits (ValueError), and is slow up to there."""
    return int(digits) if len(digits) <= 20 else float(digits)


def seconds(value: object) -> float | None:
    """A time in seconds, or None for anything else (``null``, a string, NaN, a negative)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if 0 <= value < MAX_SECONDS else None


def text(value: object) -> str:
    """A string value as it enters the model; ``""`` for anything that is not a string."""
    return clean_line(value) if isinstance(value, str) else ""
