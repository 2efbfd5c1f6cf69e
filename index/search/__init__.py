"""Full-text search over a library: one Whoosh index per library, kept up to date, searched as a
person types.

- `index`: `SearchIndex` (open, search, your notes kept searchable), `Hit`, `Results`;
- `storage`: the index on disk: its stamp, builds, updates, locks and stale folders;
- `timed`: a searcher whose posting lists stop at a deadline;
- `schema`: the index's fields and the documents an episode becomes;
- `query`: typed text → a Whoosh query (`Marks`: the words it lights);
- `ranking`, `topk`: scoring, and the fast path for plain typed words;
- `snippets`: a hit's snippet, and the lit words in any text (`lit_spans`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.search.index import Hit, Results, SearchIndex
    from index.search.query import Marks
    from index.search.snippets import lit_spans

__all__ = ["Hit", "Marks", "Results", "SearchIndex", "lit_spans"]
__getattr__ = exports(
    __name__,
    {
        "Hit": "index",
        "Results": "index",
        "SearchIndex": "index",
        "Marks": "query",
        "lit_spans": "snippets",
    },
)
