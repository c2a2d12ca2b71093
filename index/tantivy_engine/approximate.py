"""OCR-tolerant search on the tantivy engine (index/approximate.py says what near forms are): the words beginning
with a typed word's first KEPT_LETTERS letters, read from tantivy's dictionary, within the distance by rapidfuzz;
the near forms' passages scored by the ranking model's BM25 of their exact forms."""
from __future__ import annotations

import numpy as np
from whoosh.query import Or, Term

from index.approximate import (
    KEPT_LETTERS, NEAR_WEIGHT, NearForms, commonest, distance, looked_for, misread_starts, with_near, within,
)
from index.matches import Matches
from index.ranking import best
from index.schema import OCR
from index.tantivy_engine.ranking import RESCORE_DEPTH, Evidence
from index.tantivy_engine.view import Counts, View


def ocr_passages(view: View) -> np.ndarray | None:
    """A bool per passage: True for those of recognised (OCR) pages; None when there are none."""
    column = view.arrays.column(view, "source")
    if OCR not in column.values:
        return None
    return np.array([value == OCR for value in column.values], dtype=bool)[column.codes]


def near_forms(view: View, counts: Counts, text: str, words: tuple[str, ...]) -> list[str]:
    """The near forms of the query's plain typed words that the viewer's OCR passages hold (none for a query
    with syntax, or an archive without OCR passages)."""
    typed = looked_for(text, words)
    recognised = ocr_passages(view) if typed else None
    if recognised is None:
        return []
    held = Counts(view, recognised & counts.passages if counts.restricted else recognised)
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


def with_near_forms(view: View, matches: Matches, forms: list[str], allowed: np.ndarray | None) -> tuple[Matches,
                                                                                                        NearForms]:
    """The matches with the near forms' OCR passages added at NEAR_WEIGHT of the model's BM25 of the forms (to
    those already found, and as new, approximate matches), within `allowed` (the filters and the viewer's
    passages); past RESCORE_DEPTH of them (by tantivy's own score), below those scored."""
    if not forms:
        return matches, NearForms()
    near = view.matches(Or([Term("exact", form) for form in forms]))
    keep = ocr_passages(view)[near.docnums]
    if allowed is not None:
        keep &= allowed[near.docnums]
    near = near.where(keep)
    scored = np.sort(best(near.scores, RESCORE_DEPTH))  # the model's BM25 for the best; the rest just below them
    evidence = Evidence(view, near.docnums[scored].astype(np.int64))
    scores = np.zeros(len(near))
    scores[scored] = NEAR_WEIGHT * sum((evidence.score("exact", form) for form in forms), np.zeros(len(scored)))
    if len(scored) < len(near):
        rest = np.ones(len(near), dtype=bool)
        rest[scored] = False
        scores[rest] = scores[scored].min() / 2
    combined, new = with_near(matches, Matches(near.docnums, scores, near.terms))
    return combined, NearForms(frozenset(forms), new)
