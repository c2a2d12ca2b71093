"""OCR-tolerant search on the tantivy engine (index/approximate.py says what near forms are): the words beginning
with a typed word's first KEPT_LETTERS letters, read from tantivy's dictionary, within the distance by rapidfuzz;
the near forms' passages scored by the ranking model's BM25 of their exact forms."""
from __future__ import annotations

import numpy as np
import tantivy
from whoosh.query import Or, Term

from index.approximate import KEPT_LETTERS, NEAR_WEIGHT, commonest, distance, looked_for, misread_starts, within
from index.matches import NO_MATCHES, Matches
from index.schema import OCR
from index.tantivy_engine.ranking import RESCORE_DEPTH, Evidence, tantivy_order
from index.tantivy_engine.view import Counts, View, both, translate

# Past RESCORE_DEPTH, each near form's passage scores this much of the one before it.
BELOW_STEP = 0.999_999


def recognised(view: View) -> tantivy.Query | None:
    """The passages of recognised (OCR) pages; None when there are none."""
    if OCR not in view.arrays.column(view, "source").values:
        return None
    return tantivy.Query.term_query(view.schema, "source", OCR)


def near_forms(view: View, counts: Counts, text: str, words: tuple[str, ...]) -> list[str]:
    """The near forms of the query's plain typed words that the viewer's OCR passages hold (none for a query
    with syntax, or an archive without OCR passages)."""
    typed = looked_for(text, words)
    scans = recognised(view) if typed else None
    if scans is None:
        return []
    held = Counts(view, both(scans, counts.within))
    found: list[str] = []
    for word in typed:
        edits = distance(word)
        candidates = within(word, _beginning_as(view, word), edits)
        for misread in misread_starts(word):
            candidates += within(misread, _beginning_as(view, misread), edits - 1)
        near = commonest(word, candidates, words, lambda term: held.doc_frequency("exact", term))
        found.extend(term for term in near if term not in found)
    return found


def _beginning_as(view: View, word: str) -> list[str]:
    """The exact forms beginning with the word's first KEPT_LETTERS letters."""
    return [term for term, _ in view.starting("exact", word[:KEPT_LETTERS])]


def near_query(view: View, forms: list[str], narrowed: tantivy.Query | None) -> tantivy.Query | None:
    """The OCR passages holding a near form, within `narrowed` (the filters and the viewer's passages)."""
    if not forms:
        return None
    return both(both(translate(Or([Term("exact", form) for form in forms]), view.schema), recognised(view)), narrowed)


def near_matches(view: View, query: tantivy.Query | None, forms: list[str], depth: int) -> Matches:
    """The best `depth` passages of the near forms (by tantivy's score) at NEAR_WEIGHT of the model's BM25 of the
    forms; past RESCORE_DEPTH of them, below those scored."""
    near = view.found(query, depth)
    if not len(near):
        return NO_MATCHES
    order = tantivy_order(near)
    scored = np.sort(order[:RESCORE_DEPTH])
    evidence = Evidence(view, near.docnums[scored].astype(np.int64))
    scores = np.empty(len(near))
    scores[scored] = NEAR_WEIGHT * sum((evidence.score("exact", form) for form in forms), np.zeros(len(scored)))
    # below them, in tantivy's order, each a little less (ties would be ordered by place, not as tantivy reads them)
    scores[order[RESCORE_DEPTH:]] = scores[scored].min() / 2 * BELOW_STEP ** np.arange(len(near) - len(scored))
    return Matches(near.docnums, scores, near.terms)
