"""The one way strings enter the model: no control character gets past it, whatever decoded them.

`read_source` strips escape sequences from a file's text, but formats decode more after that:
JSON's ``\\u001b``, HTML's ``&#27;``, TOML's and YAML's escapes. So every `Document` a parser
returns, and every `Episode` the library assembles, is walked here, field by field, whatever the
format or field: dataclasses, tuples, strings and paths. The fields the model marks
`SEVERAL_LINES` may keep newlines and tabs; every other string is one line.

Checking costs little, rewriting is rare: all strings are joined and checked in one go
(`str.isprintable`, then a regular expression only when that finds something that might be
harmless, a no-break space or a zero-width joiner), and only when the check fails is the value
rebuilt, each offending string passed through `clean` or `clean_line` (a path is shown with its
controls as escapes, `visible`, so the file can still be found). Episodes loaded from the cache
are not walked again: they were clean when they were saved.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import PurePath
from typing import Any, TypeVar

from index.model import SEVERAL_LINES
from index.text import UNSAFE_IN_LINE, UNSAFE_IN_TEXT, clean, clean_line, visible

Value = TypeVar("Value")


def sanitized(value: Value) -> Value:
    """``value`` itself when none of its strings holds a control character (the usual case);
    otherwise a copy in which each string that does is cleaned."""
    lines: list[str] = []
    texts: list[str] = []
    _collect(value, False, lines, texts)
    if _is_safe("".join(lines), UNSAFE_IN_LINE) and _is_safe("\n".join(texts), UNSAFE_IN_TEXT):
        return value
    return _rebuilt(value, False)


def _is_safe(joined: str, unsafe: re.Pattern[str]) -> bool:
    """No ``unsafe`` character in ``joined``. Printable text (no newline, no control, no format
    or separator character) has none, and `str.isprintable` says so in a third of the time the
    expression takes; newlines are allowed where ``unsafe`` allows them."""
    if unsafe is UNSAFE_IN_TEXT:
        joined = joined.replace("\n", " ")
    return joined.isprintable() or not unsafe.search(joined)


# Values that hold no string: the walk passes them by without a call.
_NO_TEXT = frozenset({int, float, bool, type(None)})


@cache
def _fields(cls: type) -> tuple[tuple[str, bool], ...]:
    """A dataclass's field names, each with whether it may hold several lines; none for any
    other class."""
    if not dataclasses.is_dataclass(cls):
        return ()
    return tuple(
        (field.name, field.metadata.get(SEVERAL_LINES, False)) for field in dataclasses.fields(cls)
    )


def _collect(value: Any, several_lines: bool, lines: list[str], texts: list[str]) -> None:
    """Every string in ``value``, into ``texts`` when it may hold several lines, else ``lines``.
    The commonest values (strings, numbers) are dealt with in the loops, without a call each:
    this walk runs over every turn of every document parsed."""
    kind = type(value)
    if kind is str:
        (texts if several_lines else lines).append(value)
    elif kind is tuple:
        for item in value:
            if type(item) is str:
                (texts if several_lines else lines).append(item)
            elif type(item) not in _NO_TEXT:
                _collect(item, several_lines, lines, texts)
    elif isinstance(value, PurePath):
        lines.append(str(value))
    else:
        for name, field_lines in _fields(kind):
            item = getattr(value, name)
            if type(item) is str:
                (texts if field_lines else lines).append(item)
            elif type(item) not in _NO_TEXT:
                _collect(item, field_lines, lines, texts)


def _rebuilt(value: Any, several_lines: bool) -> Any:
    if isinstance(value, str):
        unsafe = UNSAFE_IN_TEXT if several_lines else UNSAFE_IN_LINE
        if not unsafe.search(value):
            return value
        return clean(value) if several_lines else clean_line(value)
    if isinstance(value, tuple):
        items = tuple(_rebuilt(item, several_lines) for item in value)
        return value if all(new is old for new, old in zip(items, value, strict=True)) else items
    if isinstance(value, PurePath):
        shown = visible(str(value))
        return value if shown == str(value) else type(value)(shown)
    if _fields(type(value)):
        changes = {}
        for name, field_lines in _fields(type(value)):
            old = getattr(value, name)
            new = _rebuilt(old, field_lines)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value
