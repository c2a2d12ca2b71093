"""Bringing files into an archive: discovery, dedupe by content, extraction, catalog, index."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.catalog import Document, PageRecord, PassageRecord, now
from archive.errors import MuragatError
from archive.home import Archive
from archive.originals import sha256_of, store
from ingest.document import ExtractedDocument, extract_document
from ingest.extract import ExtractionError

SUFFIXES = frozenset({".pdf"})
INDEX_BATCH = 50
DOCUMENT_ID_CHARS = 16


@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    ingested: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0
    pages_without_text: int = 0
    passages: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def discover(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files to ingest: the files named, and every `*.pdf` (any case) under the folders named."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise MuragatError(f"{path}: no such file or folder")


def document_id_for(sha256: str) -> str:
    return sha256[:DOCUMENT_ID_CHARS]


def title_for(path: Path, extracted: ExtractedDocument) -> str:
    """The PDF's own title, else the file name without its extension."""
    return extracted.info.get("Title", "").strip() or path.stem.replace("_", " ")


def ingest(archive: Archive, paths: Iterable[str | os.PathLike],
           on_file: Callable[[Path, str], None] | None = None) -> IngestReport:
    """Ingest files and folders; a file that fails is recorded and the batch goes on."""
    report = IngestReport()
    notify = on_file or (lambda path, outcome: None)
    catalog = archive.catalog
    pending = catalog.unindexed_document_ids()  # left over by an interrupted run
    for path in discover(paths):
        absolute = str(path.resolve())
        sha256 = sha256_of(path)
        known = catalog.document_by_sha256(sha256)
        if known:
            catalog.add_path(known.id, absolute)
            report.already_present.append(absolute)
            notify(path, "present")
            continue
        try:
            extracted = extract_document(path)
        except ExtractionError as error:
            catalog.record_failure(absolute, sha256, str(error))
            report.failed.append((absolute, str(error)))
            notify(path, "failed")
            continue
        document_id = _catalogue(archive, path, absolute, sha256, extracted)
        report.ingested.append(absolute)
        report.pages += len(extracted.pages)
        report.pages_without_text += len(extracted.pages_without_text)
        report.passages += len(extracted.passages)
        pending.append(document_id)
        if len(pending) >= INDEX_BATCH:
            archive.index_documents(pending)
            pending = []
        notify(path, "ingested")
    if pending:
        archive.index_documents(pending)
    return report


def _catalogue(archive: Archive, path: Path, absolute: str, sha256: str, extracted: ExtractedDocument) -> str:
    document_id = document_id_for(sha256)
    stored = store(archive.originals_dir, path, sha256)
    document = Document(
        id=document_id,
        sha256=sha256,
        title=title_for(path, extracted),
        author=extracted.info.get("Author", ""),
        date="",
        year=None,
        collection="",
        kind=path.suffix.lower().lstrip("."),
        size=path.stat().st_size,
        page_count=len(extracted.pages),
        stored_name=stored,
        added_at=now(),
        indexed=False,
    )
    pages = [PageRecord(document_id, page.number, page.text, page.status) for page in extracted.pages]
    passages = [
        PassageRecord(f"{document_id}-{passage.seq}", document_id, passage.page, passage.seq,
                      passage.start, passage.end, passage.text)
        for passage in extracted.passages
    ]
    archive.catalog.add_document(document, absolute, pages, passages)
    return document_id
