"""The tantivy engine behind the search seam (index.seam.SearchBackend): for archives past what whoosh serves well.

Muragat's analyzers make the terms (tantivy indexes them pre-tokenized, with positions); the query language,
the counting, the ranking model and the snippets are the shared ones (index/). Tantivy finds the matches, counts
them by its aggregations (index/tantivy_engine/aggregates.py), gives the best of them, and keeps the index; its writer builds segments on several threads and merges them in the background.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.backends import VersionCheck
from index.seam import TIME_BUDGET_SECONDS, Filters, Fragments, IndexDamaged, IndexedPassage, SearchResults
from index.tantivy_engine import search as searching
from index.tantivy_engine.aggregates import FIELDS
from index.tantivy_engine.view import View
from index.tantivy_engine.writer import (
    VERSION_FILE, PassageWriter, create_index, delete_documents, index_exists, needs_rebuild, open_index, optimize,
    size_on_disk, write_parts, write_passages,
)
from index.variants import SKELETONS_FILE, SkeletonIndex


class TantivyBackend:
    """A tantivy index in one directory: one writer at a time, one view of it per commit shared by the threads."""

    def __init__(self, directory: Path, time_budget: float = TIME_BUDGET_SECONDS, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.time_budget = time_budget  # tantivy answers whole: a query is not cut (results never partial)
        self.read_only = read_only  # never create the index
        self._lock = threading.Lock()
        self._local = threading.local()
        self._index = None
        self._view: View | None = None
        self._skeletons = SkeletonIndex(cache=self.directory / SKELETONS_FILE)
        self._version = VersionCheck(self.directory / VERSION_FILE, lambda: needs_rebuild(self.directory))

    @property
    def index(self):
        """The tantivy index, opened (or created) once."""
        with self._lock, self._damage_told():
            if self._index is None:
                self._index = open_index(self.directory, create=not self.read_only)
            return self._index

    @contextmanager
    def _damage_told(self) -> Iterator[None]:
        """Files tantivy cannot read (`Data corrupted`, a meta.json cut short) as IndexDamaged."""
        try:
            yield
        except ValueError as error:
            if "corrupt" not in str(error).lower():
                raise
            raise IndexDamaged(self.directory, str(error)) from error

    def _stamp(self) -> int:
        """The index's commit as files show it: meta.json changes with every commit, the folder with a reindex."""
        meta = os.stat(self.directory / "meta.json")
        return hash((os.stat(self.directory).st_ino, meta.st_ino, meta.st_mtime_ns, meta.st_size))

    def view(self) -> View:
        """The view of the latest commit (this thread's pinned one during a request)."""
        pinned = getattr(self._local, "pinned", None)
        if pinned is not None:
            return pinned
        index = self.index
        stamp = self._stamp()
        with self._lock, self._damage_told():
            if self._view is None or self._view.key != stamp:
                index.reload()
                self._view = View(index, stamp, _holds_deletions(self.directory))
            return self._view

    def warm(self) -> None:
        """Read what every search needs now rather than in the first search (a second at a million passages)."""
        view = self.view()
        self._skeletons.wait(view)
        view.arrays.places()
        view.pages()
        view.average_page_length()
        view.document_parts()
        view.arrays.copied()
        for name in ("document_id", "collection", "language", "source", "fingerprint"):
            view.arrays.column(view, name)
        for field in FIELDS.values():
            view.arrays.value_ranges(field)
        for name in ("text_length", "title_length", "exact_length"):
            view.arrays.average(name)

    def pin(self) -> None:
        self._local.pinned = None
        self._local.pinned = self.view()

    def release(self) -> None:
        self._local.pinned = None

    def exists(self) -> bool:
        return index_exists(self.directory)

    def needs_rebuild(self) -> bool:
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
            self._view = None

    def search(self, query: str, *, limit: int = 10, offset: int = 0, filters: Filters | None = None,
               sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset()) -> SearchResults:
        return searching.search(self.view(), query, limit=limit, offset=offset, filters=filters, sort=sort,
                                per_document=per_document, hidden=hidden, skeletons=self._skeletons)

    def matching_pages(self, query: str, document_id: str, hidden: frozenset[str] = frozenset()) -> dict[int, int]:
        return searching.matching_pages(self.view(), query, document_id, hidden, self._skeletons)

    def highlight(self, text: str, query: str, hidden: frozenset[str] = frozenset(),
                  recognised: bool = False) -> Fragments:
        return searching.highlight(self.view(), text, query, hidden, self._skeletons, recognised)

    def document_ids(self) -> set[str]:
        view = self.view()
        column = view.arrays.column(view, "document_id")
        return {column.values[code] for code in np.unique(column.codes)}

    def passage_count(self) -> int:
        return self.view().doc_count()

    def passage_languages(self) -> dict[str, int]:
        view = self.view()
        column = view.arrays.column(view, "language")
        counts = np.bincount(column.codes, minlength=len(column.values))
        return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}

    def document_languages(self) -> dict[str, set[str]]:
        view = self.view()
        documents, languages = view.arrays.column(view, "document_id"), view.arrays.column(view, "language")
        found: dict[str, set[str]] = {}
        for document, language in set(zip(documents.codes.tolist(), languages.codes.tolist())):
            found.setdefault(documents.values[document], set()).add(languages.values[language])
        return found

    def size_on_disk(self) -> int:
        return size_on_disk(self.directory)

    def segment_count(self) -> int:
        return self.view().searcher.num_segments

    def optimize(self) -> None:
        optimize(self.index)


def _holds_deletions(directory: Path) -> bool:
    """Whether the commit's segments hold deleted passages (tantivy's meta.json names their delete files): tantivy's
    term statistics count those until a merge drops them."""
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    return any(segment.get("deletes") for segment in meta.get("segments", []))
