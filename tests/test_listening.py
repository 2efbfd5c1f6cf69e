"""Listening while reading, through Pilot, with the real mpv (``--ao=null``) on a short WAV.

The transcript's turns start a second apart (turn N at N seconds), so the turn the voice is at
is known from mpv's ``time-pos``. `make test` installs mpv as root; elsewhere the tests that
play skip, and those about mpv being absent still run.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from index.library import Library
from index.player import NO_AUDIO
from index.player.mpv import MPV_MISSING, OPTIONS_VARIABLE
from tests.audio import SECONDS, TURNS, write_episode
from tests.screen import notified, screen_text, status_text
from tests.test_player import REPOSITORY, needs_mpv, running
from tests.waiting import wait_for
from tui.app import EarmarkApp
from tui.listening import NO_TIMES, NOT_FOLLOWING, OTHER_EPISODE
from tui.screens.help import HelpScreen
from tui.widgets.transcript import Transcript

FASTER = ("plus",) * 4  # ×2, before playing: the tests that wait for the voice wait half as long


@pytest.fixture
def talk(tmp_path: Path) -> Library:
    return Library.open(write_episode(tmp_path / "library" / "talk").parent)


@pytest.fixture(autouse=True)
def no_sound_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OPTIONS_VARIABLE, "--ao=null")


async def _time_pos(app: EarmarkApp) -> float:
    assert app.listening.player is not None
    return await app.listening.player.get("time-pos")


async def _playing(pilot: Pilot, app: EarmarkApp) -> None:
    """Wait until mpv plays and its first position has been heard."""
    await wait_for(pilot, lambda: "▶ 00:00:" in status_text(app))


@needs_mpv
async def test_p_plays_from_the_turn_under_the_cursor_and_pauses(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j")
        await wait_for(pilot, lambda: transcript.cursor == 2)
        assert "▶" not in status_text(app)
        await pilot.press("p")
        await _playing(pilot, app)
        assert 1.99 <= await _time_pos(app) < 3.5  # mpv may say 1.999984 for a seek to 2
        assert f" / 0:{SECONDS} ×1" in status_text(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: "⏸ 00:00:0" in status_text(app))
        assert await app.listening.player.get("pause") is True
        await pilot.press("p")
        await wait_for(pilot, lambda: "▶ 00:00:0" in status_text(app))
        assert await app.listening.player.get("pause") is False


@needs_mpv
async def test_the_marked_turn_and_the_cursor_follow_the_voice(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press(*FASTER, "p")
        await wait_for(pilot, lambda: transcript.playing == 0)
        for turn in (1, 2):  # across two turns: each marked and under the cursor as it is said
            await wait_for(pilot, lambda turn=turn: transcript.playing == turn)
            assert transcript.cursor == turn
            assert turn - 0.5 <= await _time_pos(app) < turn + 1.5  # at ×2: 1.5 s is 0.75 s
        assert "▶ 00:00:02  Ana" in screen_text(app)  # the mark, in the gutter
        assert NOT_FOLLOWING not in status_text(app)


@needs_mpv
async def test_scrolling_away_stops_following_and_f_follows_again(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 20)) as pilot:
        transcript = app.query_one(Transcript)
        # At ×1: the voice must still have a turn to go after `f`, on a loaded machine too (at
        # ×2 the 12 turns last 6 s, and a slow run reached the last one before `f` was read).
        await pilot.press("p")
        await wait_for(pilot, lambda: transcript.playing == 0)
        await pilot.press("ctrl+f")  # a page down: the spoken turn leaves the view
        await wait_for(pilot, lambda: NOT_FOLLOWING in status_text(app))
        away = transcript.cursor
        assert away > 1
        await wait_for(pilot, lambda: transcript.playing == 2)
        assert transcript.cursor == away  # the voice moved on; the cursor stayed where it was put
        await pilot.press("f")
        await wait_for(pilot, lambda: transcript.cursor == transcript.playing)
        assert NOT_FOLLOWING not in status_text(app)
        spoken = transcript.playing
        await wait_for(pilot, lambda: transcript.playing == spoken + 1)
        await wait_for(pilot, lambda: transcript.cursor == spoken + 1)


@needs_mpv
async def test_a_jump_stops_following(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press(*FASTER, "p")
        await wait_for(pilot, lambda: transcript.playing == 0)
        await pilot.press("G")
        await wait_for(pilot, lambda: NOT_FOLLOWING in status_text(app))
        await wait_for(pilot, lambda: transcript.playing == 1)
        assert transcript.cursor == TURNS - 1


@needs_mpv
async def test_enter_on_a_turn_plays_from_there(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j", "j", "j", "j", "enter")  # nothing plays: it starts there
        await _playing(pilot, app)
        assert abs(await _time_pos(app) - 5) < 1
        await pilot.press("k", "k", "k")
        await wait_for(pilot, lambda: NOT_FOLLOWING in status_text(app))
        await pilot.press("p")  # paused, then Enter: it plays from the turn, and follows
        await wait_for(pilot, lambda: "⏸" in status_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "▶" in status_text(app) and abs(transcript.playing - 2) <= 1)
        assert abs(await _time_pos(app) - 2) < 1
        assert NOT_FOLLOWING not in status_text(app)


@needs_mpv
async def test_enter_on_a_bookmark_then_enter_plays_from_it(talk: Library) -> None:
    """A bookmark (as a search hit, or a chapter in the tree) takes the cursor to its turn in the
    transcript, which has the focus: Enter again plays from there."""
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press(*"jjjjjjj", "b", "g")
        await wait_for(pilot, lambda: transcript.cursor == 0 and app.reading.bookmarks)
        await pilot.press("B")
        await wait_for(pilot, lambda: "Turn 7" in screen_text(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: transcript.cursor == 7 and app.focused is transcript)
        await pilot.press("enter")
        await _playing(pilot, app)
        assert abs(await _time_pos(app) - 7) < 1


@needs_mpv
async def test_seek_and_speed_keys_reach_mpv(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await _playing(pilot, app)
        await pilot.press("full_stop")
        await wait_for(pilot, lambda: "▶ 00:00:1" in status_text(app))
        assert 10 <= await _time_pos(app) < 12
        await pilot.press("comma")
        await wait_for(pilot, lambda: "▶ 00:00:0" in status_text(app))
        assert await _time_pos(app) < 2.5
        await pilot.press("plus")
        await wait_for(pilot, lambda: "×1.25" in status_text(app))
        assert await app.listening.player.get("speed") == 1.25
        await pilot.press("minus", "minus", "minus")
        await wait_for(pilot, lambda: "×0.5" in status_text(app))
        assert await app.listening.player.get("speed") == 0.5
        await pilot.press("minus")  # 0.5× is the slowest
        await pilot.press("greater_than_sign")  # a minute on: the end, held
        await wait_for(pilot, lambda: f"⏸ 00:00:{SECONDS}" in status_text(app))
        assert await app.listening.player.get("speed") == 0.5
        await pilot.press("less_than_sign")
        await wait_for(pilot, lambda: "00:00:00" in status_text(app).split("·")[1])


@needs_mpv
async def test_mpv_killed_mid_play_is_noticed_and_p_starts_it_again(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await _playing(pilot, app)
        killed = app.listening.player.pid
        os.kill(killed, signal.SIGKILL)
        said = "mpv stopped unexpectedly (killed by SIGKILL)"
        await wait_for(pilot, lambda: said in notified(app), timeout=1.0)
        assert "▶" not in status_text(app)
        assert app.query_one(Transcript).playing is None
        await pilot.press("p")
        await _playing(pilot, app)
        assert app.listening.player.pid != killed


@needs_mpv
async def test_quitting_leaves_no_mpv(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await _playing(pilot, app)
        pid = app.listening.player.pid
        assert running(pid)
        await pilot.press("q")
    assert not running(pid)


@pytest.fixture
def stalling_host() -> Iterator[str]:
    """An http address that answers nothing until the test ends: mpv waits for it, loading."""
    released = threading.Event()

    class Host(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            released.wait(10)
            self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/talk.mp3"
    released.set()
    server.shutdown()
    server.server_close()


@needs_mpv
async def test_quitting_while_mpv_starts_leaves_no_mpv(tmp_path: Path, stalling_host: str) -> None:
    folder = write_episode(tmp_path / "library" / "talk", audio=False)
    (folder / "episode.toml").write_text(f'audio = "{stalling_host}"\n', encoding="utf-8")
    app = EarmarkApp(Library.open(folder.parent))
    assert _mpv_children() == set()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await wait_for(pilot, lambda: _mpv_children())
        assert "▶ …" in status_text(app) and app.listening.player is None  # mpv is loading
        await pilot.press("q")
    assert _mpv_children() == set()


def _mpv_children() -> set[int]:
    """This process's mpv children, living."""
    ps = subprocess.run(
        ["ps", "-o", "pid=,stat=,comm=", "--ppid", str(os.getpid())],
        capture_output=True, text=True,
    )  # fmt: skip
    children = (line.split() for line in ps.stdout.splitlines())
    return {int(pid) for pid, stat, name in children if name == "mpv" and stat[0] != "Z"}


@needs_mpv
async def test_reopening_and_p_resumes_where_the_voice_was(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j", "enter")
        await wait_for(pilot, lambda: transcript.cursor == 3)  # followed there
        await pilot.press("q")
    again = EarmarkApp(Library.open(talk.root))
    async with again.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: again.query_one(Transcript).cursor == 3)
        await pilot.press("p")
        await _playing(pilot, again)
        assert 3 <= await _time_pos(again) < 4


@needs_mpv
async def test_opening_another_episode_stops_the_audio(tmp_path: Path) -> None:
    write_episode(tmp_path / "library" / "one")
    write_episode(tmp_path / "library" / "two")
    app = EarmarkApp(Library.open(tmp_path / "library"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("p")
        await _playing(pilot, app)
        pid = app.listening.player.pid
        first = app.episode.id
        other = next(info.id for info in app.library.infos if info.id != first)
        app.go_to_chapter(other, None)
        await wait_for(pilot, lambda: OTHER_EPISODE in notified(app))
        await wait_for(pilot, lambda: not running(pid))
        assert "▶" not in status_text(app)


async def test_without_mpv_one_line_says_how_to_install_it(
    talk: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without mpv
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await wait_for(pilot, lambda: MPV_MISSING in notified(app))
        assert notified(app) == [MPV_MISSING]
        assert "apt install mpv" in MPV_MISSING and "brew install mpv" in MPV_MISSING
        assert "▶" not in status_text(app)
        await pilot.press("j")  # the reader goes on
        await wait_for(pilot, lambda: app.query_one(Transcript).cursor == 1)


async def test_a_missing_audio_file_is_named(tmp_path: Path) -> None:
    folder = write_episode(tmp_path / "library" / "talk", audio=False)
    (folder / "episode.toml").write_text('audio = "gone.mp3"\n', encoding="utf-8")
    app = EarmarkApp(Library.open(folder.parent))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        said = f"{folder / 'gone.mp3'}: audio file not found"
        await wait_for(pilot, lambda: said in notified(app))
        assert "▶" not in status_text(app)


async def test_an_episode_without_audio_says_so(tmp_path: Path) -> None:
    folder = write_episode(tmp_path / "library" / "talk", audio=False)
    app = EarmarkApp(Library.open(folder.parent))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p")
        await wait_for(pilot, lambda: NO_AUDIO in notified(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: notified(app) == [NO_AUDIO, NO_AUDIO])
        assert "▶" not in status_text(app)


@needs_mpv
async def test_a_transcript_without_times_plays_from_the_start_unfollowed(tmp_path: Path) -> None:
    folder = write_episode(tmp_path / "library" / "talk", timed=False)
    app = EarmarkApp(Library.open(folder.parent))
    async with app.run_test(size=(100, 30)) as pilot:
        transcript = app.query_one(Transcript)
        await pilot.press("j", "j", "p")
        await wait_for(pilot, lambda: NO_TIMES in notified(app))
        await _playing(pilot, app)
        assert await _time_pos(app) < 1.5
        await wait_for(pilot, lambda: "▶ 00:00:01" in status_text(app))
        assert (transcript.cursor, transcript.playing) == (2, None)
        assert NOT_FOLLOWING not in status_text(app)


async def test_keys_without_anything_playing_say_so(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("full_stop", "f")
        await wait_for(pilot, lambda: len(notified(app)) == 2)
        assert set(notified(app)) == {"Nothing is playing: p plays from the turn you are on."}
        await pilot.press("plus")
        await wait_for(pilot, lambda: "The audio will play at ×1.25." in notified(app))


async def test_help_lists_the_listening_keys(talk: Library) -> None:
    app = EarmarkApp(talk)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await wait_for(pilot, lambda: "Play or pause" in screen_text(app))
        # The dialog's rows, without the transcript beside it (it has the whole width here).
        rows = [row.split("│")[1] for row in screen_text(app).splitlines() if row.count("│") > 1]
        for keys, does in [
            ("p", "Play or pause"),
            ("f", "Follow the voice"),
            (",", "Back 10 s"),
            (".", "Forward 10 s"),
            ("<", "Back 1 min"),
            (">", "Forward 1 min"),
            ("-", "Slower"),
            ("+ / =", "Faster"),
            ("enter", "Play from this turn"),
        ]:
            assert any(row.split() == [*keys.split(), *does.split()] for row in rows), (keys, does)


def test_nothing_of_the_player_loads_until_the_first_p(talk: Library) -> None:
    """The reader paints its first screen, then loads mpv's client at the first ``p``."""
    script = (
        "import asyncio, sys\n"
        "from index.library import Library\n"
        "from tui.app import EarmarkApp\n"
        "async def main():\n"
        "    app = EarmarkApp(Library.open(sys.argv[1]))\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        while '00:00:00' not in str(app.query_one('#status').render()):\n"
        "            await pilot.pause(0.02)\n"
        "        print(*sorted(m for m in sys.modules if m.startswith('index.player.')))\n"
        "        await pilot.press('p')\n"
        "        print(*sorted(m for m in sys.modules if m.startswith('index.player.')))\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "PATH": "/nonexistent"}  # the first p fails at once: no mpv is asked
    painted, pressed = subprocess.run(
        [sys.executable, "-c", script, str(talk.root)],
        cwd=REPOSITORY, capture_output=True, text=True, check=True, env=env, timeout=60,
    ).stdout.splitlines()  # fmt: skip
    assert painted.split() == ["index.player.audio"]
    assert "index.player.mpv" in pressed.split()
