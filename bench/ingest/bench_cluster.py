"""Cluster benchmark: pages per second through a Dask LocalCluster against the plain worker pool, same files.

Example:
  .venv/bin/python bench/ingest/make_pdfs.py /tmp/kk-pdfs --files 40 --pages 12
  .venv/bin/python bench/ingest/bench_cluster.py /tmp/kk-pdfs --workers 2 --rounds 2

Each round ingests the folder into a fresh archive, each time in a fresh process, three ways:
the plain worker pool (`--workers N`); `--cluster local` (the run starts a LocalCluster of N
single-threaded worker processes, and pays for it); `--cluster ADDRESS` of a LocalCluster of
N workers started here beforehand (what a standing cluster costs per file). Prints a Markdown
table of each way's fastest round (other engineers share the machine: the fastest is the least
disturbed).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.ingest.bench_ingest import end_to_end  # noqa: E402


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


if __name__ == "__main__":
    main()
