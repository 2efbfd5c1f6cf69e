"""Which passage each summary point and comment talks about.

For every note, an ordered list of `Link(turn, chapter, score, reason)`, strongest evidence first
(docs/related.md explains the method and its thresholds):

1. ``timestamp``: a time the note mentions (score 1.0) or its section heading carries (0.7),
   resolved to the turn whose span contains it;
2. ``quote``: a quoted phrase of the note whose words appear, nearly in order, in one turn
   (0.75 to 0.95 by how much of the phrase is found);
3. ``similar``: the note's terms scored against each chapter and each turn with BM25 over the
   search analyzer's stems; the best chapter wins, and its best turn is the link (up to 0.65).

A note with no timestamp, no quote found, and no chapter that stands out is about the whole
episode: its ``related`` is empty. Nothing here knows any particular document: the thresholds are
relative (to the note's own terms and to the other chapters), so they carry to unseen episodes.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from itertools import pairwise

from index.analysis import terms, words
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
# Similarity counts when the best chapter scores this many times the median other chapter and
# the terms it shares with the note weigh as much as this many of the episode's rarest terms (an
# "information" floor relative to the episode, so "Great interview!" never reaches it); a second
# chapter joins when it reaches this share of the best.
SIMILAR_MIN_PEAK = 1.15
SIMILAR_MIN_INFORMATION = 3.0
SIMILAR_SECOND_SHARE = 0.75
BM25_K1, BM25_B = 1.2, 0.75
# A chapter's similarity is the sum of its best few turns': a topic discussed throughout a
# chapter outweighs one stray turn, and a long chapter gains nothing from its length alone.
TURNS_PER_CHAPTER = 3

_QUOTED = re.compile(r"[“\"]([^”\"]{8,400})[”\"]")
_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b\S+\.(?:com|org|net|io|ai|dev|co)/\S*")


def link_notes(episode: Episode) -> Episode:
    """The episode with every note's ``related`` filled in."""
    if not episode.turns:
        return episode
    linker = _Linker(episode)
    return replace(episode, notes=tuple(replace(n, related=linker.links(n)) for n in episode.notes))


class _Linker:
    """Per-episode statistics, computed once, and the evidence rules applied to each note."""

    def __init__(self, episode: Episode) -> None:
        self.turns = episode.turns
        self.timeline = Timeline(episode.turns)
        self.turn_words = [words(turn.text) for turn in episode.turns]
        self.turn_pairs = [set(pairwise(ws)) for ws in self.turn_words]
        self.turn_bm25 = _BM25([Counter(terms(turn.text)) for turn in episode.turns])
        self.chapter_turns: list[list[int]] = [[] for _ in episode.chapters]
        for turn in episode.turns:
            self.chapter_turns[turn.chapter].append(turn.index)

    def links(self, note: Note) -> tuple[Link, ...]:
        candidates = [
            *self._timestamp_links(note.times, EXPLICIT_TIME_SCORE),
            *self._quote_links(note),
            *self._timestamp_links(note.section_times, SECTION_TIME_SCORE),
            *self._similar_links(note),
        ]
        best_per_turn: dict[int | None, Link] = {}
        for link in candidates:
            if link.turn not in best_per_turn or link.score > best_per_turn[link.turn].score:
                best_per_turn[link.turn] = link
        ordered = sorted(best_per_turn.values(), key=lambda link: -link.score)
        return tuple(ordered[:MAX_LINKS])

    def _timestamp_links(self, spans: tuple[Span, ...], score: float) -> list[Link]:
        links = []
        for rank, span in enumerate(spans):
            if turn := self.timeline.turn_at(span.start):
                # Earlier mentions first: the note's main time usually comes first.
                links.append(
                    Link(turn.index, turn.chapter, round(score - 0.001 * rank, 3), "timestamp")
                )
        return links

    def _quote_links(self, note: Note) -> list[Link]:
        links = []
        for phrase in _QUOTED.findall(note.text):
            phrase_words = words(phrase)
            if len(phrase_words) < QUOTE_MIN_WORDS:
                continue
            pairs = list(pairwise(phrase_words))
            coverages = [
                sum(pair in found for pair in pairs) / len(pairs) for found in self.turn_pairs
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
                links.append(Link(turn.index, turn.chapter, round(score, 3), "quote"))
        return links

    def _similar_links(self, note: Note) -> list[Link]:
        query = Counter(terms(_URL.sub(" ", f"{note.title or ''}\n{note.text}")))
        turn_scores = self.turn_bm25.scores(query)
        chapter_scores = [
            sum(sorted(turn_scores[t] for t in turns)[-TURNS_PER_CHAPTER:])
            for turns in self.chapter_turns
        ]
        ranked = sorted(range(len(chapter_scores)), key=lambda c: -chapter_scores[c])
        best = chapter_scores[ranked[0]]
        others = sorted(chapter_scores[c] for c in ranked[1:])
        typical = others[len(others) // 2] if others else 0.0
        peak = best / typical if typical > 0 else (math.inf if best > 0 else 0.0)
        if peak < SIMILAR_MIN_PEAK or self._information(query, ranked[0]) < SIMILAR_MIN_INFORMATION:
            return []
        links = []
        for chapter in ranked[:2]:
            share = chapter_scores[chapter] / best
            if chapter != ranked[0] and share < SIMILAR_SECOND_SHARE:
                break
            turn = max(self.chapter_turns[chapter], key=lambda index: turn_scores[index])
            confidence = min(1.0, peak - 1)
            score = SIMILAR_SCORE_MAX * share * (0.5 + 0.5 * confidence)
            links.append(Link(turn, chapter, round(score, 3), "similar"))
        return links

    def _information(self, query: Counter[str], chapter: int) -> float:
        """How many of the episode's rarest terms the note's matches in the chapter are worth."""
        shared = {
            term
            for turn in self.chapter_turns[chapter]
            for term in query
            if term in self.turn_bm25.documents[turn]
        }
        rarest = max(self.turn_bm25.idf.values(), default=0.0)
        return sum(self.turn_bm25.idf[term] for term in shared) / rarest if rarest else 0.0


class _BM25:
    """Okapi BM25 over a fixed set of documents, each a Counter of terms."""

    def __init__(self, documents: list[Counter[str]]) -> None:
        self.documents = documents
        self.lengths = [sum(document.values()) for document in documents]
        self.average = (sum(self.lengths) / len(documents)) if documents else 0.0
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(document.keys())
        count = len(documents)
        self.idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}

    def scores(self, query: Counter[str]) -> list[float]:
        return [self._score(query, index) for index in range(len(self.documents))]

    def _score(self, query: Counter[str], index: int) -> float:
        document, length = self.documents[index], self.lengths[index]
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / self.average) if self.average else BM25_K1
        total = 0.0
        for term in query:
            frequency = document.get(term, 0)
            if frequency:
                total += self.idf[term] * frequency * (BM25_K1 + 1) / (frequency + norm)
        return total
