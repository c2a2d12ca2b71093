"""The content-addressed store of original files: `originals/ab/abcdef….pdf`."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """The file's sha256, read in chunks so that large files cost no memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_name(sha256: str, suffix: str) -> str:
    """Where a file with this content lives, relative to the store; never from its file name."""
    return f"{sha256[:2]}/{sha256}{suffix.lower()}"


def store(root: Path, source: Path, sha256: str) -> str:
    """Copy `source` into the store (atomically, fsynced) and return its stored name."""
    name = stored_name(sha256, Path(source).suffix)
    target = Path(root) / name
    if target.exists():
        return name
    target.parent.mkdir(exist_ok=True)  # not the store itself: an archive removed mid-run is not made anew
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as handle, open(source, "rb") as src:
        shutil.copyfileobj(src, handle, CHUNK)
        handle.flush()
        # A temporary file is 0600 whatever the umask: stored so, an original could not be served to a
        # reader of the archive who is not its writer (another user's archive, a backup).
        os.fchmod(handle.fileno(), 0o666 & ~_umask())
        os.fsync(handle.fileno())
    os.replace(handle.name, target)
    return name


def _umask() -> int:
    """The process's umask (reading it means setting it: set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
