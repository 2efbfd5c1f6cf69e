"""Writing a file whole or not at all: to a temporary file of a unique name beside it, then
renamed over it, so that a reader sees the old file or the new one, never half of one, and two
writers never share a temporary file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes, *, durable: bool = False) -> None:
    """``data`` as the whole of ``path``; ``durable``: on the disk before it is renamed (a
    crash then leaves the old file or the new one, not an empty one). Raises `OSError`, and
    leaves no temporary file behind, whatever ends it."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
