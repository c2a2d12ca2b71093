"""OCR-tolerant search: a typed word also finds its near forms where Tesseract may have misread it.

Recognised text holds words misread by a letter or two (мұрағатгағы for мұрағаттағы). For each plain
typed word of MIN_LETTERS or more, the exact-form words within one edit (two from FAR_LETTERS letters),
first KEPT_LETTERS letters kept or misread as their look-alikes (MISREAD_AS), that OCR passages hold — the NEAR_FORMS commonest there — are searched too, at
NEAR_WEIGHT of an exact match's score, and their matches are kept only in OCR passages: a text layer
says what it says. A passage found only so is marked approximate. Relevance order only; queries
with phrases, prefixes, exact forms, fields or operators are searched as typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, islice

import numpy as np
from whoosh.query import Or, Term
from whoosh.searching import Searcher

from index.matches import Matches
from index.query import split_filters
from index.schema import OCR
from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import Generation, locate
from index.whoosh_engine.visibility import Visibility

MIN_LETTERS = 5
FAR_LETTERS = 8  # from so many letters, two edits away
NEAR_FORMS = 5  # near forms searched a typed word
MAX_WORDS = 8  # typed words looked at; the rest of a long query is searched as typed
# Letters a near form shares with the typed word at its start: whoosh's edit automaton walks the whole
# dictionary under them; with two, 5 times faster than with one (about 20 ms a word against 100, 60k word
# forms of the 210k bench archive) and the same near forms found (62 of 63 over 8 words).
KEPT_LETTERS = 2
MAX_CANDIDATES = 50  # words within the distance looked at per typed word (the dictionary's first)
# Kazakh letters Tesseract reads as their Russian look-alikes (ұ as у, қ as к, ө as о): a near form may differ
# in its first KEPT_LETTERS by these, at one edit less elsewhere (ұйымдар: уйымдар). Each costs one more walk
# of the dictionary, so only these, one way.
MISREAD_AS = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х"}
NEAR_WEIGHT = 0.3  # a near form's score, beside an exact match's
# Syntax that says the words are meant as typed: a phrase, a prefix, an =exact form, a field, an operator.
_SYNTAX = re.compile(r'["*=:]|(?<!\S)-|\b(?:AND|OR|NOT)\b')


@dataclass(frozen=True)
class NearForms:
    """The near forms searched, and the passages found through them alone (approximate matches)."""

    words: frozenset[str] = frozenset()
    approximate: frozenset[int] = frozenset()


def ocr_passages(searcher: Searcher, generation: Generation) -> np.ndarray:
    """A bool per passage: True for those of recognised (OCR) pages."""
    column = generation.column(searcher, "source")
    return np.array([value == OCR for value in column.values], dtype=bool)[column.codes]


def near_forms(searcher: Searcher, text: str, words: tuple[str, ...], view: Visibility) -> list[str]:
    """The near forms of the query's plain typed words that the view's OCR passages hold (none for a query
    with syntax, or an archive without OCR passages)."""
    if OCR not in view.generation.column(searcher, "source").values or _SYNTAX.search(split_filters(text)[0]):
        return []  # most archives hold no scans: no per-passage array built for every query
    recognised = ocr_passages(searcher, view.generation)
    counts = Visibility(searcher, view.generation, recognised & view.passages if view.restricted else recognised)
    reader = searcher.reader()
    found: list[str] = []
    typed = [word for word in dict.fromkeys(words) if len(word) >= MIN_LETTERS and word.isalpha()]
    for word in typed[:MAX_WORDS]:
        distance = 2 if len(word) >= FAR_LETTERS else 1
        within = chain(reader.terms_within("exact", word, distance, prefix=KEPT_LETTERS),
                       *(reader.terms_within("exact", misread, distance - 1, prefix=KEPT_LETTERS)
                         for misread in misread_starts(word)))
        candidates = islice(dict.fromkeys(term for term in within if term != word and term not in words),
                            MAX_CANDIDATES)
        held = [(counts.doc_frequency("exact", term), term) for term in candidates]
        held = sorted((pair for pair in held if pair[0]), key=lambda pair: (-pair[0], pair[1]))
        found.extend(term for _, term in held[:NEAR_FORMS] if term not in found)
    return found


def misread_starts(word: str) -> list[str]:
    """The word with its first KEPT_LETTERS letters read as their look-alikes (MISREAD_AS), each way but as typed."""
    starts = [""]
    for letter in word[:KEPT_LETTERS]:
        starts = [start + option for start in starts for option in letter + MISREAD_AS.get(letter, "")]
    return [start + word[KEPT_LETTERS:] for start in starts[1:]]


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
    near = near.where(keep)
    if not len(near):
        return matches, NearForms(frozenset(forms))
    found, at = locate(matches.docnums, near.docnums)  # of each near match: already found, and where
    scores = matches.scores.copy()
    scores[at[found]] += near.scores[found]
    new = near.where(~found)
    docnums = np.concatenate([matches.docnums, new.docnums])
    order = np.argsort(docnums, kind="stable")
    combined = Matches(docnums[order].astype(np.int32), np.concatenate([scores, new.scores])[order],
                       np.concatenate([matches.terms, new.terms])[order])
    return combined, NearForms(frozenset(forms), frozenset(int(docnum) for docnum in new.docnums))
