"""One tantivy searcher's passages as arrays: numbers for its documents, and the fast columns read once.

Tantivy addresses a document by (segment, number in it); the shared counting and ranking (index/counting.py,
index/ranking.py) number passages 0..size-1 (index.matches). A searcher's live documents are numbered in
address order once, their fast columns read into arrays then, and every query's hits mapped to those numbers.
"""
from __future__ import annotations

import threading

import numpy as np
import tantivy

from index.matches import Column, place_order
from index.schema import NO_YEAR
from index.tantivy_engine.schema import STRING_COLUMNS, code

# Buckets asked of an aggregation listing a string column's values: more than any archive holds.
MAX_VALUES = 2**31 - 1


class Generation:
    """One searcher's live passages, numbered, with their columns (index.matches.Columns)."""

    def __init__(self, searcher: tantivy.Searcher) -> None:
        self.searcher = searcher
        hits = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs), count=False).hits
        addresses = [address for _, address in hits]
        segments, documents = _split(addresses)
        order = np.lexsort((documents, segments))
        self.addresses = [addresses[index] for index in order]
        self.size = len(self.addresses)
        self._tables = {}
        segments, documents = segments[order], documents[order]
        for segment in np.unique(segments):
            mine = np.flatnonzero(segments == segment)
            table = np.full(int(documents[mine].max()) + 1, -1, dtype=np.int64)
            table[documents[mine]] = mine
            self._tables[int(segment)] = table
        self._lock = threading.Lock()
        self._arrays: dict[str, np.ndarray] = {}
        self._columns: dict[str, Column] = {}
        self._places: np.ndarray | None = None

    def numbers(self, addresses: list) -> np.ndarray:
        """The passage numbers of documents a search found."""
        segments, documents = _split(addresses)
        numbers = np.empty(len(addresses), dtype=np.int64)
        for segment in np.unique(segments):
            mine = segments == segment
            numbers[mine] = self._tables[int(segment)][documents[mine]]
        return numbers

    def array(self, name: str) -> np.ndarray:
        """A number column of every passage."""
        with self._lock:
            if name not in self._arrays:
                values = self.searcher.fast_field_values(name, self.addresses) if self.size else []
                self._arrays[name] = np.array([NO_YEAR if value is None else value for value in values],
                                              dtype=np.uint64 if name.endswith(("_code", "fingerprint", "page_key"))
                                              else np.int64)
            return self._arrays[name]

    # index.matches.Columns: `view` is the searcher these arrays were read from.

    def live(self, view=None) -> np.ndarray:
        return np.ones(self.size, dtype=bool)  # a searcher numbers its live documents only

    def column(self, view, name: str) -> Column:
        """A column as codes into its distinct values: the string columns, page and fingerprint."""
        if name not in self._columns:
            if name in STRING_COLUMNS:
                self._columns[name] = self._strings(name)
            else:
                values, codes = np.unique(self.array(name), return_inverse=True)
                self._columns[name] = Column(codes.astype(np.int32), values.tolist())
        return self._columns[name]

    def _strings(self, name: str) -> Column:
        """A string column: its values from an aggregation, each passage's from its fast column of codes."""
        buckets = self.searcher.aggregate(tantivy.Query.all_query(),
                                          {"values": {"terms": {"field": name, "size": MAX_VALUES}}})
        values = sorted({bucket["key"] for bucket in buckets["values"]["buckets"]} | {""})
        hashes = np.array([code(value) for value in values], dtype=np.uint64)
        order = np.argsort(hashes)
        codes = order[np.searchsorted(hashes[order], self.array(f"{name}_code"))]
        return Column(codes.astype(np.int32), values)

    def places(self, view=None) -> np.ndarray:
        if self._places is None:
            self._places = place_order(self.column(view, "document_id"), self.array("page"))
        return self._places

    def years(self, view=None) -> np.ndarray:
        return self.array("year")

    def pages(self) -> tuple[np.ndarray, np.ndarray]:
        """(each passage's page number 0..pages-1, each page's text length)."""
        _, page_of = np.unique(self.array("page_key"), return_inverse=True)
        lengths = np.bincount(page_of, weights=self.array("text_length").astype(np.float64))
        return page_of, lengths


def _split(addresses: list) -> tuple[np.ndarray, np.ndarray]:
    """(segments, document numbers in them) of tantivy addresses."""
    count = len(addresses)
    return (np.fromiter((address.segment_ord for address in addresses), dtype=np.int64, count=count),
            np.fromiter((address.doc for address in addresses), dtype=np.int64, count=count))
