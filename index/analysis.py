"""How text becomes search terms: words, stop words, stems and typing prefixes.

One definition shared by the search index, the query parser, the highlighter and (later) the
note-to-turn linker, so that a word is the same thing everywhere:

- a *word* is a run of letters and digits (dots inside it kept: ``gemini.google``), lower-cased,
  at least two characters long; ``pre-training`` is the two words ``pre`` and ``training``;
- a *term* is the Porter stem of a word that is not a stop word (``validation`` → ``valid``);
- a *gram* is a start of a word, ``MIN_GRAM`` to ``MAX_GRAM`` characters long, so that a short
  typed prefix is one term lookup instead of an expansion into every word it begins.

Pure Python and cheap to import: only the Porter stemmer comes from Whoosh, and it needs nothing
but ``re``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from whoosh.lang.porter import stem as _porter_stem

MIN_WORD = 2
MIN_GRAM = 1
MAX_GRAM = 10

# Whoosh's own stop list, so that the analysis matches what Whoosh users expect.
STOP_WORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if"),
        *("in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to"),
        *("us", "we", "when", "will", "with", "yet", "you", "your"),
    }
)

_WORD = re.compile(r"\w+(?:\.\w+)*")


def word_spans(text: str, shortest: int = MIN_WORD) -> Iterator[tuple[str, int, int]]:
    """Every word of ``text``, lower-cased, with its start and end offsets in ``text``;
    ``shortest=1`` keeps one-letter words too (a prefix being typed)."""
    for match in _WORD.finditer(text):
        start, end = match.span()
        if end - start >= shortest:
            yield match.group().lower(), start, end


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased, stop words included (`word_spans` without
    the offsets: placing notes asks it of every turn, and the spans were half its time)."""
    return [word.lower() for word in _WORD.findall(text) if len(word) >= MIN_WORD]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Porter stem of a lower-case word (cached: texts repeat their words)."""
    return _porter_stem(word)


def term(word: str) -> str | None:
    """The search term a lower-case word stands for, or None for a stop word."""
    return None if word in STOP_WORDS else stem(word)


def terms(text: str) -> list[str]:
    """The terms of ``text`` in order: what the stemmed ``body`` field holds."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def term_positions(text: str) -> dict[str, list[int]]:
    """Each term of ``text`` with its positions, counted over terms only (stop words leave no
    gap), so that the phrase "age of research" matches the text "age of research"."""
    positions: dict[str, list[int]] = {}
    for position, found in enumerate(terms(text)):
        positions.setdefault(found, []).append(position)
    return positions


def grams(word: str) -> list[str]:
    """The starts of ``word`` a short typed prefix is looked up by."""
    return [word[:size] for size in range(MIN_GRAM, min(len(word), MAX_GRAM) + 1)]


def typed_gram(word: str) -> str:
    """The gram a word being typed is looked up by: what it and its stem begin with, so that
    a finished ``emotions`` also finds ``emotion``, cut to ``MAX_GRAM``."""
    stem_ = term(word) or word
    shorter = min(len(word), len(stem_))
    common = next((i for i in range(shorter) if word[i] != stem_[i]), shorter)
    return word[: min(max(common, MIN_GRAM), MAX_GRAM)]


def gram_counts(text: str) -> Counter[str]:
    """How often each gram occurs in ``text``."""
    counts: Counter[str] = Counter()
    for word, count in Counter(words(text)).items():
        for gram in grams(word):
            counts[gram] += count
    return counts
