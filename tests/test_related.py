"""Placing notes on the passage they talk about: each kind of evidence and what it records,
placement by wording (precision first), the side pane's groups, and floors under the measures."""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.analysis import words
from index.library import Library
from index.linking import RelatedNotes, evidence_words
from index.linking.related import _DOTTED, _turn_terms, _units
from index.model import Episode, Note, Span
from tests.bench.related_eval import HELD_OUT, dev_labels, evaluate

LABELS = dev_labels()


def _note(episode: Episode, start_of_text: str) -> Note:
    return next(n for n in episode.notes if (n.title or n.text).startswith(start_of_text))


def _turn_containing(episode: Episode, second: int) -> int:
    return next(t.index for t in episode.turns if t.start <= second < max(t.end, t.start + 1))


def test_every_explicit_timestamp_links_its_turn_first(default_episode: Episode) -> None:
    timed = [n for n in default_episode.notes if n.times]
    assert len(timed) >= 10
    for note in timed:
        first = note.related[0]
        assert first.reason == "timestamp"
        assert first.turn == _turn_containing(default_episode, note.times[0].start), note.id
        assert first.chapter == default_episode.turns[first.turn].chapter
        assert first.at == note.times[0]
        assert evidence_words(note, first).startswith("at ")


def test_section_heading_time_is_weaker_evidence(default_episode: Episode) -> None:
    shifting = _note(default_episode, "Shifting Focus from Scaling to Research")
    assert shifting.times == () and shifting.section_times
    first = shifting.related[0]
    assert (first.reason, first.turn) == ("timestamp", _turn_containing(default_episode, 1276))
    assert evidence_words(shifting, first) == "heading at 21:16"
    explicit = _note(default_episode, "Beyond Pre-training")
    assert first.score < explicit.related[0].score
    assert evidence_words(explicit, explicit.related[0]) == "at 21:02"


def test_time_in_an_ad_break_belongs_to_the_turn_around_it(default_episode: Episode) -> None:
    # 33:51 falls in the sponsor read, inside the 32:28 turn that runs until 35:45.
    gemini = _note(default_episode, "Leveraging AI for Research")
    assert default_episode.turns[gemini.related[0].turn].start == 1948
    assert gemini.related[0].at == Span(2031, 2134)


def test_quote_with_small_wording_differences(default_episode: Episode) -> None:
    comment = _note(default_episode, "I’m really glad you kept that casual")
    first = comment.related[0]
    assert first.reason == "quote"
    assert first.quote == "it’s happening and straight out of science fiction"
    assert "straight out of science fiction" in default_episode.turns[first.turn].text
    assert evidence_words(comment, first) == "quote"


def test_quote_found_in_many_turns_is_not_evidence(default_episode: Episode) -> None:
    # "age of research" is said in several chapters: the heading time decides, not the quote.
    shifting = _note(default_episode, "Shifting Focus from Scaling to Research")
    assert all(link.reason != "quote" for link in shifting.related)


def test_weak_evidence_means_the_whole_episode(default_episode: Episode) -> None:
    for text in ("I’m halfway through", "Ilya is great.", "💥", "https://substack.com/@jess"):
        assert _note(default_episode, text).related == ()


def test_what_a_new_user_saw_is_no_longer_placed(default_episode: Episode) -> None:
    """The issue's three: a claim the interview never makes (bubble, dot-com), the thread's
    intro, and a comment that shares only "podcast" (and "listen") with one turn."""
    for start in (
        'The current "AI bubble" is compared to the dot-com bubble',
        "Ilya Sutskever just gave his first interview in two years",
        "Idk if you read these DP BUT listened to your Lane podcast",
    ):
        assert _note(default_episode, start).related == (), start


def test_links_are_best_first_and_bounded(default_episode: Episode) -> None:
    for note in default_episode.notes:
        scores = [link.score for link in note.related]
        assert scores == sorted(scores, reverse=True)
        assert len(scores) <= 3
        assert len({link.turn for link in note.related}) == len(note.related)


def test_placed_by_wording_says_which_terms(default_episode: Episode) -> None:
    """Every wording placement names at least two distinctive terms, as the note writes them."""
    placed = [n for n in default_episode.notes if n.related and n.related[0].reason == "similar"]
    assert placed
    for note in placed:
        link = note.related[0]
        assert len(link.shared) >= 2, note.id
        text = f"{note.title or ''} {note.text}".lower()
        assert all(term in text for term in link.shared), (note.id, link.shared)
        assert evidence_words(note, link) == "shares: " + ", ".join(link.shared[:3])


def test_side_pane_groups(default_episode: Episode) -> None:
    related = RelatedNotes(default_episode)
    ideas = _note(default_episode, "Ideas Over Pure Compute")
    turn = ideas.related[0].turn
    groups = related.for_turn(turn)
    assert ideas in [note for note, _ in groups.passage]
    assert all(link.turn == turn for _, link in groups.passage)
    chapter = default_episode.turns[turn].chapter
    assert groups.chapter, "other notes are placed elsewhere in this chapter"
    assert all(link.turn != turn and link.chapter == chapter for _, link in groups.chapter)
    assert _note(default_episode, "I’m halfway through") in groups.episode
    placed = {note.id for note, _ in groups.passage + groups.chapter}
    assert not placed & {note.id for note in groups.episode}
    for _, link in groups.chapter:
        assert related.place_time(link) is not None


# -- placement by wording, on episodes the linker has never seen ------------------------------


def _episode(tmp_path: Path, chapters: list[tuple[str, list[str]]], notes: list[str]) -> Episode:
    """A made-up conversation: chapters of turns (two speakers, a minute apart) and a note file
    of bullets."""
    folder = tmp_path / "made-up"
    folder.mkdir()
    heads, page, minute = [], [], 0
    for title, turns in chapters:
        heads.append(f"(00:{minute:02d}:00) - {title}")
        for text in turns:
            who = ("Ana Ruiz", "Bo Chen")[len(page) % 2]
            page.append(f"{who} 00:{minute:02d}:00\n\n{text}\n")
            minute += 1
    (folder / "transcript.txt").write_text("\n\n".join(heads) + "\n\n" + "\n".join(page))
    bullets = "".join(f"- {note}\n" for note in notes)
    (folder / "notes.md").write_text(f"---\ntitle: Made up\n---\n## Notes\n\n{bullets}")
    (episode,) = Library.open(folder).episodes
    return episode


BEES = [
    (
        "Swarms",
        [
            "Welcome. Today we talk about honeybees and how a colony decides where to live.",
            "Swarming starts when the queen leaves the hive with half the colony.",
            "So the scouts dance to vote on a new nest site? How does the waggle dance work?",
            "The waggle dance encodes the distance and the direction of the nest site.",
            "And the scouts keep dancing until one nest site wins the vote.",
            "Yes, the swarm follows the scouts once enough of them dance for one site.",
        ],
    ),
    (
        "Mites",
        [
            "Let us turn to varroa mites, the parasite that weakens a colony.",
            "Varroa mites feed on the larvae; beekeepers treat hives with oxalic acid.",
            "And oxalic acid does not harm the bees themselves?",
            "Used in winter, when there is no brood, oxalic acid mostly reaches the mites.",
            "How many beekeepers lose colonies to varroa every winter?",
            "Many: untreated varroa mites can kill a colony within two winters.",
            "Is oxalic acid the only treatment against varroa?",
            "No, but oxalic acid is cheap, and varroa mites have not learned to resist it.",
            "Why treat in winter? Because the mites hide in the capped brood the rest of the year.",
        ],
    ),
    (
        "Honey",
        [
            "Finally, honey. How much honey does a strong colony make in a summer?",
            "A strong colony can store thirty kilos of honey in a good summer.",
            "And beekeepers take only what the colony can spare.",
            "Right, and the honey harvest depends on the flowers near the hive.",
        ],
    ),
    (
        "Pollination",
        [
            "Beyond honey, bees pollinate crops. Which crops need them most?",
            "Almonds, apples and blueberries depend on pollination by bees.",
            "Do farmers rent hives for pollination?",
            "They do: trucks carry hives to the almond orchards every spring.",
        ],
    ),
    (
        "Wax",
        [
            "What about beeswax? Where does the wax come from?",
            "Young workers make wax from glands under the abdomen to build the comb.",
            "And people turn the old comb into candles and polish.",
            "Yes, beeswax candles burn longer than paraffin ones.",
        ],
    ),
    (
        "Stings",
        [
            "Last question: does a bee die when it stings?",
            "A worker does: the barbed sting stays in the skin and tears away.",
            "So a sting is a sacrifice for the colony.",
            "Exactly, which is why bees sting only to defend the hive.",
        ],
    ),
]


def test_a_note_sharing_several_distinctive_terms_with_one_chapter_is_placed(
    tmp_path: Path,
) -> None:
    episode = _episode(
        tmp_path,
        BEES,
        ["Beekeepers fight varroa mites with oxalic acid in winter, when there is no brood."],
    )
    (note,) = [n for n in episode.notes if n.source == "Obsidian note"]
    (link,) = note.related
    assert (link.reason, link.chapter) == ("similar", 1)
    assert {"varroa", "mites", "oxalic acid"} <= set(link.shared)
    assert episode.turns[link.turn].text.startswith(("Varroa mites feed", "Used in winter"))


def test_one_shared_word_never_places_a_note(tmp_path: Path) -> None:
    """ "colony" is said in every chapter; "queen" once: neither singles out a passage, and one
    distinctive term alone ("waggle") is not enough either."""
    episode = _episode(
        tmp_path,
        BEES,
        [
            "My colony died last year, sadly.",
            "The queen is the mother of the whole colony.",
            "I saw a waggle once at a fair.",
            "Great episode!",
        ],
    )
    notes = [n for n in episode.notes if n.source == "Obsidian note"]
    assert [n.related for n in notes] == [(), (), (), ()]


def test_terms_shared_evenly_with_two_chapters_place_nothing(tmp_path: Path) -> None:
    """No clear margin over the next chapter: the note is about the whole episode."""
    episode = _episode(
        tmp_path,
        BEES,
        ["The scouts dance for a nest site while the varroa mites need oxalic acid."],
    )
    (note,) = [n for n in episode.notes if n.source == "Obsidian note"]
    assert note.related == ()


def test_times_and_quotes_still_place_on_an_unseen_episode(tmp_path: Path) -> None:
    episode = _episode(
        tmp_path,
        BEES,
        ["**Queen** (1:05) leaves with half the colony", 'He said "one nest site wins the vote"'],
    )
    queen, vote = [n for n in episode.notes if n.source == "Obsidian note"]
    assert (queen.related[0].turn, queen.related[0].reason) == (1, "timestamp")
    assert queen.related[0].at == Span(65, 65)
    assert (vote.related[0].turn, vote.related[0].reason) == (4, "quote")


# -- the measures (tests/bench/related_eval.py; RESULTS.md has the figures) -----------------


@pytest.mark.skipif(LABELS is None, reason="shared/eval is not beside the repository")
def test_placement_on_the_dev_sample_does_not_regress(default_episode: Episode) -> None:
    assert LABELS is not None
    result = evaluate(default_episode, LABELS)
    assert result.explicit_precision == 1.0, result.misses
    assert result.placed_precision >= 0.9, result.misses
    assert result.coverage >= 0.8, result.misses
    assert result.turn_precision >= 0.85, result.misses


def test_placement_on_the_held_out_samples_does_not_regress(default_episode: Episode) -> None:
    """Floors under the measured figures (RESULTS.md), not the targets."""
    results = [evaluate(default_episode, labels) for labels in HELD_OUT]
    placed = sum(r.placed_hits for r in results) / sum(r.placed_total for r in results)
    kept = sum(r.episode_hits for r in results) / sum(r.episode_total for r in results)
    assert placed >= 0.75, [r.misses for r in results]
    assert kept >= 0.9, [r.misses for r in results]


# -- the evidence in the exports -----------------------------------------------------------


def test_json_export_carries_the_evidence(default_episode: Episode) -> None:
    from index.library import episode_to_dict

    notes = {n["id"]: n for n in episode_to_dict(default_episode)["notes"]}
    beyond = notes[_note(default_episode, "Beyond Pre-training").id]["related"][0]
    assert (beyond["reason"], beyond["at"], beyond["quote"]) == ("timestamp", [1262, 1262], None)
    casual = notes[_note(default_episode, "I’m really glad you kept").id]["related"][0]
    assert casual["quote"] == "it’s happening and straight out of science fiction"
    doctor = notes[_note(default_episode, "I wonder how that doctor").id]["related"][0]
    assert doctor["reason"] == "similar" and doctor["shared"][:2] == ["emotions", "bad"]
    assert doctor["at"] is None and doctor["quote"] is None
    assert notes[_note(default_episode, "💥").id]["related"] == []


def test_markdown_export_lists_the_notes_placed_on_a_marked_passage(
    default_episode: Episode,
) -> None:
    from index.marks import Bookmark, episode_markdown

    doctor = _note(default_episode, "I wonder how that doctor").related[0].turn
    gemini = _note(default_episode, "Leveraging AI for Research").related[0].turn
    marks = [Bookmark(default_episode.id, turn, "2026-01-01") for turn in (doctor, gemini)]
    text = episode_markdown(default_episode, marks, [])
    assert "*Placed on this passage:*" in text
    assert "- *Reader comments, shares: emotions, bad, hunger:* I wonder how that doctor" in text
    assert "- *Obsidian note, at 33:51-35:34:* **Leveraging AI for Research** The podcast" in text
    assert "dot-com" not in text


WORDS = ["value", "functions", "the", "of", "Ilya", "pre-training", "U.S.", "it's", "research"]


@given(
    st.lists(st.sampled_from([*WORDS, " ", ", ", ". ", "? ", "\n", "—", "3.5", "é"]), max_size=40),
    st.sets(st.sampled_from(["valu", "the", "research"])),
)
def test_a_turn_is_counted_by_the_keys_its_notes_are_matched_by(
    parts: list[str], ignored: set[str]
) -> None:
    """Turns are counted in one pass (`_turn_terms`), notes through `_units`: the same keys;
    and the words that pass gives for finding quotes are `analysis.words`' where it uses them
    (a turn with a dot inside a word is read by `words` itself)."""
    text, ignoring = "".join(parts), frozenset(ignored)
    keys, said = _turn_terms(text, ignoring)
    assert Counter(keys) == Counter(u.key for u in _units(text, ignoring))
    if not _DOTTED.search(text):
        assert said == words(text)
