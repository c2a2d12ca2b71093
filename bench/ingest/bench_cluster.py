"""Cluster benchmark: pages per second through a Dask LocalCluster against the plain worker pool, same files.

Example:
  .venv/bin/python bench/ingest/make_pdfs.py /tmp/kk-pdfs --files 40 --pages 12
  .venv/bin/python bench/ingest/bench_cluster.py /tmp/kk-pdfs --workers 2 --rounds 2

Each round ingests the folder into a fresh archive, each time in a fresh process, three ways:
the plain worker pool (`--workers N`); `--cluster local` (the run starts a LocalCluster of N
single-threaded worker processes, and pays for it); `--cluster ADDRESS` of a LocalCluster of
N workers started here beforehand (what a standing cluster costs per file). Prints a Markdown
table of each way's fastest round (other engineers share the machine: the fastest is the least
disturbed), then what each pool costs per file on files that take no time to read.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.ingest.bench_ingest import end_to_end  # noqa: E402

TINY_FILES = 200


def rounds_of(folder: Path, workers: int, rounds: int) -> tuple[dict[str, dict], float]:
    """Each way's fastest run, and the seconds a LocalCluster takes to start."""
    from archive.cluster import start_local_cluster

    started = time.perf_counter()
    standing = start_local_cluster(workers)
    startup = time.perf_counter() - started
    ways = {f"worker pool, {workers} processes": "", f"`--cluster local`, {workers} workers (start included)": "local",
            f"`--cluster ADDRESS`, standing LocalCluster of {workers}": standing.scheduler_address}
    best: dict[str, dict] = {}
    try:
        for _ in range(rounds):
            for way, cluster in ways.items():
                run = end_to_end(folder, workers, cluster)
                if way not in best or run["seconds"] < best[way]["seconds"]:
                    best[way] = run
    finally:
        standing.close()
    return best, startup


def per_file_cost(workers: int) -> tuple[float, float]:
    """Milliseconds per file of each pool on files that cost almost nothing to read: the dispatch itself.

    A fresh pool each time (the worker pool's start is part of every run); the standing cluster
    has read files before, as it would have in use.
    """
    from archive.cluster import ClusterPool, start_local_cluster
    from archive.workers import Task, WorkerPool

    with tempfile.TemporaryDirectory(prefix="muragat-bench-") as folder:
        tasks = []
        for number in range(TINY_FILES):
            path = Path(folder) / f"{number}.txt"
            path.write_text(f"Мәтін {number}.", encoding="utf-8")
            tasks.append(Task(str(path)))
        standing = start_local_cluster(workers)
        try:
            list(ClusterPool(standing.scheduler_address, workers).map_unordered(tasks))  # as after a first run
            costs = []
            for pool in (WorkerPool(workers), ClusterPool(standing.scheduler_address, workers)):
                started = time.perf_counter()
                list(pool.map_unordered(tasks))
                costs.append((time.perf_counter() - started) / TINY_FILES * 1000)
        finally:
            standing.close()
    return costs[0], costs[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    best, startup = rounds_of(args.folder, args.workers, args.rounds)
    baseline = next(iter(best.values()))
    print(f"files {len(list(args.folder.glob('*.pdf')))}, pages {baseline['pages']}, "
          f"fastest of {args.rounds} rounds; a LocalCluster of {args.workers} starts in {startup:.1f} s\n")
    print("| extraction | seconds | pages/s | vs. worker pool | failed |")
    print("|---|---|---|---|---|")
    for way, run in best.items():
        print(f"| {way} | {run['seconds']:.1f} | {run['pages'] / run['seconds']:.1f} | "
              f"{baseline['seconds'] / run['seconds']:.2f} × | {run['failed']} |")
    pool_ms, cluster_ms = per_file_cost(args.workers)
    print(f"\nper file, {TINY_FILES} one-line text files, dispatch only (no writer): worker pool {pool_ms:.1f} ms, "
          f"standing cluster {cluster_ms:.1f} ms")


if __name__ == "__main__":
    main()
