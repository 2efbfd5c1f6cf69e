"""Exact facts of the bundled thread of takeaways."""

from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import takeaway_thread
from index.model import Episode
from tests.seeds import DEFAULT_EPISODE_DIR


def _points(episode: Episode) -> list:
    return [n for n in episode.notes if n.source == "Takeaways thread"]


def test_points_titles_and_sections(default_episode: Episode) -> None:
    points = _points(default_episode)
    assert [(p.section, p.title) for p in points] == [
        ("Intro", None),
        (None, "The scaling era is over"),
        (None, "Benchmarks ≠ Economic Value"),
        (None, "Pre-training commoditizes, post-training differentiates"),
        (None, "Vertical > Horizontal"),
        (None, "The Generalization Gap"),
        ("Postscript", None),
        ("Postscript", None),
    ]
    assert {p.author for p in points} == {"@tldrdaniel"}


def test_bodies_keep_why_it_matters(default_episode: Episode) -> None:
    points = _points(default_episode)
    assert points[0].text.startswith("Ilya Sutskever just gave his first interview in two years.")
    scaling = points[1]
    assert scaling.text.startswith("From 2020 to 2025, the formula was simple")
    assert scaling.text.split("\n\n")[1].startswith(
        "Why it matters: while Google, OpenAI, and Anthropic"
    )
    assert points[5].text.count("\n\n") == 2
    assert points[6].text.startswith("P.S. I deliberately left out AGI")
    assert points[7].text.startswith("P.P.S. Two interviews dropped a week apart.")


def test_sign_off_and_navigation_are_not_points(default_episode: Episode) -> None:
    text = " ".join(p.text for p in _points(default_episode))
    for chrome in ("All posts", "Stay tuned", "🥷", "Links:", "More takes", "Ptakha >> Sutskever"):
        assert chrome not in text


def test_title() -> None:
    document = takeaway_thread.parse(DEFAULT_EPISODE_DIR / "takeaways-thread.txt")
    assert document.title == "Ptakha >> Sutskever"


def test_no_numbered_points_is_a_format_error(tmp_path: Path) -> None:
    thread = tmp_path / "thread.txt"
    thread.write_text("Just a post.\n\nNo numbers here.\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no numbered points"):
        takeaway_thread.parse(thread)
