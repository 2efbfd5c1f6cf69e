"""Index segments read in place: a compound segment file is mapped, and its parts are read
from the map, not copied out of it.

Whoosh (whoosh-reloaded 2.7.5) maps a compound segment file and serves each of its parts as a
`BufferFile`, whose `BytesIO` copies the mapped bytes: every open reader held most of the index
in anonymous memory (327 MB of 411 at 1,000 episodes, `whoosh/filedb/compound.py`'s
``BufferFile``), once per reader. Reading the parts through the file instead (no map) kept
the memory flat but made scanning the term table ~5× slower (a fuzzy word 7 → 38 ms on the
bundled episode, past a keystroke's time limit). Here each part is a window on the map: its
pages are the page cache's, shared by every reader and given back under pressure.

Segments stay compound: a truncated or garbled one fails when it is opened (where
`index.search.storage` rebuilds it), not at the first search. Writers make these segments
when given `InPlaceCodec` (`storage.WRITER_OPTIONS`); the segment's class is pickled into the
index's table of contents, so renaming these classes means raising ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile
from whoosh.system import _int_struct

_LINE_CHUNK = 4096  # bytes looked through at a time for a newline


class InPlaceCodec(W3Codec):
    """Whoosh's codec, whose new segments are `InPlaceSegment`. It keeps no length statistics:
    no field of the schema keeps document lengths, and looking each posting's up anyway
    (a file-exists check per posting, for a length column that is not there) was 60 % of the
    time of writing a segment."""

    length_stats = False

    def new_segment(self, storage: FileStorage, indexname: str) -> InPlaceSegment:
        return InPlaceSegment(self, indexname)


class InPlaceSegment(W3Segment):
    def open_compound_file(self, storage: FileStorage) -> CompoundStorage:
        file = storage.open_file(self.make_filename(self.COMPOUND_EXT))
        try:
            return InPlaceCompound(file, use_mmap=storage.supports_mmap)
        except BaseException:  # a damaged segment: the file would stay open until collected
            file.close()
            raise


class InPlaceCompound(CompoundStorage):
    """A mapped compound file whose parts are `InPlacePart` windows on the map."""

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> BufferFile:
        if self._source is None:  # not mapped (the map failed): Whoosh reads it
            return super().open_file(name, *args, **kwargs)
        offset, length = self.range(name)
        return InPlacePart(memoryview(self._source)[offset : offset + length], name=name)


class InPlacePart(BufferFile):
    """Whoosh's `BufferFile` on a memory view instead of a `BytesIO` copy of it; a subset is
    a narrower view. It is its own file: `StructFile` reads through ``self.file``, and a
    reader object in between made each read two Python calls (Whoosh's and the reader's).
    Reads copy only the bytes asked for; what a search reads most, each posting block's
    header (`W3LeafMatcher._goto`: seek, `read_int`, `read_pickle`, tell), is read from the
    view without a copy."""

    def __init__(self, buf: memoryview, name: str | None = None) -> None:
        self._buf = buf
        self._name = name
        self._position = 0
        self.file = self
        self.onclose = None
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> InPlacePart:
        return InPlacePart(self._buf[position : position + length], name=name or self._name)

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = None if size is None or size < 0 else start + size
        data = self._buf[start:end].tobytes()
        self._position = start + len(data)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        """Up to and including the next newline, as `pickle.load` may ask."""
        start, length = self._position, len(self._buf)
        limit = length if size is None or size < 0 else min(start + size, length)
        end = start
        while end < limit:
            chunk = self._buf[end : min(end + _LINE_CHUNK, limit)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        self._position = end
        return self._buf[start:end].tobytes()

    def peek(self, size: int = 1) -> memoryview:
        """The bytes from the position on (at least one, as far as there are), not copied and
        not consumed. `pickle.load` unpickles from what it peeked, then reads only what it
        used: without it, it read a posting block's header in ~19 calls of `read`."""
        return self._buf[self._position : self._position + max(size, 1)]

    def read_int(self) -> int:
        start = self._position
        (number,) = _int_struct.unpack_from(self._buf, start)
        self._position = start + _int_struct.size
        return number

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            position = offset
        elif whence == os.SEEK_CUR:
            position = self._position + offset
        else:
            position = len(self._buf) + offset
        self._position = max(0, position)
        return self._position

    def tell(self) -> int:
        return self._position

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def write(self, data: bytes) -> int:
        raise io.UnsupportedOperation(f"{self._name}: a part of a segment is read only")

    def truncate(self, size: int | None = None) -> int:
        raise io.UnsupportedOperation(f"{self._name}: a part of a segment is read only")

    def flush(self) -> None:
        """Nothing to write."""

    def close(self) -> None:
        """The view stays valid: Whoosh closes a part while its readers may still hold it."""
        self.is_closed = True
