"""OCR-tolerant search, shared by the engines: a typed word also finds its near forms where Tesseract may have
misread it.

Recognised text holds words misread by a letter or two (мұрағатгағы for мұрағаттағы). For each plain
typed word of MIN_LETTERS or more, the exact-form words within one edit (two from FAR_LETTERS letters),
first KEPT_LETTERS letters kept or misread as their look-alikes (MISREAD_AS), that OCR passages hold — the
NEAR_FORMS commonest there — are searched too, at NEAR_WEIGHT of an exact match's score, and their matches
are kept only in OCR passages: a text layer says what it says. A passage found only so is marked
approximate. Relevance order only; queries with phrases, prefixes, exact forms, fields or operators are
searched as typed. Each engine finds the words within the distance in its own dictionary
(index/whoosh_engine/approximate.py, index/tantivy_engine/approximate.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np
from rapidfuzz.distance import Levenshtein

from index.matches import Matches, locate
from index.query import split_filters

MIN_LETTERS = 5
FAR_LETTERS = 8  # from so many letters, two edits away
NEAR_FORMS = 5  # near forms searched a typed word
MAX_WORDS = 8  # typed words looked at; the rest of a long query is searched as typed
# Letters a near form shares with the typed word at its start: whoosh's edit automaton walks the whole
# dictionary under them; with two, 5 times faster than with one (about 20 ms a word against 100, 60k word
# forms of the 210k bench archive) and the same near forms found (62 of 63 over 8 words).
KEPT_LETTERS = 2
MAX_CANDIDATES = 50  # words within the distance that OCR passages hold, kept per typed word
MAX_LOOKED = 500  # words within the distance looked up per typed word, at most
# Kazakh letters Tesseract reads as their look-alikes (ұ as у or ү, қ as к, ө as о): a near form may differ
# in its first KEPT_LETTERS by these, at one edit less elsewhere (ұйымдар: уйымдар). Each costs one more walk
# of the dictionary, so only these, one way.
MISREAD_AS = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "уү", "ү": "у", "һ": "х"}
NEAR_WEIGHT = 0.3  # a near form's score, beside an exact match's
# Syntax that says the words are meant as typed: a phrase, a prefix, an =exact form, a field, an operator.
_SYNTAX = re.compile(r'["*=:]|(?<!\S)-|\b(?:AND|OR|NOT)\b')


@dataclass(frozen=True)
class NearForms:
    """The near forms searched, and the passages found through them alone (approximate matches)."""

    words: frozenset[str] = frozenset()
    approximate: frozenset[int] = frozenset()


def looked_for(text: str, words: Sequence[str]) -> list[str]:
    """The typed words whose near forms are looked for: none for a query with syntax; else the first MAX_WORDS
    words of MIN_LETTERS letters or more."""
    if _SYNTAX.search(split_filters(text)[0]):
        return []
    return [word for word in dict.fromkeys(words) if len(word) >= MIN_LETTERS and word.isalpha()][:MAX_WORDS]


def distance(word: str) -> int:
    """The edits a near form of the word may be away from it."""
    return 2 if len(word) >= FAR_LETTERS else 1


def misread_starts(word: str) -> list[str]:
    """The word with its first KEPT_LETTERS letters read as their look-alikes (MISREAD_AS), each way but as typed."""
    starts = [""]
    for letter in word[:KEPT_LETTERS]:
        starts = [start + option for start in starts for option in letter + MISREAD_AS.get(letter, "")]
    return [start + word[KEPT_LETTERS:] for start in starts[1:]]


def within(word: str, words: Iterable[str], edits: int) -> list[str]:
    """Those of `words` at most `edits` insertions, deletions or substitutions from `word`, in their order."""
    return [other for other in words
            if abs(len(other) - len(word)) <= edits and Levenshtein.distance(word, other, score_cutoff=edits) <= edits]


def commonest(word: str, candidates: Iterable[str], typed: Sequence[str], frequency: Callable[[str], int]) -> list[str]:
    """The NEAR_FORMS of a word's candidates (none typed) in the most OCR passages the viewer sees (`frequency`), the
    commonest first: of the candidates in alphabetical order (each engine's dictionary order aside), the first
    MAX_CANDIDATES such passages hold, at most MAX_LOOKED looked up. Words no such passage holds are passed over
    before any is kept: neither hidden documents nor text layers crowd out a scan's near form."""
    held = []
    for term in islice(sorted(set(candidates) - {word, *typed}), MAX_LOOKED):
        count = frequency(term)
        if count:
            held.append((count, term))
            if len(held) == MAX_CANDIDATES:
                break
    held.sort(key=lambda pair: (-pair[0], pair[1]))
    return [term for _, term in held[:NEAR_FORMS]]


def with_near(matches: Matches, near: Matches) -> tuple[Matches, frozenset[int]]:
    """The matches with the near forms' (`near`: OCR passages, scored at NEAR_WEIGHT) added: to the score of a
    passage already found, and as new matches; with the new ones (found through near forms alone)."""
    found, at = locate(matches.docnums, near.docnums)  # of each near match: already found, and where
    scores = matches.scores.copy()
    scores[at[found]] += near.scores[found]
    new = near.where(~found)
    docnums = np.concatenate([matches.docnums, new.docnums])
    order = np.argsort(docnums, kind="stable")
    combined = Matches(docnums[order].astype(np.int32), np.concatenate([scores, new.scores])[order],
                       np.concatenate([matches.terms, new.terms])[order])
    return combined, frozenset(int(docnum) for docnum in new.docnums)
