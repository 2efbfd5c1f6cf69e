"""Shared fixtures: every test gets its own EARMARK_HOME, so none touches the user's cache."""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from index.library import Library
from index.library.cache import EpisodeCache
from index.model import Episode
from tests.feed_server import FeedServer, running_server
from tests.seeds import DEFAULT_EPISODE_DIR

# `make test` keeps property tests quick; HYPOTHESIS_PROFILE=fuzz searches much harder.
settings.register_profile("default", max_examples=60)
settings.register_profile("fuzz", max_examples=10_000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """The garbage collector's full passes were a quarter of the reader's tests' CPU: each
    scanned every module and collected test (100,000 objects and more) and every earlier test's
    garbage, two or three times a test. What import and collection made lives all run, so it is
    frozen out of every pass; full passes wait until a test ends (below)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 1_000)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """A full pass after a test that made garbage enough for an older generation's pass (a
    reader's test does; most others do not): its garbage goes with it, so memory stays flat."""
    if gc.get_count()[2]:
        gc.collect()


@pytest.fixture(autouse=True)
def no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's tests wait for states, not for animations to end."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def library() -> Library:
    """The bundled library (a test module may define its own)."""
    return Library.open(DEFAULT_EPISODE_DIR.parent)


@dataclass(frozen=True)
class Shared:
    """What the tests read and never change, built once per run."""

    two_episodes: Path  # a library of two small synthetic episodes (`tests.bench.synth`)
    warm_cache: Path  # the bundled library and that one, parsed and indexed


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    """Built by whichever test process comes first, under a lock; pytest-xdist's workers share
    this run's temp folder's parent, so it is built once, not once per worker."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    built = Shared(root / "two-episodes" / "library", root / "warm-home" / "cache")
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / "shared.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "ready").exists():
            from index.search import SearchIndex
            from tests.bench.synth import write_library

            shutil.rmtree(root, ignore_errors=True)  # what a worker that died left
            write_library(built.two_episodes, 2)
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("EARMARK_HOME", str(built.warm_cache.parent))
                for library in (DEFAULT_EPISODE_DIR.parent, built.two_episodes):
                    SearchIndex.open(Library.open(library)).close()
            (root / "ready").touch()
    return built


@pytest.fixture(scope="session")
def two_episodes_dir(shared: Shared) -> Path:
    """A library of two small synthetic episodes: tests read it, never change it."""
    return shared.two_episodes


@pytest.fixture(autouse=True)
def earmark_home(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A home of the test's own. It starts with the bundled library parsed and indexed, as a
    reader's does after the first run, unless the test is marked ``cold`` (it checks what the
    first run does): parsing and indexing it again in every test was most of the suite's time."""
    home = tmp_path / "earmark-home"
    monkeypatch.setenv("EARMARK_HOME", str(home))
    if request.node.get_closest_marker("cold") is None:
        shutil.copytree(request.getfixturevalue("shared").warm_cache, home / "cache")
    return home


@pytest.fixture(scope="session")
def default_episode(tmp_path_factory: pytest.TempPathFactory) -> Episode:
    """The bundled episode, parsed once for the whole session."""
    cache = EpisodeCache(tmp_path_factory.mktemp("cache"))
    library = Library.open(DEFAULT_EPISODE_DIR.parent, cache=cache)
    assert library.problems == ()
    (episode,) = library.episodes
    return episode


@pytest.fixture
def episode_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled episode folder."""
    target = tmp_path / "library" / DEFAULT_EPISODE_DIR.name
    shutil.copytree(DEFAULT_EPISODE_DIR, target)
    return target


@pytest.fixture
def two_episodes(two_episodes_dir: Path) -> Library:
    """The two-episode library, parsed and indexed in the test's home already."""
    return Library.open(two_episodes_dir)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 for feeds and their files (`tests.feed_server`)."""
    yield from running_server()
