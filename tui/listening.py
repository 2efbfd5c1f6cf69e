"""Listening while reading: the keys, the player the reader holds, and what its events do.

`Listening` owns the mpv player (`index.player`), the worker that starts it and the events it
sends. The turn the voice is at is marked in the transcript, and the cursor follows it — so the
reading position, saved by the app's usual rule, follows the audio — until the person moves the
cursor away (a key, a jump, scrolling it out of view); then the status line says so and ``f``
follows again. The app gives it the keys' actions, one hook (the cursor moved) and a place in
the status line; opening another episode stops its audio.

Nothing of the player is imported before the first play: mpv's client, asyncio's subprocess
and JSON load at the first ``p``, so the first paint is as it was.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.worker import Worker, WorkerCancelled, WorkerError, WorkerFailed

from index.timecode import clock, format_time
from tui.output import notify
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from index.player import Player, PlayerEvent
    from tui.app import EarmarkApp

SPEED_STEP = 0.25
NOT_FOLLOWING = "not following — f follows"
NOTHING_PLAYS = "Nothing is playing: p plays from the turn you are on."
NO_TIMES = "This transcript gives no times: the audio plays from its start, and it cannot follow."
OTHER_EPISODE = "The audio stopped: another episode is open (p plays this one)."

# The app's keys for listening; they work in every pane (Enter on a turn is the transcript's).
BINDINGS: list[BindingType] = [
    Binding(
        "p", "play", "Play or pause", id="app.play",
        tooltip="The audio, from the turn you are on",
    ),
    Binding(
        "f", "follow", "Follow the voice", id="app.follow", show=False,
        tooltip="The cursor follows the turn being said",
    ),
    Binding("comma", "seek(-10)", "Back 10 s", id="app.back_10s", show=False),
    Binding("full_stop", "seek(10)", "Forward 10 s", id="app.forward_10s", show=False),
    Binding("less_than_sign", "seek(-60)", "Back 1 min", id="app.back_1min", show=False),
    Binding("greater_than_sign", "seek(60)", "Forward 1 min", id="app.forward_1min", show=False),
    Binding(
        "minus", f"speed({-SPEED_STEP})", "Slower", id="app.slower", show=False,
        tooltip="The audio's speed, a quarter less",
    ),
    Binding(
        "plus,equals_sign", f"speed({SPEED_STEP})", "Faster", id="app.faster", show=False,
        tooltip="The audio's speed, a quarter more",
    ),
]  # fmt: skip


class Listening:
    """The audio of the episode shown, while it plays, and whether the transcript follows it."""

    def __init__(self, app: EarmarkApp, changed: Callable[[], None]) -> None:
        self._app = app
        self._changed = changed  # the status line is built again
        self.player: Player | None = None
        self.episode_id: str | None = None  # whose audio plays or is starting; None: nothing
        self.following = True
        self.speed = 1.0  # asked of mpv, kept for the next start
        self._timed = False  # whether the transcript gives times to follow
        self._led_to: int | None = None  # the turn following last put the cursor on
        self._starting: Worker[None] | None = None
        self._stopping: set[asyncio.Task[None]] = set()
        self._generation = 0  # events from a player since replaced or stopped are not heard

    # -- keys ---------------------------------------------------------------------------------

    def play_pause(self) -> None:
        """``p``: pause or play on; the first starts the audio at the turn under the cursor."""
        if self.player is not None:
            self.player.toggle_pause()
        elif self.episode_id is None:  # a press while mpv starts waits for it
            self._play_from(self._app.here.turn)

    def play_turn(self) -> None:
        """Enter: play from the turn under the cursor."""
        self._play_from(self._app.here.turn)

    def follow(self) -> None:
        if self.episode_id is None:
            notify(self._app, NOTHING_PLAYS, timeout=3)
        elif not self._timed:
            notify(self._app, NO_TIMES, timeout=4)
        else:
            self.following = True
            if self.player is not None and self.player.position is not None:
                self._heard_at(_within_audio(self.player.position, self.player))
            self._changed()

    def seek(self, seconds: float) -> None:
        if self.player is None:
            notify(self._app, NOTHING_PLAYS, timeout=3)
        else:
            self.player.seek(seconds, relative=True)

    def change_speed(self, step: float) -> None:
        from index.player import clamp_speed

        if self.player is not None:
            self.speed = self.player.set_speed(self.speed + step)
        else:
            self.speed = clamp_speed(self.speed + step)
            notify(self._app, f"The audio will play at ×{self.speed:g}.", timeout=2)

    # -- the app's hook and status ------------------------------------------------------------

    def cursor_moved(self) -> None:
        """The transcript's cursor moved: if not by following, following stops; to another
        episode, its audio stops."""
        if self.episode_id is None:
            return
        episode = self._app.episode
        if episode is None or episode.id != self.episode_id:
            self._drop()
            self._mark(None)
            notify(self._app, OTHER_EPISODE, timeout=4)
        elif self.following and self._timed and self._cursor() != self._led_to:
            self.following = False

    def status(self) -> list[str]:
        """The status line's words about the audio; none while nothing plays."""
        if self.episode_id is None:
            return []
        player = self.player
        if player is None or player.position is None:
            return ["▶ …"]  # mpv is starting, or loading a URL
        at = _within_audio(player.position, player)
        words = f"{'⏸' if player.paused else '▶'} {clock(int(at))}"
        if player.duration is not None:
            words += f" / {format_time(int(player.duration))}"
        words += f" ×{player.speed:g}"
        return [words, NOT_FOLLOWING] if self._timed and not self.following else [words]

    async def stop(self) -> None:
        """End mpv now, and a start under way (quitting): no mpv outlives the reader."""
        starting = self._starting
        self._drop()
        if starting is not None:
            with suppress(WorkerCancelled, WorkerError, WorkerFailed):
                await starting.wait()
        await asyncio.gather(*self._stopping)

    # -- playing ------------------------------------------------------------------------------

    def _play_from(self, turn: int) -> None:
        from index.player import NO_AUDIO

        reading = self._app.reading
        episode = reading.episode
        if episode is None:
            return
        if episode.audio is None:
            notify(self._app, NO_AUDIO, timeout=4)
            return
        start = reading.audio_start(turn)
        self._timed = start is not None
        if start is None:
            notify(self._app, NO_TIMES, timeout=4)
            if self.episode_id is not None:
                return
            start = 0
        self.following, self._led_to = True, self._cursor()
        if self.player is not None:
            self.player.seek(start)
            if self.player.paused:
                self.player.toggle_pause()
            return
        self._generation += 1
        self.episode_id = episode.id
        self._starting = self._app.run_worker(
            self._start(episode.audio, start, self._generation), group="player", exclusive=True
        )
        self._changed()

    async def _start(self, source: str, at: float, generation: int) -> None:
        from index.player import PlayerError, start

        try:
            player = await start(
                source, at=at, speed=self.speed, on_event=lambda e: self._heard(generation, e)
            )
        except PlayerError as error:
            self.episode_id = None
            notify(self._app, str(error), severity="error", timeout=8)
        else:
            self.player = player
        self._changed()

    def _drop(self) -> None:
        """Forget the player: it stops on a task of its own (never cancelled, awaited when
        quitting), and a start under way is cancelled."""
        self._generation += 1
        if self._starting is not None:
            if not self._starting.is_cancelled:  # once: a second would cut its clean-up short
                self._starting.cancel()
            self._starting = None
        if self.player is not None:
            task = asyncio.create_task(self.player.stop())
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)
            self.player = None
        self.episode_id = None

    # -- what the player says -----------------------------------------------------------------

    def _heard(self, generation: int, event: PlayerEvent) -> None:
        from index.player import Position, Stopped

        if generation != self._generation:
            return
        match event:
            case Position(seconds):
                self._heard_at(_within_audio(seconds, self.player))
            case Stopped(message):  # mpv died, or the audio failed mid-way: p starts it again
                self.player, self.episode_id = None, None
                self._mark(None)
                notify(self._app, message, severity="error", timeout=8)
        self._changed()

    def _heard_at(self, seconds: float) -> None:
        """Mark the turn said at ``seconds`` and, when following, move the cursor there."""
        turn = self._app.reading.turn_at(seconds)
        self._mark(turn.index if turn is not None else None)
        if turn is None or not self.following:
            return
        self._led_to = turn.index
        if turn.index != self._cursor():
            with suppress(NoMatches):
                self._app.query_one(Transcript).move_cursor(turn.index)

    def _mark(self, turn: int | None) -> None:
        with suppress(NoMatches):  # the reader is closing
            self._app.query_one(Transcript).set_playing(turn)

    def _cursor(self) -> int | None:
        try:
            return self._app.query_one(Transcript).cursor
        except NoMatches:
            return None


def _within_audio(seconds: float, player: Player | None) -> float:
    """A position mpv gives, within the audio: just after a seek past either end it says where
    the seek aimed (-46 s, 61 s of 12) before where it went."""
    if player is not None and player.duration is not None:
        seconds = min(seconds, player.duration)
    return max(seconds, 0.0)
