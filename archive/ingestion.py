"""Bringing files into an archive: discovery, dedupe by content, parallel extraction, one writer.

Workers extract (archive.workers); this process alone writes: the original into the store,
the document into the catalog (one transaction each), then the index in batches, and only
then the `indexed` flag. A run killed at any moment leaves documents that are catalogued
but not flagged; the next run indexes them again (replacing whatever part of them made it
into the index), so nothing is indexed twice and nothing is missing.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archive.access import collection_as_held
from archive.catalog import Catalog, Document, PageRecord, PassageRecord, now
from archive.errors import MuragatError
from archive.home import Archive, indexed_passage
from index.seam import TEXT_LAYER, IndexedPassage
from archive.metadata import NO_MANIFEST, Manifest, Metadata, resolve
from archive.originals import sha256_of, store
from archive.workers import Limits, Outcome, Pool, Task, WorkerPool, unreadable_reason
from ingest.document import (
    FROM_OCR, NEEDS_OCR, OCR_FAILED, PDF_SUFFIXES, TEXT_SUFFIXES, ExtractedDocument,
)
from ingest.ocr import PAGE_TIMEOUT_SECONDS

SUFFIXES = PDF_SUFFIXES | TEXT_SUFFIXES
MANIFEST_SUFFIXES = frozenset({".csv", ".json"})  # a manifest (--metadata) is never a document
DOCUMENT_ID_CHARS = 16
# The index is committed when this many passages wait, or this many seconds after the last
# commit: big commits cost less per passage, and searchers see new documents soon enough.
INDEX_BATCH_PASSAGES = 5000
INDEX_BATCH_SECONDS = 20.0

# Errors of the archive's disk rather than of one file: the run stops rather than fail file after file.
DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO)

# What happened to one file (FileEvent.outcome).
INGESTED, PRESENT, FAILED, SKIPPED = "ingested", "present", "failed", "skipped"


@dataclass(frozen=True)
class IngestOptions:
    """How to ingest: metadata to apply, how many workers, per-file limits, whether to retry failures."""

    collection: str = ""
    manifest: Manifest = NO_MANIFEST
    workers: int = os.cpu_count() or 1
    limits: Limits = Limits()
    retry_failed: bool = False
    ocr: str = "auto"
    ocr_timeout: float = PAGE_TIMEOUT_SECONDS
    cluster: str = ""  # a Dask scheduler's address, or "local": extract there instead of in local processes
    verify: bool = False  # hash every file, even one whose path, size and mtime the catalog knows
    readd_removed: bool = False  # ingest files whose document was removed (`muragat remove`) as new


@dataclass(frozen=True)
class FileEvent:
    """One file done, for a progress display."""

    path: str
    outcome: str
    pages: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    """What one ingest run did, file by file."""

    ingested: list[str] = field(default_factory=list)
    already_present: list[str] = field(default_factory=list)
    # already present, their details changed (by the manifest or --collection): (path, the details changed)
    updated: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # documents moved out of a restricted collection (by --collection or a manifest row), kept restricted: id (title)
    kept_restricted: list[str] = field(default_factory=list)
    # files whose document `muragat remove` took out, left out again: (path, the document's id and title)
    removed_before: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0
    pages_without_text: int = 0
    documents_without_text: int = 0
    without_text: list[str] = field(default_factory=list)  # their files
    passages: int = 0
    # documents an earlier run catalogued but was stopped before indexing (kill -9, a power cut), indexed by this one
    finished_for_earlier_run: int = 0
    pages_recognised: int = 0
    pages_needing_ocr: int = 0
    documents_refilled: int = 0  # documents whose pages waiting for OCR were recognised (--retry-failed)
    forgotten: list[str] = field(default_factory=list)  # failed files no longer there, taken off the ledger
    ocr_unavailable: str = ""  # the packages to install, when pages needed OCR and could not get it

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Candidate:
    """A file with new content, on its way to a worker."""

    path: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class _Present:
    """A file whose content the archive holds already (or will, once its twin in this run is written)."""

    path: str
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class _Refill:
    """A catalogued document with pages waiting for OCR, extracted again from its stored original."""

    document_id: str


@dataclass(frozen=True)
class _Unreadable:
    path: str
    sha256: str | None
    reason: str


@dataclass(frozen=True)
class _FailedBefore:
    path: str
    reason: str


@dataclass(frozen=True)
class _RemovedBefore:
    path: str
    document: str  # its id and title, as `muragat remove` named it


def discover(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files to ingest: the files named, and every `*.pdf` and `*.txt` (any case) under the folders named."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()))
        elif path.is_file() and path.suffix.lower() in MANIFEST_SUFFIXES:
            raise MuragatError(f"{path}: a manifest is not a document to ingest; give it as --metadata {path}")
        elif path.is_file():
            found.append(path)
        else:
            raise MuragatError(f"{path}: no such file or folder")
    return found


def document_id_for(sha256: str) -> str:
    return sha256[:DOCUMENT_ID_CHARS]


def ingest(archive: Archive, paths: Iterable[str | os.PathLike], on_file: Callable[[FileEvent], None] | None = None,
           options: IngestOptions = IngestOptions(), on_start: Callable[[int], None] | None = None) -> IngestReport:
    """Ingest files and folders; a file that fails is recorded and the batch goes on.

    With `retry_failed`, the files in the failure ledger are tried again besides `paths`.
    """
    catalog = archive.catalog
    files = discover(paths)
    forgotten = []
    if options.retry_failed:
        named = {str(path.resolve()) for path in files}
        for failure in catalog.failures():
            if failure.path in named:
                continue
            if Path(failure.path).is_file():
                files.append(Path(failure.path))
            else:  # deleted, moved or replaced by a folder or a pipe since: no file to try again
                catalog.forget_failure(failure.path)
                forgotten.append(failure.path)
    if on_start:
        on_start(len(files))
    notify = on_file or (lambda event: None)
    run_id = catalog.start_run([str(path) for path in paths])
    writer = _Writer(archive, options, notify)
    try:
        for document_id in catalog.unindexed_document_ids():  # left by a run stopped before its last commit
            writer.queue(document_id)
            writer.report.finished_for_earlier_run += 1
        pool = _pool(options, min(options.workers, max(1, len(files))))
        for item in pool.map_unordered(_plan(archive, files, options)):
            writer.take(item)
        writer.flush()
    except (OSError, sqlite3.Error):
        archive.check_present()  # the plainer line when the archive went away under the run
        raise
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):  # should it fail (or a second Ctrl-C stop it), the next run indexes them
            writer.index_catalogued()
        _record(catalog, run_id, writer.report, finished=False)  # what `status` tells of the interrupted run
        raise
    finally:
        with contextlib.suppress(OSError):  # a failed disk must not hide the error that stopped the run
            writer.index.cancel()  # after an interruption: what was not committed is indexed next run
    report = writer.report
    report.forgotten = forgotten
    _record(catalog, run_id, report)
    return report


def _record(catalog: Catalog, run_id: int, report: IngestReport, finished: bool = True) -> None:
    catalog.finish_run(run_id, len(report.ingested), len(report.already_present), len(report.failed), report.pages,
                       len(report.skipped), report.documents_without_text, finished)


def _pool(options: IngestOptions, workers: int) -> Pool:
    """This machine's worker processes, or a Dask cluster's workers when `cluster` is given."""
    if options.cluster:
        return cluster_pool()(options.cluster, workers, options.limits)
    return WorkerPool(workers, options.limits)


def cluster_pool() -> type[Pool]:
    """archive.cluster's ClusterPool: dask is imported only by those who ask for it, and is an optional extra."""
    try:
        from archive.cluster import ClusterPool
    except ModuleNotFoundError as missing:
        if (missing.name or "").split(".")[0] in ("archive", "index", "ingest", "webui"):
            raise
        raise MuragatError(f"--cluster needs dask and distributed, the optional `cluster` extra ({missing.name} is "
                           f"not installed): run `pip install -r requirements-cluster.txt` in Muragat's virtualenv, "
                           f"or `pip install 'muragat[cluster]'`") from missing
    return ClusterPool


def _plan(archive: Archive, files: list[Path], options: IngestOptions) -> Iterator[Task | object]:
    """Each file's fate before any extraction: known already, failed before, or new work (may run in a pool's thread)."""
    catalog = Catalog(archive.catalog.path)
    started: set[str] = set()
    try:
        for path in files:
            absolute = str(path.resolve())
            if not _utf8(absolute):  # SQLite keeps text as UTF-8: a byte-named file cannot be catalogued
                shown = _printable(absolute)
                yield _Unreadable(shown, None, f"{_printable(path.name)}: the file name is not valid UTF-8; "
                                               "rename the file and ingest it again")
                continue
            try:
                stat = path.stat()
                known = catalog.known_file(absolute)
                if known and not options.verify and (known.size, known.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                    document = catalog.document(known.document_id)
                    if document:
                        yield _Present(absolute, document.sha256, stat.st_size, stat.st_mtime_ns)
                        continue
                sha256 = sha256_of(path)
            except OSError as error:
                yield _Unreadable(absolute, None, unreadable_reason(path.name, error))
                continue
            if sha256 in started or catalog.document_by_sha256(sha256):
                yield _Present(absolute, sha256, stat.st_size, stat.st_mtime_ns)
                continue
            removal = None if options.readd_removed else catalog.removal(sha256)
            if removal:
                yield _RemovedBefore(absolute, f"{removal.document_id} ({removal.title})")
                continue
            failure = catalog.failure(absolute)
            if failure and failure.sha256 == sha256 and not options.retry_failed:
                yield _FailedBefore(absolute, failure.reason)
                continue
            started.add(sha256)
            yield Task(absolute, _Candidate(absolute, sha256, stat.st_size, stat.st_mtime_ns),
                       options.ocr, options.ocr_timeout)
        if options.retry_failed and options.ocr != "never":
            for document_id in catalog.documents_with_pages((NEEDS_OCR, OCR_FAILED)):
                document = catalog.document(document_id)
                original = archive.originals_dir / document.stored_name
                yield Task(str(original), _Refill(document_id), options.ocr, options.ocr_timeout)
    finally:
        catalog.close()


def _utf8(text: str) -> bool:
    """Whether a path as Python decoded it (undecodable bytes as surrogates) is valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str) -> str:
    """A path with its undecodable bytes written as \\xNN, to name it in a message and the failure ledger."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class _Writer:
    """The single writer: catalog first, index commits in batches, then the `indexed` flag.

    Passages go to an open index writer as each document is catalogued, so their analysis
    overlaps the workers' extraction; a commit makes a batch searchable.
    """

    def __init__(self, archive: Archive, options: IngestOptions, notify: Callable[[FileEvent], None]) -> None:
        self.archive = archive
        self.catalog = archive.catalog
        self.options = options
        self.notify = notify
        self.report = IngestReport()
        self.index = archive.backend.writer()
        self.pending: list[str] = []
        self.last_flush = time.monotonic()
        self.twins: dict[str, list[_Present]] = {}  # content still in a worker -> other paths with it
        # the collections there are (declared ones too): a name given in other capitals is one of them
        self.collections = set(self.catalog.collections()) | set(self.catalog.collection_access())
        self.failed_content: dict[str, str] = {}  # sha256 -> reason, for twins of a file that failed

    def take(self, item: object) -> None:
        self.archive.check_present()
        if isinstance(item, Outcome):
            self._extracted(item)
        elif isinstance(item, _Present):
            self._present(item)
        elif isinstance(item, _Unreadable):
            self._failed(item.path, item.sha256, item.reason)
        elif isinstance(item, _FailedBefore):
            self.report.skipped.append((item.path, item.reason))
            self.notify(FileEvent(item.path, SKIPPED, reason=item.reason))
        elif isinstance(item, _RemovedBefore):
            self.report.removed_before.append((item.path, item.document))
            self.notify(FileEvent(item.path, SKIPPED, reason=f"removed before: {item.document}"))
        if self.index.uncommitted >= INDEX_BATCH_PASSAGES or (
                self.pending and time.monotonic() - self.last_flush >= INDEX_BATCH_SECONDS):
            self.flush()

    def queue(self, document_id: str, passages: list[IndexedPassage] | None = None) -> None:
        """Send a catalogued document's passages (read back from the catalog if not given) to the index."""
        if passages is None:
            passages = self.archive.indexed_passages([document_id])
        self.index.add(passages, replace_documents=[document_id])
        self.pending.append(document_id)

    def index_catalogued(self) -> None:
        """After Ctrl-C: make what is catalogued searchable, a document caught between its cataloguing and its
        indexing too. The stopped index writer may have been in the middle of a document (whoosh's lengths then no
        longer match its postings, and its commit fails or half succeeds): it is dropped, and a new one indexes the
        uncommitted documents again from the catalog."""
        self.index.cancel()
        self.pending = []
        for document_id in self.catalog.unindexed_document_ids():
            self.queue(document_id)
        self.flush()

    def flush(self) -> None:
        """Commit the documents indexed since the last commit, then flag them indexed."""
        if self.pending:
            self.index.commit()
            self.catalog.mark_indexed(self.pending)
        self.pending, self.last_flush = [], time.monotonic()

    def _extracted(self, outcome: Outcome) -> None:
        if isinstance(outcome.task.tag, _Refill):
            self._refilled(outcome.task.tag.document_id, outcome)
            return
        candidate: _Candidate = outcome.task.tag
        if outcome.document is None:
            self.failed_content[candidate.sha256] = outcome.reason
            self._failed(candidate.path, candidate.sha256, outcome.reason)
        else:
            self._catalogue(candidate, outcome.document)
        for twin in self.twins.pop(candidate.sha256, []):
            self._present(twin)

    def _refilled(self, document_id: str, outcome: Outcome) -> None:
        """Replace a document's pages by a new extraction that recognised its waiting pages."""
        extracted = outcome.document
        if extracted is None:
            self.report.failed.append((outcome.task.path, outcome.reason))
            return
        self._count_ocr(extracted)
        if extracted.ocr_unavailable:
            return  # nothing gained; the pages keep waiting
        pages, passages = _records(document_id, extracted)
        self.catalog.replace_content(document_id, pages, passages)
        self.queue(document_id)
        self.report.documents_refilled += 1

    def _count_ocr(self, extracted: ExtractedDocument) -> None:
        self.report.pages_recognised += sum(page.source == FROM_OCR for page in extracted.pages)
        self.report.pages_needing_ocr += sum(page.status in (NEEDS_OCR, OCR_FAILED) for page in extracted.pages)
        self.report.ocr_unavailable = self.report.ocr_unavailable or extracted.ocr_unavailable

    def _failed(self, path: str, sha256: str | None, reason: str) -> None:
        self.catalog.record_failure(path, sha256, reason)
        self.report.failed.append((path, reason))
        self.notify(FileEvent(path, FAILED, reason=reason))

    def _present(self, item: _Present) -> None:
        document = self.catalog.document_by_sha256(item.sha256)
        if document is None:
            if item.sha256 in self.failed_content:
                self._failed(item.path, item.sha256, self.failed_content[item.sha256])
            else:
                self.twins.setdefault(item.sha256, []).append(item)
            return
        self.catalog.add_path(document.id, item.path, item.size, item.mtime_ns)
        self._apply_given_metadata(document, item.path)
        self.report.already_present.append(item.path)
        self.notify(FileEvent(item.path, PRESENT))

    def _as_held(self, metadata: Metadata) -> Metadata:
        """The metadata with its collection named as the archive names it (access.collection_as_held): a restricted
        collection is not escaped by its name typed in other capitals."""
        return dataclasses.replace(metadata, collection=collection_as_held(metadata.collection, self.collections))

    def _apply_given_metadata(self, document: Document, path: str) -> None:
        """A manifest row or --collection given now for a known document replaces what it had."""
        given = self._as_held(self.options.manifest.lookup(path, document.sha256)
                              .over(Metadata(collection=self.options.collection)))
        changes: dict[str, object] = {key: value for key, value in given.known().items()
                                      if getattr(document, key) != value}
        if "date" in changes:
            changes["year"] = given.year
        if changes and given.access != "public" and self.catalog.is_restricted(document) \
                and not self.catalog.is_restricted(dataclasses.replace(document, **changes)):
            changes["access"] = "restricted"  # moved out of a restricted collection: published only on purpose
            self.report.kept_restricted.append(f"{document.id} ({document.title}), from {document.collection!r} to "
                                               f"{changes.get('collection', document.collection)!r}")
        if changes:
            self.catalog.update_metadata(document.id, changes)
            self.queue(document.id)
            self.report.updated.append((path, tuple(sorted(changes))))

    def _catalogue(self, candidate: _Candidate, extracted: ExtractedDocument) -> None:
        path = Path(candidate.path)
        known = self.catalog.document_by_sha256(candidate.sha256)  # another ingest got there first
        if known:
            self._present(_Present(candidate.path, candidate.sha256, candidate.size, candidate.mtime_ns))
            return
        document_id = document_id_for(candidate.sha256)
        try:
            stored_name = store(self.archive.originals_dir, path, candidate.sha256)
        except OSError as error:
            if error.errno in DISK_ERRORS:  # every file after this one would fail the same way
                raise
            if not path.is_file():  # the file went away while it was read (its folder moved or deleted): tried
                self._failed(candidate.path, None, unreadable_reason(path.name, error))  # again by the next run
                return
            self._failed(candidate.path, candidate.sha256, f"{path.name}: cannot copy it into the archive "
                                                           f"({error.strerror}); check the disk, then --retry-failed")
            return
        metadata = self._as_held(resolve(self.options.manifest.lookup(candidate.path, candidate.sha256),
                                         self.options.collection, extracted.info, path))
        self.collections.add(metadata.collection)
        removal = self.catalog.removal(candidate.sha256)  # added again (--readd-removed): restricted as it was
        if removal and removal.restricted and metadata.access != "public":
            metadata = dataclasses.replace(metadata, access="restricted")
            self.report.kept_restricted.append(f"{document_id} ({metadata.title})")
        document = Document(
            id=document_id, sha256=candidate.sha256, title=metadata.title, author=metadata.author,
            date=metadata.date, year=metadata.year, collection=metadata.collection,
            kind=path.suffix.lower().lstrip("."), size=candidate.size, page_count=len(extracted.pages),
            stored_name=stored_name, added_at=now(), indexed=False,
            language=metadata.language, source=metadata.source, access=metadata.access,
        )
        pages, passages = _records(document_id, extracted)
        if not self.catalog.add_document(document, candidate.path, pages, passages, candidate.size,
                                         candidate.mtime_ns):  # catalogued by another process since the check
            self._present(_Present(candidate.path, candidate.sha256, candidate.size, candidate.mtime_ns))
            return
        self._count_ocr(extracted)
        sources = {page.number: page.source for page in pages}
        self.queue(document_id, [indexed_passage(p.id, document, p.page, p.text, sources.get(p.page, TEXT_LAYER))
                                 for p in passages])
        report = self.report
        report.ingested.append(candidate.path)
        report.pages += len(extracted.pages)
        report.pages_without_text += len(extracted.pages_without_text)
        report.documents_without_text += not passages
        if not passages:
            report.without_text.append(candidate.path)
        report.passages += len(passages)
        self.notify(FileEvent(candidate.path, INGESTED, pages=len(extracted.pages)))


def _records(document_id: str, extracted: ExtractedDocument) -> tuple[list[PageRecord], list[PassageRecord]]:
    """The catalog's rows for an extracted document."""
    pages = [PageRecord(document_id, page.number, page.text, page.status, page.source, page.confidence,
                        " ".join(map(str, page.line_ends))) for page in extracted.pages]
    passages = [
        PassageRecord(f"{document_id}-{passage.seq}", document_id, passage.page, passage.seq,
                      passage.start, passage.end, passage.text)
        for passage in extracted.passages
    ]
    return pages, passages
