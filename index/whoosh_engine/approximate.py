"""OCR-tolerant search on the whoosh engine (index/approximate.py says what near forms are): whoosh's edit automaton
finds the words within the distance."""
from __future__ import annotations

from itertools import chain

import numpy as np
from whoosh.query import Or, Term
from whoosh.searching import Searcher

from index.approximate import (
    KEPT_LETTERS, NEAR_WEIGHT, NearForms, commonest, distance, looked_for, misread_starts, with_near,
)
from index.matches import Matches
from index.schema import OCR
from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import Generation
from index.whoosh_engine.visibility import Visibility


def ocr_passages(searcher: Searcher, generation: Generation) -> np.ndarray:
    """A bool per passage: True for those of recognised (OCR) pages."""
    column = generation.column(searcher, "source")
    return np.array([value == OCR for value in column.values], dtype=bool)[column.codes]


def near_forms(searcher: Searcher, text: str, words: tuple[str, ...], view: Visibility) -> list[str]:
    """The near forms of the query's plain typed words that the view's OCR passages hold (none for a query
    with syntax, or an archive without OCR passages)."""
    if OCR not in view.generation.column(searcher, "source").values:
        return []  # most archives hold no scans: no per-passage array built for every query
    typed = looked_for(text, words)
    if not typed:
        return []
    recognised = ocr_passages(searcher, view.generation)
    counts = Visibility(searcher, view.generation, recognised & view.passages if view.restricted else recognised)
    reader = searcher.reader()
    found: list[str] = []
    for word in typed:
        edits = distance(word)
        candidates = chain(reader.terms_within("exact", word, edits, prefix=KEPT_LETTERS),
                           *(reader.terms_within("exact", misread, edits - 1, prefix=KEPT_LETTERS)
                             for misread in misread_starts(word)))
        near = commonest(word, candidates, words, lambda term: counts.doc_frequency("exact", term))
        found.extend(term for term in near if term not in found)
    return found


def with_near_forms(evaluator: Evaluator, matches: Matches, forms: list[str],
                    allowed: np.ndarray | None) -> tuple[Matches, NearForms]:
    """The matches with the near forms' OCR passages added at NEAR_WEIGHT (to those already found, and as
    new, approximate matches), within `allowed` (the filters and the viewer's passages)."""
    if not forms:
        return matches, NearForms()
    near = evaluator.matches(Or([Term("exact", form, boost=NEAR_WEIGHT) for form in forms]))
    keep = ocr_passages(evaluator.searcher, evaluator.generation)[near.docnums]
    if allowed is not None:
        keep &= allowed[near.docnums]
    combined, new = with_near(matches, near.where(keep))
    return combined, NearForms(frozenset(forms), new)
