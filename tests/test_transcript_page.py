"""Exact facts of the bundled transcript page, as the page shows them."""

from itertools import pairwise
from pathlib import Path

import pytest

from index.errors import FormatError
from index.formats import transcript_page
from index.model import Episode, Span

CHAPTERS = [
    (0, "Explaining model jaggedness"),
    (579, "Emotions and value functions"),
    (1129, "What are we scaling?"),
    (1513, "Why humans generalize better than models"),
    (2145, "Straight-shotting superintelligence"),
    (2807, "SSI’s model will learn from deployment"),
    (3307, "Alignment"),
    (4693, "“We are squarely an age of research company”"),
    (5363, "Self-play and multi-agent"),
    (5562, "Research taste"),
]


def test_metadata(default_episode: Episode) -> None:
    assert default_episode.title == (
        "Ilya Sutskever – We’re moving from the age of scaling to the age of research"
    )
    assert default_episode.show == "Dwarkesh Podcast"
    assert default_episode.published == "2025-11-25"
    assert default_episode.duration == 96 * 60 + 3
    assert default_episode.guests == ("Ilya Sutskever",)


def test_chapters(default_episode: Episode) -> None:
    chapters = default_episode.chapters
    assert [(c.start, c.title) for c in chapters] == CHAPTERS
    assert [c.index for c in chapters] == list(range(10))
    assert [c.end for c in chapters] == [start for start, _ in CHAPTERS[1:]] + [5763]


def test_turn_count_and_speakers(default_episode: Episode) -> None:
    turns = default_episode.turns
    assert len(turns) == 133
    assert {t.speaker for t in turns} == {"Ilya Sutskever", "Dwarkesh Patel"}
    assert [t.index for t in turns] == list(range(133))
    assert all(a.end == b.start for a, b in pairwise(turns))


def test_first_turn_is_the_transcript_not_the_caption_preview(default_episode: Episode) -> None:
    first = default_episode.turns[0]
    assert (first.speaker, first.start, first.end) == ("Ilya Sutskever", 0, 4)
    assert first.paragraphs == ("You know what’s crazy? That all of this is real.",)
    third = default_episode.turns[2]
    # The preview says "Like all this AI stuff and all this big area"; the transcript does not.
    assert third.paragraphs[0].startswith(
        "Don’t you think so? All this AI stuff and all this Bay Area"
    )


def test_last_turn_ends_at_the_episode_end(default_episode: Episode) -> None:
    last = default_episode.turns[-1]
    assert (last.speaker, last.start, last.end, last.chapter) == ("Dwarkesh Patel", 5739, 5763, 9)
    assert last.paragraphs == ("Yes, me too.",)


def test_turn_with_several_paragraphs(default_episode: Episode) -> None:
    turn = next(t for t in default_episode.turns if t.start == 98)  # Ilya 00:01:38
    assert turn.speaker == "Ilya Sutskever"
    assert turn.chapter == 0
    assert len(turn.paragraphs) == 7
    assert turn.paragraphs[1].startswith("An example would be, let’s say you use vibe coding")


def test_turn_in_the_middle_and_its_chapter(default_episode: Episode) -> None:
    turn = next(t for t in default_episode.turns if t.start == 1513)
    assert turn.speaker == "Dwarkesh Patel"
    assert turn.chapter == 3
    assert turn.paragraphs[0].startswith("So this is the crux: generalization.")
    before = default_episode.turns[turn.index - 1]
    assert before.chapter == 2
    assert before.paragraphs[-1].endswith("That seems like a very fundamental thing.")


def test_no_page_chrome_in_turns(default_episode: Episode) -> None:
    text = "\n".join(t.text for t in default_episode.turns)
    for chrome in ("Section titled", "_MD5", "](http", "SPEAKER", "Like (", "Restacks", "Share"):
        assert chrome not in text
    assert sum(len(t.paragraphs) for t in default_episode.turns) == 224


def test_comments(default_episode: Episode) -> None:
    comments = [n for n in default_episode.notes if n.kind == "comment"]
    assert len(comments) == 39
    first = comments[0]
    assert (first.author, first.date, first.likes, first.source) == (
        "Neural Foundry",
        "25 Nov",
        14,
        "Reader comments",
    )
    assert first.text.startswith("The part that seemed most interesting")
    assert first.text.count("\n\n") == 5  # six paragraphs
    assert [c.author for c in comments[-2:]] == ["Sharmake Farah", "Deepak Lenka"]
    assert comments[-1].text == "💥"
    assert {c.date for c in comments} >= {"5d", "7 Jan", "26 Nov"}


def test_comment_reply(default_episode: Episode) -> None:
    comments = {n.id: n for n in default_episode.notes if n.kind == "comment"}
    replies = [n for n in comments.values() if n.reply_to]
    assert len(replies) == 1
    (reply,) = replies
    parent = comments[reply.reply_to]
    assert (parent.author, parent.likes) == ("Nick Lashinsky", 2)
    assert reply.author == "William Hayden"
    assert reply.text.startswith("Yes, the danger of course being group think")


def test_comment_timestamp(default_episode: Episode) -> None:
    guo = next(n for n in default_episode.notes if n.author == "Shangmin Guo")
    assert guo.times == (Span(5426, 5426),)


def test_edited_comment_date(default_episode: Episode) -> None:
    edited = [n for n in default_episode.notes if n.edited]
    assert [(n.author, n.date) for n in edited] == [("William Hayden", "26 Nov")] * 2


def test_comment_with_a_bracketed_link_line(default_episode: Episode) -> None:
    naina = next(n for n in default_episode.notes if n.author == "Naina Chaturvedi")
    assert "\n\n[https://open.substack.com/pub/naina0405/p/llm-system-design-3" in naina.text
    assert naina.text.endswith(
        "very-important-llm-system-design-63c?r=14q3sp&utm_campaign=post&utm_medium=web&showWelcomeOnShare=false"
    )


def test_page_without_turns_or_comments_is_a_format_error(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Skip to content\n\nJust some words\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no speaker turns"):
        transcript_page.parse(page)


def test_minimal_page_without_chapter_list(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Ada Lovelace 00:00:00\n\nHello [bold]there[/bold].\n\n"
        "Charles Babbage 00:00:07\n\nHi.\n\nSecond paragraph.\n",
        encoding="utf-8",
    )
    document = transcript_page.parse(page)
    assert [(t.speaker, t.start, t.end) for t in document.turns] == [
        ("Ada Lovelace", 0, 7),
        ("Charles Babbage", 7, 7),
    ]
    assert document.turns[0].paragraphs == ("Hello [bold]there[/bold].",)
    assert document.turns[1].paragraphs == ("Hi.", "Second paragraph.")
    assert document.chapters == ()  # the library gives it one chapter, "Full transcript"
