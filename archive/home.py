"""Where an archive lives on disk, and the operations the CLI and the web UI share."""
from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
import threading
from collections.abc import Collection, Iterator
from pathlib import Path

from archive.access import EVERYTHING, Viewer, collection_as_held, hidden_documents, named_collections
from archive.catalog import LISTING_SORTS, Catalog, Document, Listing, PageRecord, PassageRecord
from archive.errors import MuragatError, NotFound, Unavailable
from archive.metadata import language_hint
from archive.payloads import most_first
from index.seam import (  # noqa: F401 - SORTS, ENGINES, IndexDamaged re-exported for the web UI and the command line
    DEFAULT_ENGINE, ENGINES, FILTER_PATTERN, SORTS, TEXT_LAYER, TIME_BUDGET_SECONDS, Filters, Fragments, IndexDamaged,
    IndexedPassage, QueryError, SearchBackend, SearchResults, UnknownEngine, known_engine, open_backend,
)
from index.seam import LANGUAGES as PASSAGE_LANGUAGES

DEFAULT_ROOT = "muragat-data"
ENVIRONMENT_VARIABLE = "MURAGAT_ARCHIVE"
REINDEX_BATCH = 2000
# A reindex writes the index in this many processes, each a segment of its own: searches read
# every segment, so a few, not one per core of a big machine.
REINDEX_PROCESSES = min(4, os.cpu_count() or 1)
# A rebuilt index grows beside the current one (…-rebuilding) and replaces it (…-retired) when done.
STAGING_SUFFIX, RETIRED_SUFFIX = "-rebuilding", "-retired"
# A recognised page read with a mean confidence below this may be noise rather than text (print showing through
# blank paper reads 0.36–0.51, heavily worn pages 0.68 and more, bench/README.md "OCR"): `status` lists them.
UNCERTAIN_READING = 0.6
UNCERTAIN_LISTED = 20
# The engine of an archive whose catalog records none: one made before the engine was chosen per archive.
UNRECORDED_ENGINE = "whoosh"
# Passages past which whoosh no longer serves an archive well (bench/README.md, "Search at scale": at 500k
# passages its server's memory passes 1.3 GiB and p95 159 ms, growing in step with the archive); `status` then
# suggests the tantivy engine.
WHOOSH_PASSAGES_SERVED_WELL = 500_000


def index_folder(root: Path, engine: str) -> Path:
    """Where an engine keeps an archive's index: `index/` for whoosh (as every archive before engines were chosen),
    `index-NAME/` for another, so that a move to another engine is built beside the old index, which answers until
    the catalog records the new engine."""
    return root / ("index" if engine == UNRECORDED_ENGINE else f"index-{engine}")


def checked_engine(name: str) -> str:
    """`name` when it is a search engine of this Muragat; else the one line that lists them."""
    try:
        return known_engine(name)
    except UnknownEngine as error:
        raise MuragatError(str(error)) from None


def _finish_index_swap(index_dir: Path, read_only: bool) -> Path:
    """Complete a reindex that stopped between moving the old index away and the new one in; where the index is.

    In an archive this user may not write, the index is read where it stands.
    """
    retired = index_dir.with_name(index_dir.name + RETIRED_SUFFIX)
    staging = index_dir.with_name(index_dir.name + STAGING_SUFFIX)
    if not index_dir.exists() and retired.exists():
        complete = staging if staging.exists() else retired
        try:
            complete.rename(index_dir)
        except OSError:  # EACCES, EROFS
            if not read_only:
                raise
            return complete
    return index_dir


def resolve_root(option: str | os.PathLike | None = None) -> Path:
    """`--archive DIR`, else $MURAGAT_ARCHIVE, else ./muragat-data."""
    return Path(option or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_ROOT)


def indexed_passage(passage_id: str, document: Document, page: int, text: str,
                    source: str = TEXT_LAYER) -> IndexedPassage:
    """The index's view of a catalogued passage (`source`: its page's, text layer or OCR); its language is
    decided from its text where it is indexed."""
    return IndexedPassage(passage_id, document.id, document.title, page, text, document.collection, document.year,
                          document.author, language_hint(document.language), source)


def without_typed_filters(query: str, only: Collection[str] = ()) -> str:
    """The query without the filters typed in it (`year:1990..1999`, `collection:laws`, `lang:ru`): what to
    search when they let nothing through; with `only` (groups of FILTER_PATTERN: "language"; "quoted", "name"),
    without those alone (the search page's facets choose a language or a collection instead of a typed one)."""
    kept = FILTER_PATTERN.sub(lambda match: " " if not only or any(map(match.group, only)) else match.group(), query)
    return " ".join(kept.split())


def _refused(query: str, error: QueryError) -> MuragatError:
    """A query the index refused, as the one error a person sees (its reason kept for the web UI's languages)."""
    return MuragatError(f"query {query[:80]!r}: {error}", error.reason, **error.details)


def _catalogued_passages(catalog: Catalog, document_ids: list[str]) -> Iterator[IndexedPassage]:
    """The index's view of these documents' catalogued passages, document by document in the order given."""
    for start in range(0, len(document_ids), REINDEX_BATCH):
        batch = document_ids[start:start + REINDEX_BATCH]
        documents = catalog.documents_by_ids(batch)
        for document_id in batch:
            document = documents.get(document_id)
            if document is not None:
                sources = catalog.page_sources(document_id)
                for passage in catalog.passages(document_id):
                    yield indexed_passage(passage.id, document, passage.page, passage.text,
                                          sources.get(passage.page, TEXT_LAYER))


def _passages_from(catalog_path: Path, document_ids: list[str]) -> Iterator[IndexedPassage]:
    """`_catalogued_passages` over a connection of its own (a reindex part, in its own process)."""
    catalog = Catalog(catalog_path)
    try:
        yield from _catalogued_passages(catalog, document_ids)
    finally:
        catalog.close()


def _consecutive_parts(documents: list[Document], count: int) -> list[list[str]]:
    """Document ids cut into at most `count` runs of consecutive documents with about as many pages each."""
    weights = [max(1, document.page_count) for document in documents]
    total = sum(weights)
    parts: list[list[str]] = [[] for _ in range(count)]
    done = 0
    for document, weight in zip(documents, weights):
        parts[done * count // total].append(document.id)
        done += weight
    return [part for part in parts if part]


class Archive:
    """One archive directory: catalog.sqlite, originals/, index/."""

    def __init__(self, root: str | os.PathLike, time_budget: float = TIME_BUDGET_SECONDS,
                 read_only: bool = False) -> None:
        self.root = Path(root).absolute()  # Flask resolves a relative file against the app folder, not here
        self.originals_dir = self.root / "originals"
        self.read_only = read_only
        self._local = threading.local()
        self._time_budget = time_budget
        # The web UI sets this: every read is then for the viewer pinned by its request (fails closed without one).
        self.viewers_pinned = False
        self._backend: SearchBackend | None = None
        self._backend_engine = ""  # the engine `_backend` was opened by
        self._backend_lock = threading.Lock()

    @classmethod
    def create(cls, root: str | os.PathLike, engine: str | None = None) -> "Archive":
        """Open the archive at `root`, making its directories if needed; a new archive records its search `engine`
        (DEFAULT_ENGINE when none is named); an existing one named another engine is refused, before anything is
        written: moving it is `reindex --engine`'s."""
        chosen = checked_engine(engine or DEFAULT_ENGINE)
        if (Path(root) / "catalog.sqlite").exists():
            archive = cls(root)
            if engine is not None and archive.engine != chosen:
                raise MuragatError(f"{root}: the archive keeps its index in the {archive.engine} engine; to move it "
                                   f"to {chosen}, run `muragat reindex --engine {chosen} --archive {root}`")
            return archive
        (Path(root) / "originals").mkdir(parents=True, exist_ok=True)
        archive = cls(root)
        archive.catalog.record_engine(chosen)
        return archive

    @classmethod
    def existing(cls, root: str | os.PathLike, time_budget: float = TIME_BUDGET_SECONDS,
                 read_only: bool = False) -> "Archive":
        """Open an archive that must already exist; `read_only` for search, serve, status and failures, which
        then work on an archive this user may not write."""
        if not (Path(root) / "catalog.sqlite").exists():
            raise MuragatError(f"{root}: no archive here; run `muragat ingest FILES --archive {root}` first")
        archive = cls(root, time_budget, read_only)
        if read_only:
            archive.catalog  # noqa: B018 - opened first: a catalog from a newer Muragat says so before all else
            if not archive.backend.exists():  # a reader does not make one
                raise MuragatError(f"{root}: the archive has no search index; run `muragat reindex --archive "
                                   f"{root}` as a user who may write it")
        return archive

    def check_present(self) -> None:
        """Refuse to go on writing an archive that was removed (or unmounted) under a running command: SQLite
        writes on into the deleted file and the store would be made anew, until the index fails at its commit."""
        if not (self.root / "catalog.sqlite").exists() or not self.originals_dir.is_dir():
            raise MuragatError(f"{self.root}: the archive was removed or unmounted while this command ran; "
                               f"nothing more is written: restore it, or run the command again to start it anew")

    @property
    def engine(self) -> str:
        """The search engine the catalog records for this archive's index, in the spelling ENGINES has ('Whoosh '
        written into the catalog by hand is whoosh); a name this Muragat does not know is kept for the message."""
        recorded = self.catalog.engine() or UNRECORDED_ENGINE
        try:
            return known_engine(recorded)
        except UnknownEngine:
            return recorded

    @property
    def index_dir(self) -> Path:
        return index_folder(self.root, self.engine)

    @property
    def backend(self) -> SearchBackend:
        """The archive's index, opened (by the engine the catalog records) when first used."""
        with self._backend_lock:
            if self._backend is None:
                self._open_backend(self.engine)
            return self._backend

    def _open_backend(self, engine: str) -> None:
        try:
            self._backend = open_backend(_finish_index_swap(index_folder(self.root, engine), self.read_only), engine,
                                         time_budget=self._time_budget, read_only=self.read_only)
            self._backend_engine = engine
        except UnknownEngine as error:
            raise MuragatError(f"{self.root}: the catalog records the search engine {engine!r}, which this Muragat "
                               f"does not have ({error}); install the Muragat that made the archive") from None

    @property
    def catalog(self) -> Catalog:
        """This thread's connection to the catalog."""
        catalog = getattr(self._local, "catalog", None)
        if catalog is None:
            catalog = self._local.catalog = Catalog(self.root / "catalog.sqlite", read_only=self.read_only)
        return catalog

    @property
    def _audit_catalog(self) -> Catalog:
        """This thread's connection for recording views: writable even where the rest only reads (the web UI)."""
        catalog = getattr(self._local, "audit_catalog", None)
        if catalog is None:
            catalog = self._local.audit_catalog = (Catalog(self.root / "catalog.sqlite") if self.read_only
                                                   else self.catalog)
        return catalog

    def pin_viewer(self, viewer: Viewer) -> None:
        """See the archive as this viewer until `release_viewer` (one web request): what they may not see is
        left out of every listing, count and search, and answers as a document that does not exist. Without a
        viewer pinned (the command line), everything is seen."""
        self.release_viewer()
        self._local.pinned = viewer, hidden_documents(self.catalog, viewer)

    def release_viewer(self) -> None:
        self._local.pinned = None

    def _pinned(self) -> tuple[Viewer, frozenset[str]]:
        pinned = getattr(self._local, "pinned", None)
        if pinned is None:
            if self.viewers_pinned:
                raise RuntimeError("no viewer pinned: the web UI reads the archive only for the viewer of a request")
            return EVERYTHING, frozenset()
        return pinned

    @property
    def viewer(self) -> Viewer:
        return self._pinned()[0]

    @property
    def hidden(self) -> frozenset[str]:
        """The documents the pinned viewer may not see."""
        return self._pinned()[1]

    def record_view(self, document: Document, what: str, page: int | None = None) -> None:
        """Add a view of a restricted document (its page, original, citation) to the audit trail: who, what, when."""
        if self.catalog.is_restricted(document):
            try:
                self._audit_catalog.record_view(self.viewer.name, document.id, page, what)
            except MuragatError as error:  # cannot write: nothing restricted is shown unrecorded, no path is told
                raise Unavailable("views of restricted documents are recorded in the audit trail, and this server "
                                  "cannot write the catalog: serve the archive as a user who may write it",
                                  "audit_unwritable") from error

    def pin_searcher(self) -> None:
        """Take one view of the index for everything this thread does until `release_searcher` (one web request);
        after another process moved the archive to another engine (`muragat reindex --engine`), the new one's."""
        engine = self.engine
        with self._backend_lock:
            if self._backend is not None and engine != self._backend_engine:
                self._open_backend(engine)
        self.backend.pin()

    def release_searcher(self) -> None:
        self.backend.release()

    @property
    def needs_reindex(self) -> bool:
        """True when the index was built with other analysis rules than the current ones."""
        return self.backend.needs_rebuild()

    # Searching

    def search(self, query: str, limit: int = 10, offset: int = 0, filters: Filters | None = None,
               sort: str = "relevance", per_document: int = 0) -> SearchResults:
        self._require_current_index()
        typed = query
        try:
            results = self.backend.search(query, limit=limit, offset=offset, filters=filters, sort=sort,
                                          per_document=per_document, hidden=self.hidden)
            if not results.total and ((filters and filters.collection) or "collection:" in query.lower()):
                # nothing in the collection named: the one named so in other capitals, if any (жарлықтар: Жарлықтар)
                held = FILTER_PATTERN.sub(self._typed_collection_as_held, query), self._collections_as_held(filters)
                if held != (query, filters):
                    query, filters = held
                    results = self.backend.search(query, limit=limit, offset=offset, filters=filters, sort=sort,
                                                  per_document=per_document, hidden=self.hidden)
            narrowed = (filters is not None and filters != Filters()) or FILTER_PATTERN.search(query)
            if results.suggestion and narrowed and not self._finds(results.suggestion, filters):
                results = dataclasses.replace(results, suggestion=None)
            return dataclasses.replace(results, query=typed) if query != typed else results
        except QueryError as error:
            raise _refused(typed, error) from error

    def _collections_as_held(self, filters: Filters | None) -> Filters | None:
        if filters is None or not filters.collection:
            return filters
        return dataclasses.replace(filters, collection=collection_as_held(filters.collection, self.collections()))

    def _typed_collection_as_held(self, match: re.Match) -> str:
        name = match.group("quoted") or match.group("name")
        held = collection_as_held(name, self.collections()) if name else name
        return match.group() if held == name else f'collection:"{held}"'

    def _finds(self, query: str, filters: Filters | None) -> bool:
        """Whether a corrected query finds something under the same filters (its words were corrected against the
        whole of what the viewer sees: мұғалім is no help among the Russian passages; without filters it does)."""
        try:
            return self.backend.search(query, limit=1, filters=filters, hidden=self.hidden).total > 0
        except QueryError:
            return False

    def _require_current_index(self) -> None:
        if self.needs_reindex:
            raise Unavailable("the index was built with older analysis rules or in an older format; "
                              "run `muragat reindex`", "needs_reindex")

    def warm(self) -> None:
        """Read ahead what the first searches would wait for (the server does it before listening)."""
        if not self.needs_reindex:
            self.backend.warm()

    def matching_pages(self, document_id: str, query: str) -> dict[int, int]:
        """Pages of a document holding passages the query matches (for next/previous-hit links)."""
        self.document(document_id)
        if not query.strip():
            return {}
        try:
            return self.backend.matching_pages(query, document_id, self.hidden)
        except QueryError as error:
            raise _refused(query, error) from error

    def highlight(self, text: str, query: str, recognised: bool = False) -> Fragments:
        """A page's text with the words `query` matches marked (nothing marked without a query); on a
        `recognised` (OCR) page, the typed words' near forms too, as the search finds them there."""
        if not query.strip():
            return [(text, False)] if text else []
        return self.backend.highlight(text, query, self.hidden, recognised)

    # Reading

    def document(self, document_id: str) -> Document:
        document = self.catalog.document(document_id)
        if document is None or document_id in self.hidden:  # one the viewer may not see is one that is not there
            raise NotFound(f"no document {document_id!r} in this archive", "no_document", document_id=document_id[:40])
        return document

    def page(self, document_id: str, number: int) -> PageRecord:
        """One page; a number outside the document's pages is refused before the catalog sees it (2**63 overflows SQLite)."""
        document = self.document(document_id)
        if not 1 <= number <= document.page_count:
            raise NotFound(f"document {document_id!r} has no page {number}; it has {document.page_count}", "no_page",
                           number=number)
        page = self.catalog.page(document_id, number)
        if page is None:
            raise NotFound(f"document {document_id!r} has no page {number}", "no_page", number=number)
        return page

    def collections(self) -> dict[str, int]:
        """Documents per collection (those the viewer may see)."""
        return self.catalog.collections(self.hidden)

    def filter_problems(self, filters: Filters) -> list[MuragatError]:
        """Why filters let nothing through: years the wrong way round, a collection or document the archive does
        not hold (the web page says so beside its empty results; the API and the command line refuse)."""
        problems, collections = [], self.collections()
        if filters.year_from is not None and filters.year_to is not None and filters.year_from > filters.year_to:
            problems.append(MuragatError(f"year_from ({filters.year_from}) is after year_to ({filters.year_to})",
                                         "year_range", year_from=filters.year_from, year_to=filters.year_to))
        if filters.collection and collection_as_held(filters.collection, collections) not in collections:
            problems.append(MuragatError(f"no collection {filters.collection[:80]!r} in this archive; "
                                         f"{named_collections(filters.collection, collections)}",
                                         "unknown_collection", collection=filters.collection[:80]))
        if filters.document_id and not self.holds(filters.document_id):
            problems.append(MuragatError(f"no document {filters.document_id[:40]!r} in this archive",
                                         "no_document", document_id=filters.document_id[:40]))
        return problems

    def holds(self, document_id: str) -> bool:
        """Whether the archive holds the document, as far as the viewer may know."""
        return document_id not in self.hidden and self.catalog.document(document_id) is not None

    def list_documents(self, filters: Filters | None = None, sort: str = "title", limit: int = 20,
                       offset: int = 0) -> Listing:
        """Browse without a query: the documents of a collection, years or passage language, sorted, paged."""
        if sort not in LISTING_SORTS:
            raise MuragatError(f"sort must be one of: {', '.join(LISTING_SORTS)}", "bad_sort",
                               sorts=", ".join(LISTING_SORTS))
        filters = self._collections_as_held(filters or Filters())
        ids = None
        if filters.language:  # the documents with passages in that language, as the index decided them
            self._require_current_index()
            ids = {document_id for document_id, languages in self.backend.document_languages().items()
                   if filters.language in languages}
        if filters.document_id:
            ids = {filters.document_id} if ids is None else ids & {filters.document_id}
        return self.catalog.list_documents(filters.collection, filters.year_from, filters.year_to, ids, sort,
                                           limit, offset, self.hidden)

    def overview(self, recent: int = 5) -> dict:
        """What the archive holds, for its home page: documents, per collection, per year, the latest added."""
        latest = self.catalog.list_documents(sort="added", limit=recent, hidden=self.hidden)
        return {"documents": latest.total, "collections": self.collections(),
                "years": self.catalog.documents_per_year(self.hidden), "recent": latest.documents}

    def passages_on(self, document_id: str, number: int) -> list[PassageRecord]:
        """The passages of one page, in order, with where each stands in the page's text."""
        return self.catalog.page_passages(document_id, number)

    def documents_of(self, results: SearchResults) -> dict[str, Document]:
        """The catalogued documents behind a page of results (their copies too) and the document facet's values
        shown."""
        shown = most_first(results.facets.get("document_id", {}))  # not the thousands a common word is in
        ids = {document_id for hit in results.hits for document_id in (hit.document_id, *(c for c, _ in hit.copies))}
        ids |= {document_id for document_id, _ in shown}
        return self.catalog.documents_by_ids(sorted(ids))

    def file_names(self, document_id: str) -> list[str]:
        """The names the document's files had when ingested (never their folders)."""
        return sorted({Path(path).name for path in self.catalog.paths(document_id)})

    def original_path(self, document_id: str) -> Path:
        """The stored original; its name comes from the catalog, never from the request."""
        return self.originals_dir / self.document(document_id).stored_name

    # Index maintenance

    def index_documents(self, document_ids: list[str]) -> int:
        """Write the catalogued passages of these documents to the index (replacing any already there), then flag them.

        Replacing makes it safe to index a document again after a run died between the index
        commit and the flag: it is never in the index twice.
        """
        count = self.backend.write(self.indexed_passages(document_ids), replace_documents=document_ids)
        self.catalog.mark_indexed(document_ids)
        return count

    def indexed_passages(self, document_ids: list[str]) -> list[IndexedPassage]:
        """The index's view of these documents' catalogued passages."""
        return list(_catalogued_passages(self.catalog, document_ids))

    def remove(self, document_id: str) -> Document:
        """Take a document out of the index, the catalog and the store of originals."""
        document = self.document(document_id)
        self.backend.delete([document_id])
        self.catalog.remove_document(document_id)
        (self.originals_dir / document.stored_name).unlink(missing_ok=True)
        return document

    def reindex(self, engine: str | None = None) -> int:
        """Rebuild the whole index from the catalog (after analysis rules change), by `engine` when given (a move
        to another engine), else by the archive's own.

        The new index is built beside the old one, which keeps answering searches, and
        takes its place only when complete: an interrupted rebuild leaves the old index.
        The documents are cut into REINDEX_PROCESSES runs, indexed in parallel. A move to
        another engine is recorded in the catalog once its index is complete; then the old
        engine's index is removed.
        """
        engine = checked_engine(engine or self.engine)
        target = index_folder(self.root, engine)
        documents = self.catalog.documents()
        ids = [document.id for document in documents]
        staging = target.with_name(target.name + STAGING_SUFFIX)
        _finish_index_swap(target, read_only=False)  # an earlier rebuild stopped mid-swap: its staging is complete
        shutil.rmtree(staging, ignore_errors=True)
        rebuilt = open_backend(staging, engine, time_budget=self._time_budget)
        rebuilt.rebuild()
        parts = _consecutive_parts(documents, REINDEX_PROCESSES)
        total = rebuilt.write_parts([functools.partial(_passages_from, self.catalog.path, part) for part in parts])
        retired = target.with_name(target.name + RETIRED_SUFFIX)
        shutil.rmtree(retired, ignore_errors=True)
        if target.exists():
            target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
        self.catalog.record_engine(engine)
        with self._backend_lock:
            self._open_backend(engine)
        for other in self._other_indexes():  # the previous engine's, or one a move stopped before recording
            shutil.rmtree(other, ignore_errors=True)
        self.catalog.mark_indexed(ids)
        return total

    def _other_indexes(self) -> list[Path]:
        """Index folders of engines the archive does not use (and their half-built or retired copies): left by a move
        to another engine that stopped while building, after building (the catalog still names the old engine) or
        before removing the old one."""
        others = [folder for name in sorted(ENGINES) if (folder := index_folder(self.root, name)) != self.index_dir]
        return [folder for other in others for suffix in ("", STAGING_SUFFIX, RETIRED_SUFFIX)
                if (folder := other.with_name(other.name + suffix)).exists()]

    def optimize(self) -> None:
        """Merge the index into one segment: searches get faster; takes long on a large index."""
        self.backend.optimize()

    def passages_by_language(self) -> dict[str, int]:
        """Indexed passages per language (kk, ru, other); none counted in an index built before passages had one."""
        if self.needs_reindex:
            return {}
        counts = self.backend.passage_languages()
        return {language: counts.get(language, 0) for language in PASSAGE_LANGUAGES}

    def _access_status(self) -> dict:
        """Who may see what: the restricted collections, how many documents nobody without a grant sees, users."""
        access = self.catalog.collection_access()
        return {"restricted_collections": sorted(name for name, level in access.items() if level == "restricted"),
                "restricted_documents": len(self.catalog.hidden_documents("", sees_everything=False)),
                "users": len(self.catalog.users())}

    def status(self) -> dict:
        """What is in the archive and whether the index agrees with the catalog."""
        counts = self.catalog.counts()
        indexed = self.backend.document_ids()
        passages_indexed = self.backend.passage_count()
        catalogued = {document.id for document in self.catalog.documents() if document.indexed}
        last_run = self.catalog.last_run()
        return {
            "archive": str(self.root),
            "engine": self.engine,
            **counts,
            "collections": self.catalog.collections(),
            **self._access_status(),
            "indexed_passages": passages_indexed,
            "passages_by_language": self.passages_by_language(),
            "index_bytes": self.backend.size_on_disk(),
            "index_segments": self.backend.segment_count(),
            "index_agrees": indexed <= catalogued and counts["unindexed_documents"] == 0
            and passages_indexed == counts["passages"],
            "engine_outgrown": self.engine == "whoosh" and passages_indexed >= WHOOSH_PASSAGES_SERVED_WELL,
            "needs_reindex": self.needs_reindex,
            # any engine's: a move to another engine builds under that engine's folder name
            "reindex_left_over": any(self.root.glob(f"index*{STAGING_SUFFIX}")) or bool(self._other_indexes()),
            "uncertain_pages": [{"document_id": document_id, "page": page, "confidence": confidence}
                                for document_id, page, confidence
                                in self.catalog.uncertain_pages(UNCERTAIN_READING)[:UNCERTAIN_LISTED]],
            "last_ingest": None if last_run is None else {
                "started_at": last_run.started_at,
                "finished_at": last_run.finished_at,
                "ingested": last_run.ingested,
                "already_present": last_run.already_present,
                "failed": last_run.failed,
                "skipped": last_run.skipped,
                "without_text": last_run.without_text,
            },
        }
