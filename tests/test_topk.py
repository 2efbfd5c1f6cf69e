"""Ranking from posting blocks (`index.search.topk`) gives Whoosh's hits, in Whoosh's order, on an
index that an update has left with deleted documents and more than one segment."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from index.library import Library
from index.search import SearchIndex
from index.search.query import compile_query
from index.search.ranking import SaturatedFrequency
from index.search.topk import OutOfTime, PostingsCache, top_documents
from tests.seeds import DEFAULT_EPISODE_DIR

TYPED = [
    "v",
    "s",
    "va",
    "value",
    "value f",
    "value function",
    "pre-training da",
    "age of res",
    "research ta",
    "emotions",
    "zanzibar ",
    "zzzzz",
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    """Three copies of the bundled episode, the first one's note changed after the build (a
    third of the first segment deleted: a segment at least half deleted would be merged)."""
    root = tmp_path_factory.mktemp("library")
    for name in ("first", "second", "third"):
        shutil.copytree(DEFAULT_EPISODE_DIR, root / name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EARMARK_HOME", str(tmp_path_factory.mktemp("earmark-home")))
        SearchIndex.open(Library.open(root)).close()
        with open(root / "first" / "obsidian-note.md", "a", encoding="utf-8") as note:
            note.write("\n- Zanzibar, and value functions again.\n")
        with SearchIndex.open(Library.open(root)) as updated:
            assert updated.indexed == ("first",)
            folder = Path(updated.folder) / updated.stamp.directory
    ix = whoosh_index.open_dir(str(folder))
    with ix.searcher(weighting=SaturatedFrequency()) as opened:
        assert opened.reader().has_deletions() and len(opened.leaf_searchers()) > 1
        yield opened


@pytest.fixture(scope="module")
def cache() -> PostingsCache:
    """One cache for every search, as a `SearchIndex` keeps: it must not change a hit."""
    return PostingsCache(size=3)


@pytest.mark.parametrize("limit", [1, 3, 20, 1000])
@pytest.mark.parametrize("typed", TYPED)
def test_the_hits_are_whooshs(
    searcher: Searcher, cache: PostingsCache, typed: str, limit: int
) -> None:
    query = compile_query(typed, searcher.reader()).query
    ranked = top_documents(searcher, query, limit, deadline=math.inf, cache=cache)
    expected = [(hit.score, hit.docnum) for hit in searcher.search(query, limit=limit)]
    assert ranked is not None
    assert [docnum for _, docnum in ranked] == [docnum for _, docnum in expected]
    assert [score for score, _ in ranked] == pytest.approx([score for score, _ in expected])
    assert not any(searcher.reader().is_deleted(docnum) for _, docnum in ranked)


@pytest.mark.parametrize("typed", ['"age of research"', "value OR function", "speaker:ilya age"])
def test_other_queries_are_left_to_whoosh(searcher: Searcher, typed: str) -> None:
    query = compile_query(typed, searcher.reader()).query
    assert top_documents(searcher, query, 20, deadline=math.inf) is None


def test_past_the_deadline_it_stops(searcher: Searcher) -> None:
    with pytest.raises(OutOfTime):
        top_documents(searcher, wq.Term("grams", "v"), 20, deadline=0.0)
