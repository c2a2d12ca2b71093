"""The page of hits, the total and the facet counts of a query's matches, from the column arrays.

Passages whose text is the same (boilerplate repeated across documents) are shown once,
the best-scored, and counted once.
"""
from __future__ import annotations

import numpy as np
from whoosh.searching import Searcher

from index.engine import Matches
from index.postings import Generation, undated
from index.schema import NO_YEAR

FACETS = ("collection", "year", "language", "document_id")
COLLAPSE_COLUMN = "fingerprint"


def top(searcher: Searcher, generation: Generation, matches: Matches, limit: int,
        sort: str = "relevance") -> list[tuple[int, float]]:
    """(passage number, score) of the best `limit` matches, one per text; by score, or by year then score."""
    if not len(matches) or limit <= 0:
        return []
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes
    if sort == "relevance":
        candidates = min(len(matches), 2 * limit + 16)
        while True:
            order = _best_first(matches, candidates)
            chosen = _one_per_text(matches, order, fingerprints, limit)
            if len(chosen) == limit or len(order) == len(matches):
                return chosen
            candidates = min(len(matches), candidates * 4)
    year = generation.years(searcher)[matches.docnums]
    order = np.lexsort((matches.docnums, -matches.scores, year if sort == "oldest" else -year, year == NO_YEAR))
    return _one_per_text(matches, order, fingerprints, limit)


def _best_first(matches: Matches, candidates: int) -> np.ndarray:
    """Indexes of at least the `candidates` best scores (all those tied with the last), best first, ties by number."""
    scores = matches.scores
    if candidates < len(scores):
        threshold = np.partition(scores, len(scores) - candidates)[len(scores) - candidates]
        chosen = np.flatnonzero(scores >= threshold)
    else:
        chosen = np.arange(len(scores))
    return chosen[np.lexsort((matches.docnums[chosen], -scores[chosen]))]


def _one_per_text(matches: Matches, order: np.ndarray, fingerprints: np.ndarray, limit: int) -> list[tuple[int, float]]:
    chosen: list[tuple[int, float]] = []
    seen: set[int] = set()
    for index in order:
        docnum = int(matches.docnums[index])
        text = int(fingerprints[docnum])
        if text in seen:
            continue
        seen.add(text)
        chosen.append((docnum, float(matches.scores[index])))
        if len(chosen) == limit:
            break
    return chosen


def count(searcher: Searcher, generation: Generation, docnums: np.ndarray) -> tuple[int, dict[str, dict]]:
    """(passages, {facet: {value: passages}}) of the matched passages, each text counted once."""
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes[docnums]
    _, last = np.unique(fingerprints[::-1], return_index=True)
    shown = docnums[::-1][last]
    facets = {}
    for name in FACETS:
        column = generation.column(searcher, name)
        counts = np.bincount(column.codes[shown], minlength=len(column.values))
        facets[name] = {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)
                        if _shown_value(name, column.values[code])}
    return len(shown), facets


def live_counts(searcher: Searcher, generation: Generation, name: str) -> dict:
    """How many of the index's passages (deleted ones aside) have each value of a column: for `status`."""
    column = generation.column(searcher, name)
    counts = np.bincount(column.codes[generation.live(searcher)], minlength=len(column.values))
    return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}


def pages(searcher: Searcher, generation: Generation, docnums: np.ndarray) -> dict[int, int]:
    """How many of the matched passages are on each page."""
    column = generation.column(searcher, "page")
    counts = np.bincount(column.codes[docnums], minlength=len(column.values))
    return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}


def _shown_value(name: str, value) -> bool:
    return value not in (None, "") and not (name == "year" and undated(value))

