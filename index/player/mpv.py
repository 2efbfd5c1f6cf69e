"""mpv, driven over its JSON IPC from the app's asyncio loop: the player the reader listens with.

mpv runs as a child process with ``--no-video --idle`` and no terminal of its own (its output,
and that of the sound libraries it loads, goes to /dev/null: the reader owns the terminal). It
talks over one end of a socket pair passed as ``--input-ipc-client=fd://N``; the other end is
held by earmark alone. That one connection is the IPC (no socket file for anyone else to
connect to, nothing left behind) and mpv's lifeline: mpv quits when it closes, which the kernel
does when earmark exits, however it exits (``kill -9`` too). mpv's death closes mpv's end, which
the reader task sees at once as end of file. mpv pushes changes of ``time-pos``, ``pause``,
``speed``, ``duration`` and ``eof-reached`` (``observe_property``): nothing is polled.

How the app uses it (Textual runs on asyncio; nothing here is imported before the first ``p``;
`tui.listening` does this, through the names ``index.player`` offers)::

    from index.player import NO_AUDIO, PlayerError, PlayerEvent, Position, Stopped, start

    def action_play(self) -> None:
        if self.player is not None and self.player.running:
            self.player.toggle_pause()
        elif self.reading.episode.audio is None:
            self.notify(NO_AUDIO)
        else:  # an async worker is a task on the app's loop: the app goes on while mpv starts
            self.run_worker(self.start_player(), group="player", exclusive=True)

    async def start_player(self) -> None:
        try:
            self.player = await start(
                self.reading.episode.audio, at=turn.start or 0, speed=self.speed,
                on_event=self.on_player_event)
        except PlayerError as error:                    # one line, naming mpv or the audio
            self.notify(str(error), severity="error")

    def on_player_event(self, event: PlayerEvent) -> None:
        match event:
            case Position(seconds):                       # about once a second, and after seeks
                ...  # Timeline.turn_at(seconds): mark that turn, follow it, save the position
            case Stopped(message):                        # mpv died or the audio failed
                self.player = None
                self.notify(message, severity="error")

    async def on_unmount(self) -> None:                   # quitting: mpv ends with earmark
        if self.player is not None:
            await self.player.stop()

``on_event`` is called on the loop that called `start`, from the player's reader task, between
the app's own handlers: it may touch widgets, and must not block. The commands (`toggle_pause`,
`seek`, `set_speed`) only send a line and return; what they change comes back as events. Call
them from the loop too (never from a thread worker). Without `stop`, mpv still quits when
earmark's process ends; `stop` makes it immediate and reaps the process.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

from index.errors import EarmarkError
from index.player.audio import is_url
from index.player.events import Duration, Ended, Paused, PlayerEvent, Position, Speed, Stopped
from index.text import clean_line

MIN_SPEED = 0.5
MAX_SPEED = 3.0
# Extra mpv options, split like a shell would (tests use --ao=null: no sound device there).
OPTIONS_VARIABLE = "EARMARK_MPV_OPTIONS"
MPV_MISSING = "mpv is not installed: install it to listen (apt install mpv, brew install mpv)"
_OBSERVED = ("time-pos", "pause", "speed", "duration", "eof-reached")
_QUIT_WAIT = 1.0  # seconds mpv has to exit once its connection is closed, before it is killed
_NETWORK_TIMEOUT = 20  # seconds an http(s) source may take to answer
_LINE_LIMIT = 1 << 20  # mpv's lines are small; this only bounds a broken one


class PlayerError(EarmarkError):
    """Why the audio cannot play, in one line for the reader."""


def clamp_speed(speed: float) -> float:
    """``speed`` within what earmark offers (0.5× to 3×), to the hundredth."""
    return round(min(MAX_SPEED, max(MIN_SPEED, speed)), 2)


async def start(
    source: str,
    *,
    at: float = 0.0,
    speed: float = 1.0,
    on_event: Callable[[PlayerEvent], None],
) -> Player:
    """Start mpv playing ``source`` (an audio file's path or an http(s) URL) from second ``at``.

    Returns once mpv has loaded it. Raises `PlayerError` when mpv is not installed or cannot
    start, the file is missing, or mpv cannot load it (a URL that fails, a file it cannot read).
    """
    executable = shutil.which("mpv")
    if executable is None:
        raise PlayerError(MPV_MISSING)
    if not is_url(source) and not Path(source).is_file():
        raise PlayerError(f"{clean_line(source)}: audio file not found")
    try:
        extra = shlex.split(os.environ.get(OPTIONS_VARIABLE, ""))
    except ValueError as error:
        raise PlayerError(f"{OPTIONS_VARIABLE}: {error}") from None
    ours, theirs = socket.socketpair()
    with theirs:  # mpv's end: once mpv has it, earmark's copy is closed
        try:
            process = subprocess.Popen(
                [executable, *_options(theirs.fileno(), at, speed), *extra],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # the terminal's signals (Ctrl+C, Ctrl+Z) are earmark's
            )
        except OSError as error:
            ours.close()
            raise PlayerError(f"cannot start mpv: {error.strerror or error}") from None
    try:
        reader, writer = await asyncio.open_connection(sock=ours, limit=_LINE_LIMIT)
    except BaseException:
        ours.close()
        await _reaped(process)
        raise
    player = Player(source, process, reader, writer, on_event)
    try:
        await player._load()
    except BaseException:
        await player.stop()
        raise
    return player


def _options(fd: int, at: float, speed: float) -> list[str]:
    return [
        "--no-video",
        "--idle=yes",
        "--keep-open=always",  # at the end: paused there, still seekable
        "--pause=no",
        f"--input-ipc-client=fd://{fd}",
        "--input-ipc-server=",  # none, even if the person's mpv.conf asks for one
        "--no-terminal",
        "--really-quiet",
        # The person's mpv.conf still applies (audio device, volume); their scripts do not, nor
        # mpv's own resume, which would fight earmark's position. Without youtube-dl, mpv starts
        # no process of its own that could hold its end of the socket after it dies.
        "--load-scripts=no",
        "--ytdl=no",
        "--resume-playback=no",
        "--save-position-on-quit=no",
        "--audio-client-name=earmark",
        f"--network-timeout={_NETWORK_TIMEOUT}",
        f"--start=+{max(0.0, at):.3f}",
        f"--speed={clamp_speed(speed)}",
    ]


class Player:
    """One mpv process playing one source. Made by `start`; finished by `stop` or by mpv's
    death (then `Stopped` is sent and `running` is False)."""

    def __init__(
        self,
        source: str,
        process: subprocess.Popen[bytes],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        on_event: Callable[[PlayerEvent], None],
    ) -> None:
        self.source = source
        # The latest of what mpv said (None until it says): for the status line.
        self.position: float | None = None
        self.duration: float | None = None
        self.paused = False
        self.speed = 1.0
        self._process = process
        self._reader = reader
        self._writer = writer
        self._on_event = on_event
        self._loop = asyncio.get_running_loop()
        self._loaded: asyncio.Future[None] = self._loop.create_future()
        self._replies: dict[int, asyncio.Future[Any]] = {}
        self._request_ids = count(1)  # 0 is what mpv answers to a command sent without one
        self._second_sent: int | None = None
        self._seeked = False
        self._stopping = False
        self._reading = asyncio.create_task(self._read())

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def running(self) -> bool:
        return not self._stopping and not self._reading.done()

    # -- commands: each sends one line; what changes comes back as events ---------------------

    def toggle_pause(self) -> None:
        self._send(["cycle", "pause"])

    def seek(self, seconds: float, *, relative: bool = False) -> None:
        """To second ``seconds`` of the audio, or by ``seconds`` (negative: back)."""
        if relative:
            self._send(["seek", seconds, "relative+exact"])
        else:
            self._send(["seek", max(0.0, seconds), "absolute+exact"])

    def set_speed(self, speed: float) -> float:
        """Play at ``speed``, within 0.5× to 3×; returns the speed asked of mpv."""
        speed = clamp_speed(speed)
        self._send(["set_property", "speed", speed])
        return speed

    async def get(self, name: str) -> Any:
        """A property's value, asked of mpv now (`PlayerError` when it has none, or is gone)."""
        if not self.running:
            raise PlayerError("the player has stopped")
        request_id = next(self._request_ids)
        reply = self._replies[request_id] = self._loop.create_future()
        self._send(["get_property", name], request_id)
        return await reply

    async def stop(self) -> None:
        """End mpv: its connection closes, so it quits (killed if it lingers past a second).

        Cancelling the stop does not cancel the reaping: quitting cancels what is under way,
        a stop too, and mpv must not be left a zombie (or running, if it lingers)."""
        self._stopping = True
        self._writer.close()
        await asyncio.shield(self._reading)

    # -- the connection -----------------------------------------------------------------------

    def _send(self, command: list[Any], request_id: int | None = None) -> None:
        if not self.running:
            return
        message: dict[str, Any] = {"command": command}
        if request_id is not None:
            message["request_id"] = request_id
        self._writer.write(json.dumps(message).encode() + b"\n")

    async def _load(self) -> None:
        for observer_id, name in enumerate(_OBSERVED, start=1):
            self._send(["observe_property", observer_id, name])
        self._send(["loadfile", self.source])  # a name, never an option, however it starts
        await self._loaded

    async def _read(self) -> None:
        try:
            while line := await self._reader.readline():
                self._receive(line)
        except (ConnectionError, ValueError):  # ValueError: a line past the limit
            pass
        self._writer.close()
        code = await _reaped(self._process)
        gone = PlayerError(f"mpv stopped unexpectedly ({_exit(code)})")
        for reply in self._replies.values():
            if not reply.done():
                reply.set_exception(gone)
        if not self._loaded.done():
            self._loaded.set_exception(PlayerError(_early_exit(code)))
        elif not self._stopping:
            self._emit(Stopped(str(gone)))

    def _receive(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        event = message.get("event")
        if event is None:
            self._answer(message)
        elif event == "property-change":
            self._changed(message.get("name"), message.get("data"))
        elif event == "seek":
            self._seeked = True
        elif event == "file-loaded" and not self._loaded.done():
            self._loaded.set_result(None)
        elif event == "end-file" and message.get("reason") == "error":
            self._failed(str(message.get("file_error") or "error"))

    def _answer(self, message: dict[str, Any]) -> None:
        request_id = message.get("request_id")
        reply = self._replies.pop(request_id, None) if isinstance(request_id, int) else None
        if reply is None or reply.done():
            return
        if message.get("error") == "success":
            reply.set_result(message.get("data"))
        else:
            reply.set_exception(PlayerError(f"mpv: {message.get('error')}"))

    def _changed(self, name: object, value: Any) -> None:
        if value is None:  # nothing loaded (yet), or mpv does not know
            return
        if name == "time-pos":
            self.position = value
            second = int(value)
            if second != self._second_sent or self._seeked:
                self._second_sent, self._seeked = second, False
                self._emit(Position(value))
        elif name == "pause":
            self.paused = value
            self._emit(Paused(value))
        elif name == "speed":
            self.speed = value
            self._emit(Speed(value))
        elif name == "duration":
            self.duration = value
            self._emit(Duration(value))
        elif name == "eof-reached" and value:
            self._emit(Ended())

    def _failed(self, reason: str) -> None:
        """mpv could not play the source: said once, then mpv is ended (it would sit idle)."""
        failure = PlayerError(f"{clean_line(self.source)}: cannot play: {reason}")
        if not self._loaded.done():
            self._loaded.set_exception(failure)
        elif not self._stopping:
            self._emit(Stopped(str(failure)))
        self._stopping = True
        self._writer.close()

    def _emit(self, event: PlayerEvent) -> None:
        try:
            self._on_event(event)
        except Exception as error:  # the app's mistake must not leave the player deaf
            self._loop.call_exception_handler(
                {"message": "the player's on_event failed", "exception": error}
            )


async def _reaped(process: subprocess.Popen[bytes]) -> int:
    """Wait for mpv to exit (it does once its connection closes), killing it if it lingers."""
    deadline = time.monotonic() + _QUIT_WAIT
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            return process.wait()
        await asyncio.sleep(0.01)
    return process.returncode


def _exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _early_exit(code: int) -> str:
    """Why mpv quit before it loaded anything: most likely an mpv too old for the IPC it is
    given (``--input-ipc-client`` came in 0.33), or an option it does not know."""
    line = f"mpv quit as it started ({_exit(code)}): earmark needs mpv 0.33 or newer"
    if os.environ.get(OPTIONS_VARIABLE):
        line += f", and only options it knows in {OPTIONS_VARIABLE}"
    return line
