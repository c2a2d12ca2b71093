"""`muragat serve` under a bounded load on loopback, then its memory: anonymous and mapped index apart.

Starts the server on 127.0.0.1 over the benchmark archive, sends a fixed number of
/api/search requests (queries from the set, in order) at 1, 4 and 16 concurrent clients,
and stops by itself: every request has a timeout and every level a deadline (`--seconds`,
600 by default). Reports requests/s, p50/p95/max, refusals (4xx) and errors (5xx, timeouts,
broken connections), then the server's /proc status and smaps: RssAnon, RssFile, and how
much of the mapped memory is the index files.

With `--ingest N`, the server runs on a copy of the archive while `muragat ingest` writes N new
documents into it (generated as `generate.py` writes them, with a seed of their own), from the
first level's start: searches meet the ingest's commits. The copy is removed afterwards.

    .venv/bin/python -m bench.search.load [--requests 200] [--clients 1,4,16] [--threads 8] [--json]
    .venv/bin/python -m bench.search.load --clients 16 --seconds 60 --requests 100000 --ingest 300
"""
from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench.search.common import ARCHIVE, OUT, machine_notes, proc_status
from bench.search.generate import corpus_blocks, new_page, source_texts
from bench.search.queries import load_queries
from bench.search.run import percentile

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 60.0
LEVEL_DEADLINE = 600.0
STARTUP_TIMEOUT = 180.0
INGEST_TIMEOUT = 1800.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_server(port: int, threads: int, archive: Path = ARCHIVE) -> subprocess.Popen:
    """`python -m archive serve` on loopback only, its output to a log file."""
    log = (OUT / "serve.log").open("w")
    command = [sys.executable, "-m", "archive", "serve", "--archive", str(archive), "--host", HOST,
               "--port", str(port), "--threads", str(threads)]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def search_path(query: str) -> str:
    return "/api/search?" + urllib.parse.urlencode({"q": query, "limit": 10})


def get(connection: http.client.HTTPConnection, path: str) -> int:
    """One request on a kept-alive connection; its status code."""
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def wait_until_ready(server: subprocess.Popen, port: int) -> float:
    """Seconds until the first search answers (the index and a searcher opened)."""
    started = time.monotonic()
    while time.monotonic() - started < STARTUP_TIMEOUT:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}; see {OUT / 'serve.log'}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            connection.request("GET", search_path("мұрағат"))
            response = connection.getresponse()
        except OSError:
            time.sleep(0.5)
            continue
        if response.status != 200:
            raise SystemExit(f"the server answered {response.status}: {response.read()[:300].decode()}")
        return time.monotonic() - started
    raise SystemExit(f"the server did not answer within {STARTUP_TIMEOUT:.0f} s")


def load_level(port: int, paths: list[str], clients: int, requests: int, seconds: float = LEVEL_DEADLINE) -> dict:
    """`requests` requests (at most; `seconds` at most) shared by `clients` threads, each on its own connection."""
    lock = threading.Lock()
    next_index = [0]
    latencies: list[float] = []
    outcomes = {"ok": 0, "refused": 0, "errors": 0}
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        while time.monotonic() < deadline:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= requests:
                break
            started = time.perf_counter()
            try:
                status = get(connection, paths[index % len(paths)])
                outcome = "ok" if status == 200 else "refused" if 400 <= status < 500 else "errors"
            except (OSError, http.client.HTTPException):
                outcome = "errors"
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                outcomes[outcome] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"clients": clients, "requests": len(latencies), "seconds": round(seconds, 1),
            "requests_per_second": round(len(latencies) / seconds, 2),
            "p50_ms": round(percentile(latencies, 0.5), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
            "max_ms": round(max(latencies), 1), **outcomes}


def memory(pid: int, index_dir: Path) -> dict[str, float]:
    """MiB: resident, anonymous, file-backed, and the part of the file-backed that is the index (from smaps).

    A file mapped twice (one mapping per searcher) counts twice in RSS, so the mappings are counted too.
    """
    status = proc_status(pid)
    mappings = mappings_rss_kib(pid)
    index_prefix = str(index_dir.resolve())
    index = [kib for path, kib in mappings if path.startswith(index_prefix)]
    others = [kib for path, kib in mappings if path.startswith("/") and not path.startswith(index_prefix)]
    figures: dict[str, float] = {key: round(value / 1024, 1) for key, value in status.items()}
    figures.update(index_files_rss=round(sum(index) / 1024, 1), index_mappings=len(index),
                   other_files_rss=round(sum(others) / 1024, 1))
    return figures


def mappings_rss_kib(pid: int) -> list[tuple[str, int]]:
    """(path, resident KiB) for each mapping of the process; anonymous ones as "[anon]"."""
    mappings: list[tuple[str, int]] = []
    current = "[anon]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if fields and not fields[0].endswith(":") and "-" in fields[0]:
            current = fields[5] if len(fields) >= 6 else "[anon]"
        elif fields and fields[0] == "Rss:":
            mappings.append((current, int(fields[1])))
    return mappings


def measure(requests: int, clients: list[int], threads: int, seconds: float, ingest: int) -> dict:
    paths = [search_path(query.muragat) for query in load_queries()]
    archive = ARCHIVE
    if ingest:
        archive = OUT / "load-archive"
        shutil.rmtree(archive, ignore_errors=True)
        shutil.copytree(ARCHIVE, archive)
    port = free_port()
    server = start_server(port, threads, archive)
    writer = None
    try:
        ready_s = wait_until_ready(server, port)
        report = {"machine": machine_notes(), "server_threads": threads, "ready_seconds": round(ready_s, 1),
                  "memory_before_mib": memory(server.pid, archive / "index"), "levels": []}
        if ingest:
            writer, started = start_ingest(archive, fresh_documents(OUT / "load-documents", ingest)), time.monotonic()
        for count in clients:
            report["levels"].append(load_level(port, paths, count, requests, seconds))
            print(f"  {count} clients: {report['levels'][-1]}", file=sys.stderr, flush=True)
        report["memory_after_mib"] = memory(server.pid, archive / "index")
        if writer is not None:
            code = writer.wait(timeout=INGEST_TIMEOUT)
            report["ingest"] = {"documents": ingest, "exit_code": code, "seconds": round(time.monotonic() - started, 1),
                                "searches_overlapping": sum(level["requests"] for level in report["levels"])}
    finally:
        if writer is not None and writer.poll() is None:
            writer.kill()
        server.terminate()
        server.wait(timeout=30)
        if ingest:
            shutil.rmtree(archive, ignore_errors=True)
    return report


def fresh_documents(folder: Path, count: int, seed: int = 20261202) -> Path:
    """`count` documents of 3–8 pages, as generate.py writes them but from a seed of their own (not yet ingested)."""
    rng = random.Random(seed)
    sources = list(source_texts(corpus_blocks()).values())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number in range(count):
        pages = [new_page(rng, sources) for _ in range(rng.randint(3, 8))]
        (folder / f"load-{number:05d}.txt").write_text("\f".join(pages) + "\n", encoding="utf-8")
    return folder


def start_ingest(archive: Path, folder: Path) -> subprocess.Popen:
    """`python -m archive ingest` of the folder into the archive, its output to a log file."""
    log = (OUT / "load-ingest.log").open("w")
    return subprocess.Popen([sys.executable, "-m", "archive", "ingest", str(folder), "--archive", str(archive)],
                            stdout=log, stderr=subprocess.STDOUT)


def table(report: dict) -> str:
    lines = ["| clients | requests | req/s | p50 ms | p95 ms | max ms | refused (4xx) | errors |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for level in report["levels"]:
        lines.append(f"| {level['clients']} | {level['requests']} | {level['requests_per_second']:g} | "
                     f"{level['p50_ms']:g} | {level['p95_ms']:g} | {level['max_ms']:g} | {level['refused']} | "
                     f"{level['errors']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--clients", default="1,4,16", help="concurrency levels, comma-separated")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (`muragat serve --threads`)")
    parser.add_argument("--seconds", type=float, default=LEVEL_DEADLINE, help="each level's time at most")
    parser.add_argument("--ingest", type=int, default=0, metavar="N",
                        help="ingest N new documents into a copy of the archive while it is searched")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(args.requests, [int(count) for count in args.clients.split(",")], args.threads, args.seconds,
                     args.ingest)
    (OUT / "load.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(table(report))
    print(f"server ready after {report['ready_seconds']} s; memory before load (MiB): {report['memory_before_mib']}")
    print(f"memory after load (MiB): {report['memory_after_mib']}")
    if "ingest" in report:
        print(f"ingest beside the load: {report['ingest']}")


if __name__ == "__main__":
    main()
