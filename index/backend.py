"""The search backend seam: all the rest of Muragat asks of a search engine.

`WhooshBackend` is the one implementation; docs/scale-out.md says how an OpenSearch or
Elasticsearch backend would implement the same protocol with the Kazakh analysis kept
in Python.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from whoosh.searching import Searcher

from index.counting import languages_by_document, live_counts
from index.schema import IndexedPassage
from index.search import (
    TIME_BUDGET_SECONDS, Filters, SearcherCache, SearchResults, highlight, matching_pages, search,
)
from index.snippets import Fragments
from index.writer import (
    VERSION_FILE, PassageWriter, create_index, delete_documents, index_exists, indexed_document_ids, needs_rebuild,
    open_index, optimize,
    segment_count, size_on_disk, write_parts, write_passages,
)


class SearchBackend(Protocol):
    """Index passages, search them, mark a text: what the archive, the CLI and the web UI use."""

    def write(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        """Add passages in one commit, first removing every passage of `replace_documents`."""

    def write_parts(self, parts: Sequence[Callable[[], Iterable[IndexedPassage]]]) -> int:
        """Add the passages of every part in one commit, the parts written in parallel (a rebuild).

        Each part is called in a process of its own; the passages keep the parts' order.
        """

    def writer(self) -> PassageWriter:
        """A writer kept open across many documents (bulk ingest), committed in batches."""

    def delete(self, document_ids: Iterable[str]) -> None:
        """Remove every passage of these documents."""

    def rebuild(self) -> None:
        """Start again from an empty index built with the current analysis rules."""

    def exists(self) -> bool:
        """Whether there is an index at all (a reader does not make one)."""

    def needs_rebuild(self) -> bool:
        """True when the index was built with other analysis rules than the current ones."""

    def search(self, query: str, *, limit: int = 10, offset: int = 0, filters: Filters | None = None,
               sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset()) -> SearchResults:
        """Ranked (or date-ordered) passages (at most `per_document` of each document, when given), facet counts,
        snippets for the hits returned; as if the `hidden` documents (those the viewer may not see) were not
        indexed at all."""

    def matching_pages(self, query: str, document_id: str, hidden: frozenset[str] = frozenset()) -> dict[int, int]:
        """Pages of one document with passages the query matches, and how many on each (prefixes and variants
        standing for words of the documents not `hidden`)."""

    def highlight(self, text: str, query: str, hidden: frozenset[str] = frozenset(),
                  recognised: bool = False) -> Fragments:
        """A text with the words the query matches marked (as a search without the `hidden` documents); on a
        `recognised` (OCR) page, the near forms the search finds there too."""

    def warm(self) -> None:
        """Prepare for fast first searches (a server does this before it listens)."""

    def pin(self) -> None:
        """Use one view of the index for everything this thread does until `release` (one request)."""

    def release(self) -> None:
        """End the view taken by `pin`."""

    def document_ids(self) -> set[str]:
        """Documents with at least one passage in the index."""

    def passage_count(self) -> int:
        """Passages in the index."""

    def passage_languages(self) -> dict[str, int]:
        """Passages in the index per language (kk, ru, other), as their texts were decided at indexing."""

    def document_languages(self) -> dict[str, set[str]]:
        """The languages (kk, ru, other) each indexed document's passages are in."""

    def size_on_disk(self) -> int:
        """Bytes the index takes."""

    def segment_count(self) -> int:
        """Pieces the index is in (each search reads every one)."""

    def optimize(self) -> None:
        """Merge the index into one piece (slow on a large index: run it when nobody is ingesting)."""


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
        self._version_seen: tuple[int, bool] | None = None  # (mtime of the version file, needs rebuild)

    @property
    def index(self):
        """The whoosh index, opened (or created) once."""
        with self._lock:
            if self._index is None:
                self._index = open_index(self.directory, create=not self.read_only)
                self._searchers = SearcherCache(self._index)
            return self._index

    def _searcher(self) -> Searcher:
        pinned = getattr(self._local, "pinned", None)
        if pinned is not None:
            return pinned
        self.index  # noqa: B018 - opening the index creates the searcher cache
        return self._searchers.get()

    def warm(self) -> None:
        self.index  # noqa: B018 - opening the index creates the searcher cache
        self._searchers.warm()

    def pin(self) -> None:
        self._local.pinned = None
        self._local.pinned = self._searcher()

    def release(self) -> None:
        self._local.pinned = None

    def exists(self) -> bool:
        return index_exists(self.directory)

    def needs_rebuild(self) -> bool:
        # Read again only when the version file changed (a reindex by another process), not per query.
        marker = self.directory / VERSION_FILE
        stamp = marker.stat().st_mtime_ns if marker.exists() else 0
        if self._version_seen is None or self._version_seen[0] != stamp:
            self._version_seen = (stamp, needs_rebuild(self.directory))
        return self._version_seen[1]

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
