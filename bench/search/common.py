"""Paths and small helpers shared by the search-at-scale scripts (run them from the project root)."""
from __future__ import annotations

import json
import os
import resource
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "kk_corpus.txt"
CORPUS_MANIFEST = ROOT.parent / "shared" / "corpus" / "kk_corpus_manifest.tsv"
# A smoke run can point everything elsewhere: MURAGAT_BENCH_OUT=/tmp/small.
OUT = Path(os.environ.get("MURAGAT_BENCH_OUT") or ROOT / "bench" / "out" / "search")
GENERATED = OUT / "corpus"
MANIFEST = GENERATED / "manifest.csv"
ARCHIVE = OUT / "muragat-archive"
WHOOSH_DIR = OUT / "plain-whoosh"
FTS5_DB = OUT / "fts5.sqlite"
PASSAGES = OUT / "passages.jsonl"
QUERIES = ROOT / "bench" / "search" / "queries.tsv"
BUILD_REPORT = OUT / "build.json"

SYSTEMS = ("muragat", "whoosh", "fts5")


def directory_bytes(path: Path) -> int:
    """Bytes of every file under `path` (a file counts as itself)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(child.stat().st_size for child in path.rglob("*") if child.is_file())


def peak_rss_mib() -> dict[str, float]:
    """Peak resident memory of this process and of its finished children (ru_maxrss is in KiB on Linux)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mib": round(own, 1), "children_peak_rss_mib": round(children, 1)}


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """The memory lines of /proc/PID/status, in KiB."""
    wanted = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "VmSwap")
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in wanted:
            figures[key] = int(value.split()[0])
    return figures


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it, from /proc's children lists."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                waiting.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants together."""
    total = 0
    for member in descendants(pid):
        try:
            total += proc_status(member).get("VmRSS", 0)
        except (OSError, ValueError):
            continue
    return total


def read_passages(path: Path = PASSAGES) -> Iterator[dict]:
    """The dumped passages, one JSON object per line, streamed (not held in memory)."""
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


class Stopwatch:
    """Seconds since it was made."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started


def machine_notes() -> dict[str, object]:
    """What the figures were measured on."""
    import platform
    import sqlite3

    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"
