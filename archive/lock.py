"""One writer per archive: a lock file held for a whole ingest, reindex, remove or optimize.

An flock is released by the kernel when its process ends, however it ends (Ctrl+C, kill -9,
a power cut), so a killed run never leaves the archive locked. Two writers at once raced
in the catalog (IntegrityError) and waited on whoosh's lock until it timed out.
"""
from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import MuragatError, cannot_write

LOCK_FILE = "muragat.lock"


@contextmanager
def writing(root: Path, command: str, wait: bool = False) -> Iterator[None]:
    """Hold the archive's writer lock for `command`; another writer makes it wait (`wait`) or refuse."""
    path = Path(root) / LOCK_FILE
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise cannot_write(root, error.strerror) from error
        raise
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(handle, 200, 0).decode("utf-8", "replace").strip() or "another muragat"
            raise MuragatError(f"{root}: {holder} is writing this archive; run `muragat {command}` again when it "
                               f"is done, or add --wait to wait for it") from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"`muragat {command}` (process {os.getpid()})".encode(), 0)
        yield
    finally:
        os.close(handle)  # releases the lock
