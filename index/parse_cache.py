"""Parsed documents kept on disk, so a library opens without re-parsing files that did not change.

An entry is valid while the file's bytes (by SHA-256), the format asked for, and the parsing code
itself are unchanged: the code's fingerprint is part of the key, so a new parser
never reads documents cached by an old one. Entries are written atomically (temp file + rename);
an unreadable entry is simply parsed again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from index.model import Document

_CODE_FILES = ("model.py", "text.py", "timecode.py", "formats")


@cache
def code_fingerprint() -> str:
    """A hash of the modules that decide what a parse returns."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _CODE_FILES:
        target = package / name
        for file in sorted(target.rglob("*.py")) if target.is_dir() else [target]:
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class ParseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get(self, path: Path, format_name: str | None) -> tuple[Document, str | None] | None:
        try:
            with open(self._entry(path), "rb") as file:
                key, document, warning = pickle.load(file)
            fresh = key == self._key(path, format_name)
        except Exception:  # a missing, truncated or foreign entry just means "parse again"
            return None
        return (document, warning) if fresh else None

    def put(
        self, path: Path, format_name: str | None, document: Document, warning: str | None
    ) -> None:
        entry = self._entry(path)
        temp = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False, suffix=".tmp") as file:
                temp = Path(file.name)
                pickle.dump((self._key(path, format_name), document, warning), file)
            os.replace(temp, entry)
        except OSError:
            if temp is not None:
                temp.unlink(missing_ok=True)  # a read-only or full cache only costs speed

    def _entry(self, path: Path) -> Path:
        name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
        return self.directory / "parsed" / f"{name}.pickle"

    @staticmethod
    def _key(path: Path, format_name: str | None) -> tuple[str, str, str | None]:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        return (code_fingerprint(), content, format_name)
