"""The player against the real mpv (``--ao=null``: no sound device needed) on a short WAV.

`make test` installs mpv when it is missing and it runs as root; elsewhere these tests skip,
except those about mpv being absent.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from index.player import mpv
from index.player.events import Duration, Ended, Paused, PlayerEvent, Position, Speed, Stopped
from tests.audio import write_wav

REPOSITORY = Path(__file__).resolve().parent.parent
LENGTH = 12  # seconds of audio

needs_mpv = pytest.mark.skipif(
    shutil.which("mpv") is None,
    reason="mpv is not installed (make test installs it as root)",
)


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wav(tmp_path_factory.mktemp("audio") / "episode.wav", LENGTH)


@pytest.fixture(autouse=True)
def no_sound_device(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(mpv.OPTIONS_VARIABLE, "--ao=null")


class Heard:
    """The events a player sent, in order."""

    def __init__(self) -> None:
        self.events: list[PlayerEvent] = []

    def __call__(self, event: PlayerEvent) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [event for event in self.events if isinstance(event, kind)]

    def positions(self) -> list[float]:
        return [event.seconds for event in self.of(Position)]


async def until(condition: Callable[[], object], timeout: float = 3.0) -> float:
    """Poll ``condition``; returns how long it took to hold."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (an orphan's parent may not reap)."""
    ps = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    state = ps.stdout.strip()
    return bool(state) and not state.startswith("Z")


@pytest.fixture
async def player(wav: Path) -> AsyncIterator[tuple[mpv.Player, Heard]]:
    heard = Heard()
    started = await mpv.start(str(wav), at=2.0, on_event=heard)
    yield started, heard
    await started.stop()


@needs_mpv
async def test_it_plays_from_the_second_asked_and_the_position_follows(
    player: tuple[mpv.Player, Heard],
) -> None:
    started, heard = player
    await until(lambda: heard.of(Position))
    assert 2.0 <= heard.positions()[0] < 2.5
    await until(lambda: max(heard.positions()) >= 3.2)
    positions = heard.positions()
    assert positions == sorted(positions)
    assert heard.of(Duration) == [Duration(float(LENGTH))]
    assert heard.of(Paused) == [Paused(False)]
    assert started.position == positions[-1]


@needs_mpv
async def test_positions_come_once_a_second_not_with_every_change(wav: Path) -> None:
    heard = Heard()
    started = await mpv.start(str(wav), at=1.0, speed=3.0, on_event=heard)
    try:
        await until(lambda: max(heard.positions(), default=0) >= 6.0)
        whole_seconds = [int(seconds) for seconds in heard.positions()]
        assert len(whole_seconds) == len(set(whole_seconds))  # mpv said each ~6 times a second
    finally:
        await started.stop()


@needs_mpv
async def test_pause_toggles(player: tuple[mpv.Player, Heard]) -> None:
    started, heard = player
    started.toggle_pause()
    await until(lambda: Paused(True) in heard.events)
    assert await started.get("pause") is True
    assert started.paused
    started.toggle_pause()
    await until(lambda: heard.of(Paused)[-1] == Paused(False))
    assert await started.get("pause") is False


@needs_mpv
async def test_seeks_land_within_a_second(player: tuple[mpv.Player, Heard]) -> None:
    started, heard = player
    started.seek(8.0)
    await until(lambda: any(abs(seconds - 8.0) < 1 for seconds in heard.positions()))
    assert abs(await started.get("time-pos") - 8.0) < 1
    started.seek(-3.0, relative=True)
    await until(lambda: any(abs(seconds - 5.0) < 1 for seconds in heard.positions()[-2:]))
    assert abs(await started.get("time-pos") - 5.0) < 1


@needs_mpv
async def test_speed_reaches_mpv_within_half_to_three(player: tuple[mpv.Player, Heard]) -> None:
    started, heard = player
    for asked, expected in ((1.25, 1.25), (9.0, 3.0), (0.1, 0.5)):
        assert started.set_speed(asked) == expected
        await until(lambda expected=expected: heard.of(Speed)[-1] == Speed(expected))
        assert await started.get("speed") == expected


@needs_mpv
async def test_the_end_is_held_and_still_seekable(wav: Path) -> None:
    heard = Heard()
    started = await mpv.start(str(wav), at=LENGTH - 0.5, on_event=heard)
    try:
        await until(lambda: heard.of(Ended))
        assert started.running
        started.seek(3.0)
        await until(lambda: any(abs(seconds - 3.0) < 1 for seconds in heard.positions()))
    finally:
        await started.stop()


@needs_mpv
async def test_mpv_killed_mid_play_is_noticed_within_a_second(
    player: tuple[mpv.Player, Heard],
) -> None:
    started, heard = player
    await until(lambda: heard.of(Position))
    os.kill(started.pid, signal.SIGKILL)
    took = await until(lambda: heard.of(Stopped), timeout=1.0)
    assert heard.of(Stopped) == [Stopped("mpv stopped unexpectedly (killed by SIGKILL)")]
    assert took < 1.0
    assert not started.running
    started.toggle_pause()  # a key pressed before the app heard: nothing happens
    with pytest.raises(mpv.PlayerError):
        await started.get("pause")


@needs_mpv
async def test_audio_that_fails_once_loaded_is_one_line_and_ends_mpv(
    wav: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As with no sound device: mpv loads the file, then cannot open the audio output."""
    unwritable = tmp_path / "no-such-folder" / "out.wav"
    monkeypatch.setenv(mpv.OPTIONS_VARIABLE, f"--ao=pcm --ao-pcm-file={unwritable}")
    heard = Heard()
    started = await mpv.start(str(wav), on_event=heard)
    await until(lambda: heard.of(Stopped))
    assert heard.of(Stopped) == [Stopped(f"{wav}: cannot play: audio output initialization failed")]
    await until(lambda: not running(started.pid))
    await started.stop()


@needs_mpv
async def test_stop_leaves_no_process(wav: Path) -> None:
    heard = Heard()
    started = await mpv.start(str(wav), on_event=heard)
    assert running(started.pid)
    await started.stop()
    assert not running(started.pid)
    assert not started.running
    await started.stop()  # twice is fine
    assert heard.of(Stopped) == []  # asked for: nothing to tell


@needs_mpv
async def test_a_stop_cut_short_still_reaps_mpv(wav: Path) -> None:
    """Quitting cancels what is under way, a stop too (Textual cancels a worker, then cancels
    it again as it quits): mpv is still reaped, never left a zombie or running."""
    started = await mpv.start(str(wav), on_event=lambda event: None)
    stopping = asyncio.create_task(started.stop())
    await asyncio.sleep(0)  # under way: the connection is closed, the reap awaited
    stopping.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stopping
    process = started._process
    await until(lambda: process.returncode is not None)  # set when the player reaps it
    assert not running(started.pid)


OWNER = """
import asyncio, sys
from index.player import mpv

async def main():
    player = await mpv.start(sys.argv[1], on_event=lambda event: None)
    print(player.pid, flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""


@needs_mpv
def test_mpv_dies_with_earmark_even_on_kill_9(wav: Path) -> None:
    """Nothing of earmark runs after SIGKILL: mpv quits because its connection closed."""
    with subprocess.Popen(
        [sys.executable, "-c", OWNER, str(wav)],
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as owner:
        assert owner.stdout is not None and owner.stderr is not None
        mpv_pid = int(owner.stdout.readline())
        assert running(mpv_pid)
        owner.kill()
        owner.wait()
        deadline = time.monotonic() + 2.0
        while running(mpv_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not running(mpv_pid)
        # mpv said nothing on the terminal: its output and its sound libraries' go nowhere
        assert (owner.stdout.read(), owner.stderr.read()) == ("", "")


@needs_mpv
async def test_nothing_of_mpv_or_its_sound_libraries_reaches_the_terminal(wav: Path) -> None:
    """With no sound card, ALSA prints its errors on the process's stderr (not through mpv's
    log, which --no-terminal silences): the player must not let them through."""
    script = (
        "import asyncio, sys\nfrom index.player import mpv\n"
        "async def main():\n"
        "    player = await mpv.start(sys.argv[1], on_event=lambda event: None)\n"
        "    await asyncio.sleep(0.5)\n"
        "    await player.stop()\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(wav)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={**os.environ, mpv.OPTIONS_VARIABLE: "--ao=alsa,pulse,null --msg-level=all=v"},
        timeout=20,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


async def test_without_mpv_the_reader_is_told_how_to_install_it(
    wav: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without mpv
    with pytest.raises(mpv.PlayerError) as raised:
        await mpv.start(str(wav), on_event=lambda event: None)
    assert str(raised.value) == (
        "mpv is not installed: install it to listen (apt install mpv, brew install mpv)"
    )


async def test_a_missing_audio_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "gone.mp3"
    with pytest.raises(mpv.PlayerError) as raised:
        await mpv.start(str(missing), on_event=lambda event: None)
    assert str(raised.value) == f"{missing}: audio file not found"


@pytest.fixture
def served(wav: Path) -> Iterator[str]:
    """The WAV served over http on this machine, as a podcast's host would (with byte ranges, so
    mpv can start mid-way); anything else is 404. The address of its folder."""
    audio = wav.read_bytes()

    class Host(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != f"/{wav.name}":
                self.send_error(404)
                return
            asked = re.match(r"bytes=(\d+)-", self.headers.get("Range", ""))
            start = int(asked.group(1)) if asked else 0
            self.send_response(206 if asked else 200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(len(audio) - start))
            if asked:
                self.send_header("Content-Range", f"bytes {start}-{len(audio) - 1}/{len(audio)}")
            self.end_headers()
            with contextlib.suppress(ConnectionError):  # mpv hangs up once it has enough
                self.wfile.write(audio[start:])

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@needs_mpv
async def test_it_plays_an_http_url(served: str, wav: Path) -> None:
    heard = Heard()
    started = await mpv.start(served + wav.name, at=3.0, on_event=heard)
    try:
        await until(lambda: heard.of(Position))
        assert 3.0 <= heard.positions()[0] < 3.5
    finally:
        await started.stop()


@needs_mpv
async def test_a_failing_url_is_named(served: str) -> None:
    missing = served + "gone.mp3"  # the server answers 404
    with pytest.raises(mpv.PlayerError) as raised:
        await mpv.start(missing, on_event=lambda event: None)
    assert str(raised.value) == f"{missing}: cannot play: loading failed"


@needs_mpv
async def test_a_file_mpv_cannot_read_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp3"
    broken.write_text("not audio at all\n", encoding="utf-8")
    with pytest.raises(mpv.PlayerError) as raised:
        await mpv.start(str(broken), on_event=lambda event: None)
    assert str(raised.value) == f"{broken}: cannot play: unrecognized file format"


@needs_mpv
async def test_an_mpv_that_quits_at_start_is_one_line(
    wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(mpv.OPTIONS_VARIABLE, "--ao=null --no-such-option")
    with pytest.raises(mpv.PlayerError) as raised:
        await mpv.start(str(wav), on_event=lambda event: None)
    assert str(raised.value) == (
        "mpv quit as it started (exit code 1): earmark needs mpv 0.33 or newer, "
        f"and only options it knows in {mpv.OPTIONS_VARIABLE}"
    )


def test_nothing_of_the_player_loads_before_the_first_play() -> None:
    """The reader's first paint does not wait for the client, asyncio's subprocess or JSON."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, tui.cli, tui.app; print(*sorted(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPOSITORY,
    ).stdout.split()  # fmt: skip
    assert [name for name in loaded if name.startswith("index.player.")] == ["index.player.audio"]
