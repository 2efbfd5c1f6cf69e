"""Where the bundled library and the format examples live, for tests that read files directly."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EPISODE_DIR = REPO / "data" / "ilya-sutskever-2025-11"
SEED_FILES = sorted(DEFAULT_EPISODE_DIR.iterdir())
# Other people's transcripts and chapters in the formats earmark reads (CC0 examples).
FORMAT_EXAMPLES_DIR = REPO / "tests" / "fixtures" / "formats"
FORMAT_EXAMPLES = sorted(FORMAT_EXAMPLES_DIR.glob("podcastindex_example_*"))
