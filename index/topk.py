"""The best hits of the common typed queries, read from the postings a block at a time.

Whoosh scores a query one posting at a time through a chain of Python matcher calls (~2 µs a
posting, more once an update has left deleted documents in a segment: every posting list is
then wrapped in a filter, which also stops the collector from skipping blocks). A word being
typed is one gram term whose postings are most of the index, so the first letters of a query
cost 30 ms at 100 episodes and are cut at the time limit at 1,000.

Here a query that is one term, or terms that must all match (what typing plain words gives),
is ranked from whole posting blocks instead: a block's document numbers and weights are
decoded in C (`itertools.accumulate`, the stored arrays), a lone term skips every block whose
best weight cannot enter the top hits, and an intersection decodes only the blocks of its
longer lists that can hold a document of its shortest one. The scores are the searcher's
(`ranking.SaturatedFrequency`, summed over the terms as Whoosh sums them), ties go to the
earlier document as in Whoosh, and deleted documents are left out. Any other query (phrases,
alternatives, filters, exclusions, boosts, another weighting) returns None: Whoosh ranks it.

This reads the postings of the pinned whoosh-reloaded (``W3LeafMatcher`` blocks); a posting
list in any other form is read through the matcher interface.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from itertools import accumulate

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher

from index.ranking import SaturatedFrequency, saturated

# (score, document number) pairs, best first.
Ranked = list[tuple[float, int]]
# One block of postings: its last document number, its best weight, and a reader of its
# (document numbers, weights).
_Block = tuple[int, float, Callable[[], tuple[list[int], list[float]]]]


class OutOfTime(Exception):
    """The deadline passed: the best hits found until then are in ``ranked``."""

    def __init__(self, ranked: Ranked) -> None:
        super().__init__("out of time")
        self.ranked = ranked


def top_documents(
    searcher: Searcher, query: wq.Query, limit: int, deadline: float
) -> Ranked | None:
    """The ``limit`` best (score, document number) of ``query``, or None when it is not one
    this module ranks. Past ``deadline`` (`time.perf_counter`) it raises `OutOfTime`."""
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
    return _intersection(searcher, terms, idfs, limit, deadline)


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
    for reader, offset in _segments(searcher):
        deleted = _deleted(reader)
        for _, max_weight, read in _blocks(reader, term):
            if len(heap) == limit and saturated(idf, max_weight) <= heap[0][0]:
                continue
            if time.perf_counter() > deadline:
                raise OutOfTime(_ranked(heap))
            ids, weights = read()
            for docnum, weight in zip(ids, weights, strict=True):
                if docnum in deleted:
                    continue
                score = saturated(idf, weight)
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
) -> Ranked:
    """Terms that must all match: the shortest list's documents, narrowed by each longer list
    in turn (reading only its blocks that can hold one of them), then scored."""
    tables = [_ScoreTable(idf) for idf in idfs]
    best: Ranked = []
    try:
        for reader, offset in _segments(searcher):
            order = sorted(range(len(terms)), key=lambda i: reader.doc_frequency(*terms[i]))
            scores: list[dict[int, float]] = []  # per term, in `order`: document → its score
            wanted: set[int] | None = None
            for index in order:
                scores.append(_scores(reader, terms[index], tables[index], wanted, deadline))
                wanted = scores[-1].keys() & wanted if wanted is not None else set(scores[-1])
                if not wanted:
                    break
            wanted = (wanted or set()) - _deleted(reader)
            if not wanted:
                continue
            # Summed in the query's order of terms, whatever order they were read in.
            by_term = [scores[order.index(i)] for i in range(len(terms))]
            totals = {docnum: by_term[0][docnum] for docnum in wanted}
            for term in by_term[1:]:
                totals = {docnum: total + term[docnum] for docnum, total in totals.items()}
            negated = (-(offset + docnum) for docnum in totals)
            best = heapq.nlargest(limit, [*best, *zip(totals.values(), negated, strict=True)])
    except OutOfTime:
        raise OutOfTime(_ranked(best)) from None
    return _ranked(best)


class _ScoreTable(dict[float, float]):
    """Weight → score of one term: weights are term frequencies, so few different ones."""

    def __init__(self, idf: float) -> None:
        super().__init__()
        self.idf = idf

    def __missing__(self, weight: float) -> float:
        self[weight] = score = saturated(self.idf, weight)
        return score


def _scores(
    reader: SegmentReader,
    term: tuple[str, str],
    table: _ScoreTable,
    wanted: set[int] | None,
    deadline: float,
) -> dict[int, float]:
    """Document → score of ``term``, from every block, or from the blocks that can hold a
    document of ``wanted`` (whose other documents are kept too: it is cheaper than sorting
    them out, and the caller intersects)."""
    ordered = sorted(wanted) if wanted is not None else None
    found: dict[int, float] = {}
    first = 0  # in `ordered`, the first document not behind the blocks read yet
    for max_id, _, read in _blocks(reader, term):
        if ordered is not None:
            if first == len(ordered):
                break
            after = bisect_left(ordered, max_id + 1, first)
            if after == first:
                continue  # no wanted document in this block
            first = after
        if time.perf_counter() > deadline:
            raise OutOfTime([])
        ids, weights = read()
        found.update(zip(ids, map(table.__getitem__, weights), strict=True))
    return found


def _ranked(heap: list[tuple[float, int]]) -> Ranked:
    """(score, -document number) pairs → (score, document number), best first (ties: the
    earlier document first, as Whoosh orders them)."""
    return [(score, -negated) for score, negated in sorted(heap, reverse=True)]


def _segments(searcher: Searcher) -> list[tuple[SegmentReader, int]]:
    return [(subsearcher.reader(), offset) for subsearcher, offset in searcher.leaf_searchers()]


def _deleted(reader: SegmentReader) -> frozenset[int]:
    return reader.deleted_docs_set  # cached by the reader


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
    leaf.reset()
    while True:
        yield leaf._maxid, leaf._maxweight, lambda: _read_block(leaf)
        if leaf._lastblock:
            return
        leaf._goto(leaf._nextoffset)


def _read_block(leaf: W3LeafMatcher) -> tuple[list[int], list[float]]:
    if leaf._data is None:
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
