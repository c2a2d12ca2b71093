"""Queries in, ranked passages with snippets out, on tantivy: the same steps as the whoosh engine's search, on
tantivy's matches and the shared query language, counting, ranking model and snippets."""
from __future__ import annotations

import time
from bisect import bisect_left
from itertools import accumulate
from collections.abc import Callable

import numpy as np
import tantivy
from whoosh.query import NullQuery, Phrase, Prefix, Query

from index import corrections
from index.approximate import NearForms, with_near
from index.backends import marked_spans, marked_terms, stored_hit
from index.counting import charged_documents, copies, listed_texts, more_in_documents, pages, top
from index.matches import Matches, locate, undated
from index.query import (
    MAX_PREFIX_SCAN, MAX_PREFIX_TERMS, SUGGEST_BELOW, CappedPrefixes, ParsedQuery,
    check_size, combined_filters, parse_query,
)
from index.ranking import PROXIMITY_DEPTH, proximity_phrase, without_common_words
from index.seam import SORTS, Filters, QueryError, SearchResults
from index.snippets import Fragments, fragments
from index.tantivy_engine.aggregates import tally
from index.tantivy_engine.columns import passages_by
from index.tantivy_engine.approximate import near_forms, near_matches, near_query
from index.tantivy_engine.ranking import RESCORE_DEPTH, language_preference, proximity_scores, rescored
from index.tantivy_engine.view import Counts, View, both, either, existing_terms, parsing_schema, translate, visible
from index.variants import VARIANT_FIELDS, SkeletonIndex, typed_variants, with_variants

# Passages read for a page of hits: twice those wanted and so many more (copies of a text, and a document's passages
# past its share, are passed over); four times as many while they fall short.
READ_MARGIN = 16


def search(view: View, text: str, limit: int = 10, offset: int = 0, filters: Filters | None = None,
           sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset(),
           skeletons: SkeletonIndex | None = None) -> SearchResults:
    """Rank (or date-order) passages for a query, count them by facet; snippets only for the hits returned
    (index/whoosh_engine/search.py says what each step means). Tantivy counts the matches; only the best it finds,
    and the copies of a text, are read as passages."""
    started = time.perf_counter()
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}", "bad_sort", sorts=", ".join(SORTS))
    parsed = parse_query(text, parsing_schema())
    if parsed.query is NullQuery:
        return SearchResults(text, 0, ())
    counts = Counts(view, visible(view, hidden))
    _check_cost(parsed, counts)
    prefixes = CappedPrefixes(counts.commonest_starting)
    query = _expanded(parsed, counts, skeletons, prefixes)
    narrowed = narrowing(view, combined_filters(parsed.filter, filters), counts.within)
    by_relevance = sort == "relevance"
    searched = without_common_words(query, counts) if by_relevance else query
    found = both(translate(searched, view.schema), narrowed)
    forms = near_forms(view, counts, text, parsed.words) if by_relevance else []
    near = near_query(view, forms, narrowed)
    total, facets, copied = tally(view, either(found, near))
    arrays = view.arrays
    approximate = NearForms()
    listing = copied  # the copies, scored as the listing orders them (for a listing of so many a document)
    if by_relevance:
        ranked, approximate, scored = _ranked(view, counts, found, searched, parsed.words, (forms, near),
                                              offset + limit, per_document, parsed.language)
        listing = _as_listed(copied, scored)
    else:
        ranked = _dated(view, found, offset + limit, sort, per_document)
    terms = _highlight_terms(query, counts)
    shown = ranked[offset:offset + limit]
    elsewhere = copies(view, arrays, copied.docnums, [number for number, _ in shown])
    charged = charged_documents(view, arrays, listing, sort, facets["document_id"]) if per_document else {}
    more = more_in_documents(view, arrays, ranked[:offset + limit], offset, per_document, charged)
    stored = view.stored([number for number, _ in shown])
    hits = tuple(stored_hit(fields, score, terms, elsewhere[number], more.get(number, 0), approximate, number)
                 for fields, (number, score) in zip(stored, shown))
    listed = listed_texts(charged, per_document) if per_document else total
    suggestion = suggest(view, text, counts, skeletons, approximate.words) if total < SUGGEST_BELOW else None
    took = round((time.perf_counter() - started) * 1000, 1)
    return SearchResults(text, total, hits, facets, took, suggestion, False, listed, prefixes.narrowed)


def _ranked(view: View, counts: Counts, found: tantivy.Query | None, searched: Query, typed_words: tuple[str, ...],
            near_forms_found: tuple[list[str], tantivy.Query | None], wanted: int, per_document: int,
            language: str | None) -> tuple[list[tuple[int, float]], NearForms, Matches]:
    """(passage, score) of the best `wanted` (PROXIMITY_DEPTH at least, for the proximity bonus), one a text, and the
    near forms' passages: tantivy's best RESCORE_DEPTH (more when so many are copies, or of one document) rescored
    by the ranking model, with the near forms' best; and those read, as scored."""
    forms, near = near_forms_found
    phrase = proximity_phrase(searched)
    wanted = max(wanted, PROXIMITY_DEPTH) if phrase is not None else wanted
    preference = language_preference(view, language)
    depth = max(RESCORE_DEPTH, 2 * wanted + READ_MARGIN)
    while True:
        candidates = view.found(found, depth)
        approximate = near_matches(view, near, forms, depth)
        held = view.among(found, approximate.docnums)  # the near forms' passages the query finds too
        matches = rescored(view, counts, _joined(candidates, held), searched, typed_words, preference)
        matches, new = with_near(matches, approximate)
        ranked = top(view, view.arrays, matches, wanted, "relevance", per_document)
        if len(ranked) == wanted or (len(candidates) < depth and len(approximate) < depth):
            break
        depth *= 4
    if phrase is not None:
        ranked = _with_proximity(view, phrase, ranked, preference)
    return ranked, NearForms(frozenset(forms), new) if forms else NearForms(), matches


def _dated(view: View, found: tantivy.Query | None, wanted: int, sort: str,
           per_document: int) -> list[tuple[int, float]]:
    """(passage, score) of the first `wanted` by date (undated last), one a text: the matches of the first years
    only are read, as many years as hold twice the passages wanted (more when so many are copies, or of one
    document)."""
    by_year = passages_by(view.arrays, found, ["year"])["year"] if found is not None else {}
    years = sorted((year for year in by_year if not undated(year)), reverse=sort == "newest")
    years += [year for year in by_year if undated(year)]
    passages = list(accumulate(by_year[year] for year in years))  # in the first years, each year added
    enough = 2 * wanted + READ_MARGIN
    while True:
        first = years[:bisect_left(passages, enough) + 1]
        within = tantivy.Query.term_set_query(view.schema, "year", first) if first else None
        ranked = top(view, view.arrays, view.found(both(found, within)), wanted, sort, per_document)
        if len(ranked) == wanted or len(first) == len(years):
            return ranked
        enough *= 4


def _as_listed(copied: Matches, scored: Matches) -> Matches:
    """The copies with the scores the listing orders them by: the model's where they were read and scored, else
    below every one of those, in tantivy's order."""
    held, at = locate(scored.docnums, copied.docnums)
    floor = scored.scores.min(initial=0.0) - 1
    below = floor - (copied.scores.max(initial=0.0) - copied.scores)
    model = scored.scores[at] if len(scored) else below
    return Matches(copied.docnums, np.where(held, model, below), copied.terms)


def _joined(first: Matches, second: Matches) -> Matches:
    """The passages of either (ascending numbers, each once)."""
    docnums, where = np.unique(np.concatenate([first.docnums, second.docnums]), return_index=True)
    return Matches(docnums, np.concatenate([first.scores, second.scores])[where],
                   np.concatenate([first.terms, second.terms])[where])


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


def narrowing(view: View, filters: Query | None, seen: tantivy.Query | None) -> tantivy.Query | None:
    """The passages the filters (`collection:`, `year:`, `lang:`, a document) and the viewer let through; None: all."""
    if filters is None:
        return seen
    chosen = translate(filters, view.schema) or tantivy.Query.empty_query()
    return chosen if seen is None else both(chosen, seen)


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


def _highlight_terms(query: Query, counts: Counts) -> dict:
    """The terms a snippet marks (index.backends.marked_terms) of those of the query the index holds."""
    return marked_terms(query, existing_terms(query, counts))


def matching_pages(view: View, text: str, document_id: str, hidden: frozenset[str] = frozenset(),
                   skeletons: SkeletonIndex | None = None) -> dict[int, int]:
    """The pages of one document with passages the query matches, and how many on each."""
    parsed = parse_query(text, parsing_schema())
    if parsed.query is NullQuery:
        return {}
    counts = Counts(view, visible(view, hidden))
    _check_cost(parsed, counts)
    narrowed = narrowing(view, combined_filters(parsed.filter, Filters(document_id=document_id)), counts.within)
    found = both(translate(_expanded(parsed, counts, skeletons), view.schema), narrowed)
    near = near_query(view, near_forms(view, counts, text, parsed.words), narrowed)
    return dict(sorted(pages(view, view.arrays, view.found(either(found, near)).docnums).items()))


def highlight(view: View, text: str, query_text: str, hidden: frozenset[str] = frozenset(),
              skeletons: SkeletonIndex | None = None, recognised: bool = False) -> Fragments:
    """A whole text (a page) with the words a query matches marked, as the viewer's search chooses them; on a
    `recognised` (OCR) page, the typed words' near forms too."""
    counts = Counts(view, visible(view, hidden))
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
    """Did you mean (index.corrections), as the whoosh engine's `suggest`: words of the viewer's passages only."""
    tokens = ((token.text, token.startchar, token.endchar)
              for token in parsing_schema()["exact"].analyzer(text, mode="query", chars=True))
    return corrections.suggest(
        text, tokens, lambda word: _found(word, counts, skeletons),
        lambda field, beginning: (word for word, _ in view.starting(field, beginning)), counts.doc_frequency, misread)


def _found(word: str, counts: Counts, skeletons: SkeletonIndex | None) -> bool:
    try:
        parsed = parse_query(word, parsing_schema())
    except QueryError:
        return False
    return bool(existing_terms(_expanded(parsed, counts, skeletons), counts))
