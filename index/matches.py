"""A query's matches as arrays, and the columns they are counted by: what every engine hands the shared
counting (index/counting.py) and ranking (index/ranking.py).

Passages are numbered 0..size-1 within one view of an index (a generation); each engine numbers its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from index.schema import NO_YEAR


@dataclass(frozen=True)
class Matches:
    """Passages (ascending numbers), their scores, and how many of the query's terms each holds."""

    docnums: np.ndarray  # int32
    scores: np.ndarray  # float64
    terms: np.ndarray  # int32

    def __len__(self) -> int:
        return len(self.docnums)

    def where(self, keep: np.ndarray) -> Matches:
        return Matches(self.docnums[keep], self.scores[keep], self.terms[keep])


NO_MATCHES = Matches(np.empty(0, np.int32), np.empty(0), np.empty(0, np.int32))


@dataclass(frozen=True)
class Column:
    """A column of every passage as codes into its distinct values (facets count codes)."""

    codes: np.ndarray  # int32, one per passage
    values: list  # value of each code


class Columns(Protocol):
    """One generation's per-passage arrays, as an engine reads them (`view`: the engine's searcher, or None)."""

    size: int

    def live(self, view) -> np.ndarray: ...

    def column(self, view, name: str) -> Column: ...

    def places(self, view) -> np.ndarray: ...

    def years(self, view) -> np.ndarray: ...


def undated(year) -> bool:
    """A passage without a year: NO_YEAR, or an engine's minimum when the field was left out."""
    return year is None or year <= NO_YEAR


def locate(needles: np.ndarray, haystack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `haystack` (ascending): whether `needles` (ascending) holds it, and where."""
    if not len(needles):
        return np.zeros(len(haystack), bool), np.zeros(len(haystack), np.int64)
    where = np.minimum(np.searchsorted(needles, haystack), len(needles) - 1)
    return needles[where] == haystack, where


def place_order(documents: Column, pages: np.ndarray) -> np.ndarray:
    """Each passage's place in the order of document id, page, then passage number: the tie-break of
    equal scores, so that they come back in one order whichever run wrote the passages (and in
    whichever order)."""
    size = len(documents.codes)
    document_rank = np.empty(len(documents.values), dtype=np.int64)
    document_rank[sorted(range(len(documents.values)), key=documents.values.__getitem__)] = \
        np.arange(len(documents.values))
    order = np.lexsort((np.arange(size), pages, document_rank[documents.codes]))
    places = np.empty(size, dtype=np.int64)
    places[order] = np.arange(size)
    return places
