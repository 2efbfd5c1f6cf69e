"""Where the bundled library and the format examples live, for tests that read files directly."""

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EPISODE_DIR = REPO / "data" / "ilya-sutskever-2025-11"
SEED_FILES = sorted(DEFAULT_EPISODE_DIR.iterdir())
# Other people's transcripts and chapters in the formats earmark reads (CC0 examples).
FORMAT_EXAMPLES_DIR = REPO / "tests" / "fixtures" / "formats"
FORMAT_EXAMPLES = sorted(FORMAT_EXAMPLES_DIR.glob("podcastindex_example_*"))


def with_an_unreadable_episode(library: Path, root: Path) -> Path:
    """A copy of ``library`` at ``root`` and, after its first episode (``episode-0000``), one
    whose only file is no format earmark reads."""
    shutil.copytree(library, root)
    (root / "episode-0000-b").mkdir()
    (root / "episode-0000-b" / "shopping.txt").write_text("eggs\nmilk\n", encoding="utf-8")
    return root
