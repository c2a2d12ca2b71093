"""A pool of extraction processes, each file under a time limit and a memory cap.

concurrent.futures cannot stop one task that hangs, and a worker that dies there breaks
the whole pool; here every worker is a process of our own with a pipe, so the dispatcher
can kill the one that overruns, record why, and start a fresh one in its place.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from ingest.document import ExtractedDocument, extract_document
from ingest.ocr import PAGE_TIMEOUT_SECONDS
from ingest.extract import ExtractionError

MIB = 1 << 20
# Outcomes waiting for the writer, per worker: enough to keep workers busy during an index commit.
BACKLOG_PER_WORKER = 8
_DONE = object()


@dataclass(frozen=True)
class Task:
    """A file to extract and when to OCR its pages; `tag` travels with it untouched, for the caller."""

    path: str
    tag: object = None
    ocr: str = "auto"
    ocr_timeout: float = PAGE_TIMEOUT_SECONDS


@dataclass(frozen=True)
class Outcome:
    """A task's result: the extracted document, or the reason there is none."""

    task: Task
    document: ExtractedDocument | None
    reason: str = ""


@dataclass(frozen=True)
class Limits:
    """What one file may cost: seconds of wall time and MiB of memory beyond a fresh worker's."""

    timeout: float = 300.0
    memory_mib: int = 2048


def extract_in_worker(path: str, ocr: str = "auto",
                      ocr_timeout: float = PAGE_TIMEOUT_SECONDS) -> tuple[ExtractedDocument | None, str, bool]:
    """(document, reason, worker must retire): every failure becomes a reason, never an exception."""
    name = Path(path).name
    try:
        return extract_document(Path(path), ocr=ocr, ocr_timeout=ocr_timeout), "", False
    except MemoryError:
        return None, _memory_reason(name), True
    except RecursionError:
        return None, f"{name}: the PDF's objects are nested too deeply to read; the file is damaged or hostile", True
    except ExtractionError as error:
        if isinstance(error.__cause__, MemoryError):
            return None, _memory_reason(name), True
        if isinstance(error.__cause__, RecursionError):
            return None, f"{name}: the PDF's objects are nested too deeply to read; the file is damaged or hostile", True
        return None, str(error), False
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        return None, f"{name}: unexpected error ({type(error).__name__}: {error}); please report it", False


def unreadable_reason(name: str, error: OSError) -> str:
    return f"{name}: cannot read the file ({error.strerror}); check that it exists and is readable"


def _memory_reason(name: str) -> str:
    return (f"{name}: needs more memory than the per-file cap (a decompression bomb?); "
            f"if it is genuine, retry with a larger --memory")


def _serve(connection: Connection, memory_mib: int) -> None:
    """A worker's life: take paths, send back results, until the pipe closes or memory ran out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the dispatcher's to handle
    if memory_mib:
        cap = _address_space() + memory_mib * MIB
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    while True:
        try:
            path, ocr, ocr_timeout = connection.recv()
        except (EOFError, OSError):
            return
        document, reason, retire = extract_in_worker(path, ocr, ocr_timeout)
        try:
            connection.send((document, reason, retire))
        except MemoryError:
            connection.send((None, _memory_reason(Path(path).name), True))
            return
        except (BrokenPipeError, OSError):
            return
        if retire:
            return


def _address_space() -> int:
    """This process's virtual size now (the memory cap comes on top of it)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _context():
    """forkserver: workers start fast from a clean, single-threaded parent with the code preloaded."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["archive.workers"])
        return context
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, context, memory_mib: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory_mib), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task, timeout: float) -> None:
        self.task, self.deadline = task, time.monotonic() + timeout
        self.connection.send((task.path, task.ocr, task.ocr_timeout))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


class Pool(Protocol):
    """Where tasks run, for the ingest driver: this machine's WorkerPool, or a cluster (archive.cluster)."""

    def map_unordered(self, items: Iterable[Task | object]) -> Iterator[Outcome | object]:
        """Tasks run; any other item passes straight through, in turn; outcomes come in the order they finish."""

    def close(self) -> None:
        """Stop: what is not written yet is redone next run."""


class WorkerPool:
    """Extract files in `workers` processes; results come back in the order they finish."""

    def __init__(self, workers: int, limits: Limits = Limits()) -> None:
        self.size = max(1, workers)
        self.limits = limits
        self._context = _context()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def map_unordered(self, items: Iterable[Task | object]) -> Iterator[Outcome | object]:
        """Tasks go to the workers; any other item passes straight through, in turn, to the caller."""
        results: queue.Queue = queue.Queue(maxsize=BACKLOG_PER_WORKER * self.size)
        self._thread = threading.Thread(target=self._dispatch, args=(iter(items), results), daemon=True)
        self._thread.start()
        try:
            while (item := results.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.close()

    def close(self) -> None:
        """Stop dispatching and kill the workers (what is not written yet is redone next run)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    def _dispatch(self, items: Iterator, results: queue.Queue) -> None:
        workers: list[_Worker] = []
        put = lambda item: self._put(results, item)  # noqa: E731
        try:
            exhausted = False
            while not self._stop.is_set():
                while not exhausted and (len(workers) < self.size or any(w.task is None for w in workers)):
                    item = next(items, _DONE)
                    if item is _DONE:
                        exhausted = True
                    elif isinstance(item, Task):
                        self._idle_worker(workers).give(item, self.limits.timeout)
                    else:
                        put(item)
                busy = [worker for worker in workers if worker.task is not None]
                if not busy:
                    break
                # Wake at least twice a second to notice close() (Ctrl+C) without waiting for a deadline.
                timeout = min(0.5, max(0.0, min(worker.deadline for worker in busy) - time.monotonic()))
                ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout))
                for position, worker in enumerate(workers):
                    if worker.task is None:
                        continue
                    outcome, healthy = self._collect(worker, ready)
                    if outcome is None:
                        continue
                    put(outcome)
                    worker.task = None
                    if not healthy:
                        worker.stop()
                        workers[position] = _Worker(self._context, self.limits.memory_mib)
            put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            put(error)
        finally:
            for worker in workers:
                worker.stop()

    def _idle_worker(self, workers: list[_Worker]) -> _Worker:
        """An idle worker; workers start only when there is work (already-present files need none)."""
        for worker in workers:
            if worker.task is None:
                return worker
        workers.append(_Worker(self._context, self.limits.memory_mib))
        return workers[-1]

    def _collect(self, worker: _Worker, ready: set) -> tuple[Outcome | None, bool]:
        """(outcome, worker still usable): a result, a failure if the worker died or overran, None while it works."""
        task = worker.task
        name = Path(task.path).name
        if worker.connection in ready:
            try:
                document, reason, retire = worker.connection.recv()
            except (EOFError, OSError):
                return Outcome(task, None, self._death_reason(worker, name)), False
            return Outcome(task, document, reason), not retire
        if worker.process.sentinel in ready:
            return Outcome(task, None, self._death_reason(worker, name)), False
        if time.monotonic() >= worker.deadline:
            worker.process.kill()
            return Outcome(task, None, f"{name}: gave up after {self.limits.timeout:g} s (thousands of pages, or a "
                                       f"hostile file?); if it is genuine, retry with a larger --timeout"), False
        return None, True

    def _death_reason(self, worker: _Worker, name: str) -> str:
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        if code is not None and code < 0:
            signame = signal.Signals(-code).name
            if -code == signal.SIGKILL:
                return f"{name}: the worker reading it was killed ({signame}; out of memory?); retry with --retry-failed"
            return f"{name}: the worker reading it crashed ({signame}); the file is probably damaged or hostile"
        return f"{name}: the worker reading it stopped unexpectedly (exit code {code}); retry with --retry-failed"

    def _put(self, results: queue.Queue, item: object) -> None:
        while not self._stop.is_set():
            try:
                results.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
