"""Errors that name the file (and line) a problem comes from, so one line tells the user all."""

from __future__ import annotations

from pathlib import Path


class EarmarkError(Exception):
    """A problem the user can act on; the CLI prints it in one line, without a traceback."""


class FormatError(EarmarkError):
    """A file no parser can read, or that breaks its format; ``line`` is 1-based when known."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"
