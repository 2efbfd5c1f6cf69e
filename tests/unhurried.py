"""A search index whose searches have the time `earmark search` gives a query.

Tests of what a search finds use it: a keystroke's 40 ms is wall-clock time, and on a loaded
machine it cut a fuzzy search short before its first hit. The tests of the limit itself pass
their `time_limit`."""

from __future__ import annotations

from typing import Any

from index.search import Results, SearchIndex
from tui.cli import SEARCH_TIME_LIMIT


class Unhurried(SearchIndex):
    def search(self, *args: Any, time_limit: float = SEARCH_TIME_LIMIT, **kwargs: Any) -> Results:
        return super().search(*args, time_limit=time_limit, **kwargs)
