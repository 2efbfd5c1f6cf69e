"""What a format is to the registry: a typed entry, so that the contract is checked where the
format is registered rather than trusted of a module's attributes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from index.formats.source import SourceText
from index.model import Document

Sniff = Callable[[str], float]
Parse = Callable[[Path, SourceText | None], Document]


@dataclass(frozen=True, slots=True)
class Format:
    """One format earmark reads.

    ``name`` is what ``[formats]`` in an ``episode.toml`` calls it, ``label`` the name people
    know it by. ``sniff(head)`` says how sure it is that it reads a file from its first few KB
    (0..1); ``parse(path, source)`` reads it or raises `FormatError`. When two formats are as
    sure, the higher ``priority`` is tried first. ``example`` is a file of the format, relative
    to the repository (a test reads each with the registry); ``guessed`` is False for a format
    never recognised from contents, only named in ``[formats]`` (show notes are prose).
    """

    name: str
    label: str
    sniff: Sniff
    parse: Parse
    priority: int
    example: str
    guessed: bool = True

    @classmethod
    def of(cls, module: ModuleType, *, priority: int, example: str, guessed: bool = True) -> Format:
        """The entry for a format module (its ``NAME``, ``LABEL``, ``sniff`` and ``parse``)."""
        return cls(
            module.NAME, module.LABEL, module.sniff, module.parse, priority, example, guessed
        )
