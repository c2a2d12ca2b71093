"""Ranking beyond BM25F: all query words first, words close together higher.

A plain multi-word query is an OR, so that a passage with most of the words still comes
back; among the top results, passages are ordered first by how many of the query's words
they contain, then by score (which includes a bonus for the words standing close).
"""
from __future__ import annotations

from collections.abc import Sequence

from whoosh.query import AndMaybe, Or, Phrase, Query, Term
from whoosh.reading import IndexReader

# How many top results are re-ordered by word coverage.
RERANK_DEPTH = 100
# Words within this many positions of each other (in any order) earn the proximity bonus.
PROXIMITY_SLOP = 8
PROXIMITY_BOOST = 1.5

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


def with_proximity(query: Query, field: str = "text") -> Query:
    """Add an optional sloppy-phrase clause over the plain words, rewarding them close together."""
    words = _plain_words(query, field)
    if len(words) < 2:
        return query
    return AndMaybe(query, Phrase(field, words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST))


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
