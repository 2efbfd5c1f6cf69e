"""Segments read in place (`index.search.segments`) read what Whoosh's own copies of them read:
the file methods of a part, and every posting and stored document of the bundled index."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.reading import IndexReader

from index.library import Library
from index.search import SearchIndex
from index.search.segments import InPlaceCompound, InPlacePart
from index.search.topk import _blocks
from tests.seeds import DEFAULT_EPISODE_DIR

# Pickles as Whoosh writes a block's header (the highest protocol: framed) and as protocol 0
# writes them (read line by line), ints, a line longer than the chunk a newline is looked for in.
PICKLES = pickle.dumps((128, 5_000, 3.0, 1, 0, 255), -1) + pickle.dumps({"who": "Ilya"}, 0)
CONTENT = PICKLES + (-1234).to_bytes(4, "big", signed=True) + b"x" * 10_000 + b"\nlast, no newline"


def _in_place(content: bytes) -> InPlacePart:
    """A part over ``content``, as a segment's part is: a window on a wider view."""
    wider = memoryview(b"<" + content + b">")
    return InPlacePart(wider[1 : len(content) + 1])


READS: dict[str, Callable[[StructFile], object]] = {
    "pickles, an int, a line": lambda f: (f.read_pickle(), f.read_pickle(), f.read_int(), f.tell()),
    "read by sizes": lambda f: (f.read(3), f.read(0), f.tell(), f.read(), f.tell(), f.read(5)),
    "lines": lambda f: (f.seek(60), f.readline(), f.readline(5), f.readline(), f.readline()),
    "every line": lambda f: list(f),
    "seeks": lambda f: (
        f.seek(-5, os.SEEK_END),
        f.read(),
        f.seek(-10, os.SEEK_CUR),
        f.read(4),
        f.seek(3),
        f.tell(),
        f.seek(len(CONTENT) + 10),
        f.read(),
    ),
    "get and subsets": lambda f: (
        f.get(2, 7),
        f.get_int(len(PICKLES)),
        f.subset(4, 20).read(),
        f.subset(4, 20).subset(2, 5).read(),
    ),
}


@pytest.mark.parametrize("reads", READS.values(), ids=READS.keys())
def test_a_part_reads_as_whooshs_buffer_file(reads: Callable[[StructFile], object]) -> None:
    assert reads(_in_place(CONTENT)) == reads(BufferFile(CONTENT))


def test_a_part_is_read_only() -> None:
    with pytest.raises(OSError, match="read only"):
        _in_place(CONTENT).write(b"more")


def _postings_files(reader: IndexReader) -> list[StructFile]:
    return [leaf._terms._postfile for leaf, _ in reader.leaf_readers()]


def _postings_and_documents(reader: IndexReader) -> tuple[list[tuple], list[dict]]:
    """Every term's posting blocks as a search ranks them (`index.search.topk`), the body's
    positions (for phrases), and the stored fields of every document."""
    postings: list[tuple] = []
    for term in reader.all_terms():
        for last_id, max_weight, read in _blocks(reader, term):
            postings.append((term, last_id, max_weight, read()))
        if term[0] == "body":
            postings.append((term, list(reader.postings(*term).items_as("positions"))))
    documents = [reader.stored_fields(docnum) for docnum in range(reader.doc_count_all())]
    return postings, documents


def test_the_index_read_in_place_is_the_index_whoosh_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with SearchIndex.open(Library.open(DEFAULT_EPISODE_DIR.parent)) as search_index:
        folder = Path(search_index.folder) / search_index.stamp.directory
    ix = whoosh_index.open_dir(str(folder))
    with ix.reader() as reader:
        assert any(type(part) is InPlacePart for part in _postings_files(reader))
        in_place = _postings_and_documents(reader)
    monkeypatch.setattr(InPlaceCompound, "open_file", CompoundStorage.open_file)
    with ix.reader() as reader:
        assert not any(type(part) is InPlacePart for part in _postings_files(reader))
        copied = _postings_and_documents(reader)
    assert len(in_place[0]) > 10_000 and len(in_place[1]) > 200
    assert in_place == copied
