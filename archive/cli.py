"""The `muragat` command line: each command parses options and calls one library function."""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import sys
import time
from functools import wraps
from pathlib import Path

import click

from archive.errors import MuragatError
from archive.catalog import LISTING_SORTS
from archive.home import (
    DEFAULT_ENGINE, ENGINES, PASSAGE_LANGUAGES, TIME_BUDGET_SECONDS, UNCERTAIN_READING, Archive, Filters, IndexDamaged,
    checked_engine, resolve_root,
)
from archive.lock import writing
from archive.pins import WrongVersion
from archive.payloads import document_payload, search_payload
from archive.workers import Limits
from ingest.document import FROM_OCR, OCR_MODES, TEXT_LAYER
from ingest.ocr import PAGE_TIMEOUT_SECONDS
from ingest.extract import ExtractionError


FAILURES_SHOWN = 20
AFTER_DISK_ERROR = "check the disk and the archive folder, then run the same command again: what was committed is kept"
DISK_FULL = "free some space, then run the same command again: what was committed is kept"


def archive_option(command):
    """`--archive DIR` on every subcommand (default: $MURAGAT_ARCHIVE, else ./muragat-data)."""
    return click.option(
        "--archive", "archive_dir", type=click.Path(file_okay=False), default=None,
        help="Archive directory (default: $MURAGAT_ARCHIVE, else ./muragat-data).",
    )(command)


def time_budget_option(command):
    """`--time-budget SECONDS`: how long one query may collect matches before answering with what it has."""
    return click.option("--time-budget", type=click.FloatRange(min=0.01), default=TIME_BUDGET_SECONDS,
                        show_default=True, metavar="SECONDS",
                        help="Cut a query that runs longer; its results are then marked partial.")(command)


def wait_option(command):
    """`--wait` on the commands that write: wait for another writer of the archive rather than refuse."""
    return click.option("--wait", is_flag=True,
                        help="If another ingest, reindex, remove or optimize is writing the archive, wait for it "
                             "to finish (without it: refuse).")(command)


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(command)


def reports_errors(command):
    """Turn the library's errors, and the disk's, into one line on stderr and exit code 1; never a traceback."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (MuragatError, ExtractionError, WrongVersion, IndexDamaged) as error:  # engines are opened only now
            click.echo(f"muragat: {error}", err=True)
        except BrokenPipeError:  # the reader of our output went away (`| head`): nothing to say, nowhere to say it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            full = error.errno in (errno.ENOSPC, errno.EDQUOT)
            click.echo(f"muragat: {where}{error.strerror or error}; {DISK_FULL if full else AFTER_DISK_ERROR}",
                       err=True)
        except sqlite3.Error as error:
            full = getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_FULL
            click.echo(f"muragat: the catalog: {error}; {DISK_FULL if full else AFTER_DISK_ERROR}", err=True)
        sys.exit(1)
    return wrapper


# Control characters a file name or a title may hold (a newline in a name makes a fake line of output), written as
# escapes wherever a line names them.
_CONTROLS = {code: ascii(chr(code))[1:-1] for code in (*range(32), 127)}


def one_line(text: str) -> str:
    """A name or a message as one line of output: its control characters written as escapes (\\n, \\x1b)."""
    return text.translate(_CONTROLS)


def _access_said(catalog, name: str, access: str) -> str:
    """A collection's access as said to an archivist: a public one may hold documents their manifest rows restrict."""
    restricted, documents = catalog.restricted_alone(name)
    if access == "public" and restricted:
        return f"{access} ({restricted} of its {_counted(documents, 'document')} restricted by their own access)"
    return access


def _bracketed(fragments: list[tuple[str, bool]]) -> str:
    """Marked text for a terminal: the query's words in [brackets]."""
    return "".join(f"[{text}]" if is_match else text for text, is_match in fragments)


def emit_json(payload: dict) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Muragat: a searchable archive of Kazakh documents."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--collection", default="", metavar="NAME", help="Collection of files the manifest gives none.")
@click.option("--metadata", "manifest", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Manifest (CSV or JSON): path or sha256, title, author, date, collection, language, source.")
@click.option("--workers", type=click.IntRange(1, 256), default=os.cpu_count() or 1, show_default="all cores",
              help="Extraction processes.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=Limits.timeout, show_default=True,
              metavar="SECONDS", help="Give up on a file after this long.")
@click.option("--memory", type=click.IntRange(0, 10 ** 7), default=Limits.memory_mib, show_default=True, metavar="MIB",
              help="Memory one file may take (0: no cap).")
@click.option("--retry-failed", is_flag=True,
              help="Try the files in the failure ledger again (those no longer there are taken off it), and recognise "
                   "pages left waiting for OCR.")
@click.option("--readd-removed", is_flag=True,
              help="Add again the files whose document `muragat remove` took out (left out otherwise).")
@click.option("--ocr", type=click.Choice(OCR_MODES), default="auto", show_default=True,
              help="Recognise pages with Tesseract: those without a usable text layer, every page, or none.")
@click.option("--ocr-timeout", type=click.FloatRange(min=1), default=PAGE_TIMEOUT_SECONDS, show_default=True,
              metavar="SECONDS", help="Give up recognising one page after this long.")
@click.option("--cluster", default="", metavar="ADDRESS",
              help="Extract on a Dask cluster: its scheduler (tcp://host:8786), or `local` to start one here "
                   "with --workers processes. Needs the cluster extra: pip install -r requirements-cluster.txt.")
@click.option("--verify", is_flag=True,
              help="Hash every file, also those whose path, size and mtime are known: catches a file rewritten "
                   "with the same size and mtime (cp -p, rsync -t).")
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.option("--engine", default=None, metavar="NAME",
              help=f"The search engine a new archive keeps its index in ({', '.join(ENGINES)}; default: "
                   f"{DEFAULT_ENGINE}). An existing archive keeps its own: `muragat reindex --engine` moves it.")
@wait_option
@archive_option
@reports_errors
def ingest(paths: tuple[str, ...], collection: str, manifest: str | None, workers: int, timeout: float, memory: int,
           retry_failed: bool, readd_removed: bool, ocr: str, ocr_timeout: float, cluster: str, verify: bool,
           silent: bool, engine: str | None, wait: bool, archive_dir: str | None) -> None:
    """Add PDF and UTF-8 text files, and folders of them (recursively), to the archive.

    Runs again do only what is left: files already in the archive are recognised by content,
    files that failed before are skipped unless --retry-failed, and the files of documents taken
    out with `muragat remove` stay out unless --readd-removed. A text file's pages are
    separated by form feeds. Scanned pages are recognised with Tesseract (kaz+rus+eng); where it
    is not installed they wait, and `--retry-failed` recognises them once it is. With
    --cluster, files are read on a Dask cluster (each file's bytes go with its task) and the
    catalog and the index are still written here.

    Example: muragat ingest scans/ decree-1995.pdf --collection decrees --metadata manifest.csv
    """
    from archive.ingestion import IngestOptions
    from archive.ingestion import cluster_pool, ingest as run_ingest
    from archive.metadata import NO_MANIFEST, load_manifest

    if not paths and not retry_failed:
        raise click.UsageError("give files or folders to ingest (or --retry-failed)")
    engine = checked_engine(engine) if engine is not None else None  # `--engine ''` too, before anything is made
    if cluster.strip():
        cluster_pool()  # without dask: one line saying how to install it, before the archive is touched
    options = IngestOptions(
        collection=collection.strip(),
        manifest=load_manifest(manifest) if manifest else NO_MANIFEST,
        workers=workers,
        limits=Limits(timeout=timeout, memory_mib=memory),
        retry_failed=retry_failed,
        readd_removed=readd_removed,
        ocr=ocr,
        ocr_timeout=ocr_timeout,
        cluster=cluster.strip(),
        verify=verify,
    )
    for row in options.manifest.missing[:FAILURES_SHOWN]:
        click.echo(f"muragat: {row}: the row is not applied; check its path", err=True)
    if len(options.manifest.missing) > FAILURES_SHOWN:
        click.echo(f"muragat: … and {len(options.manifest.missing) - FAILURES_SHOWN} more rows naming no file",
                   err=True)
    for given in paths:  # before an archive is made for nothing
        if not Path(given).exists():
            raise MuragatError(f"{given}: no such file or folder")
    archive = Archive.create(resolve_root(archive_dir), engine)
    progress = IngestProgress(silent)
    try:
        with writing(archive.root, "ingest", wait):
            report = run_ingest(archive, paths, on_file=progress.file_done, options=options, on_start=progress.start)
    except KeyboardInterrupt:
        progress.finish()
        last = archive.catalog.last_run()
        done = (f" after {last.ingested} files ingested, {last.already_present} already present, {last.failed} failed"
                if last and last.finished_at is None else "")
        click.echo(f"muragat: interrupted{done}; run the same command again to finish the job", err=True)
        sys.exit(130)
    progress.finish()
    for path, reason in report.failed[:FAILURES_SHOWN]:
        click.echo(f"muragat: failed: {one_line(reason)}", err=True)
    if len(report.failed) > FAILURES_SHOWN:
        click.echo(f"muragat: … and {len(report.failed) - FAILURES_SHOWN} more: see `muragat failures`", err=True)
    if report.forgotten:
        click.echo(f"muragat: {_counted(len(report.forgotten), 'failed file')} no longer there, taken off the list "
                   f"of failures: {', '.join(report.forgotten[:FAILURES_SHOWN])}"
                   + (" …" if len(report.forgotten) > FAILURES_SHOWN else ""), err=True)
    if report.kept_restricted:
        click.echo(f"muragat: kept restricted: {_counted(len(report.kept_restricted), 'document')} moved out of a "
                   f"restricted collection or added again after its removal "
                   f"({one_line(', '.join(report.kept_restricted[:FAILURES_SHOWN]))}"
                   f"{' …' if len(report.kept_restricted) > FAILURES_SHOWN else ''}); a manifest row with "
                   f"access=public publishes one", err=True)
    if report.removed_before:
        click.echo(f"muragat: {_counted(len(report.removed_before), 'file')} of removed documents left out ("
                   + one_line(", ".join(f"{Path(path).name}: {document}"
                                        for path, document in report.removed_before[:FAILURES_SHOWN]))
                   + (" …" if len(report.removed_before) > FAILURES_SHOWN else "")
                   + "); `--readd-removed` adds them again", err=True)
    if report.finished_for_earlier_run:
        click.echo(f"indexed {_counted(report.finished_for_earlier_run, 'document')} a stopped run had catalogued")
    if report.skipped:
        click.echo(f"muragat: skipped {_counted(len(report.skipped), 'file')} that failed before; "
                   f"`muragat failures` says why, `--retry-failed` tries them again", err=True)
    click.echo(
        f"ingested {len(report.ingested)}, already present {len(report.already_present)}, "
        f"failed {len(report.failed)}, skipped {len(report.skipped)}, "
        f"with no text {report.documents_without_text}; "
        f"{report.pages} pages ({report.pages_without_text} without text), {report.passages} passages "
        f"in {progress.elapsed:.1f} s"
    )
    if report.without_text:
        click.echo(f"muragat: with no text (a scan waiting for OCR, blank pages): "
                   + one_line(", ".join(Path(path).name for path in report.without_text[:FAILURES_SHOWN]))
                   + (" …" if len(report.without_text) > FAILURES_SHOWN else ""), err=True)
    if report.pages_recognised or report.documents_refilled:
        click.echo(f"recognised {report.pages_recognised} pages with OCR"
                   + (f" ({_counted(report.documents_refilled, 'document')} filled in)" if report.documents_refilled else ""))
    if report.ocr_unavailable:
        click.echo(f"muragat: {report.pages_needing_ocr} pages wait for OCR: {report.ocr_unavailable}, "
                   f"then run `muragat ingest --retry-failed`", err=True)
    if report.updated:
        click.echo(f"updated the details of {_counted(len(report.updated), 'document')} already in the archive "
                   f"({', '.join(sorted({detail for _, details in report.updated for detail in details}))} "
                   f"from the manifest or --collection)")
    elif report.already_present and not (report.ingested or report.failed or report.skipped or report.removed_before
                                         or report.finished_for_earlier_run):
        click.echo("nothing new: every file is already in the archive")
    elif paths and not (report.ingested or report.already_present or report.failed or report.skipped
                        or report.removed_before):
        click.echo(f"muragat: found no .pdf or .txt file in {', '.join(paths)}", err=True)
    if report.failed:  # a file skipped as failed before was reported then: a nightly re-run is not a new failure
        sys.exit(1)


def _counted(count: int, noun: str) -> str:
    """'1 document', '2 documents'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Where stderr is no terminal, a progress line this often.
PROGRESS_LINE_SECONDS = 30.0


class IngestProgress:
    """The progress bar on stderr: files, pages, failures, rate and time left. Where stderr is no terminal (a log, a
    cron job) a line every PROGRESS_LINE_SECONDS instead, which a bar cannot draw there."""

    def __init__(self, silent: bool) -> None:
        self.silent = silent
        self.bar = None
        self.pages = self.failures = self.done = self.total = 0
        self.started = self.last_line = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def start(self, total_files: int) -> None:
        self.started = self.last_line = time.monotonic()
        self.total = total_files
        if not self.silent and total_files:
            self.bar = click.progressbar(length=total_files, label="ingesting", file=sys.stderr, show_pos=True,
                                         show_eta=True, item_show_func=lambda status: status)
            self.bar.__enter__()

    def file_done(self, event) -> None:
        self.pages += event.pages
        self.failures += event.outcome == "failed"
        self.done += 1
        status = f"{self.pages} pages, {self.failures} failed, {self.pages / max(self.elapsed, 1e-6):.1f} pages/s"
        if self.bar is not None and sys.stderr.isatty():
            self.bar.update(1, status)
        elif self.bar is not None and time.monotonic() - self.last_line >= PROGRESS_LINE_SECONDS:
            self.last_line = time.monotonic()
            click.echo(f"ingesting: {self.done} of {self.total} files, {status}", err=True)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--ocr", type=click.Choice(OCR_MODES), default="auto", show_default=True,
              help="Recognise pages with Tesseract: those without a usable text layer, every page, or none.")
@json_option
@archive_option
@reports_errors
def extract(file: str, ocr: str, as_json: bool, archive_dir: str | None) -> None:
    """Print the cleaned text of each page of a PDF, storing nothing.

    Example: muragat extract decree-1995.pdf --json
    """
    from ingest.document import extract_document

    extracted = extract_document(Path(file), ocr=ocr)
    if extracted.ocr_unavailable:
        click.echo(f"muragat: pages wait for OCR: {extracted.ocr_unavailable}", err=True)
    if as_json:
        emit_json({"file": file, "pages": [_page_json(page) for page in extracted.pages]})
        return
    for page in extracted.pages:
        notes = [page.status] if page.status != TEXT_LAYER else []
        notes += [f"OCR, confidence {page.confidence:.2f}"] if page.source == FROM_OCR else []
        click.echo(f"--- page {page.number}" + (f" ({'; '.join(notes)})" if notes else ""))
        click.echo(page.text)


def _page_json(page) -> dict:
    """`{"number", "text"}`, plus `status` for a page without usable text, `source`/`confidence` for OCR."""
    entry = {"number": page.number, "text": page.text}
    if page.status != TEXT_LAYER:
        entry["status"] = page.status
    if page.source == FROM_OCR:
        entry.update(source=page.source, confidence=page.confidence)
    return entry


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Number of results.")
@time_budget_option
@json_option
@archive_option
@reports_errors
def search(query: str, limit: int, time_budget: float, as_json: bool, archive_dir: str | None) -> None:
    """Search the archive; best passages first.

    Example: muragat search "халықаралық құқық" --limit 5 --json
    """
    archive = Archive.existing(resolve_root(archive_dir), time_budget=time_budget, read_only=True)
    results = archive.search(query, limit=limit)
    if as_json:
        emit_json(search_payload(results))
        return
    click.echo(_counted(results.total, "passage") + (" (partial: the query ran out of time)" if results.partial else ""))
    if results.suggestion:
        click.echo(f"did you mean: {results.suggestion}")
    for prefix, words in results.narrowed_prefixes.items():
        click.echo(f"{prefix}* begins many words: only the {len(words)} commonest were searched ({', '.join(words)}); "
                   "type more letters to find others")
    for hit in results.hits:
        notes = (["approximate match: recognised text (OCR)"] if hit.approximate else []) + (
            [f"the same text in {_counted(hit.copy_count, 'other document')}"] if hit.copy_count else [])
        title = _bracketed(hit.title_marks) if hit.title_marks else hit.title
        click.echo(f"\n{one_line(title)} — page {hit.page}, {hit.language}  ({hit.score:.2f})\n  "
                   f"{_bracketed(hit.snippet)}" + "".join(f"\n  ({note})" for note in notes))


@main.command(name="list")
@click.option("--collection", default="", help="Only this collection.")
@click.option("--year-from", type=click.IntRange(0, 9999), default=None, help="Only documents of this year or later.")
@click.option("--year-to", type=click.IntRange(0, 9999), default=None, help="Only documents of this year or earlier.")
@click.option("--language", type=click.Choice(PASSAGE_LANGUAGES), default=None,
              help="Only documents with passages in this language.")
@click.option("--sort", type=click.Choice(LISTING_SORTS), default=LISTING_SORTS[0], show_default=True)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0, 10 ** 9))
@json_option
@archive_option
@reports_errors
def list_documents(collection: str, year_from: int | None, year_to: int | None, language: str | None, sort: str,
                   limit: int, offset: int, as_json: bool, archive_dir: str | None) -> None:
    """List the archive's documents, without a query: by collection, years, language.

    Example: muragat list --collection laws --sort newest --json
    """
    archive = Archive.existing(resolve_root(archive_dir), read_only=True)
    filters = Filters(collection=collection, year_from=year_from, year_to=year_to, language=language or "")
    for problem in archive.filter_problems(filters):
        raise problem
    listing = archive.list_documents(filters, sort, limit, offset)
    if as_json:
        emit_json({"total": listing.total, "limit": limit, "offset": offset,
                   "documents": [document_payload(document, archive.file_names(document.id),
                                                  archive.catalog.is_restricted(document))
                                 for document in listing.documents]})
        return
    click.echo(_counted(listing.total, "document"))
    for document in listing.documents:
        restricted = "  [restricted]" if archive.catalog.is_restricted(document) else ""
        click.echo(f"{document.id}  {document.year or '----'}  {document.page_count:>4} p.  "
                   f"{one_line(document.collection) or '-'}  {one_line(document.title)}{restricted}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--base-url", default=None, metavar="URL",
              help="Public address for absolute links (citations, API links), e.g. https://archive.example.kz; "
                   "default: $MURAGAT_BASE_URL, else http://HOST:PORT.")
@click.option("--proxies", default=0, show_default=True, type=click.IntRange(0, 8),
              help="Reverse proxies in front (1 behind nginx): their X-Forwarded-For and X-Forwarded-Proto "
                   "headers give the client's address (sign-in throttling) and https (Secure cookies).")
@time_budget_option
@archive_option
@reports_errors
def serve(host: str, port: int, threads: int, base_url: str | None, proxies: int, time_budget: float,
          archive_dir: str | None) -> None:
    """Serve the web UI with waitress.

    Example: muragat serve --port 8080 --base-url https://archive.example.kz --proxies 1
    """
    import waitress

    from webui import create_app, public_base_url

    root = resolve_root(archive_dir)
    archive = Archive.existing(root, read_only=True)
    if not all(os.access(path, os.W_OK) for path in (root, root / "catalog.sqlite")) and \
            archive.catalog.hidden_documents("", sees_everything=False):
        click.echo("muragat: this user cannot write the archive's catalog, where views of its restricted documents "
                   "are recorded: they are refused to everyone; serve it as a user who may write it", err=True)
    app = create_app({"ARCHIVE": str(root), "TIME_BUDGET": time_budget,
                      "BASE_URL": public_base_url(base_url, host, port), "PROXIES": proxies})
    app.extensions["muragat"].warm()
    try:
        server = waitress.create_server(app, host=host, port=port, threads=threads)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise MuragatError(f"port {port} on {host} is in use (another server?): "
                           f"choose another with --port, e.g. --port {port + 1}") from None
    click.echo(f"Muragat: http://{host}:{port}/  (archive {root})", err=True)
    server.run()


@main.command()
@json_option
@archive_option
@reports_errors
def status(as_json: bool, archive_dir: str | None) -> None:
    """Documents, pages, passages (and per language), index size, and whether index and catalog agree.

    Example: muragat status --json
    """
    archive = Archive.existing(resolve_root(archive_dir), read_only=True)
    figures = archive.status()
    if as_json:
        emit_json(figures)
        return
    last = figures.pop("last_ingest")
    collections = figures.pop("collections")
    restricted = set(figures.pop("restricted_collections"))
    languages = figures.pop("passages_by_language")
    uncertain = figures.pop("uncertain_pages")
    for key, value in figures.items():
        click.echo(f"{key:>20}: {value}")
    for name, count in collections.items():
        access = _access_said(archive.catalog, name, "restricted" if name in restricted else "public")
        click.echo(f"{'collection':>20}: {one_line(name) or '(none)'}: {_counted(count, 'document')}, {access}")
    for language, count in languages.items():
        click.echo(f"{'language':>20}: {language}: {_counted(count, 'passage')}")
    if last:
        state = f"finished {last['finished_at']}" if last["finished_at"] else "interrupted: run it again to finish"
        click.echo(f"{'last ingest':>20}: started {last['started_at']}, {state}; ingested {last['ingested']}, "
                   f"already present {last['already_present']}, failed {last['failed']}, skipped {last['skipped']}, "
                   f"with no text {last['without_text']}")
    if figures["engine_outgrown"]:
        click.echo(f"the archive holds {figures['indexed_passages']:,} passages, more than the whoosh engine serves "
                   f"well: move it with `muragat reindex --engine tantivy --archive {figures['archive']}`")
    if uncertain:
        click.echo(f"recognised pages read with little confidence (below {UNCERTAIN_READING}): their text may be "
                   f"noise (print showing through, stains) or badly read; look at them:")
        for page in uncertain:
            click.echo(f"  {page['document_id']} page {page['page']} (confidence {page['confidence']:.2f})")
    if figures["reindex_left_over"]:
        click.echo("a reindex is running or was interrupted (its unfinished index is beside the current one, which "
                   "answers meanwhile): if none is running, run `muragat reindex` again")
    if figures["needs_reindex"]:
        click.echo("the index was built with older analysis rules or in an older format: run `muragat reindex`")
    elif not figures["index_agrees"]:
        click.echo("the index does not agree with the catalog: run `muragat ingest` again to finish, "
                   "or `muragat reindex`")


@main.command()
@json_option
@archive_option
@reports_errors
def failures(as_json: bool, archive_dir: str | None) -> None:
    """Files that could not be ingested, with the reason.

    Example: muragat failures --json
    """
    listed = Archive.existing(resolve_root(archive_dir), read_only=True).catalog.failures()
    if as_json:
        emit_json({"failures": [failure.__dict__ for failure in listed]})
        return
    for failure in listed:
        click.echo(f"{one_line(failure.path)}\t{one_line(failure.reason)}")
    click.echo(f"{len(listed)} failed files" + ("; try them again with `muragat ingest --retry-failed`" if listed else ""))


@main.command()
@click.option("--engine", default=None, metavar="NAME",
              help=f"The search engine to keep the index in from now on ({', '.join(ENGINES)}; default: the "
                   "archive's own, shown by `muragat status`).")
@wait_option
@archive_option
@reports_errors
def reindex(engine: str | None, wait: bool, archive_dir: str | None) -> None:
    """Rebuild the search index from the catalog; with --engine, in another search engine.

    Example: muragat reindex --engine whoosh --archive ./muragat-data
    """
    engine = checked_engine(engine) if engine is not None else None  # refused before anything is touched
    archive = Archive.existing(resolve_root(archive_dir))
    with writing(archive.root, "reindex", wait):
        count = archive.reindex(engine)
    click.echo(f"reindexed {_counted(count, 'passage')}" + (f" into the {engine} engine" if engine else ""))


@main.command()
@wait_option
@archive_option
@reports_errors
def optimize(wait: bool, archive_dir: str | None) -> None:
    """Merge the search index into one segment, so that every search reads one (whoosh; tantivy merges its
    segments itself, and this waits for its merges).

    Ingest commits never merge the large segments (that would stall an upload); run this
    after a big ingest, when nobody is ingesting. It needs free disk of about twice the
    index's size while it runs.

    Example: muragat optimize --archive ./muragat-data
    """
    archive = Archive.existing(resolve_root(archive_dir))
    with writing(archive.root, "optimize", wait):
        before = archive.status()["index_segments"]
        started = time.monotonic()
        archive.optimize()
        after = archive.status()["index_segments"]
    took = time.monotonic() - started
    if after < before:
        click.echo(f"merged {before} segments into {after} in {took:.1f} s")
    elif archive.engine == "whoosh":
        click.echo(f"the index is in {_counted(after, 'segment')}")
    else:
        click.echo(f"the index keeps {_counted(after, 'segment')}: the {archive.engine} engine merges them itself "
                   f"({took:.1f} s)")


@main.command()
@click.argument("document_id")
@wait_option
@archive_option
@reports_errors
def remove(document_id: str, wait: bool, archive_dir: str | None) -> None:
    """Remove a document from the catalog, the index and the store. Later ingests leave its file
    out (wherever it lies) unless `muragat ingest --readd-removed`.

    Example: muragat remove 3fa9c2d1e0b74a55
    """
    archive = Archive.existing(resolve_root(archive_dir))
    with writing(archive.root, "remove", wait):
        document = archive.remove(document_id)
    click.echo(f"removed {document.id} ({one_line(document.title)}); later ingests leave its file out unless "
               f"--readd-removed")


@main.command()
@click.argument("name")
@click.option("--access", type=str, default=None, metavar="public|restricted",
              help="Set who may see the collection: everyone (public) or users granted it, archivists and admins.")
@archive_option
@reports_errors
def collection(name: str, access: str | None, archive_dir: str | None) -> None:
    """Show or set a collection's access: public (the default) or restricted.

    Example: muragat collection "Жеке істер" --access restricted
    """
    from archive import access as rules

    archive = Archive.existing(resolve_root(archive_dir), read_only=access is None)
    if access is None:
        click.echo(f"{name}: {_access_said(archive.catalog, name, rules.collection_access(archive.catalog, name))}")
        return
    access = access.strip().lower()
    if rules.set_collection_access(archive.catalog, name, access):
        click.echo(f"{name}: {access}")
    else:
        click.echo(f"{name}: {access} (no documents in it yet: those ingested into it will be {access}; "
                   f"check the name if you meant an existing collection: `muragat status` lists them)")


@main.group()
def user() -> None:
    """Users who sign in to the web UI: readers see public material and their grants; archivists and admins see all."""


def _password(password_stdin: bool) -> str:
    """The password from the first line of standard input, or asked for twice on the terminal (not echoed)."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


def _password_stdin(command):
    return click.option("--password-stdin", is_flag=True,
                        help="Read the password from the first line of standard input.")(command)


@user.command(name="add")
@click.argument("name")
@click.option("--role", default="reader", show_default=True, metavar="reader|archivist|admin",
              help="reader: public material and granted collections; archivist, admin: everything.")
@_password_stdin
@archive_option
@reports_errors
def user_add(name: str, role: str, password_stdin: bool, archive_dir: str | None) -> None:
    """Add a user; the password is asked for (or read with --password-stdin) and kept only as a scrypt hash.

    Example: muragat user add aigerim --role reader --password-stdin < password.txt
    """
    from archive import access as rules

    archive = Archive.existing(resolve_root(archive_dir))
    added = rules.add_user(archive.catalog, name, role.strip().lower(), _password(password_stdin))
    click.echo(f"added {added.role} {added.name}")


@user.command(name="password")
@click.argument("name")
@_password_stdin
@archive_option
@reports_errors
def user_password(name: str, password_stdin: bool, archive_dir: str | None) -> None:
    """Set a user's new password; their web sessions end.

    Example: muragat user password aigerim
    """
    from archive import access as rules

    rules.set_password(Archive.existing(resolve_root(archive_dir)).catalog, name, _password(password_stdin))
    click.echo(f"new password set for {name}: their web sessions end; their API tokens still work "
               f"(`muragat token revoke {name}` ends them)")


@user.command(name="remove")
@click.argument("name")
@archive_option
@reports_errors
def user_remove(name: str, archive_dir: str | None) -> None:
    """Remove a user with their grants and API tokens; their web sessions end.

    Example: muragat user remove aigerim
    """
    from archive import access as rules

    rules.remove_user(Archive.existing(resolve_root(archive_dir)).catalog, name)
    click.echo(f"removed {name}")


@user.command(name="list")
@json_option
@archive_option
@reports_errors
def user_list(as_json: bool, archive_dir: str | None) -> None:
    """The users, their roles and the collections granted to them.

    Example: muragat user list --json
    """
    catalog = Archive.existing(resolve_root(archive_dir), read_only=True).catalog
    users = [{"name": user.name, "role": user.role, "grants": catalog.grants(user.name),
              "created_at": user.created_at} for user in catalog.users()]
    if as_json:
        emit_json({"users": users})
        return
    for entry in users:
        click.echo(f"{entry['name']}\t{entry['role']}\t{', '.join(entry['grants']) or '-'}")
    click.echo(f"{len(users)} users")


@main.command()
@click.argument("name")
@click.argument("collection_name", metavar="COLLECTION")
@archive_option
@reports_errors
def grant(name: str, collection_name: str, archive_dir: str | None) -> None:
    """Let a reader see a restricted collection (from their next request on).

    Example: muragat grant aigerim "Жеке істер"
    """
    from archive import access as rules

    rules.grant(Archive.existing(resolve_root(archive_dir)).catalog, name, collection_name)
    click.echo(f"{name} may see {collection_name}")


@main.command()
@click.argument("name")
@click.argument("collection_name", metavar="COLLECTION")
@archive_option
@reports_errors
def revoke(name: str, collection_name: str, archive_dir: str | None) -> None:
    """Take a grant back: from the user's next request on, the collection is hidden from them.

    Example: muragat revoke aigerim "Жеке істер"
    """
    from archive import access as rules

    rules.revoke(Archive.existing(resolve_root(archive_dir)).catalog, name, collection_name)
    click.echo(f"{name} may no longer see {collection_name}")


@main.group()
def token() -> None:
    """API tokens: `Authorization: Bearer TOKEN` acts as the user it was made for."""


@token.command(name="create")
@click.argument("name")
@archive_option
@reports_errors
def token_create(name: str, archive_dir: str | None) -> None:
    """Print a new API token for a user (shown once: the archive keeps only its hash).

    Example: muragat token create aigerim
    """
    from archive import access as rules

    click.echo(rules.create_token(Archive.existing(resolve_root(archive_dir)).catalog, name))


@token.command(name="revoke")
@click.argument("name")
@archive_option
@reports_errors
def token_revoke(name: str, archive_dir: str | None) -> None:
    """Revoke every API token of a user.

    Example: muragat token revoke aigerim
    """
    from archive import access as rules

    revoked = rules.revoke_tokens(Archive.existing(resolve_root(archive_dir)).catalog, name)
    click.echo(f"revoked {_counted(revoked, 'token')} of {name}")


@main.command()
@click.option("--user", "user_name", default="", metavar="NAME", help="Only this user's views.")
@click.option("--document", "document_id", default="", metavar="ID", help="Only views of this document.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 1_000_000))
@json_option
@archive_option
@reports_errors
def audit(user_name: str, document_id: str, limit: int, as_json: bool, archive_dir: str | None) -> None:
    """The audit trail: who viewed which restricted document, page or original, and when (newest first).

    Example: muragat audit --user aigerim --limit 20
    """
    entries = Archive.existing(resolve_root(archive_dir), read_only=True).catalog.audit(limit, user_name, document_id)
    if as_json:
        emit_json({"audit": [entry.__dict__ for entry in entries]})
        return
    for entry in entries:
        where = f" p. {entry.page}" if entry.page is not None else ""
        click.echo(f"{entry.at}\t{entry.user or '(anonymous)'}\t{entry.what}\t{entry.document_id}{where}")
    click.echo(f"{len(entries)} views")
