"""Extraction on a Dask cluster: the local pool's tasks and outcomes, run on other machines.

A file's bytes travel inside its task, so workers need no shared filesystem; the scheduler
keeps them until the task is done, which lets it run the task again on another worker when
the one reading it dies. On the worker the bytes are written back under the file's own name
and read by a one-process WorkerPool that each worker thread keeps: the per-file time limit,
the memory cap and every failure reason are the local pool's, and a hostile file kills that
pool's child, never the Dask worker.
"""
from __future__ import annotations

import atexit
import multiprocessing
import queue
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import dask
from distributed import CancelledError, Client, Future, KilledWorker, LocalCluster, as_completed, get_worker

from archive.errors import MuragatError
from archive.workers import MIB, Limits, Outcome, Task, WorkerPool, unreadable_reason
from ingest.document import ExtractedDocument

LOCAL = "local"  # --cluster local: a LocalCluster on this machine
# File bytes waiting in this process and the scheduler at once; one file bigger than this goes alone.
BYTES_IN_FLIGHT = 256 * MIB
# Tasks in flight per cluster thread: workers keep busy while the writer commits the index.
TASKS_PER_THREAD = 2
# How often the window follows workers joining or leaving the cluster.
RESIZE_SECONDS = 10.0
CONNECT_SECONDS = 30.0
WORKERS_WAIT_SECONDS = 60.0
# A task that raised (the worker's temporary folder unwritable...) is tried this many more times.
TASK_RETRIES = 1


def start_local_cluster(workers: int) -> LocalCluster:
    """Single-threaded worker processes on loopback, no dashboard, allowed to start per-file processes."""
    # Set for good, not in a `with`: a nanny reads it again whenever it restarts a dead worker.
    dask.config.set({"distributed.worker.daemon": False})
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None,
                        # the scheduler's small HTTP server (health routes) on any free port, not 8787
                        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})


def extract_bytes(content: bytes, name: str, ocr: str, ocr_timeout: float,
                  limits: Limits) -> tuple[ExtractedDocument | None, str]:
    """Runs on a Dask worker: the file written back under its own name, read in a child process under the limits."""
    # In the worker's own scratch folder, which Dask clears after a worker killed mid-file.
    with tempfile.TemporaryDirectory(prefix="muragat-", dir=get_worker().local_directory) as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        outcome = _extract_here(Task(str(path), ocr=ocr, ocr_timeout=ocr_timeout), limits)
    return outcome.document, outcome.reason


class _ResidentPool:
    """A one-process WorkerPool kept between the tasks of one Dask worker thread, fed a task at a time.

    A fresh child per file would cost an import of pdfminer and of the program's main module
    (about 0.1 s); this one pays it once, and the pool replaces the child after a failure as usual.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._outcomes = WorkerPool(1, limits).map_unordered(iter(self._tasks.get, None))

    def extract(self, task: Task) -> Outcome:
        self._tasks.put(task)
        return next(self._outcomes)

    def close(self) -> None:
        """End the feed: the pool stops its child, and its generator ends."""
        self._tasks.put(None)
        for _ in self._outcomes:
            pass


_resident: dict[int, _ResidentPool] = {}  # by Dask worker thread; closed at exit, not by the thread's end


def _extract_here(task: Task, limits: Limits) -> Outcome:
    """The task's outcome from this thread's resident pool (a new one when the limits changed)."""
    thread = threading.get_ident()
    pool = _resident.get(thread)
    if pool is None or pool.limits != limits:
        if pool is not None:
            pool.close()
        pool = _resident[thread] = _ResidentPool(limits)
    try:
        return pool.extract(task)
    except Exception:
        del _resident[thread]  # a broken pool (its idle child died?) is not used again; Dask retries the task
        raise


@atexit.register
def _close_resident_pools() -> None:
    for pool in _resident.values():
        pool.close()


def _is_daemonic() -> bool:
    return multiprocessing.current_process().daemon


class ClusterPool:
    """Extract files on a Dask cluster; results come back in the order they finish."""

    def __init__(self, address: str, workers: int, limits: Limits = Limits()) -> None:
        self.address = address
        self.workers = workers  # for a local cluster only; a remote one has its own
        self.limits = limits
        self._cluster: LocalCluster | None = None
        self._client: Client | None = None
        self._finished: as_completed | None = None  # this run's futures, yielded as they finish
        self._threads = 1
        self._sized_at = 0.0

    def map_unordered(self, items: Iterable[Task | object]) -> Iterator[Outcome | object]:
        """Tasks go to the cluster, a bounded window at a time; any other item passes straight through."""
        pending: dict[Future, tuple[Task, int]] = {}
        try:
            for item in items:
                if not isinstance(item, Task):
                    yield item
                    continue
                try:
                    content = Path(item.path).read_bytes()
                except OSError as error:
                    yield Outcome(item, None, unreadable_reason(Path(item.path).name, error))
                    continue
                while pending and self._full(pending, len(content)):
                    yield self._outcome(pending)
                pending[self._submit(item, content)] = (item, len(content))
            while pending:
                yield self._outcome(pending)
        finally:
            self.close()

    def close(self) -> None:
        """Disconnect (the scheduler drops the tasks no one waits for) and stop a local cluster."""
        if self._client is not None:
            self._client.close()
            self._client = self._finished = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def _submit(self, task: Task, content: bytes) -> Future:
        client = self._connected()
        # The file's bytes are the task's argument by design: no warning for a big one.
        with dask.config.set({"distributed.admin.large-graph-warning-threshold": "100 GiB"}):
            future = client.submit(extract_bytes, content, Path(task.path).name, task.ocr, task.ocr_timeout,
                                   self.limits, pure=False, retries=TASK_RETRIES)
        self._finished.add(future)
        return future

    def _full(self, pending: dict[Future, tuple[Task, int]], size: int) -> bool:
        """Whether the window is full: enough tasks for every thread, or enough bytes in memory."""
        if time.monotonic() - self._sized_at >= RESIZE_SECONDS:
            self._threads = max(1, sum(self._connected().nthreads().values()))
            self._sized_at = time.monotonic()
        in_flight = sum(size for _, size in pending.values())
        return len(pending) >= TASKS_PER_THREAD * self._threads or in_flight + size > BYTES_IN_FLIGHT

    def _outcome(self, pending: dict[Future, tuple[Task, int]]) -> Outcome:
        """The next task done; workers dying under it or an error raised are reasons, a lost scheduler stops the run."""
        future = next(self._finished)
        task, _ = pending.pop(future)
        name = Path(task.path).name
        try:
            document, reason = future.result()
        except KilledWorker as error:
            return Outcome(task, None, f"{name}: {error.allowed_failures + 1} cluster workers died reading it "
                                       f"(out of memory?); retry with --retry-failed")
        except CancelledError as error:
            raise MuragatError(f"lost the Dask scheduler at {self.address}; run the same command again "
                               f"to finish the job") from error
        except Exception as error:  # noqa: BLE001 - raised on the worker after its retries: one file's failure
            return Outcome(task, None, f"{name}: the cluster could not read it ({type(error).__name__}: {error}); "
                                       f"retry with --retry-failed")
        return Outcome(task, document, reason)

    def _connected(self) -> Client:
        """The client, connected on first use (a run with nothing new starts no cluster)."""
        if self._client is None:
            self._client = self._connect()
            self._finished = as_completed(loop=self._client.loop)
        return self._client

    def _connect(self) -> Client:
        if self.address == LOCAL:
            self._cluster = start_local_cluster(self.workers)
            return Client(self._cluster, set_as_default=False)
        try:
            client = Client(self.address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, ValueError) as error:
            raise MuragatError(f"cannot reach the Dask scheduler at {self.address} ({error}); check the address "
                               f"and that the scheduler runs, or use --cluster local") from error
        try:
            client.wait_for_workers(1, timeout=WORKERS_WAIT_SECONDS)
            if any(client.run(_is_daemonic).values()):
                raise MuragatError(f"the Dask workers at {self.address} run as daemonic processes, which cannot "
                                   f"start the per-file processes; restart them with "
                                   f"DASK_DISTRIBUTED__WORKER__DAEMON=False")
        except TimeoutError as error:
            client.close()
            raise MuragatError(f"no Dask worker joined {self.address} within {WORKERS_WAIT_SECONDS:g} s; "
                               f"start some with `dask worker {self.address}`") from error
        except MuragatError:
            client.close()
            raise
        return client
