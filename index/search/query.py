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

The work a query makes is bounded whatever is typed or pasted, because every term costs a
posting list and every expansion a scan of the index's words (at 1,000 episodes, 1,000 words
and operators took 10 s to compile and rank, 300 fuzzy words 4.5 minutes): the first
``MAX_QUERY_CHARS`` characters are read; a repeated term or clause counts once; the first
``MAX_TERMS`` different terms are searched, at most ``MAX_EXPANSIONS`` of them filter or fuzzy
words; a phrase is its first ``MAX_PHRASE_TERMS`` terms. What was left out is said in
``Compiled.notes``, one short sentence each.

A word being typed is one lookup in the gram field (`analysis.typed_gram`), however short;
a filter word or a fuzzy term stands for at most ``MAX_EXPANSION`` index terms, the most
frequent ones, found before the deadline (past it, ``Compiled.cut`` says the expansion is
incomplete).
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice, takewhile

from whoosh import query as wq
from whoosh.reading import IndexReader

from index import analysis
from index.search.schema import KINDS

MAX_EXPANSION = 64
# How many index terms a filter or fuzzy expansion looks at before it picks the most frequent.
MAX_SCANNED = 4096
# A word being typed this short (or shorter) counts only when there is nothing else to search:
# its postings are most of the index, and it says next to nothing yet.
TENTATIVE_PREFIX = 2
MAX_FUZZY_EDITS = 2
MAX_QUERY_CHARS = 2_000
MAX_TERMS = 32
MAX_PHRASE_TERMS = 12
# Filter and fuzzy words: each one scans up to MAX_SCANNED index terms (~30-40 ms for a fuzzy
# word at 1,000 episodes).
MAX_EXPANSIONS = 4
# How many index terms an expansion scans between two looks at the clock.
_SCANNED_PER_CHECK = 64

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
_UNTIL_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


@dataclass(frozen=True)
class Marks:
    """Which words of a text the query matched, for highlighting: by stem or by start."""

    terms: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __or__(self, other: Marks) -> Marks:
        prefixes = tuple(dict.fromkeys(self.prefixes + other.prefixes))
        return Marks(self.terms | other.terms, prefixes)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def matches(self, word: str) -> bool:
        """Whether ``word`` (lower case, as `analysis.word_spans` gives it) was matched."""
        return word.startswith(self.prefixes) or analysis.term(word) in self.terms


@dataclass(frozen=True)
class Compiled:
    """A typed query made ready: the Whoosh query (None: nothing to search), its marks, what
    its bounds left out (``notes``), and whether an expansion stopped at the deadline."""

    query: wq.Query | None
    marks: Marks
    notes: tuple[str, ...] = ()
    cut: bool = False


@dataclass
class _Clause:
    query: wq.Query
    marks: Marks = field(default_factory=Marks)
    tentative: bool = False  # only counts when nothing else does


def compile_query(text: str, reader: IndexReader, deadline: float | None = None) -> Compiled:
    """The Whoosh query for ``text`` as typed so far, expanded against ``reader``; expansions
    stop at ``deadline`` (`time.perf_counter`)."""
    assembler = _Assembler(reader, deadline)
    compiled = assembler.assemble(_lexemes(_head(text)))
    notes = assembler.budget.notes()
    if len(text) > MAX_QUERY_CHARS:
        notes = (f"only the first {MAX_QUERY_CHARS:,} characters were searched", *notes)
    return replace(compiled, notes=compiled.notes + notes, cut=assembler.cut)


def _head(text: str) -> str:
    """The first ``MAX_QUERY_CHARS`` of ``text``, cut after a word when it is longer: its
    last word is then finished, not being typed."""
    if len(text) <= MAX_QUERY_CHARS:
        return text
    words = _UNTIL_LAST_SPACE.match(text[: MAX_QUERY_CHARS + 1])
    return (words.group() if words else text[:MAX_QUERY_CHARS]) + " "


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


class _Budget:
    """The terms a query may still look up: ``MAX_TERMS`` different ones, ``MAX_EXPANSIONS`` of
    them expansions; a term already taken is free. Remembers what it turned away."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, ...]] = set()
        self.expansions = 0
        self.refused: set[tuple[str, ...]] = set()
        self.refused_expansions: set[tuple[str, ...]] = set()
        self.phrases_cut = 0

    def take(self, key: tuple[str, ...], expansion: bool = False) -> bool:
        if key in self.taken:
            return True
        if len(self.taken) >= MAX_TERMS:
            self.refused.add(key)
            return False
        if expansion:
            if self.expansions >= MAX_EXPANSIONS:
                self.refused_expansions.add(key)
                return False
            self.expansions += 1
        self.taken.add(key)
        return True

    def notes(self) -> tuple[str, ...]:
        notes = []
        if self.refused:
            notes.append(
                f"{len(self.refused)} more words left out "
                f"(a search looks for at most {MAX_TERMS} different words)"
            )
        if self.refused_expansions:
            notes.append(
                f"{len(self.refused_expansions)} more fuzzy or filter words left out "
                f"(at most {MAX_EXPANSIONS} in a search)"
            )
        if self.phrases_cut:
            notes.append(f"a phrase is searched by its first {MAX_PHRASE_TERMS} words")
        return tuple(notes)


class _Assembler:
    """Turns lexemes into clauses and clauses into one query: ``OR`` joins a clause to the one
    before it, ``NOT`` and ``-`` exclude, every other clause is required. A clause repeated
    in the same role counts once."""

    def __init__(self, reader: IndexReader, deadline: float | None) -> None:
        self.reader = reader
        self.deadline = deadline
        self.budget = _Budget()
        self.cut = False  # an expansion stopped at the deadline
        self.expanded: dict[tuple[str, ...], list[str]] = {}  # a repeated expansion is free

    def assemble(self, lexemes: Iterable[_Lexeme]) -> Compiled:
        groups: list[list[_Clause]] = []
        excluded: list[_Clause] = []
        filters: list[_Clause] = []
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
                _add_new(filters, clause)
            elif negated:
                _add_new(excluded, clause)
            elif join and groups:
                _add_new(groups[-1], clause)
            else:
                groups.append([clause])
            join, exclude = False, False
        return self._combine(_distinct_groups(groups), excluded, filters)

    def _clause(self, lexeme: _Lexeme, negated: bool) -> _Clause | None:
        if lexeme.kind == "filter":
            return self._filter(lexeme.name, lexeme.text)
        if lexeme.kind == "phrase":
            return self._phrase(analysis.words(lexeme.text))
        return self._words(lexeme.text, typing=lexeme.typing and not negated)

    @staticmethod
    def _combine(
        groups: list[list[_Clause]], excluded: list[_Clause], filters: list[_Clause]
    ) -> Compiled:
        clauses = [group[0] if len(group) == 1 else _either(group) for group in groups]
        required = _definite(clauses)
        if not required and not filters:
            notes = ("-word and NOT word only leave things out: add a word to search for",)
            return Compiled(None, Marks(), notes if excluded else ())
        # Filters select without scoring, so they never change the order of what they keep.
        parts = [c.query for c in required] + [wq.ConstantScoreQuery(f.query, 0.0) for f in filters]
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
        # A one-letter word is no word (the index has none) unless it is being typed or is
        # an explicit prefix (``a*``).
        last = len(spans) - 1
        words = [
            word
            for index, (word, _, _) in enumerate(spans)
            if len(word) >= analysis.MIN_WORD or ((typing or explicit_prefix) and index == last)
        ]
        if not words:
            return None
        if fuzzy:
            edits = int(fuzzy["edits"] or (2 if len(words[-1]) >= 6 else 1))
            return _all(self._fuzzy(word, min(edits, MAX_FUZZY_EDITS)) for word in words)
        if explicit_prefix or typing:
            *finished, being_typed = words
            return _all([*map(self._term, finished), self._prefix(being_typed, explicit_prefix)])
        # Words joined by punctuation (pre-training) need not be a phrase: all of them is
        # nearly as precise and much cheaper than checking positions.
        return _all(map(self._term, words))

    def _term(self, word: str) -> _Clause | None:
        stem = analysis.term(word)
        if not stem or not self.budget.take(("body", stem)):
            return None
        return _Clause(wq.Term("body", stem), Marks(terms=frozenset({stem})))

    def _prefix(self, word: str, explicit: bool) -> _Clause | None:
        """A word being typed (or ending in ``*``): any word that starts like it
        (`typed_gram`)."""
        start = word[: analysis.MAX_GRAM] if explicit else analysis.typed_gram(word)
        if not self.budget.take(("grams", start)):
            return None
        tentative = not explicit and len(word) <= TENTATIVE_PREFIX
        return _Clause(wq.Term("grams", start), Marks(prefixes=(start,)), tentative)

    def _phrase(self, words: list[str]) -> _Clause | None:
        """Finished words in a row: one term, or a phrase of their terms (stop words skipped,
        as the index skips them), the first ``MAX_PHRASE_TERMS`` of them within the budget."""
        terms = [stem for stem in map(analysis.term, words) if stem]
        if len(terms) > MAX_PHRASE_TERMS:
            self.budget.phrases_cut += 1
            terms = terms[:MAX_PHRASE_TERMS]
        kept = list(takewhile(lambda stem: self.budget.take(("body", stem)), terms))
        if not kept:
            return None
        marks = Marks(terms=frozenset(kept))
        query = wq.Term("body", kept[0]) if len(kept) == 1 else wq.Phrase("body", kept)
        return _Clause(query, marks)

    def _fuzzy(self, word: str, edits: int) -> _Clause | None:
        """Grams within ``edits`` of the word's start (its first two letters kept: most typos
        spare them, and it keeps the scan short), the most frequent ones."""
        key = ("fuzzy", word, str(edits))
        if not self.budget.take(key, expansion=True):
            return None
        if key not in self.expanded:
            kept = min(2, len(word))
            start = word[: analysis.MAX_GRAM]
            near = self.reader.terms_within("grams", start, edits, prefix=kept)
            self.expanded[key] = self._most_frequent("grams", near)
        similar = self.expanded[key]
        return _Clause(_any(similar, "grams"), Marks(prefixes=tuple(similar)))

    def _filter(self, name: str, value: str) -> _Clause | None:
        if name == "kind" and value:
            if not self.budget.take(("kind", value.lower())):
                return None
            return _Clause(_any(_kinds(value.lower()), name))
        # A value may be half typed (speaker:d), so even one letter counts.
        words = [word for word, _, _ in analysis.word_spans(value, shortest=1)]
        field_name = FILTER_FIELDS[name]
        taken = [w for w in words if self.budget.take((field_name, w), expansion=True)]
        if not taken:
            return None
        return _all(_Clause(_any(self._expand(field_name, word), field_name)) for word in taken)

    def _expand(self, field_name: str, prefix: str) -> list[str]:
        """The most frequent words of a field starting with ``prefix`` (bounded)."""
        key = (field_name, prefix)
        if key not in self.expanded:
            scanned = self.reader.expand_prefix(field_name, prefix)
            words = (word.decode() for word in scanned)
            self.expanded[key] = self._most_frequent(field_name, words)
        return self.expanded[key]

    def _most_frequent(self, field_name: str, words: Iterable[str]) -> list[str]:
        """The ``MAX_EXPANSION`` most frequent of the first ``MAX_SCANNED`` ``words``, or of
        those found before the deadline."""
        counted = []
        for scanned, word in enumerate(islice(words, MAX_SCANNED)):
            if scanned % _SCANNED_PER_CHECK == 0 and self._past_deadline():
                self.cut = True
                break
            counted.append((self.reader.doc_frequency(field_name, word), word))
        return [word for _, word in heapq.nlargest(MAX_EXPANSION, counted)]

    def _past_deadline(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline


def _add_new(clauses: list[_Clause], clause: _Clause) -> None:
    """Append ``clause`` unless a clause with the same query is there already."""
    if all(other.query != clause.query for other in clauses):
        clauses.append(clause)


def _distinct_groups(groups: list[list[_Clause]]) -> list[list[_Clause]]:
    """The groups (alternatives) in order, each once: ``alpha alpha`` is ``alpha``."""
    seen: set[tuple[wq.Query, ...]] = set()
    distinct = []
    for group in groups:
        key = tuple(clause.query for clause in group)
        if key not in seen:
            seen.add(key)
            distinct.append(group)
    return distinct


def _kinds(value: str) -> list[str]:
    """The kinds a typed value names: ``comm``, ``comment`` and ``comments`` all name comments."""
    return [k for k in KINDS if k.startswith(value) or analysis.stem(k) == analysis.stem(value)]


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
