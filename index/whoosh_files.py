"""Whoosh reads index files through a memory map, but each file it opens from a compound segment file
it also copies whole into a ``BytesIO`` (``whoosh.filedb.structfile.BufferFile``). A server holding an
index open so keeps every posting list and stored field twice: once in the map, once on the heap. At
340,000 articles that was 1.0 GiB of heap beside 0.85 GiB of mapped pages.

``read_index_files_in_place()`` makes those files read straight from the map instead, with the same
behaviour for every read Whoosh makes. Whoosh 2.7.4 is pinned and no longer released, so the class it
patches will not change under it; ``tests/test_segment_writer.py`` checks that indexes read the same.
"""

from __future__ import annotations

import os
from typing import Any

from whoosh.filedb.structfile import BufferFile


class MemoryViewStream:
    """A read-only file over a memoryview, without a copy of it."""

    def __init__(self, view: bytes | memoryview) -> None:
        self._view = memoryview(view).cast("B") if not isinstance(view, bytes) else memoryview(view)
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        view, start = self._view, self._position
        limit = len(view) if size is None or size < 0 else min(len(view), start + size)
        end = start
        # lines are short where Whoosh reads them (pickle opcodes); a byte at a time is fine here
        while end < limit:
            end += 1
            if view[end - 1] == 0x0A:
                break
        self._position = end
        return view[start:end].tobytes()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._position
        elif whence == os.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._position = offset
        return offset

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view = memoryview(b"")

    def flush(self) -> None:
        pass


def _buffer_file_init(
    self: Any, buf: bytes | memoryview, name: str | None = None, onclose: Any = None
) -> None:
    self._buf = buf
    self._name = name
    self.file = MemoryViewStream(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def read_index_files_in_place() -> None:
    """Whoosh's buffered files read from the map from now on (idempotent)."""
    BufferFile.__init__ = _buffer_file_init


def open_index(path: str | os.PathLike[str]) -> Any:
    """A Whoosh index opened for reading, its files read in place: the one way this project opens one,
    so the patch is made where it is needed and never as a side effect of an import."""
    from whoosh import index as whoosh_index

    read_index_files_in_place()
    return whoosh_index.open_dir(path)
