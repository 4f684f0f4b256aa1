"""Whoosh reads index files through a memory map, but each file it opens from a compound segment file
it also copies whole into a ``BytesIO`` (``whoosh.filedb.structfile.BufferFile``). A server holding an
index open so keeps every posting list and stored field twice: once in the map, once on the heap. At
340,000 articles that was 1.0 GiB of heap beside 0.85 GiB of mapped pages.

``read_index_files_in_place()`` makes those files read straight from the map instead, with the same
behaviour for every read Whoosh makes. Whoosh 2.7.4 is pinned and no longer released, so the class it
patches will not change under it; ``tests/test_segment_writer.py`` checks that indexes read the same.

Whoosh also maps a segment file again for every searcher that opens it, and a server keeps one
searcher per thread: resident memory counts each map's touched pages, so 8 threads held every
posting list and stored field read 8 times over. ``share_segment_maps()`` gives every searcher of a
file the same read-only map (the files of a generation never change once written), closed with the
last searcher that uses it.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
import sys
import threading
from typing import Any

from whoosh.filedb.compound import CompoundStorage
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


class SharedMaps:
    """One read-only map per file (by device, inode, size and modification time), counted by its
    users: a map is closed when its last user lets go of it."""

    def __init__(self) -> None:
        self._maps: dict[tuple[int, int, int, int], list[Any]] = {}  # key -> [map, users]
        self._lock = threading.Lock()

    def acquire(self, fileno: int) -> mmap.mmap:
        status = os.fstat(fileno)
        key = (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
        with self._lock:
            entry = self._maps.get(key)
            if entry is None:
                entry = self._maps[key] = [mmap.mmap(fileno, 0, access=mmap.ACCESS_READ), 0]
            entry[1] += 1
            return entry[0]  # type: ignore[no-any-return]

    def release(self, source: mmap.mmap) -> None:
        with self._lock:
            for key, entry in self._maps.items():
                if entry[0] is source:
                    entry[1] -= 1
                    if entry[1] == 0:
                        del self._maps[key]
                        with contextlib.suppress(BufferError):  # views still held: closed when they go
                            source.close()
                    return

    def count(self) -> int:
        """How many files are mapped."""
        with self._lock:
            return len(self._maps)


SEGMENT_MAPS = SharedMaps()


def _compound_storage_init(self: Any, dbfile: Any, use_mmap: bool = True, basepos: int = 0) -> None:
    """Whoosh 2.7.4's ``CompoundStorage.__init__``, the map taken from ``SEGMENT_MAPS``."""
    self._file = dbfile
    self.is_closed = False
    dbfile.seek(0, os.SEEK_END)
    filesize = self._file.tell()
    dbfile.seek(basepos)
    self._diroffset = self._file.read_long()
    self._dirlength = self._file.read_int()
    self._file.seek(self._diroffset)
    self._dir = self._file.read_pickle()
    self._options = self._file.read_pickle()
    self._locks = {}
    self._source = None
    if use_mmap and hasattr(self._file, "fileno") and filesize < sys.maxsize:
        try:
            self._source = SEGMENT_MAPS.acquire(self._file.fileno())
        except OSError as error:
            if error.errno != errno.ENOMEM:  # without the memory to map it, Whoosh reads the file
                raise
        else:
            self._file.close()
            self._file = None


def _compound_storage_close(self: Any) -> None:
    if self.is_closed:
        raise Exception("Already closed")
    self.is_closed = True
    if self._source:
        SEGMENT_MAPS.release(self._source)
    if self._file:
        self._file.close()


def share_segment_maps() -> None:
    """Every searcher of a segment file reads it through one shared map from now on (idempotent)."""
    CompoundStorage.__init__ = _compound_storage_init
    CompoundStorage.close = _compound_storage_close


def open_index(path: str | os.PathLike[str]) -> Any:
    """A Whoosh index opened for reading, its files read in place: the one way this project opens one,
    so the patch is made where it is needed and never as a side effect of an import."""
    from whoosh import index as whoosh_index

    read_index_files_in_place()
    share_segment_maps()
    return whoosh_index.open_dir(path)
