"""A Whoosh searcher whose posting lists stop at a deadline.

Whoosh's own time limit is looked at only when a hit is collected, and the matchers of a
conjunction of many terms or of a phrase can walk posting lists for seconds before they find one
(1.8 s for a pasted query at 1,000 episodes), or none: here every posting list looks at the
clock as it moves on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from whoosh import index as whoosh_index
from whoosh.collectors import TimeLimit
from whoosh.matching import Matcher, WrappingMatcher
from whoosh.searching import Searcher

from index.search.ranking import SaturatedFrequency

# How many documents of a posting list are listed between two looks at the clock.
IDS_PER_CHECK = 256


def open_searcher(ix: whoosh_index.Index) -> TimedSearcher:
    return TimedSearcher(ix.reader(), weighting=SaturatedFrequency(), fromindex=ix)


class TimedSearcher(Searcher):
    """A searcher whose posting lists raise `TimeLimit` once its ``deadline`` has passed."""

    deadline: float | None = None  # `time.perf_counter`; the segments' searchers ask this one

    def postings(self, fieldname: str, text: bytes, weighting: Any = None, qf: int = 1) -> Any:
        deadline = (self.parent() if self.parent else self).deadline
        if deadline is None:
            return super().postings(fieldname, text, weighting, qf)
        if time.perf_counter() > deadline:  # a query of many terms opens many posting lists
            raise TimeLimit
        return _TimedMatcher(super().postings(fieldname, text, weighting, qf), deadline)


class _TimedMatcher(WrappingMatcher):
    """A posting list that raises `TimeLimit` past ``deadline`` as it moves on."""

    def __init__(self, child: Matcher, deadline: float, boost: float = 1.0) -> None:
        super().__init__(child, boost)
        self.deadline = deadline

    def _replacement(self, newchild: Matcher) -> _TimedMatcher:
        return _TimedMatcher(newchild, self.deadline, self.boost)

    def copy(self) -> _TimedMatcher:
        return _TimedMatcher(self.child.copy(), self.deadline, self.boost)

    def _check(self) -> None:
        if time.perf_counter() > self.deadline:
            raise TimeLimit

    def next(self) -> Any:
        self._check()
        return self.child.next()

    def skip_to(self, id: int) -> Any:
        self._check()
        return self.child.skip_to(id)

    def skip_to_quality(self, minquality: float) -> Any:
        self._check()
        return self.child.skip_to_quality(minquality)

    def all_ids(self) -> Iterator[int]:
        for count, docnum in enumerate(self.child.all_ids()):
            if count % IDS_PER_CHECK == 0:
                self._check()
            yield docnum
