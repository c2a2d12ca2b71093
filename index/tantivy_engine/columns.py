"""One tantivy searcher's passages as arrays: numbers for its documents, and the fast columns read once.

Tantivy addresses a document by (segment, number in it); the shared counting and ranking (index/counting.py,
index/ranking.py) number passages 0..size-1 (index.matches). A searcher's live documents are numbered in
address order once, their fast columns read into arrays then, and every query's hits mapped to those numbers.
"""
from __future__ import annotations

import threading
from collections.abc import Collection, Iterable

import numpy as np
import tantivy

from index.matches import Column, place_order
from index.schema import NO_YEAR
from index.tantivy_engine.schema import STRING_COLUMNS, code

# Buckets one tantivy aggregation may give back (tantivy refuses more than 65,000): a column of more distinct values
# is aggregated in ranges of its codes.
MAX_BUCKETS = 60_000


class Generation:
    """One searcher's live passages, numbered, with their columns (index.matches.Columns)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema) -> None:
        self.searcher = searcher
        self.schema = schema
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
        self._lock = threading.RLock()
        self._arrays: dict[str, np.ndarray] = {}
        self._columns: dict[str, Column] = {}
        self._places: np.ndarray | None = None
        self._values: dict[str, dict[int, str]] = {}
        self._codes: dict[str, dict[int, int]] = {}
        self._ranges: dict[str, list[tantivy.Query]] = {}
        self._distinct: dict[str, int] = {}
        self._copied: list[int] | None = None
        self._averages: dict[str, float] = {}

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

    def average(self, name: str) -> float:
        """A number column's mean over every passage (BM25's average length; 1 in an empty index)."""
        with self._lock:
            if name not in self._averages:
                column = self.array(name)
                self._averages[name] = float(column.mean()) if len(column) else 1.0
            return self._averages[name]

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
        """A string column: its values from aggregations, each passage's from its fast column of codes."""
        found = {}
        for within in self.value_ranges(f"{name}_code"):
            found.update(buckets(self.searcher, within, [name])[name])
        values = sorted(set(found) | {""})
        hashes = np.array([code(value) for value in values], dtype=np.uint64)
        order = np.argsort(hashes)
        codes = order[np.searchsorted(hashes[order], self.array(f"{name}_code"))]
        self._values[name] = dict(zip(hashes.tolist(), values))
        self._codes[name] = dict(zip(hashes.tolist(), range(len(values))))
        return Column(codes.astype(np.int32), values)

    def values_of(self, name: str) -> dict[int, str]:
        """{hash: the string it stands for} of a string column (its fast column holds the strings' hashes)."""
        self.column(None, name)
        return self._values[name]

    def codes_of(self, name: str) -> dict[int, int]:
        """{hash: the code of its string in the column (Column.codes)} of a string column."""
        self.column(None, name)
        return self._codes[name]

    def distinct(self, field: str) -> int:
        """How many different values a number column holds."""
        self.value_ranges(field)
        return self._distinct[field]

    def value_ranges(self, field: str) -> list[tantivy.Query]:
        """Queries for every passage, in ranges of a number column's values of at most MAX_BUCKETS values each."""
        with self._lock:
            if field not in self._ranges:
                distinct = np.unique(self.array(field))
                self._distinct[field] = len(distinct)
                kind = tantivy.FieldType.Unsigned if distinct.dtype == np.uint64 else tantivy.FieldType.Integer
                self._ranges[field] = [
                    tantivy.Query.range_query(self.schema, field, kind, int(part[0]), int(part[-1]))
                    for part in np.split(distinct, range(MAX_BUCKETS, len(distinct), MAX_BUCKETS)) if len(part)]
            return self._ranges[field]

    def copied(self) -> list[int]:
        """The fingerprints of texts standing in more than one passage (copies; index.counting counts them once)."""
        with self._lock:
            if self._copied is None:
                fingerprints, repeats = np.unique(self.array("fingerprint"), return_counts=True)
                self._copied = fingerprints[repeats > 1].tolist()
            return self._copied

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


def buckets(searcher: tantivy.Searcher, query: tantivy.Query, fields: Iterable[str]) -> dict[str, dict]:
    """{field: {value: passages}} of fast fields over a query's matches (at most MAX_BUCKETS values in all), in one
    aggregation by tantivy (the query is run once)."""
    found = searcher.aggregate(query, {field: {"terms": {"field": field, "size": MAX_BUCKETS}} for field in fields})
    return {field: {bucket["key"]: bucket["doc_count"] for bucket in result["buckets"]}
            for field, result in found.items()}


def passages_by(generation: Generation, query: tantivy.Query, fields: Collection[str]) -> dict[str, dict]:
    """{field: {value: passages}} of number columns over a query's matches: the columns of at most MAX_BUCKETS
    values together in one aggregation (tantivy's bucket limit is for all of them), each other in ranges of its
    values."""
    found: dict[str, dict] = {}
    whole, values = [], 0
    for field in sorted(fields, key=generation.distinct):
        if values + generation.distinct(field) <= MAX_BUCKETS:
            whole.append(field)
            values += generation.distinct(field)
    if whole:
        found.update(buckets(generation.searcher, query, whole))
    for field in fields:
        if field not in whole:
            found[field] = {}
            for within in generation.value_ranges(field):
                found[field].update(buckets(generation.searcher, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, query), (tantivy.Occur.Must, within)]), [field])[field])
    return found


def _split(addresses: list) -> tuple[np.ndarray, np.ndarray]:
    """(segments, document numbers in them) of tantivy addresses."""
    count = len(addresses)
    return (np.fromiter((address.segment_ord for address in addresses), dtype=np.int64, count=count),
            np.fromiter((address.doc for address in addresses), dtype=np.int64, count=count))
