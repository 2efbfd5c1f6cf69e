"""The real `earmark` command in a real terminal (tmux): start, read, search, jump, resize, quit."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.audio import write_episode
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.test_player import running

EARMARK = Path(sys.executable).parent / "earmark"

pytestmark = [
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="tmux is not installed (make test installs it as root)"
    ),
    pytest.mark.skipif(not EARMARK.exists(), reason="the earmark console script is not installed"),
]


def terminal_environment() -> dict[str, str]:
    """The environment a terminal starts with: ours, but no COLUMNS or LINES (pytest-xdist's
    workers set 80×24, and the app would take them over the terminal's own size)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return {**environment, "TERM": os.environ.get("TERM", "xterm-256color")}


def tmux_command(server: str, *args: str) -> list[str]:
    """A tmux command line for a private server (``-L``): tests that run at once, here or in
    another checkout, never share a server (a shared one sized new windows 80 columns wide)."""
    return ["tmux", "-L", server, *args]


class Terminal:
    def __init__(self, name: str, status_file: Path) -> None:
        self.name = name  # the session's name, and its private server's
        self.status_file = status_file  # the command's exit status, written when it ends

    def tmux(self, *args: str) -> str:
        command = tmux_command(self.name, *args)
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", self.name, *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def wait_for(self, condition: Callable[[str], bool], timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; the screen shows:\n{screen}")
            time.sleep(0.05)

    def exit_status(self) -> str | None:
        """The command's exit status once it has ended. Read from a file the shell writes:
        tmux's own ``pane_dead_status`` sometimes stays empty when its server is busy."""
        try:
            return self.status_file.read_text().strip() or None
        except FileNotFoundError:
            return None


Start = Callable[..., Terminal]


# The bundled library, which each test's home holds parsed and indexed already (conftest.py):
# a test about something else need not wait for a first build.
BUNDLED = str(DEFAULT_EPISODE_DIR.parent)


@pytest.fixture
def start_terminal(tmp_path: Path, earmark_home: Path) -> Iterator[Start]:
    """Starts ``earmark ARGS`` in a new 120×40 tmux session, with extra environment if given."""
    names: list[str] = []

    def start(*args: str, **env: str) -> Terminal:
        name = f"earmark-test-{uuid.uuid4().hex[:8]}"
        names.append(name)
        env = {"EARMARK_HOME": str(earmark_home), "TEXTUAL_ANIMATIONS": "none", **env}
        settings = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        status_file = tmp_path / f"{name}.status"
        command = f"{shlex.join([str(EARMARK), *args])}; echo $? > {shlex.quote(str(status_file))}"
        subprocess.run(
            tmux_command(name, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                         "-e", "COLORTERM=truecolor",
                         f"env {settings} sh -c {shlex.quote(command)}"),
            check=True,
            env=terminal_environment(),
        )  # fmt: skip
        terminal = Terminal(name, status_file)
        terminal.tmux("set-option", "-t", name, "remain-on-exit", "on")
        return terminal

    yield start
    for name in names:
        subprocess.run(tmux_command(name, "kill-server"), capture_output=True, check=False)


@pytest.fixture
def terminal(start_terminal: Start) -> Terminal:
    return start_terminal(BUNDLED)


def test_read_search_jump_resize_quit(terminal: Terminal) -> None:
    start = time.monotonic()
    # The tree's last chapter (cut to the tree's width at 120 columns beside the side pane).
    terminal.wait_for(lambda s: "00:00:00  Ilya Sutskever" in s and "1:32:42 Research" in s)
    first_paint = time.monotonic() - start
    assert first_paint < 10  # a generous bound for a loaded machine; make bench measures it

    terminal.send("]")
    # The chapter's first turn, and beside it the Obsidian note about it.
    terminal.wait_for(
        lambda s: "00:09:39  Dwarkesh Patel" in s and "Emotions as Value Functions" in s
    )

    terminal.send("/")
    terminal.wait_for(lambda s: "Search everything" in s)
    terminal.send("sentient life", literal=True)
    terminal.wait_for(lambda s: "Zabelle_26" in s)  # the best hit, a comment that quotes it
    terminal.send("Enter")
    terminal.wait_for(lambda s: "Search everything" not in s and "match " in s)

    terminal.send("?")
    # The first screenful of keys (the search panel's are further down since listening came).
    terminal.wait_for(lambda s: "─ Keys " in s and "Play or pause" in s)
    terminal.send("Escape")
    # Escape followed too soon by another key arrives as alt+key: wait until it has acted.
    terminal.wait_for(lambda s: "─ Keys " not in s)

    terminal.tmux("resize-window", "-t", terminal.name, "-x", "60", "-y", "20")
    terminal.wait_for(lambda s: len(s.splitlines()) <= 20)
    terminal.tmux("resize-window", "-t", terminal.name, "-x", "120", "-y", "40")
    terminal.wait_for(lambda s: "1:32:42 Research" in s)

    _quit(terminal)
    assert "Traceback" not in terminal.screen()


def test_hostile_text_in_a_real_terminal(start_terminal: Start, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    shutil.copytree(DEFAULT_EPISODE_DIR, folder)
    page = folder / "transcript-page.txt"
    hostile = (
        "[bold red]not markup[/bold red] \x1b]0;pwned\x07\x1b[2J [link=file:///etc/passwd]x[/link]"
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("You know what’s crazy?", f"{hostile} crazy?"), encoding="utf-8")
    terminal = start_terminal(str(folder))
    title_before = terminal.tmux("display-message", "-p", "-t", terminal.name, "#{pane_title}")
    screen = terminal.wait_for(lambda s: "[bold red]not markup[/bold red]" in s)
    assert "[link=file:///etc/passwd]x[/link]" in screen
    assert "pwned" not in screen
    title = terminal.tmux("display-message", "-p", "-t", terminal.name, "#{pane_title}")
    assert title == title_before and "pwned" not in title


def test_no_color_paints_in_greys(start_terminal: Start) -> None:
    terminal = start_terminal(BUNDLED, NO_COLOR="1")
    terminal.wait_for(lambda s: "00:00:00  Ilya Sutskever" in s)
    painted = terminal.tmux("capture-pane", "-p", "-e", "-t", terminal.name)
    colours = re.findall(r"[34]8;2;(\d+);(\d+);(\d+)", painted)
    assert colours, "expected truecolor greys"
    assert all(red == green == blue for red, green, blue in colours)


def _quit(terminal: Terminal) -> None:
    terminal.send("q")
    deadline = time.monotonic() + 10
    while (status := terminal.exit_status()) is None:
        assert time.monotonic() < deadline, terminal.screen()
        time.sleep(0.05)
    assert status == "0"


def test_marks_come_back_and_export(start_terminal: Start, earmark_home: Path) -> None:
    """Bookmark two turns, write a note, quit, reopen: all back; kind:own finds the note;
    the Markdown export holds all three."""
    terminal = start_terminal()
    terminal.wait_for(lambda s: "00:00:00  Ilya Sutskever" in s)
    terminal.send("j", "b")
    terminal.wait_for(lambda s: "Bookmarked" in s)
    terminal.send("j", "j", "b")
    terminal.wait_for(lambda s: s.count("★") == 2)
    terminal.send("c")
    terminal.wait_for(lambda s: "ctrl+s save" in s)
    terminal.send("A note typed in tmux", literal=True)
    terminal.send("C-s")
    terminal.wait_for(lambda s: "Note saved" in s and "A note typed in tmux" in s)
    _quit(terminal)

    again = start_terminal()
    # Back at the turn last read (00:00:14, bookmarked), with the note beside it.
    again.wait_for(
        lambda s: (
            "00:00:14" in s.splitlines()[-2]
            and "★00:00:14  Dwarkesh Patel" in s
            and "A note typed in tmux" in s
        )
    )
    again.send("g")  # the start, where both bookmarks are in view
    again.wait_for(lambda s: s.count("★") == 2)
    again.send("/")
    again.wait_for(lambda s: "Search everything" in s)
    again.send("kind:own tmux", literal=True)
    again.wait_for(lambda s: "Your note" in s and "typed in tmux" in s)
    again.send("Escape")
    # Escape followed too soon by another key arrives as alt+key: wait until it has acted (the
    # panel closes and n counts the search's hits in the episode: the note, on its turn).
    again.wait_for(lambda s: "· 1 match" in s.splitlines()[-2])
    _quit(again)

    exported = subprocess.run(
        [str(EARMARK), "export", "--format", "markdown"],
        capture_output=True,
        text=True,
        env={**os.environ, "EARMARK_HOME": str(earmark_home)},
        timeout=60,
        check=True,
    ).stdout
    assert "> Meaning what?" in exported  # the first bookmark (00:00:04)
    assert "> Another thing that’s crazy is how normal" in exported  # the second (00:00:14)
    assert "- A note typed in tmux" in exported


def test_reopening_shows_the_turn_read_last(start_terminal: Start) -> None:
    """`]` ×4, `j`, `q`, reopen: the transcript shows 00:36:38, not the episode's start."""
    terminal = start_terminal(BUNDLED)
    terminal.wait_for(lambda s: "00:00:00  Ilya Sutskever" in s)
    terminal.send("]", "]", "]", "]")
    terminal.wait_for(lambda s: "00:35:45  Dwarkesh Patel" in s)
    terminal.send("j")
    terminal.wait_for(lambda s: "00:36:38" in s.splitlines()[-2])
    _quit(terminal)

    again = start_terminal(BUNDLED)
    screen = again.wait_for(lambda s: "00:36:38  Ilya Sutskever" in s)
    assert "00:00:00  Ilya Sutskever" not in screen
    assert "One consequence of the age of scaling" in screen
    _quit(again)


def test_n_counts_the_hits_of_a_fielded_query(terminal: Terminal) -> None:
    """`speaker:ilya "age of research"`: 3 results, and n steps through those 3 (the status
    said `match 0/16` when n stepped through every turn holding a lit word)."""
    terminal.wait_for(lambda s: "00:00:00  Ilya Sutskever" in s)
    terminal.send("/")
    terminal.wait_for(lambda s: "Search everything" in s)
    terminal.send('speaker:ilya "age of research"', literal=True)
    terminal.wait_for(lambda s: "3 results" in s)
    terminal.send("Enter")
    times = []
    for number in (1, 2, 3, 1):
        if number != 1 or times:
            terminal.send("n")
        status = terminal.wait_for(lambda s, n=number: f"match {n} of 3" in s.splitlines()[-2])
        times.append(re.findall(r"\d\d:\d\d:\d\d", status.splitlines()[-2])[-1])
    assert times[:3] == sorted(set(times[:3])) and times[3] == times[0]  # in order, then wraps
    _quit(terminal)


def _descendants(pid: str) -> dict[str, str]:
    """The processes under ``pid`` (earmark, and mpv under it), by name."""
    ps = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", pid], capture_output=True, text=True)
    found = dict(line.split(maxsplit=1) for line in ps.stdout.splitlines())
    for child in list(found):
        found |= _descendants(child)
    return found


@pytest.mark.skipif(shutil.which("mpv") is None, reason="mpv is not installed")
def test_p_plays_and_the_status_line_shows_it(start_terminal: Start, tmp_path: Path) -> None:
    """`p` in a real terminal: ▶ and the time in the status line, the turn being said marked,
    nothing of mpv on the screen; `q` ends mpv with earmark."""
    folder = write_episode(tmp_path / "talk")
    terminal = start_terminal(str(folder), EARMARK_MPV_OPTIONS="--ao=null")
    terminal.wait_for(lambda s: "00:00:00  Ana" in s)
    terminal.send("p")
    screen = terminal.wait_for(lambda s: "▶ 00:00:01 / 0:14 ×1" in s.splitlines()[-2])
    assert "▶ 00:00:01  Ben" in screen
    pane = terminal.tmux("display-message", "-p", "-t", terminal.name, "#{pane_pid}").strip()
    (mpv,) = [pid for pid, name in _descendants(pane).items() if name == "mpv"]
    _quit(terminal)
    assert "Traceback" not in terminal.screen()
    assert not running(int(mpv))
