"""Shared fixtures: every test gets its own EARMARK_HOME, so none touches the user's cache."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
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


@pytest.fixture(autouse=True)
def no_animation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader's tests wait for states, not for animations to end."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def library() -> Library:
    """The bundled library (a test module may define its own)."""
    return Library.open(DEFAULT_EPISODE_DIR.parent)


@pytest.fixture(scope="session")
def two_episodes_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of two small synthetic episodes (`tests.bench.synth`), written once: tests
    read it, never change it."""
    from tests.bench.synth import write_library

    return write_library(tmp_path_factory.mktemp("two-episodes") / "library", 2)


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory, two_episodes_dir: Path) -> Path:
    """A cache that holds the bundled library and the two-episode one parsed and indexed, made
    once per session."""
    home = tmp_path_factory.mktemp("warm-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(home))
        from index.search import SearchIndex

        for library in (DEFAULT_EPISODE_DIR.parent, two_episodes_dir):
            SearchIndex.open(Library.open(library)).close()
    return home / "cache"


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
        shutil.copytree(request.getfixturevalue("warm_cache"), home / "cache")
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
