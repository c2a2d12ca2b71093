"""One index generation read into arrays: terms' postings, columns, field lengths, live passages.

Whoosh decodes postings a block at a time into Python objects and scores them through a
tree of Python matchers, so a query touching 100,000 postings makes 100,000 trips through
Python. Read once into numpy arrays, and kept within a memory bound for as long as the
index generation lasts, a term's postings are scored, combined and counted in bulk.
"""
from __future__ import annotations

import pickle
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.schema import NO_YEAR

# Memory kept for decoded postings per index generation (8 bytes a posting).
POSTINGS_CACHE_BYTES = 160 * 2**20
# Whoosh stores a field's length per passage as one byte; this turns the byte back into a length.
_LENGTH_OF_BYTE = np.array([byte_to_length(byte) for byte in range(256)], dtype=np.float64)
_CHECK_DEADLINE_EVERY = 64  # blocks


@dataclass(frozen=True)
class TermPostings:
    """A term's live passages (ascending document numbers) and its weight (frequency) in each."""

    docnums: np.ndarray  # int32
    weights: np.ndarray  # float32
    complete: bool = True  # False: the deadline cut the reading short

    @property
    def nbytes(self) -> int:
        return self.docnums.nbytes + self.weights.nbytes


@dataclass(frozen=True)
class Column:
    """A column of every passage as codes into its distinct values (facets count codes)."""

    codes: np.ndarray  # int32, one per passage
    values: list  # value of each code


EMPTY = TermPostings(np.empty(0, np.int32), np.empty(0, np.float32))


class Generation:
    """The arrays of one index generation, built on first use and shared by every thread's searcher."""

    def __init__(self, searcher: Searcher, cache_bytes: int) -> None:
        self.key = searcher.reader().generation()
        self.size = searcher.doc_count_all()
        self._cache_bytes = cache_bytes
        self._cached_bytes = 0
        self._terms: OrderedDict[tuple[str, str], TermPostings] = OrderedDict()
        self._columns: dict[str, Column] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._live: np.ndarray | None = None
        self._years: np.ndarray | None = None
        self._lock = threading.Lock()

    def live(self, searcher: Searcher) -> np.ndarray:
        """A bool per passage: False for deleted ones (still in their segment until it merges)."""
        if self._live is None:
            live = np.zeros(self.size, dtype=bool)
            live[np.fromiter(searcher.reader().all_doc_ids(), dtype=np.int64)] = True
            self._live = live
        return self._live

    def lengths(self, searcher: Searcher, field: str) -> np.ndarray:
        """The field's length in every passage, as whoosh's BM25 reads it (one byte, decoded)."""
        if field not in self._lengths:
            parts = []
            for leaf, _ in searcher.reader().leaf_readers():
                size = leaf.doc_count_all()
                column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)  # None: no passage has it
                raw = np.zeros(size, dtype=np.uint8)
                if column is not None and column._count:
                    stored = min(column._count, size)
                    raw[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
                parts.append(_LENGTH_OF_BYTE[raw])
            self._lengths[field] = np.concatenate(parts) if parts else np.empty(0)
        return self._lengths[field]

    def column(self, searcher: Searcher, name: str) -> Column:
        """A column (collection, year, document_id, fingerprint) as codes, read once per generation."""
        if name not in self._columns:
            codes_of: dict = {}
            values: list = []
            for leaf, _ in searcher.reader().leaf_readers():
                reader, size = leaf.column_reader(name), leaf.doc_count_all()
                values.extend(list(reader) if len(reader) == size else [reader[docnum] for docnum in range(size)])
            codes = np.fromiter((codes_of.setdefault(value, len(codes_of)) for value in values),
                                dtype=np.int32, count=len(values))
            self._columns[name] = Column(codes, list(codes_of))
        return self._columns[name]

    def years(self, searcher: Searcher) -> np.ndarray:
        """Every passage's year; NO_YEAR when undated (whoosh's minimum when the field was left out)."""
        if self._years is None:
            column = self.column(searcher, "year")
            values = [NO_YEAR if value is None or value <= NO_YEAR else value for value in column.values]
            self._years = np.asarray(values, dtype=np.int64)[column.codes]
        return self._years

    def postings(self, searcher: Searcher, field: str, text: str, deadline: float) -> TermPostings:
        """A term's postings, from the cache or decoded (a deadline cuts decoding short: `complete` False)."""
        key = (field, text)
        with self._lock:
            if key in self._terms:
                self._terms.move_to_end(key)
                return self._terms[key]
        postings = self._decode(searcher, field, text, deadline)
        if postings.complete:
            with self._lock:
                self._terms[key] = postings
                self._cached_bytes += postings.nbytes
                while self._cached_bytes > self._cache_bytes and len(self._terms) > 1:
                    self._cached_bytes -= self._terms.popitem(last=False)[1].nbytes
        return postings

    def _decode(self, searcher: Searcher, field: str, text: str, deadline: float) -> TermPostings:
        docnums: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        complete = True
        try:
            encoded = searcher.schema[field].to_bytes(text)
        except ValueError:
            return EMPTY
        for leaf, offset in searcher.reader().leaf_readers():
            if (field, encoded) not in leaf:
                continue
            matcher = leaf.postings(field, encoded)
            matcher = matcher.child if isinstance(matcher, FilterMatcher) else matcher
            if isinstance(matcher, W3LeafMatcher):
                complete = _read_blocks(matcher, offset, docnums, weights, deadline)
            else:  # a term in one or two passages: whoosh keeps its postings inline
                ids = list(matcher.all_ids())
                docnums.append(np.asarray(ids, dtype=np.int64) + offset)
                matcher.reset()
                weights.append(np.fromiter((_weight_at(matcher) for _ in ids), dtype=np.float32, count=len(ids)))
            if not complete:
                break
        if not docnums:
            return EMPTY
        found = np.concatenate(docnums).astype(np.int32)
        kept = self.live(searcher)[found]
        return TermPostings(found[kept], np.concatenate(weights)[kept], complete)


def _read_blocks(matcher: W3LeafMatcher, offset: int, docnums: list, weights: list, deadline: float) -> bool:
    """Decode every block of a postings list straight from whoosh's format (pickled, zlib'd tuples)."""
    postfile = matcher._postfile
    blocks = 0
    while matcher.is_active():
        data = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        ids, block_weights, _ = pickle.loads(zlib.decompress(data) if matcher._compression else data)
        docnums.append(np.cumsum(np.asarray(ids, dtype=np.int64)) + offset)
        if isinstance(block_weights, tuple):
            weights.append(np.asarray(block_weights, dtype=np.float32))
        else:  # None: every weight is 1; a number: every weight is that number
            weights.append(np.full(len(ids), 1.0 if block_weights is None else block_weights, dtype=np.float32))
        matcher._next_block()
        blocks += 1
        if blocks % _CHECK_DEADLINE_EVERY == 0 and time.monotonic() > deadline:
            return False
    return True


def _weight_at(matcher) -> float:
    weight = matcher.weight()
    matcher.next()
    return weight


class IndexArrays:
    """The current generation's arrays; a new generation (a commit) starts afresh."""

    def __init__(self, cache_bytes: int = POSTINGS_CACHE_BYTES) -> None:
        self._cache_bytes = cache_bytes
        self._current: Generation | None = None
        self._lock = threading.Lock()

    def of(self, searcher: Searcher) -> Generation:
        key = searcher.reader().generation()
        with self._lock:
            if self._current is None or self._current.key != key:
                self._current = Generation(searcher, self._cache_bytes)
            return self._current
