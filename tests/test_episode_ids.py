"""Episode ids: the slugs of folder names, which key the reader's marks and the search index.
An existing folder must keep its id (or its marks are orphaned); a new one may be named in any
script, at any length, and still be a safe folder name and search word."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from index.library.episodes import NAME_MAX, slug
from index.library.user_library import NEW_FOLDER_BYTES


def _ascii_slug_as_it_always_was(name: str) -> str:
    """The rule every id was made by before ids kept other scripts: pinned here, not used."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "episode"


@pytest.mark.parametrize(
    ("folder", "episode_id"),
    [
        ("my_show", "my-show"),
        ("Ilya Sutskever 2025-11", "ilya-sutskever-2025-11"),
        ("ilya-sutskever-2025-11", "ilya-sutskever-2025-11"),
        ("Lex Fridman #452: Dario Amodei", "lex-fridman-452-dario-amodei"),
        ("--Weird__Name--", "weird-name"),
        ("...", "episode"),
        ("x" * 255, "x" * 255),  # the longest folder name a file system keeps
    ],
)
def test_ascii_folders_keep_their_ids(folder: str, episode_id: str) -> None:
    assert slug(folder) == episode_id


@given(st.text(st.characters(max_codepoint=0x7F), max_size=NAME_MAX))
def test_every_ascii_folder_name_keeps_the_id_it_had(name: str) -> None:
    assert slug(name) == _ascii_slug_as_it_always_was(name)


@pytest.mark.parametrize(
    ("name", "episode_id"),
    [
        ("Русский", "русский"),
        ("日本語のポッドキャスト", "日本語のポッドキャスト"),
        ("Ελληνικά Νέα", "ελληνικά-νέα"),
        ("Cafe\u0301 Society", "café-society"),  # a combining accent: the same id as "é"
        ("हिन्दी पॉडकास्ट", "हिन्दी-पॉडकास्ट"),  # vowel signs and virama are marks, kept
        ("🎙️ Mic check", "mic-check"),  # an emoji and its variation selector are not letters
        ("Ünïcödé_Show", "ünïcödé-show"),
    ],
)
def test_names_in_any_script_keep_their_letters(name: str, episode_id: str) -> None:
    assert slug(name) == episode_id


def test_long_names_are_cut_and_told_apart_by_a_hash() -> None:
    first, second = slug("a" * 300 + "1", NEW_FOLDER_BYTES), slug("a" * 300 + "2", 100)
    assert first != second
    assert first.startswith("a" * 80) and re.fullmatch(r"a+-[0-9a-f]{8}", first)
    assert len(first.encode()) <= NEW_FOLDER_BYTES
    japanese = slug("日本語" * 100, NEW_FOLDER_BYTES)
    assert len(japanese.encode()) <= NEW_FOLDER_BYTES and japanese.startswith("日本語日本語")


ANY_CHARACTER = st.characters(exclude_categories=())  # surrogates too: argv's undecodable bytes


@given(st.text(ANY_CHARACTER, max_size=400), st.sampled_from([NAME_MAX, NEW_FOLDER_BYTES]))
@example("\u0301\u0301", NAME_MAX)
@example("a" * 99 + "\u0301" * 50, NEW_FOLDER_BYTES)
@example("..", NEW_FOLDER_BYTES)
def test_every_slug_is_a_safe_folder_name_and_search_word(name: str, max_bytes: int) -> None:
    episode_id = slug(name, max_bytes)
    assert episode_id not in ("", ".", "..")
    assert len(episode_id.encode()) <= max_bytes
    assert slug(episode_id) == episode_id  # a folder named by its id keeps that id
    assert not episode_id.startswith("-") and not episode_id.endswith("-")
    # Letters, marks, digits and dashes: no path separator, NUL, space, quote, parenthesis or
    # colon, so it is a file name and, in a query, `episode:ID` is one filter value.
    assert all(c == "-" or unicodedata.category(c)[0] in "LMN" for c in episode_id)
