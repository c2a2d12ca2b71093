"""A worker an indexing run forked ends when the run is killed outright."""
from __future__ import annotations

import os
import signal
import time

from index.children import end_with_parent


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_worker_ends_when_its_run_is_killed(tmp_path):
    reading, writing = os.pipe()
    run = os.fork()
    if run == 0:  # the indexing run: forks its worker, then waits to be killed
        worker = os.fork()
        if worker == 0:
            end_with_parent(os.getppid())
            time.sleep(60)  # a long part being written
            os._exit(0)
        os.write(writing, f"{worker}\n".encode())
        time.sleep(60)
        os._exit(0)
    worker = int(os.read(reading, 64).decode())
    time.sleep(0.2)  # the worker has asked to end with the run
    assert _alive(worker)
    os.kill(run, signal.SIGKILL)
    os.waitpid(run, 0)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker)
