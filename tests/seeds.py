"""Where the bundled library lives, for tests that read its files directly."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EPISODE_DIR = REPO / "data" / "ilya-sutskever-2025-11"
SEED_FILES = sorted(DEFAULT_EPISODE_DIR.iterdir())
