"""`earmark follow`, `update`, `unfollow` and the feeds in `list`, as a person runs them."""

from __future__ import annotations

import pytest

from index.library.user_library import user_library
from tests.feed_server import FeedServer, Route
from tests.test_feeds import CHAPTERS_ONLY, ROOKIE, TRAILER, serve_buzzsprout
from tui.cli import main


def test_follow_list_update_unfollow(
    capsys: pytest.CaptureFixture[str], feed_server: FeedServer
) -> None:
    url = serve_buzzsprout(feed_server)
    assert main(["index"]) == 0  # the library's bundled episode, indexed before
    capsys.readouterr()
    assert main(["follow", url, "--last", "2"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        *sorted(
            [
                f"{TRAILER}: Should you have a podcast trailer? (WebVTT captions, 10 chapters)",
                f"{ROOKIE}: Ten rookie mistakes (no transcript, 4 chapters)",
            ],
            key=out.index,
        ),
        "Podcasting Q&A: 2 new episodes, 1 without a transcript",
        "2 episodes indexed now",
    ]
    assert err == ""
    assert main(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["feed", "episodes", "failed", "checked", "url"]
    name, episodes, failed, _checked, listed_url = listed[1].split()
    assert (name, episodes, failed, listed_url) == ("podcasting-q-a", "2", "0", url)
    rows = {line.split()[0]: line.split() for line in listed[3:]}
    assert rows["episode"] == ["episode", "chapters", "turns", "notes", "transcript", "title"]
    assert rows[TRAILER][4] == "yes" and rows[ROOKIE][4] == "no"
    # Nothing new: one short line, and the index is not touched.
    assert main(["update"]) == 0
    assert capsys.readouterr() == ("Podcasting Q&A: nothing new\n", "")
    # --all brings in the one --last left out.
    assert main(["follow", url, "--all"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{CHAPTERS_ONLY}: Chapters, and nothing to read (no transcript, ")
    assert main(["unfollow", "podcasting-q-a"]) == 0
    assert capsys.readouterr().out == (
        "Podcasting Q&A: no longer followed; the 3 episodes it brought in stay in your library\n"
    )
    assert main(["list"]) == 0
    assert capsys.readouterr().out.startswith("episode")
    assert (user_library() / TRAILER / "transcript.vtt").is_file()


def test_a_failure_is_one_line_on_stderr_and_exit_1(
    capsys: pytest.CaptureFixture[str], feed_server: FeedServer
) -> None:
    url = serve_buzzsprout(feed_server)
    feed_server.routes["/12031233/chapters.json"] = Route(status=500)
    assert main(["follow", url]) == 1
    out, err = capsys.readouterr()
    assert err == (
        "earmark: Podcasting Q&A: Should you have a podcast trailer?: "
        f"{feed_server.url('/12031233/chapters.json')}: HTTP 500 Internal Server Error\n"
    )
    assert "2 new episodes, 2 without a transcript, 1 failed, tried again by the next update" in out
    assert main(["follow", feed_server.url("/nothing-here")]) == 1
    assert capsys.readouterr().err == (
        f"earmark: {feed_server.url('/nothing-here')}: HTTP 404 Not Found\n"
    )


def test_usage_mistakes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["update"]) == 1
    assert capsys.readouterr().err == "earmark: you follow no feeds yet: earmark follow FEED_URL\n"
    assert main(["unfollow", "nope"]) == 1
    assert capsys.readouterr().err == "earmark: not following 'nope' (followed: none)\n"
    assert main(["follow", "file:///etc/passwd"]) == 1
    assert capsys.readouterr().err == (
        "earmark: file:///etc/passwd: not an http(s) URL of a feed\n"
    )
    with pytest.raises(SystemExit) as exit_:
        main(["follow", "https://example.org/feed", "--last", "2", "--all"])
    assert exit_.value.code == 2
