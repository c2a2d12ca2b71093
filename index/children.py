"""Processes an indexing run forks end with it: a `muragat reindex` killed outright (kill -9, the OOM killer) must
not leave its workers writing on, holding the archive's lock under a process that no longer exists."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent ends


def end_with_parent(parent: int) -> None:
    """In a forked child of `parent` (its pid): be killed when the parent ends, or end now if it already has.

    Linux only; elsewhere a child ends when its part is written.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError, TypeError):  # no libc prctl (macOS)
        return
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)
