"""Exact facts of the bundled Obsidian note."""

from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import obsidian_note
from index.model import Episode, Note, Span
from tests.seeds import DEFAULT_EPISODE_DIR

SOURCE = "Obsidian note"


def _points(episode: Episode) -> list[Note]:
    return [n for n in episode.notes if n.source == SOURCE]


def _by_title(episode: Episode, title: str) -> Note:
    return next(n for n in _points(episode) if n.title == title)


def test_front_matter_fills_episode_gaps(default_episode: Episode) -> None:
    assert default_episode.url == "https://www.dwarkesh.com/p/ilya-sutskever-2"


def test_front_matter() -> None:
    document = obsidian_note.parse(DEFAULT_EPISODE_DIR / "obsidian-note.md")
    assert document.show == "Dwarkesh Podcast"
    assert document.published == "2025-11-26"
    assert document.guests == ("Ilya Sutskever",)


def test_points_titles_and_sections(default_episode: Episode) -> None:
    points = _points(default_episode)
    assert [(p.section, p.title) for p in points] == [
        ("The Return to the Age of Research", "Shifting Focus from Scaling to Research"),
        ("The Return to the Age of Research", "Beyond Pre-training"),
        ("The Return to the Age of Research", "Ideas Over Pure Compute"),
        ("The Crux of Generalization", "AI Models Generalize Worse than Humans"),
        ("The Crux of Generalization", "Sample Efficiency and Robustness"),
        ("The Crux of Generalization", 'The "It Factor"'),
        ("The Role of Emotions and Value Functions", "Emotions as Value Functions"),
        ("Practical Tools and Approaches", "Leveraging AI for Research"),
        ("Practical Tools and Approaches", "Data Labeling for Specific Needs"),
        ("Practical Tools and Approaches", "AI for Risk Management"),
        ("Strategic Considerations for Founders", "Focus on Research First"),
        ("Strategic Considerations for Founders", "Unpacking Funding"),
        ("Strategic Considerations for Founders", "Potential for Strategic Shifts"),
    ]
    assert all(p.kind == "summary" for p in points)


def test_section_heading_times(default_episode: Episode) -> None:
    by_section = {p.section: p.section_times for p in _points(default_episode)}
    assert by_section == {
        "The Return to the Age of Research": (Span(1276, 1276),),
        "The Crux of Generalization": (Span(1500, 1500),),
        "The Role of Emotions and Value Functions": (Span(579, 579),),
        "Practical Tools and Approaches": (),
        "Strategic Considerations for Founders": (),
    }


def test_every_timestamp_and_range(default_episode: Episode) -> None:
    ideas = _by_title(default_episode, "Ideas Over Pure Compute")
    assert ideas.times == (Span(2366, 2379), Span(2353, 2358), Span(2502, 2521), Span(2257, 2267))
    assert _by_title(default_episode, "Beyond Pre-training").times == (
        Span(1262, 1262),
        Span(1267, 1273),
    )
    it_factor = _by_title(default_episode, 'The "It Factor"')
    assert it_factor.times == (Span(470, 470), Span(369, 473))  # the label's (7:50) and 6:09-7:53
    assert _by_title(default_episode, "AI Models Generalize Worse than Humans").times == (
        Span(1500, 1506),
        Span(286, 292),
    )
    assert _by_title(default_episode, "Data Labeling for Specific Needs").times == ()


def test_text_is_plain_words(default_episode: Episode) -> None:
    ideas = _by_title(default_episode, "Ideas Over Pure Compute")
    assert ideas.text.startswith(
        "While large compute is helpful for building the absolute best systems"
    )
    assert "**" not in ideas.text and "_absolute" not in ideas.text
    gemini = _by_title(default_episode, "Leveraging AI for Research")
    assert gemini.text.startswith("The podcast host describes using Gemini 3 to brainstorm")


def test_nested_bullets_stay_with_their_parent(default_episode: Episode) -> None:
    emotions = _by_title(default_episode, "Emotions as Value Functions")
    lines = emotions.text.split("\n")
    assert lines[1:4] == [
        "- low-IQ folks trust their instincts outright,",
        '- midwits overcomplicate things with "correct" but not necessarily true reasoning.',
        "- high-IQ ones can articulate and refine those same instincts.",
    ]
    assert lines[4].startswith("It's a fun analogy here")
    assert "![[" not in emotions.text and "IQ-bell-curve-meme" not in emotions.text


def test_unclosed_front_matter_is_a_format_error(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: x\n- a bullet\n", encoding="utf-8")
    with pytest.raises(FormatError, match="never closed"):
        obsidian_note.parse(note)


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: ok\nbad: [unclosed\n---\n- point\n", encoding="utf-8")
    with pytest.raises(FormatError) as error:
        obsidian_note.parse(note)
    assert error.value.line is not None and error.value.line >= 3
    assert str(error.value).startswith(f"{note}:")


def test_paragraph_outside_a_bullet_is_its_own_point(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "## Part (1:00)\n\n- **A:** first (1:05)\n\nA loose paragraph.\n", encoding="utf-8"
    )
    points = obsidian_note.parse(note).notes
    assert [(p.title, p.text, p.times, p.section_times) for p in points] == [
        ("A", "first (1:05)", (Span(65, 65),), (Span(60, 60),)),
        (None, "A loose paragraph.", (), (Span(60, 60),)),
    ]
