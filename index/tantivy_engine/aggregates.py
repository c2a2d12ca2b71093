"""The total and the facets of a query's matches counted by tantivy's aggregations: a common word matches a third
of a million passages, and reading each one's address into Python costs ten times what tantivy takes to count them.

index.counting.count says what is counted: distinct texts, a text standing in several passages (copies) once. Only
the matched copies are read as passages (their fingerprints are known to the view) and counted by the shared
`count`; every other match is one text, counted by tantivy. A query of fewer matches is read whole.
"""
from __future__ import annotations

import numpy as np
import tantivy

from index.counting import FACETS, count, shown_value
from index.matches import NO_MATCHES, Matches
from index.tantivy_engine.columns import passages_by
from index.tantivy_engine.view import View, both

# Matches read and counted as passages, as the shared counting does (up to some 25 ms at this many); past them,
# tantivy aggregates, and only the copies are read (finding them among 22,000 copied texts takes tantivy 50 ms).
READ_ALL_MATCHES = 50_000
# The column each facet is aggregated by (a string column by its codes).
FIELDS = {name: name if name == "year" else f"{name}_code" for name in FACETS}


def tally(view: View, query: tantivy.Query | None) -> tuple[int, dict[str, dict], Matches]:
    """(texts, {facet: {value: texts}}, the matched copies): index.counting.count's figures for the query's matches,
    and those of them whose text stands in other passages too (what index.counting.copies needs)."""
    facets: dict[str, dict] = {name: {} for name in FACETS}
    if query is None:
        return 0, facets, NO_MATCHES
    by_field = passages_by(view.arrays, query, FIELDS.values())
    matched = sum(by_field["year"].values())  # every passage has a year (NO_YEAR when undated)
    if matched <= READ_ALL_MATCHES:
        found = view.found(query)
        return (*count(view, view.arrays, found.docnums), found)
    copies = _copies(view, query)
    copy_texts, copy_facets = count(view, view.arrays, copies.docnums)
    for name, field in FIELDS.items():
        passages = _named(view, name, by_field[field])
        if len(copies):  # the copies' passages replaced by their texts
            column = view.arrays.column(view, name)
            for code, repeats in zip(*np.unique(column.codes[copies.docnums], return_counts=True)):
                passages[column.values[code]] -= int(repeats)
        for value, texts in copy_facets[name].items():
            passages[value] = passages.get(value, 0) + texts
        facets[name] = {value: texts for value, texts in sorted(passages.items())
                        if texts and shown_value(name, value)}
    return matched - len(copies) + copy_texts, facets, copies


def _copies(view: View, query: tantivy.Query) -> Matches:
    copied = view.arrays.copied()
    if not copied:
        return NO_MATCHES
    return view.found(both(query, tantivy.Query.term_set_query(view.schema, "fingerprint", copied)))


def _named(view: View, name: str, passages: dict) -> dict:
    """{value: passages} of a facet from its column's (a string column's codes named)."""
    if name == "year":
        return passages
    values = view.arrays.values_of(name)
    return {values[hashed]: count for hashed, count in passages.items()}
