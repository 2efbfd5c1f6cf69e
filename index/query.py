"""Typed text → a Whoosh query, for a person typing one keystroke at a time.

The language, total (every string means something; nothing raises):

- ``value function``: every word must match; a finished word by its stem (``emotions`` finds
  ``emotion``), the word still being typed (the last one, when no space follows it) as the start
  of a word, so that ``valid``, ``valida``, ``validat`` all find ``validation``. A one- or
  two-letter word being typed counts only when it is the whole query;
- ``"age of research"``: a phrase; ``pre-training`` means both words;
- ``speaker:ilya``, ``kind:comment``, ``episode:…``, ``chapter:…``, ``source:…``: filters, each
  word of the value the start of a word of that field (``kind:comm`` is enough), quotes allowed;
- ``sutskevr~`` (``~2`` for two edits): fuzzy; ``valu*``: a prefix even when finished;
- ``a OR b``, ``NOT a``, ``-a``, ``AND``: as usual. Parentheses only separate.

Whatever does not fit is read as plain words: an unbalanced quote is dropped, dangling
operators are ignored, ``*`` or ``~`` alone mean nothing. A query that means nothing (empty,
only stop words, only exclusions) has no Whoosh query and finds nothing.

A word being typed is one lookup in the gram field (`analysis.typed_gram`), however short;
a filter word or a fuzzy term stands for at most ``MAX_EXPANSION`` index terms, the most
frequent ones.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as wq
from whoosh.reading import IndexReader

from index import analysis
from index.search_schema import KINDS

MAX_EXPANSION = 64
# How many index terms a filter or fuzzy expansion looks at before it picks the most frequent.
MAX_SCANNED = 4096
# A word being typed this short (or shorter) counts only when there is nothing else to search:
# its postings are most of the index, and it says next to nothing yet.
TENTATIVE_PREFIX = 2
MAX_FUZZY_EDITS = 2

FILTER_FIELDS = {
    "speaker": "speaker",
    "kind": "kind",
    "episode": "episode_words",
    "chapter": "chapter",
    "source": "source",
}
_OPERATORS = {"AND", "OR", "NOT"}
_LEXEME = re.compile(
    r"""
      (?P<space>[\s()]+)
    | (?P<minus>-?)(?P<name>[A-Za-z]+):(?:"(?P<quoted_value>[^"]*)"?|(?P<value>[^\s()"]*))
    | "(?P<phrase>[^"]*)"
    | (?P<stray_quote>")
    | (?P<chunk>[^\s()"]+)
    """,
    re.VERBOSE,
)
_FUZZY = re.compile(r"~(?P<edits>\d?)$")


@dataclass(frozen=True)
class Marks:
    """Which words of a text the query matched, for highlighting: by stem or by start."""

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __or__(self, other: Marks) -> Marks:
        return Marks(self.terms | other.terms, self.prefixes + other.prefixes)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def matches(self, word: str) -> bool:
        """Whether ``word`` (lower case, as `analysis.word_spans` gives it) was matched."""
        return analysis.term(word) in self.terms or word.startswith(self.prefixes)


@dataclass(frozen=True)
class Compiled:
    """A typed query made ready: the Whoosh query (None: nothing to search) and its marks."""

    query: wq.Query | None
    marks: Marks


@dataclass
class _Clause:
    query: wq.Query
    marks: Marks = field(default_factory=Marks)
    tentative: bool = False  # only counts when nothing else does


def compile_query(text: str, reader: IndexReader) -> Compiled:
    """The Whoosh query for ``text`` as typed so far, expanded against ``reader``."""
    return _Assembler(reader).assemble(_lexemes(text))


@dataclass(frozen=True)
class _Lexeme:
    kind: str  # "operator", "words", "phrase", "filter"
    text: str
    name: str = ""
    typing: bool = False  # its last word is still being typed
    negated: bool = False


def _lexemes(text: str) -> Iterator[_Lexeme]:
    for match in _LEXEME.finditer(text):
        typing = match.end() == len(text)
        if match["name"] is not None and match["name"].lower() in FILTER_FIELDS:
            value = match["quoted_value"] if match["value"] is None else match["value"]
            yield _Lexeme("filter", value, match["name"].lower(), negated=bool(match["minus"]))
        elif match["name"] is not None or match["chunk"] is not None:
            yield _chunk(match.group(), typing)
        elif match["phrase"] is not None:
            yield _Lexeme("phrase", match["phrase"])


def _chunk(chunk: str, typing: bool) -> _Lexeme:
    if chunk in _OPERATORS:
        return _Lexeme("operator", chunk)
    negated = chunk.startswith("-") and len(chunk) > 1
    return _Lexeme("words", chunk.lstrip("+-"), typing=typing and not negated, negated=negated)


class _Assembler:
    """Turns lexemes into clauses and clauses into one query: ``OR`` joins a clause to the one
    before it, ``NOT`` and ``-`` exclude, every other clause is required."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader

    def assemble(self, lexemes: Iterable[_Lexeme]) -> Compiled:
        groups: list[list[_Clause]] = []
        excluded: list[_Clause] = []
        filters: list[wq.Query] = []
        join, exclude = False, False
        for lexeme in lexemes:
            if lexeme.kind == "operator":
                join, exclude = lexeme.text == "OR", lexeme.text == "NOT"
                continue
            negated = exclude or lexeme.negated
            clause = self._clause(lexeme, negated)
            if clause is None:
                pass
            elif lexeme.kind == "filter" and not negated:
                filters.append(clause.query)
            elif negated:
                excluded.append(clause)
            elif join and groups:
                groups[-1].append(clause)
            else:
                groups.append([clause])
            join, exclude = False, False
        return self._combine(groups, excluded, filters)

    def _clause(self, lexeme: _Lexeme, negated: bool) -> _Clause | None:
        if lexeme.kind == "filter":
            return self._filter(lexeme.name, lexeme.text)
        if lexeme.kind == "phrase":
            return _phrase(analysis.words(lexeme.text))
        return self._words(lexeme.text, typing=lexeme.typing and not negated)

    @staticmethod
    def _combine(
        groups: list[list[_Clause]], excluded: list[_Clause], filters: list[wq.Query]
    ) -> Compiled:
        clauses = [group[0] if len(group) == 1 else _either(group) for group in groups]
        required = _definite(clauses)
        if not required and not filters:
            return Compiled(None, Marks())
        # Filters select without scoring, so they never change the order of what they keep.
        parts = [c.query for c in required] + [wq.ConstantScoreQuery(f, 0.0) for f in filters]
        query: wq.Query = parts[0] if len(parts) == 1 else wq.And(parts)
        if excluded:
            query = wq.AndNot(query, _either(excluded).query)
        return Compiled(query, _marks(required))

    def _words(self, chunk: str, typing: bool) -> _Clause | None:
        fuzzy = _FUZZY.search(chunk)
        if fuzzy:
            chunk = chunk[: fuzzy.start()]
        explicit_prefix = chunk.endswith("*")
        spans = list(analysis.word_spans(chunk, shortest=1))
        typing = typing and bool(spans) and spans[-1][2] == len(chunk)
        # A one-letter word is no word (the index has none) unless it is being typed.
        last = len(spans) - 1
        words = [
            word
            for index, (word, _, _) in enumerate(spans)
            if len(word) >= analysis.MIN_WORD or (typing and index == last)
        ]
        if not words:
            return None
        if fuzzy:
            edits = int(fuzzy["edits"] or (2 if len(words[-1]) >= 6 else 1))
            return _all(self._fuzzy(word, min(edits, MAX_FUZZY_EDITS)) for word in words)
        if explicit_prefix or typing:
            *finished, being_typed = words
            return _all([*map(_term, finished), _prefix(being_typed, explicit_prefix)])
        # Words joined by punctuation (pre-training) need not be a phrase: all of them is
        # nearly as precise and much cheaper than checking positions.
        return _all(map(_term, words))

    def _fuzzy(self, word: str, edits: int) -> _Clause:
        """Grams within ``edits`` of the word's start (its first two letters kept: most typos
        spare them, and it keeps the scan short), the most frequent ones."""
        kept = min(2, len(word))
        near = self.reader.terms_within("grams", word[: analysis.MAX_GRAM], edits, prefix=kept)
        similar = _most_frequent(self.reader, "grams", islice(near, MAX_SCANNED))
        return _Clause(_any(similar, "grams"), Marks(prefixes=tuple(similar)))

    def _filter(self, name: str, value: str) -> _Clause | None:
        if name == "kind" and value:
            return _Clause(_any(_kinds(value.lower()), name))
        # A value may be half typed (speaker:d), so even one letter counts.
        words = [word for word, _, _ in analysis.word_spans(value, shortest=1)]
        if not words:
            return None
        field_name = FILTER_FIELDS[name]
        return _all(_Clause(_any(self._expand(field_name, word), field_name)) for word in words)

    def _expand(self, field_name: str, prefix: str) -> list[str]:
        """The most frequent words of a field starting with ``prefix`` (bounded)."""
        scanned = islice(self.reader.expand_prefix(field_name, prefix), MAX_SCANNED)
        return _most_frequent(self.reader, field_name, (word.decode() for word in scanned))


def _kinds(value: str) -> list[str]:
    """The kinds a typed value names: ``comm``, ``comment`` and ``comments`` all name comments."""
    return [k for k in KINDS if k.startswith(value) or analysis.stem(k) == analysis.stem(value)]


def _most_frequent(reader: IndexReader, field_name: str, words: Iterable[str]) -> list[str]:
    counted = ((reader.doc_frequency(field_name, word), word) for word in words)
    return [word for _, word in heapq.nlargest(MAX_EXPANSION, counted)]


def _prefix(word: str, explicit: bool) -> _Clause:
    """A word being typed (or ending in ``*``): any word that starts like it (`typed_gram`)."""
    start = word[: analysis.MAX_GRAM] if explicit else analysis.typed_gram(word)
    tentative = not explicit and len(word) <= TENTATIVE_PREFIX
    return _Clause(wq.Term("grams", start), Marks(prefixes=(start,)), tentative)


def _term(word: str) -> _Clause | None:
    stem = analysis.term(word)
    return _Clause(wq.Term("body", stem), Marks(terms=frozenset({stem}))) if stem else None


def _phrase(words: list[str]) -> _Clause | None:
    """Finished words in a row: one term, or a phrase of their terms (stop words skipped, as
    the index skips them)."""
    terms = [stem for stem in map(analysis.term, words) if stem]
    if not terms:
        return None
    marks = Marks(terms=frozenset(terms))
    query = wq.Term("body", terms[0]) if len(terms) == 1 else wq.Phrase("body", terms)
    return _Clause(query, marks)


def _any(words: list[str], field_name: str) -> wq.Query:
    if not words:
        return wq.NullQuery
    return wq.Or([wq.Term(field_name, word) for word in words])


def _all(clauses: Iterable[_Clause | None]) -> _Clause | None:
    present = _definite([clause for clause in clauses if clause is not None])
    if len(present) <= 1:
        return present[0] if present else None
    tentative = all(clause.tentative for clause in present)
    return _Clause(wq.And([c.query for c in present]), _marks(present), tentative)


def _definite(clauses: list[_Clause]) -> list[_Clause]:
    """The clauses that are not tentative, or all of them when every one is."""
    return [clause for clause in clauses if not clause.tentative] or clauses


def _either(clauses: list[_Clause]) -> _Clause:
    return _Clause(wq.Or([clause.query for clause in clauses]), _marks(clauses))


def _marks(clauses: Iterable[_Clause]) -> Marks:
    marks = Marks()
    for clause in clauses:
        marks = marks | clause.marks
    return marks
