"""The reading session without a screen: opening where you left, moving, marks, matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.library import Library
from index.marks import UserData
from index.reading import Reading
from index.search import Hit
from tests.seeds import DEFAULT_EPISODE_DIR

EPISODE = DEFAULT_EPISODE_DIR.name


class CountingUserData(UserData):
    """User data that counts the positions it writes."""

    writes = 0

    def set_position(self, episode: str, turn: int) -> None:
        type(self).writes += 1
        super().set_position(episode, turn)


@pytest.fixture
def userdata(tmp_path: Path) -> UserData:
    CountingUserData.writes = 0
    return CountingUserData.open(tmp_path / "marks.sqlite3")


@pytest.fixture
def reading(library: Library, userdata: UserData) -> Reading:
    reading = Reading(library, userdata)
    reading.open(EPISODE)
    return reading


def test_opens_where_the_reader_left_and_saves_only_what_changed(
    library: Library, userdata: UserData
) -> None:
    reading = Reading(library, userdata)
    assert reading.first_episode() == EPISODE
    assert reading.open(EPISODE) == 0
    reading.save_position()  # the episode becomes the one read last
    reading.save_position()  # nothing moved since: no write
    assert CountingUserData.writes == 1
    reading.move_to(7)
    reading.save_position()
    assert (userdata.position(EPISODE), userdata.last_episode()) == (7, EPISODE)
    assert CountingUserData.writes == 2

    again = Reading(library, userdata)
    assert again.open(EPISODE) == 7
    again.save_position()
    assert CountingUserData.writes == 2  # reopened where it was: nothing to write
    assert again.open(EPISODE, turn=3) == 3
    assert again.open(EPISODE, turn=10_000) == len(again.episode.turns) - 1


def test_the_episode_read_last_opens_first(two_episodes: Library, userdata: UserData) -> None:
    first, second = (info.id for info in two_episodes.infos)
    reading = Reading(two_episodes, userdata)
    assert reading.first_episode() == first
    reading.open(second)
    reading.save_position()
    assert Reading(two_episodes, userdata).first_episode() == second


def test_chapters_and_times(reading: Reading) -> None:
    episode = reading.episode
    second_chapter = reading.first_turn(1)
    assert episode.turns[second_chapter].start == 579  # 00:09:39
    assert reading.chapter_step(+1) == 1
    assert reading.chapter_step(-1) is None  # at the very start
    reading.move_to(second_chapter + 2)
    assert reading.chapter_step(-1) == 1  # back to this chapter's start first
    reading.move_to(second_chapter)
    assert reading.chapter_step(-1) == 0

    assert reading.turn_at(579).index == second_chapter
    assert reading.turn_at(580).index == second_chapter  # within its span
    assert reading.turn_at(0).index == 0
    assert reading.turn_at(episode.duration + 60) is None  # past the end


def test_percent_read_by_time(reading: Reading) -> None:
    assert reading.percent_read() == 0
    reading.move_to(reading.turn_at(reading.episode.duration // 2).index)
    assert 48 <= reading.percent_read() <= 52


def test_percent_read_by_turns_without_times(tmp_path: Path, userdata: UserData) -> None:
    transcript = tmp_path / "talk.md"
    transcript.write_text(
        "**Ann:** One.\n\n**Ben:** Two.\n\n**Ann:** Three.\n\n**Ben:** Four.\n\n**Ann:** Five.\n",
        encoding="utf-8",
    )
    reading = Reading(Library.open(transcript), userdata)
    reading.open(reading.first_episode())
    reading.move_to(2)
    assert reading.percent_read() == 50
    assert reading.turn_at(10) is None  # a transcript without times has no turn at a time


def _hit(kind: str, item: str, chapter: int | None = None) -> Hit:
    return Hit(item, kind, EPISODE, chapter, None, None, "", 1.0, "", ())


def test_matches_are_the_searchs_hits_in_reading_order(reading: Reading) -> None:
    """n/N step through the turns of the search's hits: a turn's, a chapter's first turn, a
    placed note's turn; a note about the whole episode and a chapter without turns are none."""
    from index.search import Marks

    placed = next(n for n in reading.episode.notes if n.related and n.related[0].turn)
    whole = next(n for n in reading.episode.notes if not n.related)
    reading.light("research", Marks(terms=frozenset({"research"})))
    assert reading.matches is None and reading.match_number() is None  # not known yet
    assert reading.next_match(+1) is None
    hits = [
        _hit("turn", f"{EPISODE}/t/40"),
        _hit("chapter", f"{EPISODE}/c/1", chapter=1),
        _hit(placed.kind, placed.id),
        _hit(whole.kind, whole.id),
        _hit("chapter", f"{EPISODE}/c/99", chapter=99),
        _hit("turn", f"{EPISODE}/t/40"),  # twice: one match
    ]
    assert not reading.take_hits("other words", EPISODE, hits)  # a stale answer is dropped
    assert not reading.take_hits("research", "another-episode", hits)
    assert reading.take_hits("research", EPISODE, hits)
    expected = sorted({40, reading.first_turn(1), placed.related[0].turn})
    assert reading.matches == tuple(expected)

    assert reading.match_number() is None  # at the first turn, which is not one
    assert reading.next_match(+1) == (expected[0], False)
    assert reading.next_match(-1) == (expected[-1], True)  # wraps round to the last
    reading.move_to(expected[1])
    assert reading.match_number() == 2
    reading.move_to(expected[-1])
    assert reading.next_match(+1) == (expected[0], True)
    assert reading.next_match(-1) == (expected[-2], False)

    reading.save_note(None, "A thought")  # your notes changed: the matches are searched again
    assert reading.matches is None
    reading.light("", None)
    assert reading.matches == () and reading.lit is None and reading.next_match(+1) is None


def test_bookmarks(reading: Reading, userdata: UserData) -> None:
    reading.move_to(4)
    assert reading.toggle_bookmark() is True
    assert reading.bookmarks == {4}
    (row,) = reading.bookmark_rows()
    assert (row.episode, row.turn, row.time) == (EPISODE, 4, "00:00:26")
    text = " ".join(reading.episode.turns[4].text.split())
    assert len(text) > 100 and row.excerpt.endswith("…") and len(row.excerpt) <= 100
    assert text.startswith(row.excerpt.removesuffix("…"))
    assert reading.toggle_bookmark() is False
    assert reading.bookmarks == frozenset() and userdata.bookmarks() == []
    reading.toggle_bookmark()
    reading.delete_bookmark(EPISODE, 4)
    assert reading.bookmarks == frozenset() and reading.bookmark_rows() == []


def test_your_notes_are_merged_in_and_saved_empty_are_deleted(reading: Reading) -> None:
    documents_notes = len(reading.episode.notes)
    reading.move_to(5)
    assert reading.save_note(None, "") is None  # nothing typed: nothing saved
    assert reading.save_note(None, "My thought") == "saved"
    (own,) = reading.own_notes
    assert len(reading.episode.notes) == documents_notes + 1
    merged = reading.episode.notes[-1]
    assert (merged.kind, merged.text, merged.related[0].turn) == ("own", "My thought", 5)
    assert any(note.id == own.note_id for note, _ in reading.related.for_turn(5).passage)
    assert reading.find_note(EPISODE, own.note_id) == merged

    assert reading.save_note(own, "Second thought") == "saved"
    assert reading.episode.notes[-1].text == "Second thought"
    assert reading.save_note(reading.own_note(own.note_id), "") == "deleted"
    assert reading.own_notes == () and len(reading.episode.notes) == documents_notes


def test_a_note_of_another_episode_is_found(two_episodes: Library, userdata: UserData) -> None:
    first, second = (info.id for info in two_episodes.infos)
    other = Reading(two_episodes, userdata)
    other.open(second)
    other.save_note(None, "On the second episode")
    (own,) = other.own_notes

    reading = Reading(two_episodes, userdata)
    reading.open(first)
    assert reading.find_note(second, own.note_id).text == "On the second episode"
    assert reading.find_note(second, f"{second}/own/999") is None


def test_audio_plays_a_turn_from_its_time_or_the_last_time_before_it(
    tmp_path: Path, userdata: UserData
) -> None:
    transcript = tmp_path / "talk.md"
    transcript.write_text(
        "**Ann:** One.\n\n**Ben:** \\[00:00:05\\] Two.\n\n**Ann:** Three.\n\n"
        "**Ben:** \\[00:00:20\\] Four.\n",
        encoding="utf-8",
    )
    reading = Reading(Library.open(transcript), userdata)
    reading.open(reading.first_episode())
    assert [turn.start for turn in reading.episode.turns] == [None, 5, None, 20]
    assert [reading.audio_start(turn) for turn in range(4)] == [5, 5, 5, 20]


def test_audio_has_no_start_in_a_transcript_without_times(
    tmp_path: Path, userdata: UserData
) -> None:
    transcript = tmp_path / "talk.md"
    transcript.write_text("**Ann:** One.\n\n**Ben:** Two.\n\n**Ann:** Three.\n", encoding="utf-8")
    reading = Reading(Library.open(transcript), userdata)
    reading.open(reading.first_episode())
    assert reading.audio_start(1) is None
