"""Reading a library file into text: size limit, binary detection, encodings, control characters."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from index.errors import FormatError
from index.limits import MAX_FILE_BYTES
from index.text import strip_controls

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    """A file's text with escape sequences and control characters removed.

    ``warning`` says what was guessed or replaced while decoding, for the user to see.
    """

    path: Path
    text: str
    warning: str | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def read_source(path: Path) -> SourceText:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            too_big = f"file is larger than {MAX_FILE_BYTES // 2**20} MB; not read"
            raise FormatError(path, None, too_big)
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(path, None, f"cannot read: {error.strerror or error}") from None
    text, warning = decode(path, data)
    return SourceText(path, strip_controls(text), warning)


def decode(path: Path, data: bytes) -> tuple[str, str | None]:
    """Bytes → text: a BOM wins, then UTF-8, then Windows-1252; NUL bytes mean binary."""
    if not data.strip():
        raise FormatError(path, None, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), None
            except UnicodeDecodeError:
                warning = f"invalid {encoding.upper()} bytes replaced with \ufffd"
                return data.decode(encoding, errors="replace"), warning
    if b"\x00" in data:
        raise FormatError(path, None, "binary file (contains NUL bytes); not a document")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        try:
            return data.decode("cp1252"), f"line {line}: not UTF-8; read as Windows-1252"
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            return text, f"line {line}: not UTF-8; undecodable bytes replaced with \ufffd"
