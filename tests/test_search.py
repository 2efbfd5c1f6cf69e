"""Searching as a person types: ranking, filters, phrases, prefixes, fuzzy terms, highlights,
and inputs that must never raise."""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from index.library import Library
from index.search import Hit, SearchIndex
from index.search import query as query_module
from index.search.index import KEYSTROKE_TIME_LIMIT
from index.search.query import compile_query
from tests.seeds import DEFAULT_EPISODE_DIR
from tests.unhurried import Unhurried

HOSTILE = [
    '"unbalanced',
    'value "',
    "value AND",
    "value OR",
    "NOT",
    "NOT OR x",
    "AND OR NOT",
    "(((",
    ")))",
    "*",
    "~",
    "~~2",
    "-",
    "--",
    ":",
    "speaker:",
    'speaker:"',
    "kind:nonsense",
    "chapter:(",
    "x~9",
    "*value*",
    "\x00\x1b[2J",
    "",
    "   ",
    "a",
    "é",
    "https://example.com/p?x=1",
]
VALIDATION_SENTENCE = "Sure. The validation of these ideas takes a long time."


@pytest.fixture(scope="module")
def library_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two episodes: the bundled one, and a copy with a sentence about validation added."""
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(DEFAULT_EPISODE_DIR, root / "first")
    second = root / "second"
    shutil.copytree(DEFAULT_EPISODE_DIR, second)
    page = second / "transcript-page.txt"
    text = page.read_text(encoding="utf-8")
    marker = "Ilya Sutskever 00:00:47\n\nSure.\n"
    assert marker in text
    page.write_text(text.replace(marker, marker.replace("Sure.", VALIDATION_SENTENCE)), "utf-8")
    return root


@pytest.fixture(scope="module")
def library(library_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(tmp_path_factory.mktemp("earmark-home")))
        yield Library.open(library_dir)


@pytest.fixture(scope="module")
def two(library: Library, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(tmp_path_factory.mktemp("earmark-home")))
        index = Unhurried.open(library)
    yield index
    index.close()


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The index of the bundled library, as `earmark search` builds it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(tmp_path_factory.mktemp("earmark-home")))
        index = Unhurried.open(Library.open(DEFAULT_EPISODE_DIR.parent))
    yield index
    index.close()


@pytest.fixture(scope="module")
def texts(library: Library) -> dict[str, str]:
    """Every indexed document's full text by hit id."""
    found = {}
    for episode in library.episodes:
        found |= {episode.turn_id(turn): turn.text for turn in episode.turns}
        found |= {note.id: note.text for note in episode.notes}
        found |= {f"{episode.id}/c/{c.index}": c.title for c in episode.chapters}
    return found


@pytest.fixture(scope="module")
def validation_turn(texts: dict[str, str]) -> str:
    (found,) = [hit_id for hit_id, text in texts.items() if "validation" in text.lower()]
    return found


def lit(hit: Hit) -> list[str]:
    return [hit.snippet[start:end].lower() for start, end in hit.highlights]


def test_value_function_has_a_turn_of_its_chapter_in_the_top_5(bundled: SearchIndex) -> None:
    top = bundled.search("value function").hits[:5]
    assert any(h.kind == "turn" and h.chapter_title == "Emotions and value functions" for h in top)


def test_speaker_and_phrase_put_an_ilya_turn_first(bundled: SearchIndex) -> None:
    first = bundled.search('speaker:ilya "age of research"').hits[0]
    assert (first.kind, first.speaker) == ("turn", "Ilya Sutskever")


@pytest.mark.parametrize("kind", ["comment", "summary", "chapter", "turn"])
def test_kind_filter_returns_that_kind_only(bundled: SearchIndex, kind: str) -> None:
    hits = bundled.search(f"kind:{kind}").hits
    assert hits
    assert {hit.kind for hit in hits} == {kind}
    assert {hit.kind for hit in bundled.search(f"research kind:{kind}").hits} == {kind}


def test_kind_filter_accepts_a_start_or_a_plural(bundled: SearchIndex) -> None:
    for typed in ("kind:comm", "kind:comments"):
        assert {hit.kind for hit in bundled.search(f"model {typed}").hits} == {"comment"}


def test_speaker_filter_keeps_that_speaker(bundled: SearchIndex) -> None:
    hits = bundled.search("speaker:dwarkesh research").hits
    assert hits
    assert {hit.speaker for hit in hits} == {"Dwarkesh Patel"}


@pytest.mark.parametrize("excluded", ["-speaker:dwarkesh", '-speaker:"dwarkesh patel"'])
def test_an_excluded_speaker_is_left_out(bundled: SearchIndex, excluded: str) -> None:
    hits = bundled.search(f"research {excluded}").hits
    assert hits
    assert "Dwarkesh Patel" not in {hit.speaker for hit in hits}


def test_chapter_filter_keeps_that_chapter(bundled: SearchIndex) -> None:
    hits = bundled.search("chapter:emotions value").hits
    assert hits
    assert {hit.chapter_title for hit in hits} == {"Emotions and value functions"}
    assert {hit.chapter for hit in hits} == {1}


def test_source_filter_keeps_that_source(bundled: SearchIndex) -> None:
    hits = bundled.search("source:obsidian research").hits
    assert hits
    assert {hit.source for hit in hits} == {"Obsidian note"}


def test_episode_filter_keeps_that_episode(two: SearchIndex) -> None:
    assert {hit.episode for hit in two.search("research").hits} == {"first", "second"}
    assert {hit.episode for hit in two.search("episode:sec research").hits} == {"second"}
    assert {hit.episode for hit in two.search("research -episode:second").hits} == {"first"}


def test_a_search_of_one_episode_finds_all_its_hits_and_no_others(two: SearchIndex) -> None:
    """What n/N step through: every hit in the episode, however many, whatever the query."""
    for query in ("research", 'speaker:ilya "age of research"', "valid", "the"):
        everywhere = two.search(query, None, time_limit=5).hits
        assert everywhere, query
        first = two.search(query, None, episode="first", time_limit=5)
        assert not first.timed_out
        assert {hit.id for hit in first.hits} == {h.id for h in everywhere if h.episode == "first"}
    assert len(two.search("the", None, episode="first", time_limit=5).hits) > 100
    assert two.search("research", None, episode="no-such-episode").hits == ()


def test_phrase_finds_the_words_in_a_row(two: SearchIndex, texts: dict[str, str]) -> None:
    hits = two.search('"age of research"').hits
    assert hits
    for hit in hits:
        folded = " ".join(re.findall(r"\w+", texts[hit.id].lower()))
        assert "age of research" in folded


def test_finished_words_match_by_stem(bundled: SearchIndex) -> None:
    words = {word for hit in bundled.search("generalizes ").hits for word in lit(hit)}
    assert {"generalization", "generalize"} <= words


@pytest.mark.parametrize("typed", ["valid", "valida", "validat", "validatio", "validation"])
def test_the_word_being_typed_is_a_prefix(
    two: SearchIndex, validation_turn: str, typed: str
) -> None:
    hits = two.search(typed).hits
    assert validation_turn in [hit.id for hit in hits]
    assert "validation" in lit(next(hit for hit in hits if hit.id == validation_turn))


def test_a_prefix_follows_finished_words(two: SearchIndex, validation_turn: str) -> None:
    assert validation_turn in [hit.id for hit in two.search("ideas validat").hits[:3]]


@pytest.mark.parametrize("typed", ["generaliz", "sutskevr~", "sutskever~1", "generalisation~"])
def test_half_words_and_typos_find_things(bundled: SearchIndex, typed: str) -> None:
    assert bundled.search(typed).hits


def test_fuzzy_lights_the_words_it_matched(bundled: SearchIndex) -> None:
    hits = bundled.search("sutskevr~").hits
    assert all(any(word.startswith("sutskev") for word in lit(hit)) for hit in hits)


def test_highlights_are_offsets_of_the_matched_words(bundled: SearchIndex) -> None:
    hits = bundled.search("value function").hits
    assert all(hit.highlights for hit in hits)
    for hit in hits:
        assert all(w.startswith(("valu", "function")) for w in lit(hit)), hit
        assert "\n" not in hit.snippet


def test_or_and_not(two: SearchIndex, texts: dict[str, str]) -> None:
    def found(typed: str) -> set[str]:
        return {hit.id for hit in two.search(typed, limit=100).hits}

    jagged, sentient = found("jaggedness "), found("sentient ")
    assert jagged and sentient
    assert found("jaggedness OR sentient ") == jagged | sentient
    without = found("value NOT function ")
    assert without
    assert not any("function" in texts[hit_id].lower() for hit_id in without)
    assert found("value -function ") == without


def test_limit(bundled: SearchIndex) -> None:
    assert len(bundled.search("research", limit=3).hits) == 3
    assert bundled.search("research", limit=0).hits == ()


def test_hits_are_best_first(bundled: SearchIndex) -> None:
    scores = [hit.score for hit in bundled.search("superintelligence").hits]
    assert scores == sorted(scores, reverse=True)


def test_a_query_out_of_time_returns_what_it_found(bundled: SearchIndex) -> None:
    hits = bundled.search("research", time_limit=0.0).hits
    assert len(hits) <= 20


@pytest.mark.parametrize("typed", HOSTILE)
def test_nothing_typed_raises(bundled: SearchIndex, typed: str) -> None:
    assert isinstance(bundled.search(typed, time_limit=KEYSTROKE_TIME_LIMIT).hits, tuple)


@settings(deadline=None)  # the 10,000-character example takes longer than hypothesis's default
@given(st.text(max_size=60))
@example("\x00\x1b[2J\x1b]0;title\x07 \x9b31m value")
@example("".join(chr(0x20 + (i * 7919) % 0x2FF0) for i in range(10_000)))  # 10,000 characters
@example("research " * 1_200)
def test_no_string_raises(bundled: SearchIndex, typed: str) -> None:
    for hit in bundled.search(typed, limit=5, time_limit=KEYSTROKE_TIME_LIMIT).hits:
        assert all(0 <= s < e <= len(hit.snippet) for s, e in hit.highlights)


PIECES = ['"', "(", ")", "AND", "OR", "NOT", "-", "*", "~", "kind:", "speaker:il", "va", " ", "v"]


@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_no_mix_of_operators_raises(bundled: SearchIndex, parts: list[str]) -> None:
    found = bundled.search("".join(parts), time_limit=KEYSTROKE_TIME_LIMIT)
    assert isinstance(found.hits, tuple)


def test_a_short_prefix_is_one_term_not_an_expansion(bundled: SearchIndex) -> None:
    reader = bundled._searcher.reader()
    for typed in ("v", "va", "val"):
        assert compile_query(typed, reader).query == wq.Term("grams", typed)
    # After other words a one- or two-letter start does not count yet.
    assert compile_query("value f", reader).query == wq.Term("body", "valu")


def test_filter_expansions_are_bounded(
    bundled: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(query_module, "MAX_EXPANSION", 2)
    compiled = compile_query("chapter:s", bundled._searcher.reader())
    assert compiled.query is not None
    assert len([leaf for leaf in compiled.query.leaves() if leaf.field() == "chapter"]) == 2


def test_only_exclusions_or_stop_words_find_nothing(bundled: SearchIndex) -> None:
    reader = bundled._searcher.reader()
    for typed in ("NOT value", "-value", "the of and ", ""):
        assert compile_query(typed, reader).query is None


# -- the work a query makes is bounded, whatever is typed or pasted ---------------------------


@pytest.fixture(scope="module")
def transcript_words(library: Library) -> list[str]:
    """The bundled transcript's words in order, as a person would paste them."""
    return " ".join(turn.text for turn in library.episodes[0].turns).split()


def _leaves(compiled: query_module.Compiled) -> list[wq.Query]:
    return list(compiled.query.leaves()) if compiled.query is not None else []


def test_a_pasted_passage_searches_its_first_terms_and_says_so(
    bundled: SearchIndex, transcript_words: list[str]
) -> None:
    pasted = " ".join(transcript_words[:300])
    compiled = compile_query(pasted, bundled._searcher.reader())
    assert len(_leaves(compiled)) == query_module.MAX_TERMS
    assert len(compiled.marks.terms) == query_module.MAX_TERMS
    (note,) = compiled.notes
    assert "more words left out" in note and str(query_module.MAX_TERMS) in note
    assert bundled.search(pasted).notes == compiled.notes


def test_a_repeated_term_or_clause_counts_once(bundled: SearchIndex) -> None:
    reader = bundled._searcher.reader()
    value = wq.Term("body", "valu")
    for typed in ("value " * 300, " OR ".join(["value"] * 200) + " ", "value value NOT x NOT x"):
        compiled = compile_query(typed, reader)
        assert compiled.query in (value, wq.AndNot(value, wq.Term("body", "x"))), typed
        assert compiled.notes == ()
    # Past the characters read, what was cut is said, even when it only repeated the rest.
    long = compile_query(" OR ".join(["value"] * 10_000), reader)
    assert long.query == value
    assert long.notes == (
        f"only the first {query_module.MAX_QUERY_CHARS:,} characters were searched",
    )


def test_a_long_phrase_is_searched_by_its_first_words(
    bundled: SearchIndex, library: Library
) -> None:
    longest = max(library.episodes[0].turns, key=lambda turn: len(turn.text))
    quoted = '"' + " ".join(longest.text.split()[:300]) + '"'
    compiled = compile_query(quoted, bundled._searcher.reader())
    assert isinstance(compiled.query, wq.Phrase)
    assert len(compiled.query.words) == query_module.MAX_PHRASE_TERMS
    assert f"a phrase is searched by its first {query_module.MAX_PHRASE_TERMS} words" in (
        compiled.notes
    )
    # Its first words in a row are where they were said.
    assert bundled.search(quoted).hits[0].start == longest.start


def test_fuzzy_and_filter_words_are_bounded(bundled: SearchIndex) -> None:
    reader = bundled._searcher.reader()
    fuzzy = compile_query(" ".join(f"{word}~" for word in ("value", "model", "train") * 10), reader)
    expansions = [leaf for leaf in _leaves(fuzzy) if leaf.field() == "grams"]
    assert 0 < len(expansions) <= 3 * query_module.MAX_EXPANSION  # three words, each once
    several = " ".join(f"speaker:{letter}" for letter in "abcdefghij")
    compiled = compile_query(f"research {several}", reader)
    speakers = {leaf.text[0] for leaf in _leaves(compiled) if leaf.field() == "speaker"}
    assert len(speakers) <= query_module.MAX_EXPANSIONS
    assert any("fuzzy or filter words left out" in note for note in compiled.notes)


def test_compiling_stops_at_the_deadline(bundled: SearchIndex) -> None:
    reader = bundled._searcher.reader()
    assert compile_query("sutskevr~", reader, deadline=0.0).cut
    assert not compile_query("sutskevr~", reader).cut
    assert bundled.search("sutskevr~", time_limit=0.0).timed_out
    assert bundled.search("sutskevr~", time_limit=2.0).hits


def test_a_one_letter_explicit_prefix_is_answered(bundled: SearchIndex) -> None:
    hits = bundled.search("a*").hits
    assert hits
    assert all(word.startswith("a") for hit in hits for word in lit(hit))


def test_only_exclusions_say_why_nothing_is_found(bundled: SearchIndex) -> None:
    found = bundled.search("-value")
    assert found.hits == ()
    assert found.notes == ("-word and NOT word only leave things out: add a word to search for",)


def test_a_search_returns_the_marks_that_light_its_words(bundled: SearchIndex) -> None:
    found = bundled.search("value functio")
    assert found.marks.terms == {"valu"} and found.marks.prefixes == ("functio",)
    assert not found.timed_out


VOCABULARY = ["value", "function", "research", "age", "of", "a", "x", "the", "emotion"]
OPERATORS = ["OR", "NOT", "AND", "-value", '"', "(", ")", "speaker:il", "kind:c", "v*", "sutskevr~"]


# A quarter of the profile's examples: each one makes up to 5,000 words.
@settings(deadline=None, max_examples=max(1, settings.default.max_examples // 4))
@given(
    st.integers(min_value=1, max_value=5_000),
    st.randoms(use_true_random=False),
    st.sampled_from([" ", "  ", "\n"]),
)
@example(5_000, random.Random(0), " ")
def test_long_queries_of_1_to_5000_words_are_bounded(
    bundled: SearchIndex, length: int, rng: random.Random, space: str
) -> None:
    words = rng.choices(VOCABULARY + OPERATORS, k=length)
    typed = space.join(words)
    compiled = compile_query(typed, bundled._searcher.reader())
    bound = query_module.MAX_TERMS + query_module.MAX_EXPANSIONS * query_module.MAX_EXPANSION
    assert len(_leaves(compiled)) <= bound
    found = bundled.search(typed, limit=5, time_limit=KEYSTROKE_TIME_LIMIT)
    assert len(found.hits) <= 5
    assert all(0 <= s < e <= len(hit.snippet) for hit in found.hits for s, e in hit.highlights)


def test_a_turn_hit_knows_its_turn(bundled: SearchIndex) -> None:
    hits = bundled.search("sentient").hits
    turn_hits = [hit for hit in hits if hit.kind == "turn"]
    assert turn_hits and all(hit.id.endswith(f"/t/{hit.turn}") for hit in turn_hits)
    assert all(hit.turn is None for hit in hits if hit.kind != "turn")


def test_hits_without_snippets_are_the_same_hits(two: SearchIndex) -> None:
    """What n/N asks for: every hit of one episode, where it is, no text lit."""
    lit = two.search("the model", None, episode="first")
    bare = two.search("the model", None, episode="first", snippets=False)
    assert [hit.id for hit in bare.hits] == [hit.id for hit in lit.hits] and len(lit.hits) > 10
    assert all(hit.snippet == "" and hit.highlights == () for hit in bare.hits)
    assert bare.marks == lit.marks
