"""Query latency of the three systems on the same passages and queries: p50/p95/max, overall and per kind.

Each system answers in a process of its own; every query is under a time budget, and a
query that overruns is reported as a timeout (its process is killed and a fresh one
takes the next query) rather than hanging the run. Times include parsing, ranking, the
top 10 and their snippets; for Muragat also exact totals and facet counts, as the web UI
asks (Archive.search). Before a system is timed its files are read once, so that all three
answer from the page cache rather than one of them from disk.

    .venv/bin/python -m bench.search.run [--systems muragat,whoosh,fts5] [--timeout 60] [--json]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection

from bench.search.common import ARCHIVE, FTS5_DB, OUT, SYSTEMS, WHOOSH_DIR, machine_notes
from bench.search.queries import BenchQuery, load_queries
from bench.search.systems import OPENERS, Refused

# The files each system reads while it answers.
SYSTEM_FILES = {"muragat": [ARCHIVE / "index", ARCHIVE / "index-tantivy"], "whoosh": [WHOOSH_DIR], "fts5": [FTS5_DB]}
WARM_UP_QUERY = BenchQuery("warm-up", "мұрағат", "мұрағат", '"мұрағат"')
OK, REFUSED, FAILED, TIMEOUT = "ok", "refused", "error", "timeout"


@dataclass(frozen=True)
class Timing:
    """One query on one system."""

    system: str
    kind: str
    query: str
    ms: float
    outcome: str
    total: int = 0
    hits: int = 0
    message: str = ""


def serve_queries(system: str, connection: Connection) -> None:
    """A worker: open the system, report how long that took, then time each query sent."""
    started = time.perf_counter()
    run = OPENERS[system]()
    run(WARM_UP_QUERY)
    connection.send(round((time.perf_counter() - started) * 1000, 1))
    while (query := connection.recv()) is not None:
        connection.send(timed(run, query))


def timed(run, query: BenchQuery) -> tuple[float, str, int, int, str]:
    started = time.perf_counter()
    try:
        total, hits = run(query)
        outcome, message = OK, ""
    except Refused as error:
        total, hits, outcome, message = 0, 0, REFUSED, str(error)
    except Exception as error:  # noqa: BLE001 - a crash on one query is a figure, not the end of the run
        total, hits, outcome, message = 0, 0, FAILED, f"{type(error).__name__}: {error}"
    return round((time.perf_counter() - started) * 1000, 2), outcome, total, hits, message[:200]


class Worker:
    """A process answering one system's queries, replaced when a query overruns."""

    def __init__(self, system: str, open_timeout: float) -> None:
        self.system = system
        context = multiprocessing.get_context("spawn")
        self.connection, child_end = context.Pipe()
        self.process = context.Process(target=serve_queries, args=(system, child_end), daemon=True)
        self.process.start()
        if not self.connection.poll(open_timeout):
            self.stop()
            raise SystemExit(f"{system}: opening the index took more than {open_timeout} s")
        self.open_ms = self.connection.recv()

    def ask(self, query: BenchQuery, timeout: float) -> tuple | None:
        """The answer, or None when the query took longer than `timeout` seconds."""
        self.connection.send(query)
        return self.connection.recv() if self.connection.poll(timeout) else None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def read_into_page_cache(system: str) -> float:
    """Read the system's files once, so that none of the three is timed reading from disk; MiB read."""
    paths = [path for root in SYSTEM_FILES[system] for path in ([root] if root.is_file() else root.rglob("*"))
             if path.is_file()]
    read = 0
    for path in paths:
        with path.open("rb") as file:
            while chunk := file.read(1 << 22):
                read += len(chunk)
    return read / 2**20


def run_system(system: str, queries: list[BenchQuery], timeout: float) -> tuple[list[Timing], list[float]]:
    """Every query on one system; returns the timings and how long each (re)opening took."""
    read_into_page_cache(system)
    worker = Worker(system, timeout * 5)
    opens = [worker.open_ms]
    timings = []
    for query in queries:
        answer = worker.ask(query, timeout)
        if answer is None:
            worker.stop()
            timings.append(Timing(system, query.kind, query.muragat, timeout * 1000, TIMEOUT))
            worker = Worker(system, timeout * 5)
            opens.append(worker.open_ms)
            continue
        ms, outcome, total, hits, message = answer
        timings.append(Timing(system, query.kind, query.muragat, ms, outcome, total, hits, message))
    worker.connection.send(None)
    worker.stop()
    return timings, opens


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 16 values is the 16th)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summary(timings: list[Timing]) -> dict[str, object]:
    """p50/p95/max over the queries answered (timeouts count at the budget), and how many were not."""
    times = [timing.ms for timing in timings if timing.outcome in (OK, TIMEOUT)]
    counts = defaultdict(int)
    for timing in timings:
        counts[timing.outcome] += 1
    figures: dict[str, object] = {"queries": len(timings), **{outcome: counts[outcome] for outcome in
                                                              (REFUSED, FAILED, TIMEOUT)},
                                  "no_hits": sum(1 for timing in timings if timing.outcome == OK and not timing.hits)}
    if times:
        figures.update(p50=round(statistics.median(times), 1), p95=round(percentile(times, 0.95), 1),
                       max=round(max(times), 1))
    return figures


def by_kind(timings: list[Timing]) -> dict[str, dict[str, object]]:
    kinds: dict[str, list[Timing]] = defaultdict(list)
    for timing in timings:
        kinds[timing.kind].append(timing)
    return {kind: summary(group) for kind, group in kinds.items()}


def table(report: dict) -> str:
    """A Markdown table: one row per kind (and overall), p50 / p95 / max in ms per system."""
    systems = list(report["systems"])
    head = "| kind | " + " | ".join(f"{system} p50 / p95 / max ms" for system in systems) + " |"
    lines = [head, "|---|" + "---:|" * len(systems)]
    kinds = ["overall"] + list(report["systems"][systems[0]]["kinds"])
    for kind in kinds:
        cells = []
        for system in systems:
            figures = report["systems"][system]
            figures = figures["overall"] if kind == "overall" else figures["kinds"].get(kind, {})
            cells.append(_cell(figures))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(figures: dict) -> str:
    if "p50" not in figures:
        return "—"
    notes = [f"{figures[outcome]} {outcome}" for outcome in (REFUSED, FAILED, TIMEOUT) if figures.get(outcome)]
    text = f"{figures['p50']:g} / {figures['p95']:g} / {figures['max']:g}"
    return text + (f" ({', '.join(notes)})" if notes else "")


def measure(systems: list[str], timeout: float) -> dict:
    queries = load_queries()
    report: dict = {"machine": machine_notes(), "queries": len(queries), "timeout_s": timeout, "systems": {}}
    all_timings = []
    for system in systems:
        timings, opens = run_system(system, queries, timeout)
        all_timings += timings
        report["systems"][system] = {"open_ms": opens, "overall": summary(timings), "kinds": by_kind(timings)}
    report["load_average_after"] = machine_notes()["load_average"]
    (OUT / "queries-timings.json").write_text(json.dumps([asdict(t) for t in all_timings], ensure_ascii=False,
                                                         indent=1))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated, from " + ", ".join(SYSTEMS))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one query may take")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args()
    report = measure([system for system in args.systems.split(",") if system], args.timeout)
    (OUT / "queries.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(table(report))
    for system, figures in report["systems"].items():
        print(f"{system}: opening the index and a first query took {figures['open_ms'][0]:g} ms")


if __name__ == "__main__":
    main()
