"""The whoosh engine behind the search seam (index.seam.SearchBackend): Muragat's embedded default."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from whoosh.searching import Searcher

from index.backends import VersionCheck
from index.seam import TIME_BUDGET_SECONDS, Filters, Fragments, IndexedPassage, SearchResults
from index.counting import languages_by_document, live_counts
from index.whoosh_engine.search import SearcherCache, highlight, matching_pages, search
from index.whoosh_engine.writer import (
    DAMAGE, VERSION_FILE, PassageWriter, create_index, damage_told, delete_documents, index_exists,
    indexed_document_ids, needs_rebuild,
    open_index, optimize,
    segment_count, size_on_disk, write_parts, write_passages,
)


class WhooshBackend:
    """A whoosh index in one directory: one writer at a time, a searcher per thread."""

    def __init__(self, directory: Path, time_budget: float = TIME_BUDGET_SECONDS, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.time_budget = time_budget
        self.read_only = read_only  # never create the index
        self._lock = threading.Lock()
        self._local = threading.local()
        self._index = None
        self._searchers: SearcherCache | None = None
        self._version = VersionCheck(self.directory / VERSION_FILE, lambda: needs_rebuild(self.directory))

    @property
    def index(self):
        """The whoosh index, opened (or created) once."""
        with self._lock, self._damage_told():
            if self._index is None:
                self._index = open_index(self.directory, create=not self.read_only)
                self._searchers = SearcherCache(self._index)
            return self._index

    def _searcher(self) -> Searcher:
        pinned = getattr(self._local, "pinned", None)
        if pinned is not None:
            return pinned
        self.index  # noqa: B018 - opening the index creates the searcher cache
        with self._damage_told():
            return self._searchers.get()

    def _damage_told(self):
        return damage_told(self.directory)

    def warm(self) -> None:
        self.index  # noqa: B018 - opening the index creates the searcher cache
        with self._damage_told():
            self._searchers.warm()

    def pin(self) -> None:
        self._local.pinned = None
        self._local.pinned = self._searcher()

    def release(self) -> None:
        self._local.pinned = None

    def exists(self) -> bool:
        try:
            return index_exists(self.directory)
        except DAMAGE:  # there, but unreadable: said when it is read (listing the catalog needs none of it)
            return True

    def needs_rebuild(self) -> bool:
        with self._damage_told():
            return self._version()

    def write(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        return write_passages(self.index, passages, replace_documents=replace_documents)

    def write_parts(self, parts: Sequence[Callable[[], Iterable[IndexedPassage]]]) -> int:
        return write_parts(self.index, parts)

    def writer(self) -> PassageWriter:
        return PassageWriter(self.index)

    def delete(self, document_ids: Iterable[str]) -> None:
        delete_documents(self.index, document_ids)

    def rebuild(self) -> None:
        with self._lock:
            self._index = create_index(self.directory)
            self._searchers = SearcherCache(self._index)

    def search(self, query: str, *, limit: int = 10, offset: int = 0, filters: Filters | None = None,
               sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset()) -> SearchResults:
        searcher = self._searcher()
        return search(searcher, query, limit=limit, offset=offset, filters=filters, sort=sort,
                      per_document=per_document, caches=self._searchers.caches, time_budget=self.time_budget,
                      hidden=hidden)

    def matching_pages(self, query: str, document_id: str, hidden: frozenset[str] = frozenset()) -> dict[int, int]:
        searcher = self._searcher()
        return matching_pages(searcher, query, document_id, caches=self._searchers.caches, hidden=hidden)

    def highlight(self, text: str, query: str, hidden: frozenset[str] = frozenset(),
                  recognised: bool = False) -> Fragments:
        searcher = self._searcher()
        return highlight(searcher, text, query, caches=self._searchers.caches, hidden=hidden, recognised=recognised)

    def document_ids(self) -> set[str]:
        with self._damage_told():
            return indexed_document_ids(self.index)

    def passage_count(self) -> int:
        return self.index.doc_count()

    def passage_languages(self) -> dict[str, int]:
        if not self.passage_count():  # an index without segments has no columns to read
            return {}
        searcher = self._searcher()
        return live_counts(searcher, self._searchers.caches.arrays.of(searcher), "language")

    def document_languages(self) -> dict[str, set[str]]:
        if not self.passage_count():
            return {}
        searcher = self._searcher()
        return languages_by_document(searcher, self._searchers.caches.arrays.of(searcher))

    def size_on_disk(self) -> int:
        return size_on_disk(self.directory)

    def segment_count(self) -> int:
        return segment_count(self.index)

    def optimize(self) -> None:
        optimize(self.index)
