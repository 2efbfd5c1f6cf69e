"""Where earmark keeps things: ``EARMARK_HOME`` overrides every directory (tests use a temp dir)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "earmark"


def _home() -> Path | None:
    home = os.environ.get("EARMARK_HOME")
    return Path(home).expanduser() if home else None


def cache_dir() -> Path:
    """Parse results and search indexes: safe to delete, rebuilt on demand."""
    home = _home()
    return home / "cache" if home else platformdirs.user_cache_path(APP_NAME)


def data_dir() -> Path:
    """The reader's own data (positions, bookmarks, notes): never deleted by earmark."""
    home = _home()
    return home / "data" if home else platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    """The reader's settings (``config.toml``): written by the person, only read by earmark."""
    home = _home()
    return home / "config" if home else platformdirs.user_config_path(APP_NAME)


def default_library() -> Path:
    """The bundled library: ``index/data`` in an installed wheel, ``data/`` in a checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "data", package.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the bundled library is missing (looked in {package / 'data'})")
