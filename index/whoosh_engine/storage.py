"""The index's files read through one memory map per file, shared by every searcher of the process.

Whoosh's own reading either copies each part of a mapped compound segment into memory of
its own (hundreds of MiB per searcher on a large index) or, unmapped, pays a system call
per read. Here each file is mapped once; a searcher reads it through a view that keeps
only its own position, so the pages are the page cache's, counted once, and never copied.
"""
from __future__ import annotations

import mmap
import os
import threading
import weakref

from archive.pins import require

require("Whoosh-Reloaded", __name__)  # whoosh.filedb's storage and struct files, subclassed below
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class _MapView:
    """A file-like window on a shared map: reads copy only the bytes asked for; the position is its own."""

    def __init__(self, mapped: mmap.mmap, start: int, length: int) -> None:
        self.mapped = mapped
        self.start = start
        self.end = start + length
        self.position = start

    def read(self, size: int | None = -1) -> bytes:
        end = self.end if size is None or size < 0 else min(self.position + size, self.end)
        data = self.mapped[self.position:end]
        self.position = end
        return data

    def readline(self, size: int | None = -1) -> bytes:
        newline = self.mapped.find(b"\n", self.position, self.end)
        return self.read(self.end - self.position if newline < 0 else newline + 1 - self.position)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: self.start, os.SEEK_CUR: self.position, os.SEEK_END: self.end}[whence]
        self.position = base + offset
        return self.position - self.start

    def tell(self) -> int:
        return self.position - self.start

    def close(self) -> None:
        """The map stays open for the other views; it is unmapped when the last one is gone."""


class MappedFile(StructFile):
    """A whoosh file over a shared map; a part of it (a compound segment's member) is a view too."""

    def __init__(self, mapped: mmap.mmap, start: int = 0, length: int | None = None, name: str | None = None) -> None:
        super().__init__(_MapView(mapped, start, len(mapped) - start if length is None else length), name=name)

    def get(self, position: int, length: int) -> bytes:
        start = self.file.start + position
        return self.file.mapped[start:start + length]

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self.file.mapped, self.file.start + offset, length, name=name or self._name)


class MappedFileStorage(FileStorage):
    """A FileStorage whose files are opened as MappedFile (whoosh's own mapping switched off)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False)
        self._maps: weakref.WeakValueDictionary[tuple, mmap.mmap] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def open_file(self, name: str, **kwargs) -> StructFile:
        path = self._fpath(name)
        status = os.stat(path)
        if not status.st_size:
            return super().open_file(name, **kwargs)  # an empty file cannot be mapped
        key = (path, status.st_ino, status.st_mtime_ns, status.st_size)
        with self._lock:
            mapped = self._maps.get(key)
            if mapped is None:
                with open(path, "rb") as handle:
                    mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                self._maps[key] = mapped
        return MappedFile(mapped, name=name)
