"""Ranking beyond BM25F: all query words first, words close together higher.

A plain multi-word query is an OR, so that a passage with most of the words still comes
back; among the top results, passages are ordered first by how many of the query's words
they contain, then by score (which includes a bonus for the words standing close).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from whoosh.query import Or, Phrase, Query, Term
from whoosh.reading import IndexReader

from index.engine import Evaluator

# How many top results are re-ordered by word coverage.
RERANK_DEPTH = 40
# Words within this many positions of each other (in any order) earn the proximity bonus.
PROXIMITY_SLOP = 8
PROXIMITY_BOOST = 1.5
# A typed word found in more than this share of the passages is not searched for on its own
# when rarer words are typed too (it still counts for coverage and the proximity bonus).
# Both bounds: on a small archive every word is cheap to search, and a few hundred passages
# about one subject make its words "common".
COMMON_WORD_SHARE = 0.02
COMMON_WORD_PASSAGES = 5_000

TermKey = tuple[str, str]


def word_groups(query: Query, reader: IndexReader | None = None) -> list[frozenset[TermKey]]:
    """The terms standing for each query word: a top-level OR of words gives one group each.

    With a reader, a prefix word stands for the indexed words it expands to.
    """
    parts = query.subqueries if isinstance(query, Or) else [query]
    groups = [frozenset(_terms(part, reader)) for part in parts]
    return [group for group in groups if group]


def _terms(query: Query, reader: IndexReader | None) -> set[TermKey]:
    pairs = (query.existing_terms(reader, phrases=True, expand=True) if reader is not None
             else query.iter_all_terms(phrases=True))
    return {(field, text.decode("utf-8") if isinstance(text, bytes) else text) for field, text in pairs}


def without_common_words(query: Query, reader: IndexReader) -> Query:
    """The top-level OR without the words in over COMMON_WORD_SHARE (and COMMON_WORD_PASSAGES) of the passages,
    when a rarer word is left to search for.

    A question's "неше", "қай", "жыл" match a large part of the archive; OR-ed in, every
    one of those passages is a candidate, and they add little to which passages rank first.
    """
    if not isinstance(query, Or):
        return query
    limit = max(COMMON_WORD_SHARE * reader.doc_count(), COMMON_WORD_PASSAGES)

    def common(part: Query) -> bool:
        word = _typed_term(part)
        return word is not None and word.fieldname in ("text", "title") and \
            reader.doc_frequency("text", word.text) > limit

    kept = [part for part in query.subqueries if not common(part)]
    rarer_words = {word.text for word in map(_typed_term, kept) if word is not None and word.fieldname == "text"}
    if len(kept) == len(query.subqueries) or not rarer_words:
        return query
    return Or(kept, boost=query.boost, minmatch=query.minmatch, scale=query.scale)


def _typed_term(part: Query) -> Term | None:
    """The term a typed word stands for: the term itself, or the first of it and its variants (an OR)."""
    if isinstance(part, Or) and part.subqueries and all(isinstance(sub, Term) for sub in part.subqueries):
        return part.subqueries[0]
    return part if isinstance(part, Term) else None


def proximity_phrase(query: Query, field: str = "text") -> Phrase | None:
    """The sloppy phrase of the plain words whose score is the bonus for standing close; None under two words."""
    words = _plain_words(query, field)
    return Phrase(field, words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST) if len(words) >= 2 else None


def matched_terms(evaluator: Evaluator, groups: Sequence[frozenset[TermKey]],
                  docnums: Iterable[int]) -> dict[int, set[TermKey]]:
    """For each of `docnums`, the terms of the word groups it holds (what `coverage` counts)."""
    docnums = list(docnums)
    matched: dict[int, set[TermKey]] = {docnum: set() for docnum in docnums}
    for group in groups:
        for field, text in group:
            for docnum in evaluator.holding(field, text, docnums):
                matched[docnum] |= group
    return matched


def _plain_words(query: Query, field: str) -> list[str]:
    """The single-term words of a top-level OR, in order (phrases and prefixes left out)."""
    parts = query.subqueries if isinstance(query, Or) else [query]
    words = []
    for part in parts:
        texts = [term.text for term in _leaf_terms(part) if term.fieldname == field]
        if len(texts) >= 1 and texts[0] not in words:
            words.append(texts[0])
    return words


def _leaf_terms(query: Query) -> list[Term]:
    if isinstance(query, Term):
        return [query]
    if isinstance(query, Or):
        return [term for sub in query.subqueries for term in _leaf_terms(sub)]
    return []


def coverage(matched: set[TermKey], groups: Sequence[frozenset[TermKey]]) -> int:
    """How many of the query's words a passage contains."""
    return sum(1 for group in groups if group & matched)


def rerank(hits: Sequence[tuple[int, float, set[TermKey]]], groups: Sequence[frozenset[TermKey]]) -> list[int]:
    """Order `(key, score, matched terms)` by coverage, then score; returns the keys."""
    ordered = sorted(hits, key=lambda hit: (-coverage(hit[2], groups), -hit[1]))
    return [key for key, _, _ in ordered]
