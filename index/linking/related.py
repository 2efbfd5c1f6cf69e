"""Which passage each summary point and comment talks about, and the evidence that says so.

For every note, an ordered list of `Link`, strongest evidence first (docs/related.md explains the
method, its thresholds and how they were measured):

1. ``timestamp``: a time the note mentions (score 1.0) or its section heading carries (0.7),
   resolved to the turn whose span contains it (``at``: that time);
2. ``quote``: a quoted phrase of the note whose words appear, nearly in order, in one turn
   (0.75 to 0.95 by how much of the phrase is found; ``quote``: the phrase);
3. ``similar``: the note is placed on a chapter only when it shares several *distinctive*
   terms with it — terms the chapter says at least twice and at least twice as often as the
   episode as a whole — and that evidence beats the next chapter's by a clear margin
   (``shared``: those terms, as the note writes them). Its turn is given only when one turn
   holds most of that evidence; otherwise the link names the chapter alone.

A note with no timestamp, no quote found and no chapter singled out is about the whole episode:
its ``related`` is empty. Precision comes first: a guess shown as a fact misleads, a note left
with the whole episode does not. Nothing here knows any particular document: the thresholds are
counts and likelihood ratios within the episode, so they carry to unseen episodes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import chain, pairwise

from index.analysis import MIN_WORD, STOP_WORDS, stem, words
from index.model import Episode, Link, Note, Span
from index.timeline import Timeline

EXPLICIT_TIME_SCORE = 1.0
SECTION_TIME_SCORE = 0.7
QUOTE_SCORE_RANGE = (0.75, 0.95)
SIMILAR_SCORE_MAX = 0.65
MAX_LINKS = 3

# A quote counts when at least this share of its word pairs occurs in one turn.
QUOTE_MIN_COVERAGE = 0.6
QUOTE_MIN_WORDS = 3

# Placement by shared wording (chosen on the dev labels, checked on the held-out ones; see
# docs/related.md). A term's evidence for a chapter is log(P(chapter | term) / P(chapter)), with
# P(chapter | term) smoothed by SMOOTHING occurrences spread over the chapters by length, so a
# term said once or twice says little. It is *distinctive* for the chapter when the chapter says
# it at least MIN_TERM_COUNT times and at least twice as often as the episode does
# (MIN_TERM_EVIDENCE = log 2). A note is placed when it shares MIN_SHARED distinctive terms
# with the best chapter and their evidence exceeds the next chapter's by MIN_MARGIN (a
# likelihood ratio of e^3 ≈ 20, about two strong terms' worth).
SMOOTHING = 3.0
MIN_TERM_COUNT = 2
MIN_TERM_EVIDENCE = math.log(2)
MIN_SHARED = 2
MIN_MARGIN = 3.0
# The turn is named when it holds at least MIN_SHARED of the shared terms and this share of
# their evidence; otherwise the note is about the chapter as a whole.
TURN_MIN_SHARE = 0.5
SHARED_SHOWN = 4

# English function words: they carry grammar, not topic, in any document. The search analyzer's
# stop list is kept short on purpose (a search for "to be" must work); placement needs more.
FUNCTION_WORDS = frozenset(
    """
    about above across after again against all almost also although always am among another
    any anybody anyone anything anyway around because been before being below between both but
    cannot could did do does doing done down during each either else enough even ever every
    everybody everyone everything few further had has having he her here hers herself him
    himself his how however i into its itself just least less let like lot lots many me might
    mine more most much must my myself neither never no nobody none nor nothing now off often
    once one only onto other others otherwise our ours ourselves out over own per perhaps quite
    rather really same several shall she should since so some somebody someone something
    sometimes somewhat still such than their theirs them themselves then there these they thing
    things those though through thus too toward towards under until up upon very via was were
    what whatever whenever where whether which while who whom whose why would yours yourself
    yourselves isn aren wasn weren don doesn didn won wouldn shouldn couldn ll ve re
    """.split()  # noqa: SIM905 (a word list reads best as words)
)

_NOT_CONTENT = STOP_WORDS | FUNCTION_WORDS

_QUOTED = re.compile(r"[“\"]([^”\"]{8,400})[”\"]")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|io|ai|dev|co)/\S*")
# Terms pair up into phrases ("value function") only within a clause.
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"“”‘’—–…\n]+")
_DOTTED = re.compile(r"\w\.\w")
# Within a clause a word is a run of \w: a dot inside a word (`analysis`) ends a clause.
_CLAUSE_WORD = re.compile(r"\w+")
_WORD_OR_CLAUSE_END = re.compile(r"(\w+)|" + _CLAUSE.pattern)


def link_notes(episode: Episode) -> Episode:
    """The episode with every note's ``related`` filled in."""
    if not episode.turns:
        return episode
    linker = _Linker(episode)
    return replace(episode, notes=tuple(replace(n, related=linker.links(n)) for n in episode.notes))


@dataclass(frozen=True, slots=True)
class _Unit:
    """A term or a pair of adjacent terms, with the words the text wrote it in."""

    key: str
    written: str


def _units(text: str, ignored: frozenset[str] = frozenset()) -> list[_Unit]:
    """The distinctive-term candidates of ``text``: each content word's stem, and each pair of
    adjacent content words within a clause (``value functions`` → ``valu function``)."""
    units = []
    for clause in _CLAUSE.split(text):
        found = [
            (key, *match.span())
            for match in _CLAUSE_WORD.finditer(clause)
            if (key := _content_key(match.group())) is not None and key not in ignored
        ]
        units += [_Unit(key, clause[start:end].lower()) for key, start, end in found]
        units += [
            _Unit(f"{a} {b}", clause[a_start:b_end].lower())
            for (a, a_start, _), (b, _, b_end) in pairwise(found)
            if a != b
        ]
    return units


def _turn_terms(text: str, ignored: frozenset[str]) -> tuple[list[str], list[str]]:
    """The keys of `_units` (in another order, without the words as written): what a turn is
    counted by; and its words, lower-cased, of `MIN_WORD` letters or more. Both from one pass
    over the text: within a clause a word is a run of ``\\w`` (a dot ends a clause), which
    is `analysis.words` of a text with no dot inside a word."""
    keys, said = [], []
    previous = None
    for word in _WORD_OR_CLAUSE_END.findall(text):
        if not word:  # the clause ended: no pair across it
            previous = None
            continue
        if len(word) >= MIN_WORD:
            said.append(word.lower())
        if (key := _content_key(word)) is None or key in ignored:
            continue
        keys.append(key)
        if previous is not None and previous != key:
            keys.append(f"{previous} {key}")
        previous = key
    return keys, said


@lru_cache(maxsize=200_000)
def _content_key(word: str) -> str | None:
    """A word as written → its stem, or None for a short, stop or function word: once per
    word, where a turn says its common words again and again."""
    if len(word) < MIN_WORD or (word := word.lower()) in _NOT_CONTENT:
        return None
    return stem(word)


class _Linker:
    """Per-episode statistics, computed once, and the evidence rules applied to each note."""

    def __init__(self, episode: Episode) -> None:
        self.turns = episode.turns
        self.timeline = Timeline(episode.turns)
        # Names say who speaks, not about what: "Ilya argues…" is no evidence of where.
        self.names = frozenset(
            stem(word)
            for name in (*(turn.speaker for turn in episode.turns), *episode.guests)
            for word in words(name)
        )
        turn_keys, self._turn_words = [], []
        for turn in episode.turns:
            keys, said = _turn_terms(turn.text, self.names)
            turn_keys.append(keys)
            # A word with a dot inside ("gemini.google") is one word to `words`, two here.
            self._turn_words.append(words(turn.text) if _DOTTED.search(turn.text) else said)
        self.turn_units = [Counter(keys) for keys in turn_keys]
        chapters = max(turn.chapter for turn in episode.turns) + 1
        self.chapter_turns: list[list[int]] = [[] for _ in range(chapters)]
        for turn in episode.turns:
            self.chapter_turns[turn.chapter].append(turn.index)
        # Counted from the keys at once (in C), not by adding up the turns' counters.
        self.chapter_units = [
            Counter(chain.from_iterable(turn_keys[index] for index in turns))
            for turns in self.chapter_turns
        ]
        self.episode_units = Counter(chain.from_iterable(turn_keys))
        lengths = [sum(n for k, n in c.items() if " " not in k) for c in self.chapter_units]
        total = sum(lengths) or 1
        self.chapter_share = [length / total for length in lengths]

    @cached_property
    def turn_pairs(self) -> list[set[tuple[str, str]]]:
        """Each turn's pairs of adjacent words, for finding quotes: made when a note first
        quotes a phrase long enough to look for."""
        return [set(pairwise(said)) for said in self._turn_words]

    def links(self, note: Note) -> tuple[Link, ...]:
        candidates = [
            *self._timestamp_links(note.times, EXPLICIT_TIME_SCORE),
            *self._quote_links(note),
            *self._timestamp_links(note.section_times, SECTION_TIME_SCORE),
        ]
        if not candidates:  # wording is only asked when the note says nothing explicit
            candidates = self._similar_links(note)
        best_per_turn: dict[tuple[int | None, int | None], Link] = {}
        for link in candidates:
            place = (link.turn, link.chapter)
            if place not in best_per_turn or link.score > best_per_turn[place].score:
                best_per_turn[place] = link
        ordered = sorted(best_per_turn.values(), key=lambda link: -link.score)
        return tuple(ordered[:MAX_LINKS])

    def _timestamp_links(self, spans: tuple[Span, ...], score: float) -> list[Link]:
        links = []
        for rank, span in enumerate(spans):
            if turn := self.timeline.turn_at(span.start):
                # Earlier mentions first: the note's main time usually comes first.
                at = round(score - 0.001 * rank, 3)
                links.append(Link(turn.index, turn.chapter, at, "timestamp", at=span))
        return links

    def _quote_links(self, note: Note) -> list[Link]:
        links = []
        for phrase in _QUOTED.findall(note.text):
            phrase_words = words(phrase)
            if len(phrase_words) < QUOTE_MIN_WORDS:
                continue
            pairs = list(pairwise(phrase_words))
            coverages = [
                sum(map(found.__contains__, pairs)) / len(pairs) for found in self.turn_pairs
            ]
            coverage = max(coverages)
            # A phrase found as well in several turns ("age of research") says nothing of where.
            if coverage >= QUOTE_MIN_COVERAGE and coverages.count(coverage) == 1:
                index = coverages.index(coverage)
                low, high = QUOTE_SCORE_RANGE
                score = low + (high - low) * (coverage - QUOTE_MIN_COVERAGE) / (
                    1 - QUOTE_MIN_COVERAGE
                )
                turn = self.turns[index]
                links.append(
                    Link(turn.index, turn.chapter, round(score, 3), "quote", quote=phrase.strip())
                )
        return links

    def _evidence(self, key: str, chapter: int) -> float:
        """log(P(chapter | term) / P(chapter)): how much the term points at the chapter."""
        share = self.chapter_share[chapter]
        smoothed = (self.chapter_units[chapter][key] + SMOOTHING * share) / (
            self.episode_units[key] + SMOOTHING
        )
        return math.log(smoothed / share)

    def _distinctive(self, units: dict[str, str], chapter: int) -> list[tuple[float, str]]:
        """The note's units distinctive of the chapter, strongest first, with their evidence.
        Each term counts once: a phrase or term that repeats a stronger one's term is skipped."""
        counts = self.chapter_units[chapter]
        candidates = sorted(
            (
                (evidence, key)
                for key in units
                if counts.get(key, 0) >= MIN_TERM_COUNT
                and (evidence := self._evidence(key, chapter)) >= MIN_TERM_EVIDENCE
            ),
            key=lambda item: (-item[0], -len(item[1]), item[1]),
        )
        found: list[tuple[float, str]] = []
        used: set[str] = set()
        for evidence, key in candidates:
            if used.isdisjoint(key.split()):
                found.append((evidence, key))
                used.update(key.split())
        return found

    def _similar_links(self, note: Note) -> list[Link]:
        text = _URL.sub(" ", f"{note.title or ''}\n{note.text}")
        units = {}
        for unit in _units(text, self.names):
            units.setdefault(unit.key, unit.written)
        ranked = sorted(
            (
                (sum(e for e, _ in shared), chapter, shared)
                for chapter in range(len(self.chapter_units))
                if (shared := self._distinctive(units, chapter))
            ),
            key=lambda item: (-item[0], item[1]),
        )
        if not ranked:
            return []
        best, chapter, shared = ranked[0]
        margin = best - (ranked[1][0] if len(ranked) > 1 else 0.0)
        if len(shared) < MIN_SHARED or margin < MIN_MARGIN:
            return []
        score = round(SIMILAR_SCORE_MAX * margin / (margin + MIN_MARGIN), 3)
        written = tuple(units[key] for _, key in shared[:SHARED_SHOWN])
        return [Link(self._turn_of(chapter, shared), chapter, score, "similar", shared=written)]

    def _turn_of(self, chapter: int, shared: list[tuple[float, str]]) -> int | None:
        """The chapter's turn that holds most of the shared evidence, if one clearly does."""
        total = sum(e for e, _ in shared)
        best_turn, best_evidence, best_count = None, 0.0, 0
        for index in self.chapter_turns[chapter]:
            held = [e for e, key in shared if key in self.turn_units[index]]
            if sum(held) > best_evidence:
                best_turn, best_evidence, best_count = index, sum(held), len(held)
        if best_count >= MIN_SHARED and best_evidence >= TURN_MIN_SHARE * total:
            return best_turn
        return None
