"""A quote's citation: who, which episode, when, and a link that opens at that moment where the
address can."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.marks.citation import at_moment, citation
from index.model import Episode


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=abc", "https://www.youtube.com/watch?v=abc&t=3900s"),
        ("https://youtu.be/abc?t=5", "https://youtu.be/abc?t=3900s"),
        ("https://example.org/ep.mp3", "https://example.org/ep.mp3#t=3900"),
        ("https://example.org/player#t=4", "https://example.org/player#t=3900"),
        ("https://example.org/watch?t=10&a=1", "https://example.org/watch?a=1&t=3900"),
        # A page that says nothing of moments is cited as it is.
        (
            "https://www.dwarkesh.com/p/ilya-sutskever-2",
            "https://www.dwarkesh.com/p/ilya-sutskever-2",
        ),
    ],
)
def test_a_link_opens_at_the_moment_where_the_address_can(url: str, expected: str) -> None:
    assert at_moment(url, 3900) == expected


def test_the_citation_links_to_the_turn(default_episode: Episode) -> None:
    video = replace(default_episode, url="https://www.youtube.com/watch?v=aR20FWCCjAs")
    turn = next(turn for turn in video.turns if turn.start == 579)
    assert citation(video, turn) == (
        f"{turn.speaker}, “{video.title}”, {video.show}, 00:09:39, "
        "https://www.youtube.com/watch?v=aR20FWCCjAs&t=579s"
    )
