"""Totals and facet counts from unscored sets of passages, apart from the ranked search.

Ranking scores only the passages that can reach the top (whoosh skips the rest); the
total and the facets need every match, but not its score. A set of passages is a Python
int used as a bitmap (bit n: document number n), so OR/AND/NOT and counting run in C.
The passages of a term, the facet columns and the live passages are kept per index
generation: a word that recurs across queries is read from its postings once.
"""
from __future__ import annotations

import re
import threading
import time
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence

from whoosh.idsets import BitSet
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DisjunctionMax,
    Every,
    MultiTerm,
    NullQuery,
    NumericRange,
    Or,
    Query,
    Require,
    Term,
)
from whoosh.searching import Searcher
from whoosh.sorting import Categorizer, FacetType

from index.schema import NO_YEAR

FACETS = ("collection", "year", "document_id")
# Passages whose text is the same are counted once (the results show one of them).
COLLAPSE_COLUMN = "fingerprint"
COLUMNS = (*FACETS, COLLAPSE_COLUMN)
_ONE = re.compile("1")


class ListFacet(FacetType):
    """A whoosh facet over a column already read into a list: no column read per passage collected."""

    def __init__(self, values: list) -> None:
        self.values = values

    def categorizer(self, global_searcher: Searcher) -> Categorizer:
        return _ListCategorizer(self.values)


class _ListCategorizer(Categorizer):
    def __init__(self, values: list) -> None:
        self.values = values
        self.offset = 0

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        self.offset = docoffset

    def key_for(self, matcher: Matcher, segment_docnum: int):
        return self.values[self.offset + segment_docnum]


class CountingTimeout(Exception):
    """Counting ran past the query's deadline."""


def as_mask(docnums: Iterable[int], size: int) -> int:
    """A bitmap of document numbers below `size`."""
    bits = bytearray((size >> 3) + 1)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def as_bitset(mask: int, size: int) -> BitSet:
    """A bitmap as a whoosh BitSet (what whoosh's filter collector asks `in` of; same layout)."""
    documents = BitSet(size=0)
    documents.bits = array("B", mask.to_bytes((size >> 3) + 1, "little"))
    return documents


def members(mask: int) -> list[int]:
    """The document numbers set in a bitmap, ascending."""
    return [found.start() for found in _ONE.finditer(format(mask, "b")[::-1])] if mask else []


class _Generation:
    """What one index generation's counts share: term bitmaps (bounded), columns, live passages."""

    def __init__(self, max_terms: int) -> None:
        self.max_terms = max_terms
        self.terms: OrderedDict[tuple, int] = OrderedDict()
        self.columns: dict[str, list] | None = None
        self.values: dict[str, dict] = {}  # column → {value: bitmap of the passages with it}
        self.live: int | None = None

    def column(self, searcher: Searcher, name: str) -> list:
        if self.columns is None:
            self.columns = _read_columns(searcher)
        return self.columns[name]

    def value_masks(self, searcher: Searcher, name: str) -> dict:
        if name not in self.values:
            by_value: dict = {}
            for docnum, value in enumerate(self.column(searcher, name)):
                by_value.setdefault(value, []).append(docnum)
            size = searcher.doc_count_all()
            self.values[name] = {value: as_mask(docnums, size) for value, docnums in by_value.items()}
        return self.values[name]


class DocCounter:
    """Counts the passages a query matches and their facets, sharing term bitmaps across threads."""

    def __init__(self, max_terms: int = 1024) -> None:
        """Keep the bitmaps of the `max_terms` terms used last (each takes one bit per passage)."""
        self._max_terms = max_terms
        self._lock = threading.RLock()
        self._key: int | None = None
        self._current = _Generation(max_terms)

    def _generation(self, searcher: Searcher) -> _Generation:
        key = searcher.reader().generation()
        with self._lock:
            if key != self._key:
                self._key, self._current = key, _Generation(self._max_terms)
            return self._current

    def matches(self, searcher: Searcher, query: Query, deadline: float) -> int:
        """The bitmap of the live passages `query` matches; CountingTimeout past `deadline` (monotonic)."""
        generation = self._generation(searcher)
        return _Evaluator(searcher, generation, self._lock, deadline).mask(query)

    def column(self, searcher: Searcher, name: str) -> list:
        """A column's value for every passage of the searcher's generation (read once per generation)."""
        generation = self._generation(searcher)
        with self._lock:
            return generation.column(searcher, name)

    def count(self, searcher: Searcher, mask: int) -> tuple[int, dict[str, dict]]:
        """(passages, {facet: {value: passages}}), passages with the same text counted once."""
        columns = {name: self.column(searcher, name) for name in COLUMNS}
        found = members(mask)
        shown = list({columns[COLLAPSE_COLUMN][docnum]: docnum for docnum in found}.values())
        facets = {name: {value: count for value, count in Counter(map(columns[name].__getitem__, shown)).items()
                         if value not in (None, "") and not (name == "year" and _undated(value))}
                  for name in FACETS}
        return len(shown), facets


def _block_ids(matcher: Matcher, offset: int) -> Iterator[int]:
    """A leaf matcher's document numbers a block at a time (whoosh's all_ids steps one by one in Python)."""
    if not hasattr(matcher, "_next_block"):
        yield from (docnum + offset for docnum in matcher.all_ids())
        return
    while matcher.is_active():
        matcher.id()  # reads the block's ids
        yield from (docnum + offset for docnum in matcher._ids[matcher._i:])
        matcher._next_block()


def _undated(year: int | None) -> bool:
    """An undated passage's year column holds NO_YEAR, or whoosh's minimum when the field was left out."""
    return year is None or year <= NO_YEAR


def _in_range(value, query: NumericRange) -> bool:
    if _undated(value):
        return False
    above = query.start is None or value > query.start or (value == query.start and not query.startexcl)
    below = query.end is None or value < query.end or (value == query.end and not query.endexcl)
    return above and below


def _read_columns(searcher: Searcher) -> dict[str, list]:
    """Each facet column (and the collapse column) as one list indexed by document number."""
    return {name: _column(searcher, name) for name in COLUMNS}


def _column(searcher: Searcher, name: str) -> list:
    """A column's values, segment by segment: a segment where no passage had the field holds none."""
    interned: dict = {}
    values: list = []
    for leaf, _ in searcher.reader().leaf_readers():
        column, size = leaf.column_reader(name), leaf.doc_count_all()
        read = list(column) if len(column) == size else [column[docnum] for docnum in range(size)]
        values.extend(interned.setdefault(value, value) for value in read)
    return values


class _Evaluator:
    """One query's bitmap, from the cached bitmaps of its terms."""

    def __init__(self, searcher: Searcher, generation: _Generation, lock: threading.Lock, deadline: float) -> None:
        self.searcher = searcher
        self.generation = generation
        self.lock = lock
        self.deadline = deadline
        self.rules: dict[type, Callable[[Query], int]] = {
            Term: self._term, NumericRange: self._range, Or: self._any, DisjunctionMax: self._any, And: self._all, Require: self._all,
            AndNot: self._but_not, AndMaybe: self._first, Every: lambda query: self._live(),
        }

    def mask(self, query: Query) -> int:
        if query is NullQuery:
            return 0
        if time.monotonic() > self.deadline:
            raise CountingTimeout
        for kind in type(query).__mro__:
            if kind in self.rules:
                return self.rules[kind](query)
        if isinstance(query, MultiTerm):  # a prefix: the words it stands for
            reader = self.searcher.reader()
            return self._any_of([Term(field, text) for field, text in query.existing_terms(reader, expand=True)])
        return self._cached(("docs", repr(query)), lambda: self._as_mask(query.docs(self.searcher)))

    def _as_mask(self, docnums: Iterable[int]) -> int:
        return as_mask(docnums, self.searcher.doc_count_all())

    def _any(self, query: Query) -> int:
        return self._any_of(query.subqueries)

    def _any_of(self, queries: Sequence[Query]) -> int:
        mask = 0
        for query in queries:
            mask |= self.mask(query)
        return mask

    def _all(self, query: Query) -> int:
        parts = iter(list(query.children()))
        mask = self.mask(next(parts))
        for part in parts:
            if not mask:
                break
            mask &= self.mask(part)
        return mask

    def _but_not(self, query: AndNot) -> int:
        return self.mask(query.a) & ~self.mask(query.b)

    def _first(self, query: AndMaybe) -> int:
        return self.mask(query.a)

    def _range(self, query: NumericRange) -> int:
        """A range of a column's values (`year:2001..2010`): the bitmaps of the values in it."""
        if query.fieldname not in COLUMNS:
            return self._cached(("docs", repr(query)), lambda: self._as_mask(query.docs(self.searcher)))
        with self.lock:
            by_value = self.generation.value_masks(self.searcher, query.fieldname)
        mask = 0
        for value, passages in by_value.items():
            if _in_range(value, query):
                mask |= passages
        return mask & self._live()

    def _term(self, query: Term) -> int:
        field, text = query.fieldname, query.text
        if field not in self.searcher.schema:
            return 0
        key = ("term", field, text)
        return self._cached(key, lambda: self._as_mask(self._postings(field, text)) & self._live())

    def _postings(self, field: str, text) -> Iterator[int]:
        """The passages holding a term (deleted ones too: the caller masks them out), segment by segment."""
        for leaf, offset in self.searcher.reader().leaf_readers():
            if (field, text) in leaf:
                matcher = leaf.postings(field, text)
                yield from _block_ids(matcher.child if isinstance(matcher, FilterMatcher) else matcher, offset)

    def _live(self) -> int:
        if self.generation.live is None:
            live = self._as_mask(self.searcher.reader().all_doc_ids())
            with self.lock:
                self.generation.live = live
        return self.generation.live

    def _cached(self, key: tuple, compute: Callable[[], int]) -> int:
        terms = self.generation.terms
        with self.lock:
            if key in terms:
                terms.move_to_end(key)
                return terms[key]
        mask = compute()
        with self.lock:
            terms[key] = mask
            while len(terms) > self.generation.max_terms:
                terms.popitem(last=False)
        return mask
