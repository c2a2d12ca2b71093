"""Build the three indexes over the same passages, each in a child process of its own, and measure it.

(a) Muragat, through the project's ingest of the generated plain-text folder with its
manifest (extraction workers, catalog, one index writer); (b) plain whoosh with
StandardAnalyzer; (c) SQLite FTS5 (unicode61, remove_diacritics 0). (b) and (c) index the
passages Muragat's catalog holds, dumped to passages.jsonl, so all three see the same
text, titles, collections and years. Figures go to bench/out/search/build.json; built
indexes are kept and reused unless --rebuild.

    .venv/bin/python -m bench.search.build [--rebuild] [--reindex] [--workers 2] [--engine whoosh|tantivy]

When the project's analysis rules change after the archive was built, Muragat's index is
rebuilt from the catalog (`muragat reindex`), which is timed too: indexing alone. `--reindex`
does it anyway, and then times plain whoosh again right after it (built beside the kept copy,
then removed), so that the two indexing figures come from one run on the same machine load.
`--engine NAME` is the search engine Muragat's archive is ingested into, and reindexed into
(`--reindex --engine tantivy` moves a built archive to tantivy: `muragat reindex --engine`).
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench.search.common import (
    ARCHIVE, BUILD_REPORT, FTS5_DB, GENERATED, MANIFEST, OUT, PASSAGES, WHOOSH_DIR, Stopwatch, directory_bytes,
    machine_notes, peak_rss_mib, read_passages, tree_rss_kib,
)

FTS5_BATCH = 5000
RSS_SAMPLE_SECONDS = 0.2


def build_muragat(workers: int, engine: str | None = None) -> dict:
    """Ingest the generated folder into a fresh archive the way `muragat ingest` does."""
    from archive.home import Archive

    if ARCHIVE.exists():
        shutil.rmtree(ARCHIVE)
    archive = Archive.create(ARCHIVE, engine)
    clock = Stopwatch()
    via = ingest_with_manifest(archive, workers)
    seconds = clock.seconds
    counts = archive.catalog.counts()
    return {
        "via": via,
        "seconds": round(seconds, 1),
        "documents": counts["documents"],
        "passages": counts["passages"],
        "failures": counts["failures"],
        "passages_per_second": round(counts["passages"] / seconds, 1),
        "index_bytes": directory_bytes(archive.index_dir),
        "catalog_bytes": directory_bytes(ARCHIVE / "catalog.sqlite"),
        "originals_bytes": directory_bytes(archive.originals_dir),
        "workers": workers,
        "engine": archive.engine,
        "schema_version": schema_version(),
        **peak_rss_mib(),
    }


def schema_version() -> str:
    from index.whoosh_engine.schema import SCHEMA_VERSION

    return SCHEMA_VERSION


def ingest_with_manifest(archive, workers: int) -> str:
    """The project's bulk ingest with the manifest; says which entry point it used."""
    from archive import ingestion

    options_type = getattr(ingestion, "IngestOptions", None)
    fields = {field.name for field in dataclasses.fields(options_type)} if options_type else set()
    if not {"manifest", "workers"} <= fields:
        raise SystemExit("archive.ingestion.ingest takes no manifest/workers options yet: "
                         "plain-text + manifest ingestion has not landed; see bench/README.md")
    from archive.metadata import load_manifest

    options = options_type(manifest=load_manifest(MANIFEST), workers=workers)
    report = ingestion.ingest(archive, [GENERATED], on_file=progress(), options=options)
    if report.failed:
        print(f"{len(report.failed)} files failed, first: {report.failed[0]}", file=sys.stderr)
    return f"archive.ingestion.ingest(options=IngestOptions(manifest=…, workers={workers}))"


def progress():
    """A callback that prints one line per 500 files, to show the build is alive."""
    done = [0]
    clock = Stopwatch()

    def on_file(event) -> None:
        done[0] += 1
        if done[0] % 500 == 0:
            print(f"  {done[0]} files, {clock.seconds:.0f} s", file=sys.stderr, flush=True)

    return on_file


def reindex_muragat(engine: str | None = None) -> dict:
    """Rebuild Muragat's index from its catalog (`muragat reindex [--engine]`): indexing alone, without extraction."""
    from archive.home import Archive
    from index.whoosh_engine.schema import SCHEMA_VERSION

    archive = Archive.existing(ARCHIVE)
    clock = Stopwatch()
    count = archive.reindex(engine)
    return {**_figures(count, clock.seconds, directory_bytes(archive.index_dir)), "schema_version": SCHEMA_VERSION,
            "engine": archive.engine, "segments": archive.backend.segment_count()}


def dump_passages() -> int:
    """Muragat's catalogued passages, with their document's title, collection and year, as JSON lines."""
    from archive.home import Archive

    count = 0
    with PASSAGES.open("w", encoding="utf-8") as handle:
        for passage, document in Archive.existing(ARCHIVE).catalog.iter_passages():
            record = {"passage_id": passage.id, "document_id": document.id, "title": document.title,
                      "page": passage.page, "text": passage.text, "collection": document.collection,
                      "year": document.year}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def plain_whoosh_schema():
    """Whoosh out of the box: StandardAnalyzer on title and text, the filters as plain fields."""
    from whoosh.analysis import StandardAnalyzer
    from whoosh.fields import ID, NUMERIC, TEXT, Schema

    return Schema(passage_id=ID(stored=True, unique=True), document_id=ID(stored=True),
                  page=NUMERIC(int, stored=True), title=TEXT(analyzer=StandardAnalyzer(), stored=True),
                  text=TEXT(analyzer=StandardAnalyzer(), stored=True), collection=ID(stored=True),
                  year=NUMERIC(int, stored=True))


def build_whoosh(directory: Path = WHOOSH_DIR) -> dict:
    """The same passages in plain whoosh, one writer, one commit (as Muragat's writer does per batch)."""
    from whoosh import index as whoosh_index

    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    clock = Stopwatch()
    ix = whoosh_index.create_in(str(directory), plain_whoosh_schema())
    count = 0
    with ix.writer(timeout=60.0) as writer:
        for record in read_passages():
            writer.add_document(**{key: value for key, value in record.items() if value is not None})
            count += 1
    return _figures(count, clock.seconds, directory_bytes(directory))


def retime_whoosh() -> dict:
    """Plain whoosh timed again, built beside the kept index (query benchmarks may be reading it), then removed."""
    directory = OUT / "plain-whoosh-retimed"
    try:
        return {**build_whoosh(directory), "timed": "again, right after muragat_reindex"}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def build_fts5() -> dict:
    """The same passages in an FTS5 table; collection and year are unindexed columns for WHERE clauses."""
    FTS5_DB.unlink(missing_ok=True)
    clock = Stopwatch()
    db = sqlite3.connect(FTS5_DB)
    db.execute("CREATE VIRTUAL TABLE passages USING fts5(title, text, passage_id UNINDEXED, document_id UNINDEXED,"
               " page UNINDEXED, collection UNINDEXED, year UNINDEXED,"
               " tokenize = 'unicode61 remove_diacritics 0')")
    count, batch = 0, []
    with db:
        for record in read_passages():
            batch.append((record["title"], record["text"], record["passage_id"], record["document_id"],
                          record["page"], record["collection"], record["year"]))
            if len(batch) >= FTS5_BATCH:
                count += _insert(db, batch)
                batch = []
        count += _insert(db, batch)
    db.close()
    return _figures(count, clock.seconds, directory_bytes(FTS5_DB))


def _insert(db: sqlite3.Connection, rows: list[tuple]) -> int:
    db.executemany("INSERT INTO passages (title, text, passage_id, document_id, page, collection, year)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def _figures(count: int, seconds: float, size: int) -> dict:
    return {"seconds": round(seconds, 1), "passages": count, "passages_per_second": round(count / seconds, 1),
            "index_bytes": size, **peak_rss_mib()}


def run_child(system: str, workers: int, engine: str | None = None) -> dict:
    """Build one system in a fresh interpreter, so that its peak memory is its own."""
    command = [sys.executable, "-m", "bench.search.build", "--child", system, "--workers", str(workers),
               *(["--engine", engine] if engine else [])]
    load_before = os.getloadavg()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak_tree_kib = 0
    while child.poll() is None:
        peak_tree_kib = max(peak_tree_kib, tree_rss_kib(child.pid))
        time.sleep(RSS_SAMPLE_SECONDS)
    output = child.stdout.read()
    if child.returncode != 0:
        raise SystemExit(f"building {system} failed (exit code {child.returncode}); see the messages above")
    figures = json.loads(output.strip().splitlines()[-1])
    # The extraction workers live until the end of the ingest: sampling sees them, ru_maxrss does not.
    figures["peak_tree_rss_mib"] = round(peak_tree_kib / 1024, 1)
    figures["load_average"] = {"start": [round(value, 2) for value in load_before],
                               "end": [round(value, 2) for value in os.getloadavg()]}
    return figures


def index_is_stale() -> bool:
    """True when the analysis rules changed since the archive was built (`muragat reindex` needed)."""
    from archive.home import Archive

    return Archive.existing(ARCHIVE).needs_reindex


def build_all(rebuild: bool, reindex: bool, workers: int, engine: str | None = None) -> dict:
    """Build what is missing (everything with `rebuild`), keeping earlier figures for what is cached."""
    report = json.loads(BUILD_REPORT.read_text()) if BUILD_REPORT.exists() and not rebuild else {}
    if rebuild or "muragat" not in report:
        print("building muragat…", file=sys.stderr, flush=True)
        report = {"machine": machine_notes(), "muragat": run_child("muragat", workers, engine)}
        report["dumped_passages"] = dump_passages()
    if reindex or index_is_stale():
        print("rebuilding muragat's index from its catalog…", file=sys.stderr, flush=True)
        report["muragat_reindex"] = run_child("reindex", workers, engine)
        if reindex:
            print("timing plain whoosh again, right after…", file=sys.stderr, flush=True)
            report["whoosh"] = run_child("whoosh_again", workers)
    for system in ("whoosh", "fts5"):
        if system not in report:
            print(f"building {system}…", file=sys.stderr, flush=True)
            report[system] = run_child(system, workers)
    BUILD_REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return report


def table(report: dict) -> str:
    """A Markdown table of what each build took."""
    lines = ["| build | passages | seconds | passages/s | index MiB | peak RSS MiB (process tree) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in ("muragat", "muragat_reindex", "whoosh", "fts5"):
        if name in report:
            figures = report[name]
            lines.append(f"| {name} | {figures['passages']} | {figures['seconds']:g} | "
                         f"{figures['passages_per_second']:g} | {figures['index_bytes'] / 2**20:.0f} | "
                         f"{figures.get('peak_tree_rss_mib', figures['peak_rss_mib']):g} |")
    if "muragat_reindex" in report and "whoosh" in report:
        ratio = report["muragat_reindex"]["passages_per_second"] / report["whoosh"]["passages_per_second"]
        lines.append(f"\nMuragat reindex / plain whoosh: {ratio:.2f}× the passages per second")
    return "\n".join(lines)


CHILDREN = {"muragat": build_muragat, "reindex": lambda workers, engine: reindex_muragat(engine),
            "whoosh": lambda workers, engine: build_whoosh(), "whoosh_again": lambda workers, engine: retime_whoosh(),
            "fts5": lambda workers, engine: build_fts5()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="build all three again, even if cached")
    parser.add_argument("--reindex", action="store_true",
                        help="also time `muragat reindex` (done anyway when the analysis rules changed), "
                             "then plain whoosh again")
    parser.add_argument("--workers", type=int, default=2, help="Muragat's extraction workers")
    parser.add_argument("--engine", help="the search engine Muragat's archive is built (and reindexed) in")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.workers, args.engine)))
        return
    if not MANIFEST.exists():
        raise SystemExit(f"{MANIFEST}: no generated corpus; run `python -m bench.search.generate` first")
    report = build_all(args.rebuild, args.reindex, args.workers, args.engine)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else table(report))


if __name__ == "__main__":
    main()
