"""The best hits of the common typed queries, read from the postings a block at a time.

Whoosh scores a query one posting at a time through a chain of Python matcher calls (~2 µs a
posting, more once an update has left deleted documents in a segment: every posting list is
then wrapped in a filter, which also stops the collector from skipping blocks). A word being
typed is one gram term whose postings are most of the index, so the first letters of a query
cost 30 ms at 100 episodes and are cut at the time limit at 1,000.

Here a query that is one term, or terms that must all match (what typing plain words gives),
is ranked from whole posting blocks instead: a block's document numbers and weights are
decoded in C (`itertools.accumulate`, the stored arrays), a lone term skips every block whose
best weight cannot enter the top hits, and an intersection takes the rarest term's documents
best first and decodes a block of a longer list only for a document that the block's best
weight (in its header) could still take into the top hits. The scores are the searcher's
(`ranking.SaturatedFrequency`, summed in the query's order of terms: Whoosh's own order may
differ in the last bits from three terms on), ties go to the earlier document as in Whoosh,
and deleted documents are left out. Any other query (phrases, alternatives, filters,
exclusions, boosts, another weighting) returns None: Whoosh ranks it. A `PostingsCache`
keeps what was read of the last terms' postings for the next keystroke.

This reads the postings of the pinned whoosh-reloaded (``W3LeafMatcher`` blocks); a posting
list in any other form is read through the matcher interface.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from itertools import accumulate

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from index.search.ranking import SaturatedFrequency, saturated

# (score, document number) pairs, best first.
Ranked = list[tuple[float, int]]
# One block of postings: its last document number, its best weight, and a reader of its
# (document numbers, weights).
_Block = tuple[int, float, Callable[[], tuple[list[int], list[float]]]]
# How many terms' postings (in each segment) a `PostingsCache` keeps: a few queries' worth.
POSTINGS_CACHED = 16
# How many block headers are read between two looks at the clock.
BLOCKS_PER_CHECK = 32


class OutOfTime(Exception):
    """The deadline passed: the best hits found until then are in ``ranked``."""

    def __init__(self, ranked: Ranked) -> None:
        super().__init__("out of time")
        self.ranked = ranked


def top_documents(
    searcher: Searcher,
    query: wq.Query,
    limit: int,
    deadline: float,
    cache: PostingsCache | None = None,
) -> Ranked | None:
    """The ``limit`` best (score, document number) of ``query``, or None when it is not one
    this module ranks. Past ``deadline`` (`time.perf_counter`) it raises `OutOfTime`. A
    ``cache`` kept across searches of the same searcher saves reading postings again."""
    terms = _terms(query)
    if (
        terms is None
        or limit <= 0
        or not isinstance(searcher.weighting, SaturatedFrequency)
        or not all(type(reader) is SegmentReader for reader, _ in _segments(searcher))
    ):
        return None
    idfs = [searcher.idf(field, text) for field, text in terms]
    if len(terms) == 1:
        return _single(searcher, terms[0], idfs[0], limit, deadline)
    return _intersection(searcher, terms, idfs, limit, deadline, cache or PostingsCache())


def _terms(query: wq.Query) -> list[tuple[str, str]] | None:
    """The terms of a lone term or of a conjunction of terms (nested ones flattened)."""
    if type(query) is wq.Term and query.boost == 1.0:
        return [(query.fieldname, query.text)]
    if type(query) is wq.And and query.boost == 1.0:
        terms = []
        for sub in query.subqueries:
            found = _terms(sub)
            if found is None:
                return None
            terms += found
        return terms
    return None


def _single(
    searcher: Searcher, term: tuple[str, str], idf: float, limit: int, deadline: float
) -> Ranked:
    """One term: a block is read only when its best weight can enter the top hits."""
    heap: list[tuple[float, int]] = []  # (score, -document number): the worst hit on top
    scores = _ScoreTable(idf)
    for reader, offset in _segments(searcher):
        deleted = reader.deleted_docs_set  # cached by the reader
        for _, max_weight, read in _blocks(reader, term):
            if time.perf_counter() > deadline:
                raise OutOfTime(_ranked(heap))
            if len(heap) == limit and scores[max_weight] <= heap[0][0]:
                continue
            ids, weights = read()
            for docnum, weight in zip(ids, weights, strict=True):
                if docnum in deleted:
                    continue
                score = scores[weight]
                # Documents come in order, so a later one that ties the worst hit stays out.
                if len(heap) < limit:
                    heapq.heappush(heap, (score, -(offset + docnum)))
                elif score > heap[0][0]:
                    heapq.heapreplace(heap, (score, -(offset + docnum)))
    return _ranked(heap)


def _intersection(
    searcher: Searcher,
    terms: list[tuple[str, str]],
    idfs: list[float],
    limit: int,
    deadline: float,
    cache: PostingsCache,
) -> Ranked:
    """Terms that must all match. In each segment the rarest term's documents are the
    candidates, taken best first by that term's score; a longer list's block is read only for
    a candidate that could still enter the top hits with the best weights of the blocks that
    would hold it (their headers say, without reading them)."""
    tables = [_ScoreTable(idf) for idf in idfs]
    heap: list[tuple[float, int]] = []  # (score, -document number): the worst hit on top
    try:
        for reader, offset in _segments(searcher):
            if not all(term in reader for term in terms):
                continue
            order = sorted(range(len(terms)), key=lambda i: reader.doc_frequency(*terms[i]))
            rarest = order[0]
            others = {i: cache.get(reader, terms[i], deadline) for i in order[1:]}
            deleted = reader.deleted_docs_set  # cached by the reader
            by_weight = cache.get(reader, terms[rarest], deadline).by_weight(deadline)
            most = {i: tables[i][postings.max_weight] for i, postings in others.items()}
            for weight in sorted(by_weight, reverse=True):
                level = tables[rarest][weight]
                docs = by_weight[weight]
                if len(heap) == limit:
                    if _total(most | {rarest: level}) < heap[0][0]:
                        break  # no candidate left can enter
                    docs = _in_likely_blocks(docs, level, heap[0][0], others, most, tables)
                if time.perf_counter() > deadline:
                    raise OutOfTime([])
                for docnum in docs:
                    if docnum not in deleted:
                        _consider(docnum, offset, {rarest: level}, others, tables, heap, limit)
    except OutOfTime:
        raise OutOfTime(_ranked(heap)) from None
    return _ranked(heap)


def _in_likely_blocks(
    docs: list[int],
    level: float,
    worst: float,
    others: dict[int, _Postings],
    most: dict[int, float],
    tables: list[_ScoreTable],
) -> list[int]:
    """Of ``docs`` (in order), those in blocks of every other term whose best weight could
    take them past ``worst`` with the best of the remaining terms: a block at a time, not a
    document at a time. Loose by a hair (the bound is exact in `_consider`)."""
    for i, postings in others.items():
        rest = level + sum(score for j, score in most.items() if j != i)
        needed = worst - rest - 1e-9
        kept: list[int] = []
        previous = -1
        for last_id, max_weight in zip(postings.last_ids, postings.max_weights, strict=True):
            if tables[i][max_weight] >= needed:
                kept += docs[bisect_right(docs, previous) : bisect_right(docs, last_id)]
            previous = last_id
        docs = kept
    return docs


def _consider(
    docnum: int,
    offset: int,
    known: dict[int, float],
    others: dict[int, _Postings],
    tables: list[_ScoreTable],
    heap: list[tuple[float, int]],
    limit: int,
) -> None:
    """Puts the document among the top hits if it has every term and scores high enough;
    ``known`` holds the scores of the terms already read, by their place in the query."""
    blocks: dict[int, int] = {}
    for i, postings in others.items():
        block = postings.block(docnum)
        if block is None:
            return  # past the term's last document
        blocks[i] = block
    # Its best possible scores, made exact one term (one block read) at a time, the rarest
    # first, while they can still take it into the top hits.
    scores = known | {i: tables[i][others[i].max_weights[b]] for i, b in blocks.items()}
    for i, block in blocks.items():
        if len(heap) == limit and (_total(scores), -(offset + docnum)) <= heap[0]:
            return
        weight = others[i].weight(block, docnum)
        if weight is None:
            return
        scores[i] = tables[i][weight]
    entry = (_total(scores), -(offset + docnum))
    if len(heap) < limit:
        heapq.heappush(heap, entry)
    elif entry > heap[0]:
        heapq.heapreplace(heap, entry)


def _total(scores: dict[int, float]) -> float:
    """The terms' scores summed in the query's order. Always the same order, so that a bound
    summed from higher scores is never below the sum it bounds (float addition is monotonic,
    not associative)."""
    total = scores[0]
    for i in range(1, len(scores)):
        total += scores[i]
    return total


class _ScoreTable(dict[float, float]):
    """Weight → score of one term: weights are term frequencies, so few different ones."""

    def __init__(self, idf: float) -> None:
        super().__init__()
        self.idf = idf

    def __missing__(self, weight: float) -> float:
        self[weight] = score = saturated(self.idf, weight)
        return score


class _Postings:
    """One term's postings in one segment: the block headers read at once (until
    ``deadline``), a block decoded when a document in it is first looked up, or all of them
    for `by_weight`."""

    def __init__(self, reader: SegmentReader, term: tuple[str, str], deadline: float) -> None:
        self.last_ids: list[int] = []
        self.max_weights: list[float] = []
        self._reads: list[Callable[[], tuple[list[int], list[float]]]] = []
        for count, (last_id, max_weight, read) in enumerate(_blocks(reader, term)):
            if count % BLOCKS_PER_CHECK == 0 and time.perf_counter() > deadline:
                raise OutOfTime([])
            self.last_ids.append(last_id)
            self.max_weights.append(max_weight)
            self._reads.append(read)
        self.max_weight = max(self.max_weights, default=0.0)
        self._decoded: dict[int, dict[int, float]] = {}
        self._by_weight: dict[float, list[int]] | None = None

    def block(self, docnum: int) -> int | None:
        """The block that would hold ``docnum``; None past the last one."""
        index = bisect_left(self.last_ids, docnum)
        return index if index < len(self.last_ids) else None

    def weight(self, block: int, docnum: int) -> float | None:
        return self._block(block).get(docnum)

    def by_weight(self, deadline: float) -> dict[float, list[int]]:
        """Weight → the documents (in order) where the term has it."""
        if self._by_weight is None:
            grouped: dict[float, list[int]] = defaultdict(list)
            for block in range(len(self._reads)):
                if time.perf_counter() > deadline:
                    raise OutOfTime([])
                for docnum, weight in self._block(block).items():
                    grouped[weight].append(docnum)
            self._by_weight = grouped
        return self._by_weight

    def _block(self, block: int) -> dict[int, float]:
        decoded = self._decoded.get(block)
        if decoded is None:
            decoded = self._decoded[block] = dict(zip(*self._reads[block](), strict=True))
        return decoded


class PostingsCache:
    """The postings of the terms searched last, as far as they were read: typing a query
    letter by letter searches its finished words again at every keystroke."""

    def __init__(self, size: int = POSTINGS_CACHED) -> None:
        self.size = size
        self._cached: OrderedDict[tuple[SegmentReader, str, str], _Postings] = OrderedDict()

    def get(self, reader: SegmentReader, term: tuple[str, str], deadline: float) -> _Postings:
        key = (reader, *term)
        postings = self._cached.pop(key, None)
        if postings is None:
            postings = _Postings(reader, term, deadline)
        self._cached[key] = postings  # the most recent, last
        while len(self._cached) > self.size:
            self._cached.popitem(last=False)
        return postings

    def clear(self) -> None:
        """Forget every segment: the searcher they came from is closed or replaced."""
        self._cached.clear()


def _ranked(heap: list[tuple[float, int]]) -> Ranked:
    """(score, -document number) pairs → (score, document number), best first (ties: the
    earlier document first, as Whoosh orders them)."""
    return [(score, -negated) for score, negated in sorted(heap, reverse=True)]


def _segments(searcher: Searcher) -> list[tuple[SegmentReader, int]]:
    return [(subsearcher.reader(), offset) for subsearcher, offset in searcher.leaf_searchers()]


def _blocks(reader: SegmentReader, term: tuple[str, str]) -> Iterator[_Block]:
    """The posting blocks of ``term`` in one segment, in document order; none when the segment
    does not have it."""
    if term not in reader:
        return
    matcher = reader.postings(*term)
    while isinstance(matcher, FilterMatcher):  # the deleted documents: left out by the caller
        matcher = matcher.child
    if type(matcher) is W3LeafMatcher:
        yield from _leaf_blocks(matcher)
    else:
        ids, weights = _walk(matcher)
        if ids:
            yield ids[-1], max(weights), lambda: (ids, weights)


def _leaf_blocks(leaf: W3LeafMatcher) -> Iterator[_Block]:
    position = leaf._baseoffset
    while True:
        leaf._lastblock = False  # `_goto` sets it on the last block and never clears it
        leaf._goto(position)
        last = leaf._lastblock
        yield leaf._maxid, leaf._maxweight, partial(_read_block, leaf, position)
        if last:
            return
        position = leaf._nextoffset


def _read_block(leaf: W3LeafMatcher, position: int) -> tuple[list[int], list[float]]:
    """The block at ``position``: its document numbers and weights."""
    leaf._goto(position)
    leaf._read_data()
    leaf._read_weights()
    ids = leaf._data[0]
    return (list(ids) if leaf._byteids else list(accumulate(ids))), leaf._weights


def _walk(matcher: Matcher) -> tuple[list[int], list[float]]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights
