"""Exact facts of the bundled video-summary page."""

from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import video_summary
from index.model import Episode
from tests.seeds import DEFAULT_EPISODE_DIR

SECTIONS = [
    ("Ilya Sutskever's Core Insights", 3),
    ("The End of Blind Scaling", 3),
    ("Generalization Challenge in AI", 3),
    ("SSI's Research Focus", 3),
    ("Implications for Enterprise AI", 4),
]


def _points(episode: Episode) -> list:
    return [n for n in episode.notes if n.source == "Video summary"]


def test_sections_including_the_glued_heading(default_episode: Episode) -> None:
    points = _points(default_episode)
    sections = [s for s, _ in SECTIONS]
    assert [p.section for p in points] == [s for s, count in SECTIONS for _ in range(count)]
    assert (
        sections[0] == points[0].section
    )  # glued: "…in this video→Ilya Sutskever's Core Insights"


def test_points_drop_their_emoji_consistently(default_episode: Episode) -> None:
    points = _points(default_episode)
    assert points[0].text.startswith(
        "OpenAI co-founder Ilya Sutskever declared that AI scaling is over"
    )
    assert points[-1].text.startswith('The current "AI bubble" is compared to the dot-com bubble')
    assert all(p.text[0].isalnum() or p.text[0] == '"' for p in points)
    assert "⚠️" not in "".join(p.text for p in points)


def test_widgets_are_not_points(default_episode: Episode) -> None:
    text = " ".join(f"{p.section} {p.text}" for p in _points(default_episode))
    for widget in (
        "Topics15 themes",
        "Knowledge graph",
        "Smart Objects",
        "Hover",
        "AI ScalingArtificial",
    ):
        assert widget not in text


def test_title() -> None:
    document = video_summary.parse(DEFAULT_EPISODE_DIR / "video-summary.txt")
    assert document.title == "Ilya Sutskever: Why AI Scaling is Over and What's Next for AI"


def test_no_bullets_is_a_format_error(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Title\nSome widget text\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no summary bullets"):
        video_summary.parse(page)
