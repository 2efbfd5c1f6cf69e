"""Following podcasts (index/feeds) against a real HTTP server on 127.0.0.1 serving feeds in the
shape real hosts publish (tests/fixtures/feeds) and the podcast-namespace example files."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from index.errors import EarmarkError
from index.feeds.feed import FeedError
from index.feeds.fetch import Fetcher
from index.feeds.followed import read_followed
from index.feeds.following import follow, unfollow, update_feed
from index.library import Library
from index.library.user_library import LOCK_FILE
from tests.feed_server import FORMATS, FeedServer, Route

TRAILER = "podcasting-q-a-should-you-have-a-podcast-trailer"
ROOKIE = "podcasting-q-a-ten-rookie-mistakes"
CHAPTERS_ONLY = "podcasting-q-a-chapters-and-nothing-to-read"
TRAILER_FILES = {
    "transcript": ("html", "text/html"),
    "transcript.json": ("json", "application/json"),
    "transcript.srt": ("srt", "application/x-subrip"),
    "transcript.vtt": ("vtt", "text/vtt"),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    library = tmp_path / "library"
    library.mkdir()
    return library


def fetcher() -> Fetcher:
    return Fetcher(timeout=0.5)


def serve_buzzsprout(server: FeedServer) -> str:
    for name, (suffix, mime) in TRAILER_FILES.items():
        server.serve_file(
            f"/12031233/{name}", FORMATS / f"podcastindex_example_transcript.{suffix}", mime
        )
    chapters = FORMATS / "podcastindex_example_chapters.json"
    server.serve_file("/12031233/chapters.json", chapters, "application/json")
    server.serve_file("/12031100/chapters.json", chapters, "application/json+chapters")
    return server.serve_feed("/buzzsprout.rss", "buzzsprout.xml", etag='"v1"')


def follow_buzzsprout(root: Path, server: FeedServer, **options: object):
    url = serve_buzzsprout(server)
    with fetcher() as client:
        return url, follow(root, url, fetcher=client, **options)  # type: ignore[arg-type]


def settings(root: Path, episode_id: str) -> dict:
    return tomllib.loads((root / episode_id / "episode.toml").read_text(encoding="utf-8"))


def hidden_leftovers(root: Path) -> list[str]:
    """Half-written folders and files; the lock that keeps writers of episodes one at a time
    stays, by design."""
    return [p.name for p in root.iterdir() if p.name.startswith(".") and p.name != LOCK_FILE]


def test_each_item_comes_in_with_the_transcript_earmark_prefers(
    root: Path, feed_server: FeedServer
) -> None:
    url, report = follow_buzzsprout(root, feed_server)
    assert report.failed == [] and report.problems == []
    assert report.summary == "Podcasting Q&A: 3 new episodes, 2 without a transcript"
    # Offered HTML, JSON, SRT and VTT: only the VTT is downloaded.
    assert feed_server.asked("/12031233/transcript.vtt") == 1
    assert sum(feed_server.asked(f"/12031233/{name}") for name in TRAILER_FILES) == 1
    trailer = settings(root, TRAILER)
    assert trailer == {
        "title": "Should you have a podcast trailer?",
        "show": "Podcasting Q&A",
        "date": "2024-01-23",
        "guid": "Buzzsprout-12031233",
        "feed": url,
        "audio": feed_server.url("/media/trailer.mp3"),
        "guests": ["Gillian Guest"],
        "formats": {
            "transcript.vtt": "webvtt",
            "chapters.json": "podcast-chapters-json",
            "show-notes.txt": "show-notes",
        },
        "roles": {"transcript.vtt": "transcript", "chapters.json": "chapters"},
    }
    notes = (root / TRAILER / "show-notes.txt").read_text(encoding="utf-8")
    assert notes == (
        "Gillian asks whether her show needs a trailer. Read the guide "
        "(https://www.buzzsprout.example/blog/podcast-trailer) or write to "
        "qa@buzzsprout.example.\n\nThanks for listening!\n"
    )
    library = Library.open(root)
    assert library.problems == ()
    episode = library.episode(TRAILER)
    assert episode.guests == ("Gillian Guest",)
    assert [turn.speaker for turn in episode.turns][:2] == ["Sarah", "Gillian"]
    assert episode.chapters[1].title == "Hearing Aids"  # from chapters.json, not the notes
    assert "Thanks for listening!" in [note.text for note in episode.notes]
    # No transcript: show notes, whose chapter lines are the chapters.
    rookie = library.episode(ROOKIE)
    assert rookie.turns == ()
    assert [(c.start, c.title) for c in rookie.chapters] == [
        (0, "Welcome"),
        (135, "Mistake one: no plan"),
        (580, "Mistake two: bad audio"),
        (1265, "Wrap-up"),
    ]
    assert [note.text for note in rookie.notes] == ["The mistakes we see most in new shows."]
    # Chapters only.
    assert settings(root, CHAPTERS_ONLY)["formats"] == {"chapters.json": "podcast-chapters-json"}
    assert len(library.episode(CHAPTERS_ONLY).chapters) == 10
    without = {arrival.episode_id for arrival in report.arrived if arrival.transcript is None}
    assert without == {ROOKIE, CHAPTERS_ONLY}
    assert hidden_leftovers(root) == []


def test_srt_before_json_captions_count_and_a_live_item_is_no_episode(
    root: Path, feed_server: FeedServer
) -> None:
    srt = FORMATS / "podcastindex_example_transcript.srt"
    feed_server.serve_file("/s/59bf46b3/transcript.srt", srt, "application/srt")
    feed_server.serve_file("/s/59bf46b3/transcript.json", b"{}", "application/json")
    chapters = FORMATS / "podcastindex_example_chapters.json"
    feed_server.serve_file("/s/59bf46b3/chapters.json", chapters, "application/json+chapters")
    feed_server.serve_file("/s/0b1e7d4a/captions.srt", srt, "application/x-subrip")
    url = feed_server.serve_feed("/transistor", "transistor.xml")
    with fetcher() as client:
        report = follow(root, url, fetcher=client)
    assert report.failed == []
    assert sorted(arrival.transcript for arrival in report.arrived) == ["SRT captions"] * 2
    assert feed_server.asked("/s/59bf46b3/transcript.json") == 0
    assert feed_server.asked("/live/transcript.vtt") == 0
    ids = {arrival.title: arrival.episode_id for arrival in report.arrived}
    assert set(ids) == {"Lip-Bu Tan's Intel", "Captions only"}
    intel = settings(root, ids["Lip-Bu Tan's Intel"])
    assert intel["guests"] == ["Ada Guest"]  # the namespace under another prefix (pc:)
    assert intel["url"] == "https://share.transistor.example/s/59bf46b3"
    notes = (root / ids["Lip-Bu Tan's Intel"] / "show-notes.txt").read_text(encoding="utf-8")
    assert "- The news (https://example.org/news)\n- https://example.org/talk\n" in notes
    assert Library.open(root).episode(ids["Captions only"]).turns


def test_update_with_nothing_new_is_one_conditional_request(
    root: Path, feed_server: FeedServer
) -> None:
    url, _ = follow_buzzsprout(root, feed_server)
    asked = len(feed_server.requests)
    with fetcher() as client:
        report = update_feed(root, url, fetcher=client)
    assert report.not_modified and report.summary == "Podcasting Q&A: nothing new"
    (request,) = feed_server.requests[asked:]
    assert request.path == "/buzzsprout.rss"
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["User-Agent"].startswith("earmark/")


def test_update_brings_only_new_items_and_a_new_title_is_the_same_episode(
    root: Path, feed_server: FeedServer
) -> None:
    url, _ = follow_buzzsprout(root, feed_server)
    feed = feed_server.routes["/buzzsprout.rss"]
    new_item = (
        "<item><title>Brand new</title><guid>Buzzsprout-13000000</guid>"
        "<description>Fresh.</description><pubDate>Tue, 30 Jan 2024 10:00:00 -0500</pubDate>"
        "</item><item>"
    )
    body = feed.body.decode().replace("<item>", new_item, 1)
    body = body.replace("<title>Ten rookie mistakes</title>", "<title>Ten rookie errors</title>")
    feed_server.routes["/buzzsprout.rss"] = Route(body.encode(), etag='"v2"')
    with fetcher() as client:
        report = update_feed(root, url, fetcher=client)
        again = update_feed(root, url, fetcher=client)
    assert [arrival.episode_id for arrival in report.arrived] == ["podcasting-q-a-brand-new"]
    assert again.not_modified
    library = Library.open(root)
    assert len(library.infos) == 4
    assert library.info(ROOKIE) is not None


VTT = "/12031233/transcript.vtt"


@pytest.mark.parametrize(
    ("path", "route", "said"),
    [
        (VTT, Route(status=500), "HTTP 500 Internal Server Error"),
        (VTT, Route(status=404), "HTTP 404 Not Found"),
        (VTT, Route(b"WEBVTT\n\n" + b"x" * 4000, "text/vtt", drop_after=100), "connection dropped"),
        (VTT, Route(b"WEBVTT\n", "text/vtt", delay=2.0), "timed out"),
        (VTT, Route(b"x" * 3_000_000, "text/vtt"), "larger than 2 MB; not downloaded"),
        ("/12031233/chapters.json", Route(b"{not json", "application/json"), "line 1: "),
    ],
    ids=["500", "404", "dropped", "slow", "oversized", "unreadable"],
)
def test_a_failed_file_fails_its_episode_only_and_the_next_update_retries_it(
    root: Path, feed_server: FeedServer, path: str, route: Route, said: str
) -> None:
    url = serve_buzzsprout(feed_server)
    good = feed_server.routes[path]
    feed_server.routes[path] = route
    with Fetcher(timeout=0.5, max_bytes=2 * 2**20) as client:
        report = follow(root, url, fetcher=client)
    (failure,) = report.failed
    trailer = "Podcasting Q&A: Should you have a podcast trailer?"
    assert failure.startswith(f"{trailer}: {feed_server.url(path)}: ")
    assert said in failure and "\n" not in failure
    assert {arrival.episode_id for arrival in report.arrived} == {ROOKIE, CHAPTERS_ONLY}
    assert not (root / TRAILER).exists() and hidden_leftovers(root) == []
    assert read_followed(root)[0].failed == {"Buzzsprout-12031233"}
    feed_server.routes[path] = good
    asked = len(feed_server.requests)
    with fetcher() as client:
        retried = update_feed(root, url, fetcher=client)
    assert "If-None-Match" not in feed_server.requests[asked].headers  # it must see the item
    assert [arrival.episode_id for arrival in retried.arrived] == [TRAILER]
    assert read_followed(root)[0].failed == set()


def test_a_transcript_that_does_not_read_gives_way_to_the_next_offered(
    root: Path, feed_server: FeedServer
) -> None:
    url = serve_buzzsprout(feed_server)
    feed_server.routes["/12031233/transcript.vtt"] = Route(b"garbage", "text/vtt")
    with fetcher() as client:
        report = follow(root, url, fetcher=client)
    assert report.failed == []
    (problem,) = report.problems
    assert problem.startswith("Podcasting Q&A: Should you have a podcast trailer?: http://")
    assert problem.endswith("; read another")
    assert settings(root, TRAILER)["roles"]["transcript.srt"] == "transcript"


def test_redirects_are_followed_but_never_to_another_scheme(
    root: Path, feed_server: FeedServer
) -> None:
    url = serve_buzzsprout(feed_server)
    feed_server.routes["/moved"] = Route(status=301, location=url)
    feed_server.routes["/12031233/transcript.vtt"] = Route(
        status=302, location="file:///etc/passwd"
    )
    with fetcher() as client:
        report = follow(root, feed_server.url("/moved"), fetcher=client)
    (failure,) = report.failed
    assert "redirected to a URL that is not http(s); not followed" in failure
    assert len(report.arrived) == 2
    assert read_followed(root)[0].url == feed_server.url("/moved")


def test_a_feed_that_is_not_well_formed_is_read_leniently(
    root: Path, feed_server: FeedServer
) -> None:
    vtt = FORMATS / "podcastindex_example_transcript.vtt"
    feed_server.serve_file("/rough/1.vtt", vtt, "text/vtt")
    url = feed_server.serve_feed("/rough", "malformed.xml")
    with fetcher() as client:
        report = follow(root, url, fetcher=client)
    transcripts = {arrival.title: arrival.transcript for arrival in report.arrived}
    assert transcripts == {"Fish & Chips": "WebVTT captions", "Salt & Vinegar": None}


def test_what_is_not_a_feed_is_one_line_and_nothing_is_followed(
    root: Path, feed_server: FeedServer
) -> None:
    feed_server.routes["/page"] = Route(b"\x00\x01binary", "application/octet-stream")
    with fetcher() as client, pytest.raises(FeedError, match=r"/page: not a podcast feed \("):
        follow(root, feed_server.url("/page"), fetcher=client)
    with fetcher() as client, pytest.raises(EarmarkError, match=r"/gone: HTTP 404 Not Found$"):
        follow(root, feed_server.url("/gone"), fetcher=client)
    with fetcher() as client, pytest.raises(EarmarkError, match="not an http"):
        follow(root, "file:///etc/passwd", fetcher=client)
    assert list(root.iterdir()) == []


def test_2000_items_and_last_10_downloads_10_things(root: Path, feed_server: FeedServer) -> None:
    items = "".join(
        f"<item><title>Episode {n}</title><guid>big-{n}</guid>"
        f"<pubDate>{_date(n)}</pubDate><description>Notes {n}.</description>"
        f'<podcast:transcript url="{feed_server.url(f"/t/{n}.vtt")}" type="text/vtt"/></item>'
        for n in range(2000)
    )
    feed = (
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        f"<title>Big Show</title>{items}</channel></rss>"
    )
    feed_server.routes["/big"] = Route(feed.encode(), etag='"big"')
    vtt = (FORMATS / "podcastindex_example_transcript.vtt").read_bytes()
    for n in range(2000):
        feed_server.routes[f"/t/{n}.vtt"] = Route(vtt, "text/vtt")
    with fetcher() as client:
        report = follow(root, feed_server.url("/big"), last=10, fetcher=client)
        later = update_feed(root, feed_server.url("/big"), fetcher=client)
    assert len(feed_server.requests) == 1 + 10 + 1
    newest = {f"Episode {n}" for n in range(1990, 2000)}  # the newest by date, not by place
    assert {arrival.title for arrival in report.arrived} == newest
    assert later.not_modified
    assert len(read_followed(root)[0].skipped) == 1990


def _date(n: int) -> str:
    day = 1 + n % 28
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{day:02d} {month[n // 28 % 12]} {2000 + n // 336} 10:00:00 +0000"


def test_hostile_text_and_urls_in_every_field(
    tmp_path: Path, root: Path, feed_server: FeedServer
) -> None:
    vtt = FORMATS / "podcastindex_example_transcript.vtt"
    feed_server.serve_file("/hostile/transcript.vtt", vtt, "text/vtt")
    url = feed_server.serve_feed("/hostile", "hostile.xml")
    beside_the_library = sorted(path.name for path in tmp_path.iterdir())
    with fetcher() as client:
        report = follow(root, url, fetcher=client)
    assert report.failed == []
    # Nothing outside the library; every name in it a slug earmark chose.
    assert sorted(path.name for path in tmp_path.iterdir()) == beside_the_library
    names = sorted(path.name for path in root.iterdir() if path.name != LOCK_FILE)
    assert len(names) == 3 and "feeds.toml" in names
    assert all(re.fullmatch(r"[\w-]+", name) for name in names if name != "feeds.toml")
    for file in root.rglob("*"):
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), file
    # Only the one http(s) transcript was fetched; the other URLs were named, not followed.
    assert {request.path for request in feed_server.requests} == {
        "/hostile",
        "/hostile/transcript.vtt",
    }
    said = "\n".join(report.problems)
    for bad in ("transcript 'file:///etc/passwd'", "transcript 'javascript:alert(1)'",
                "chapters 'file:///etc/passwd'", "audio 'file:///etc/passwd'",
                "link 'javascript:alert(1)'"):  # fmt: skip
        assert f"{bad} is not an http(s) URL; not followed" in said
    first = next(arrival for arrival in report.arrived if arrival.transcript)
    written = settings(root, first.episode_id)
    assert written["title"] == (
        "../../../etc/passwd [link=file:///etc/passwd]click[/link] {task.fields}"
    )
    assert written["show"] == "[bold red]Evil[/bold red] Show"
    assert written["guests"] == ["Mallory [b]Guest[/b]"]
    assert "audio" not in written and "url" not in written
    notes = (root / first.episode_id / "show-notes.txt").read_text(encoding="utf-8")
    assert "javascript" not in notes and "file:" not in notes
    assert "click me passwords relative" in notes
    library = Library.open(root)
    assert library.problems == ()
    assert len(library.infos) == 2


def test_plain_text_transcript_is_said_and_the_episode_still_comes_in(
    root: Path, feed_server: FeedServer
) -> None:
    feed = (
        '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        "<title>Plain</title><item><title>Words only</title><guid>p-1</guid>"
        "<description>About words.</description>"
        f'<podcast:transcript url="{feed_server.url("/p.txt")}" type="text/plain"/>'
        "</item></channel></rss>"
    )
    feed_server.routes["/plain"] = Route(feed.encode())
    feed_server.routes["/p.txt"] = Route(b"Just some words said by somebody.", "text/plain")
    with fetcher() as client:
        report = follow(root, feed_server.url("/plain"), fetcher=client)
    (arrival,) = report.arrived
    assert arrival.transcript is None
    (problem,) = report.problems
    assert problem.startswith("Plain: Words only: plain-text transcript not read: http://")
    assert list((root / arrival.episode_id).iterdir()) != []
    assert not (root / arrival.episode_id / "transcript.txt").exists()


def test_unfollow_keeps_what_came_in(root: Path, feed_server: FeedServer) -> None:
    url, _ = follow_buzzsprout(root, feed_server)
    feed = unfollow(root, "podcasting-q-a")
    assert feed.url == url
    assert read_followed(root) == []
    assert len(Library.open(root).infos) == 3
    with pytest.raises(EarmarkError, match="not following 'podcasting-q-a'"):
        unfollow(root, "podcasting-q-a")


def test_a_damaged_feeds_file_is_an_error_and_left_alone(
    root: Path, feed_server: FeedServer
) -> None:
    (root / "feeds.toml").write_text("[[feed]\nurl = ", encoding="utf-8")
    with pytest.raises(EarmarkError, match=r"feeds\.toml: cannot read the feeds you follow"):
        follow_buzzsprout(root, feed_server)
    assert (root / "feeds.toml").read_text(encoding="utf-8") == "[[feed]\nurl = "


def test_only_the_new_episodes_are_indexed(root: Path, feed_server: FeedServer) -> None:
    from index.search import SearchIndex

    url, _ = follow_buzzsprout(root, feed_server, last=1)
    first = SearchIndex.open(Library.open(root))
    assert first.indexed == (TRAILER,)
    first.close()
    with fetcher() as client:
        follow(root, url, last=3, fetcher=client)
    later = SearchIndex.open(Library.open(root))
    assert sorted(later.indexed) == [CHAPTERS_ONLY, ROOKIE]
    later.close()
