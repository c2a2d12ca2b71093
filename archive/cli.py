"""The `muragat` command line: each command parses options and calls one library function."""
from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path

import click

from archive.errors import MuragatError
from archive.home import Archive, resolve_root
from archive.payloads import search_payload
from ingest.document import TEXT_LAYER
from ingest.extract import ExtractionError


def archive_option(command):
    """`--archive DIR` on every subcommand (default: $MURAGAT_ARCHIVE, else ./muragat-data)."""
    return click.option(
        "--archive", "archive_dir", type=click.Path(file_okay=False), default=None,
        help="Archive directory (default: $MURAGAT_ARCHIVE, else ./muragat-data).",
    )(command)


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON output.")(command)


def reports_errors(command):
    """Turn the library's errors into one line on stderr and exit code 1; never a traceback."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (MuragatError, ExtractionError) as error:
            click.echo(f"muragat: {error}", err=True)
            sys.exit(1)
    return wrapper


def emit_json(payload: dict) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Muragat: a searchable archive of Kazakh documents."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--silent", is_flag=True, help="No progress output.")
@archive_option
@reports_errors
def ingest(paths: tuple[str, ...], silent: bool, archive_dir: str | None) -> None:
    """Add PDF files and folders (recursively) to the archive.

    Example: muragat ingest scans/ decree-1995.pdf --archive ./muragat-data
    """
    from archive.ingestion import ingest as run_ingest

    archive = Archive.create(resolve_root(archive_dir))

    def progress(path: Path, outcome: str) -> None:
        if not silent:
            click.echo(f"{outcome:>9}  {path}", err=True)

    report = run_ingest(archive, paths, on_file=progress)
    for path, reason in report.failed:
        click.echo(f"muragat: failed: {reason}", err=True)
    click.echo(
        f"ingested {len(report.ingested)}, already present {len(report.already_present)}, "
        f"failed {len(report.failed)}; {report.pages} pages ({report.pages_without_text} without text), "
        f"{report.passages} passages"
    )
    if report.already_present and not report.ingested and not report.failed:
        click.echo("nothing new: every file is already in the archive")
    if not report.ok:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
@archive_option
@reports_errors
def extract(file: str, as_json: bool, archive_dir: str | None) -> None:
    """Print the cleaned text of each page of a PDF, storing nothing.

    Example: muragat extract decree-1995.pdf --json
    """
    from ingest.document import extract_document

    extracted = extract_document(Path(file))
    if as_json:
        emit_json({
            "file": file,
            "pages": [
                {"number": page.number, "text": page.text,
                 **({"status": page.status} if page.status != TEXT_LAYER else {})}
                for page in extracted.pages
            ],
        })
        return
    for page in extracted.pages:
        click.echo(f"--- page {page.number}" + ("" if page.status == TEXT_LAYER else f" ({page.status})"))
        click.echo(page.text)


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Number of results.")
@json_option
@archive_option
@reports_errors
def search(query: str, limit: int, as_json: bool, archive_dir: str | None) -> None:
    """Search the archive; best passages first.

    Example: muragat search "халықаралық құқық" --limit 5 --json
    """
    results = Archive.existing(resolve_root(archive_dir)).search(query, limit=limit)
    if as_json:
        emit_json(search_payload(results))
        return
    click.echo(f"{results.total} passages")
    for hit in results.hits:
        marked = "".join(f"[{text}]" if is_match else text for text, is_match in hit.snippet)
        click.echo(f"\n{hit.title} — page {hit.page}  ({hit.score:.2f})\n  {marked}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@archive_option
@reports_errors
def serve(host: str, port: int, threads: int, archive_dir: str | None) -> None:
    """Serve the web UI with waitress.

    Example: muragat serve --port 8080
    """
    import waitress

    from webui import create_app

    root = resolve_root(archive_dir)
    Archive.existing(root)
    app = create_app({"ARCHIVE": str(root)})
    click.echo(f"Muragat: http://{host}:{port}/  (archive {root})", err=True)
    waitress.serve(app, host=host, port=port, threads=threads)


@main.command()
@json_option
@archive_option
@reports_errors
def status(as_json: bool, archive_dir: str | None) -> None:
    """Documents, pages, passages, index size, and whether index and catalog agree.

    Example: muragat status --json
    """
    figures = Archive.existing(resolve_root(archive_dir)).status()
    if as_json:
        emit_json(figures)
        return
    for key, value in figures.items():
        click.echo(f"{key:>20}: {value}")
    if figures["needs_reindex"]:
        click.echo("the index was built with older analysis rules: run `muragat reindex`")


@main.command()
@json_option
@archive_option
@reports_errors
def failures(as_json: bool, archive_dir: str | None) -> None:
    """Files that could not be ingested, with the reason.

    Example: muragat failures --json
    """
    listed = Archive.existing(resolve_root(archive_dir)).catalog.failures()
    if as_json:
        emit_json({"failures": [failure.__dict__ for failure in listed]})
        return
    for failure in listed:
        click.echo(f"{failure.path}\t{failure.reason}")
    click.echo(f"{len(listed)} failed files")


@main.command()
@archive_option
@reports_errors
def reindex(archive_dir: str | None) -> None:
    """Rebuild the search index from the catalog.

    Example: muragat reindex --archive ./muragat-data
    """
    count = Archive.existing(resolve_root(archive_dir)).reindex()
    click.echo(f"reindexed {count} passages")


@main.command()
@click.argument("document_id")
@archive_option
@reports_errors
def remove(document_id: str, archive_dir: str | None) -> None:
    """Remove a document from the catalog, the index and the store.

    Example: muragat remove 3fa9c2d1e0b74a55
    """
    document = Archive.existing(resolve_root(archive_dir)).remove(document_id)
    click.echo(f"removed {document.id} ({document.title})")
