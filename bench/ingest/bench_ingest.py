"""Ingest benchmark: end-to-end pages per second against raw single-process pdfminer.six on the same files.

Example:
  .venv/bin/python bench/ingest/make_pdfs.py /tmp/kk-pdfs --files 40 --pages 12
  .venv/bin/python bench/ingest/bench_ingest.py /tmp/kk-pdfs --workers 2

Prints T_raw (pdfminer's extract_pages over every file, default LAParams, one process),
the project's own extraction (`ingest.extract.extract_raw_pages`, one process) on the same
files, T_e2e (`muragat ingest` into a fresh archive: workers, catalog, index, all of it), their
ratio, the load average around the run (the machine is shared: wall times are noisy, CPU
seconds steadier), and peak memory of the writer and of the largest worker.
"""
from __future__ import annotations

import argparse
import json
import resource
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def raw_extraction(files: list[Path]) -> tuple[float, float, int]:
    """Wall and CPU seconds for pdfminer alone to lay out every page of every file, in this one process."""
    from pdfminer.high_level import extract_pages

    return _timed(extract_pages, files)


def own_extraction(files: list[Path]) -> tuple[float, float, int]:
    """Wall and CPU seconds of the project's extraction (lines in reading order), in this one process."""
    sys.path.insert(0, str(ROOT))
    from ingest.extract import extract_raw_pages

    return _timed(extract_raw_pages, files)


def _timed(pages_of: Callable[[Path], Iterable[object]], files: list[Path]) -> tuple[float, float, int]:
    """Wall and CPU seconds apart: on a shared machine the CPU figure is the steadier one."""
    pages = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for path in files:
        for _ in pages_of(path):
            pages += 1
    return time.perf_counter() - wall, time.process_time() - cpu, pages


def end_to_end(folder: Path, workers: int, cluster: str = "") -> dict:
    """Run the ingest in a fresh process (fair memory figures) and return what it measured."""
    with tempfile.TemporaryDirectory(prefix="muragat-bench-") as archive:
        completed = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), "--archive", archive, "--workers", str(workers),
             "--cluster", cluster],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
    return json.loads(completed.stdout.strip().splitlines()[-1])


class DescendantWatch(threading.Thread):
    """Samples the CPU time and peak memory of this process's descendants (the workers come from a
    fork server, so getrusage never sees them)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.cpu: dict[int, float] = {}
        self.peak_kib: dict[int, int] = {}
        self.running = True
        self.ticks = os.sysconf("SC_CLK_TCK")

    def run(self) -> None:
        while self.running:
            for pid in _descendants(os.getpid()):
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.ticks
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kib[pid] = int(line.split()[1])
            time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def child(folder: Path, archive: Path, workers: int, cluster: str) -> None:
    sys.path.insert(0, str(ROOT))
    from archive.home import Archive
    from archive.ingestion import IngestOptions, ingest

    watch = DescendantWatch()
    watch.start()
    started = time.perf_counter()
    report = ingest(Archive.create(archive), [folder], options=IngestOptions(workers=workers, cluster=cluster))
    seconds = time.perf_counter() - started
    watch.running = False
    own = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({
        "seconds": seconds, "pages": report.pages, "passages": report.passages, "failed": len(report.failed),
        "writer_cpu": own.ru_utime + own.ru_stime, "writer_peak_mib": own.ru_maxrss / 1024,
        "workers_cpu": sum(watch.cpu.values()),
        "worker_peak_mib": max(watch.peak_kib.values(), default=0) / 1024,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cluster", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.folder, args.archive, args.workers, args.cluster)
        return
    files = sorted(args.folder.glob("*.pdf"))
    if not files:
        sys.exit(f"{args.folder}: no PDFs; make some with bench/ingest/make_pdfs.py")
    load_before = os.getloadavg()[0]
    t_raw, cpu_raw, pages = raw_extraction(files)
    t_own, cpu_own, _ = own_extraction(files)
    e2e = end_to_end(args.folder, args.workers)
    t_e2e = e2e["seconds"]
    print(f"files {len(files)}, pages {pages}, passages {e2e['passages']}, failed {e2e['failed']}")
    print(f"raw pdfminer.six, 1 process : {t_raw:7.1f} s  {pages / t_raw:6.1f} pages/s  (CPU {cpu_raw:.1f} s)")
    print(f"ingest.extract, 1 process   : {t_own:7.1f} s  {pages / t_own:6.1f} pages/s  (CPU {cpu_own:.1f} s = "
          f"{cpu_own / cpu_raw:.2f} x raw, {1000 * cpu_own / pages:.1f} ms per page)")
    print(f"muragat ingest, {args.workers} workers  : {t_e2e:7.1f} s  {e2e['pages'] / t_e2e:6.1f} pages/s end to end")
    print(f"ratio T_e2e / T_raw         : {t_e2e / t_raw:7.2f}   (target <= 0.60)")
    cpu = e2e["writer_cpu"] + e2e["workers_cpu"]
    floor = max(cpu / args.workers, e2e["writer_cpu"])  # the writer is one process
    print(f"CPU: writer {e2e['writer_cpu']:.1f} s, workers {e2e['workers_cpu']:.1f} s; on {args.workers} idle cores "
          f"at best {floor:.1f} s = {floor / cpu_raw:.2f} x T_raw's CPU")
    print(f"peak RSS: writer {e2e['writer_peak_mib']:.0f} MiB, largest worker {e2e['worker_peak_mib']:.0f} MiB")
    print(f"load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
