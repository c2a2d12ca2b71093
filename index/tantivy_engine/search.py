"""Queries in, ranked passages with snippets out, on tantivy: the same steps as the whoosh engine's search, on
tantivy's matches and the shared query language, counting, ranking model and snippets."""
from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from whoosh.query import And, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Term

from index.approximate import NearForms, within
from index.backends import marked_spans, stored_hit
from index.counting import copies, count, more_in_documents, pages, top
from index.query import (
    MAX_CORRECTED_LETTERS, MAX_PREFIX_SCAN, MAX_PREFIX_TERMS, SUGGEST_BELOW, CappedPrefixes, ParsedQuery,
    check_size, combined_filters, parse_query,
)
from index.ranking import PROXIMITY_DEPTH, proximity_phrase, without_common_words
from index.schema import NO_YEAR
from index.seam import FILTER_PATTERN, SORTS, Filters, QueryError, SearchResults
from index.snippets import Fragments, fragments
from index.tantivy_engine.approximate import near_forms, with_near_forms
from index.tantivy_engine.ranking import language_preference, proximity_scores, rescored
from index.tantivy_engine.view import Counts, View, existing_terms, parsing_schema
from index.variants import VARIANT_FIELDS, SkeletonIndex, typed_variants, with_variants


def search(view: View, text: str, limit: int = 10, offset: int = 0, filters: Filters | None = None,
           sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset(),
           skeletons: SkeletonIndex | None = None) -> SearchResults:
    """Rank (or date-order) passages for a query, count them by facet; snippets only for the hits returned
    (index/whoosh_engine/search.py says what each step means; tantivy finds the matches here)."""
    started = time.perf_counter()
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}", "bad_sort", sorts=", ".join(SORTS))
    parsed = parse_query(text, parsing_schema())
    if parsed.query is NullQuery:
        return SearchResults(text, 0, ())
    counts = Counts(view, visible_passages(view, hidden))
    _check_cost(parsed, counts)
    prefixes = CappedPrefixes(counts.commonest_starting)
    query = _expanded(parsed, counts, skeletons, prefixes)
    by_relevance = sort == "relevance"
    allowed = _both(allowed_passages(view, combined_filters(parsed.filter, filters)), counts.passages)
    searched = without_common_words(query, counts) if by_relevance else query
    matches = view.matches(searched)
    if allowed is not None:
        matches = matches.where(allowed[matches.docnums])
    preference = language_preference(view, parsed.language) if by_relevance else None
    approximate = NearForms()
    if by_relevance:
        matches = rescored(view, counts, matches, searched, parsed.words, preference)
        matches, approximate = with_near_forms(view, matches, near_forms(view, counts, text, parsed.words), allowed)
    near = proximity_phrase(searched) if by_relevance else None
    depth = max(offset + limit, PROXIMITY_DEPTH) if near is not None else offset + limit
    arrays = view.arrays
    found = top(view, arrays, matches, depth, sort, per_document)
    ranked = _with_proximity(view, near, found, preference) if near is not None else found
    terms = _highlight_terms(query, counts)
    shown = ranked[offset:offset + limit]
    elsewhere = copies(view, arrays, matches.docnums, [number for number, _ in shown])
    total, facets = count(view, arrays, matches.docnums)
    more = more_in_documents(view, arrays, ranked[:offset + limit], offset, per_document, facets["document_id"])
    stored = view.stored([number for number, _ in shown])
    hits = tuple(stored_hit(fields, score, terms, elsewhere[number], more.get(number, 0), approximate, number)
                 for fields, (number, score) in zip(stored, shown))
    listed = sum(min(per_document, texts) for texts in facets["document_id"].values()) if per_document else total
    suggestion = suggest(view, text, counts, skeletons, approximate.words) if total < SUGGEST_BELOW else None
    took = round((time.perf_counter() - started) * 1000, 1)
    return SearchResults(text, total, hits, facets, took, suggestion, False, listed, prefixes.narrowed)


def _with_proximity(view: View, near: Phrase, ordered: list[tuple[int, float]],
                    preference: Callable[[np.ndarray], np.ndarray] | None) -> list[tuple[int, float]]:
    """(passage, score): the top PROXIMITY_DEPTH with the bonus for words standing close added, re-ordered."""
    best, rest = ordered[:PROXIMITY_DEPTH], ordered[PROXIMITY_DEPTH:]
    bonus = proximity_scores(view, near, [number for number, _ in best])
    weights = preference(np.array([number for number, _ in best], dtype=np.int64)) if preference and best else None
    scored = [(number, score + bonus.get(number, 0.0) * (weights[index] if weights is not None else 1.0))
              for index, (number, score) in enumerate(best)]
    places = view.arrays.places()
    return sorted(scored, key=lambda hit: (-hit[1], places[hit[0]])) + rest


def visible_passages(view: View, hidden: frozenset[str]) -> np.ndarray | None:
    """A bool per passage: False for those of the `hidden` documents; None when none is hidden, and no passage is
    deleted (then every count is taken over the passages, not from tantivy's statistics, which count deleted ones)."""
    if not hidden and not view.holds_deletions:
        return None
    documents = view.arrays.column(view, "document_id")
    shown = np.fromiter((value not in hidden for value in documents.values), dtype=bool, count=len(documents.values))
    return shown[documents.codes]


def allowed_passages(view: View, query: Query | None) -> np.ndarray | None:
    """A bool per passage: True where the filters (`collection:`, `year:`, `lang:`, a document) let it through,
    read from the columns; None when nothing is narrowed."""
    if query is None:
        return None
    if isinstance(query, And):
        allowed = np.ones(view.arrays.size, dtype=bool)
        for part in query.subqueries:
            narrowed = allowed_passages(view, part)
            if narrowed is not None:
                allowed &= narrowed
        return allowed
    if isinstance(query, NumericRange) and query.fieldname == "year":
        years = view.arrays.years()
        low = -np.inf if query.start is None else query.start
        high = np.inf if query.end is None else query.end
        return (years >= low) & (years <= high) & (years != NO_YEAR)
    if isinstance(query, Term) and query.fieldname in ("collection", "document_id", "language"):
        column = view.arrays.column(view, query.fieldname)
        if query.text not in column.values:
            return np.zeros(view.arrays.size, dtype=bool)
        return column.codes == column.values.index(query.text)
    allowed = np.zeros(view.arrays.size, dtype=bool)
    allowed[view.matches(query).docnums] = True
    return allowed


def _both(allowed: np.ndarray | None, visible: np.ndarray | None) -> np.ndarray | None:
    if allowed is None or visible is None:
        return visible if allowed is None else allowed
    return allowed & visible


def _check_cost(parsed: ParsedQuery, counts: Counts) -> None:
    """Refuse queries whose cost has no useful bound (the whoosh engine's limits, from index.query)."""
    check_size(parsed)
    for leaf in parsed.query.leaves():
        if isinstance(leaf, Prefix) and _prefix_words(leaf, counts) > MAX_PREFIX_TERMS:
            raise QueryError(f"«{leaf.text}*» stands for more than {MAX_PREFIX_TERMS} different words; "
                             "type more letters before *", "prefix_too_broad", prefix=leaf.text,
                             limit=MAX_PREFIX_TERMS)


def _prefix_words(prefix: Prefix, counts: Counts) -> int:
    """How many words of the viewer's passages the prefix stands for, up to MAX_PREFIX_TERMS + 1."""
    words = [word for word, _ in counts.view.starting(prefix.fieldname, prefix.text)]
    if not counts.restricted:
        return len(words)
    held = 0
    for looked, word in enumerate(words):
        if looked == MAX_PREFIX_SCAN:
            return MAX_PREFIX_TERMS + 1
        held += counts.holds(prefix.fieldname, word)
        if held > MAX_PREFIX_TERMS:
            break
    return held


def _expanded(parsed: ParsedQuery, counts: Counts, skeletons: SkeletonIndex | None,
              prefixes: CappedPrefixes | None = None) -> Query:
    """The parsed query with prefixes cut to their commonest words (by `prefixes`, which remembers those narrowed)
    and the words typed without Kazakh letters widened to their Kazakh forms (of the viewer's passages)."""
    query = (prefixes or CappedPrefixes(counts.commonest_starting))(parsed.query)
    if skeletons is None:
        return query
    variants = typed_variants(list(parsed.words), counts.view, skeletons)
    if counts.restricted:
        variants = {typed: held for typed, stems in variants.items()
                    if (held := frozenset(word for word in stems
                                          if any(counts.holds(field, word) for field in VARIANT_FIELDS)))}
    return with_variants(query, variants)


def _highlight_terms(query: Query, counts: Counts) -> dict[str, set[str]]:
    """Analysed terms of the query that the viewer's passages hold, by field (stems, exact forms)."""
    by_field: dict[str, set[str]] = {"text": set(), "exact": set()}
    for fieldname, term in existing_terms(query, counts):
        by_field["exact" if fieldname == "exact" else "text"].add(term)
    return by_field


def matching_pages(view: View, text: str, document_id: str, hidden: frozenset[str] = frozenset(),
                   skeletons: SkeletonIndex | None = None) -> dict[int, int]:
    """The pages of one document with passages the query matches, and how many on each."""
    parsed = parse_query(text, parsing_schema())
    if parsed.query is NullQuery:
        return {}
    counts = Counts(view, visible_passages(view, hidden))
    _check_cost(parsed, counts)
    matches = view.matches(_expanded(parsed, counts, skeletons))
    matches, _ = with_near_forms(view, matches, near_forms(view, counts, text, parsed.words), counts.passages)
    allowed = _both(allowed_passages(view, combined_filters(parsed.filter, Filters(document_id=document_id))),
                    counts.passages)
    matches = matches.where(allowed[matches.docnums])
    return dict(sorted(pages(view, view.arrays, matches.docnums).items()))


def highlight(view: View, text: str, query_text: str, hidden: frozenset[str] = frozenset(),
              skeletons: SkeletonIndex | None = None, recognised: bool = False) -> Fragments:
    """A whole text (a page) with the words a query matches marked, as the viewer's search chooses them; on a
    `recognised` (OCR) page, the typed words' near forms too."""
    counts = Counts(view, visible_passages(view, hidden))
    try:
        parsed = parse_query(query_text, parsing_schema())
        query = _expanded(parsed, counts, skeletons)
    except QueryError:
        return fragments(text, [])
    terms = _highlight_terms(query, counts)
    if recognised:
        terms["exact"] |= set(near_forms(view, counts, query_text, parsed.words))
    return fragments(text, marked_spans(text, terms))


def suggest(view: View, text: str, counts: Counts, skeletons: SkeletonIndex | None = None,
            misread: frozenset[str] = frozenset()) -> str | None:
    """The query as typed with each word that found nothing replaced by the nearest word the viewer's passages
    hold (an а/о swap first, then the commonest word two edits away); as the whoosh engine's `suggest`."""
    analyzer = parsing_schema()["exact"].analyzer
    filters = [match.span() for match in FILTER_PATTERN.finditer(text)]
    pieces, last = [], 0
    for token in analyzer(text, mode="query", chars=True):
        start, end, word = token.startchar, token.endchar, token.text
        if (not 4 <= len(word) <= MAX_CORRECTED_LETTERS or not word.isalpha()
                or text[end:end + 1] in (":", "*")
                or text[start:end] in ("AND", "OR", "NOT") or any(a <= start < b for a, b in filters)
                or _found(word, counts, skeletons)):
            continue
        near = _nearest(word, counts, skeletons)
        if near and near not in misread:
            pieces.append(text[last:start] + near)
            last = end
    return "".join(pieces) + text[last:] if pieces else None


def _found(word: str, counts: Counts, skeletons: SkeletonIndex | None) -> bool:
    try:
        parsed = parse_query(word, parsing_schema())
    except QueryError:
        return False
    return bool(existing_terms(_expanded(parsed, counts, skeletons), counts))


def _nearest(word: str, counts: Counts, skeletons: SkeletonIndex | None) -> str | None:
    swaps = {"а": "о", "о": "а"}
    for index, letter in enumerate(word):
        if letter in swaps:
            swapped = word[:index] + swaps[letter] + word[index + 1:]
            if _found(swapped, counts, skeletons):
                return swapped
    candidates = counts.view.starting("exact", word[:2])
    close = set(within(word, [term for term, _ in candidates], 2)) - {word}
    near = [(frequency, term) for term, frequency in candidates if term in close]
    if counts.restricted:
        near = [(counts.doc_frequency("exact", term), term) for _, term in near]
    held = [pair for pair in near if pair[0] > 0]
    return min(held, key=lambda pair: (-pair[0], pair[1]))[1] if held else None
