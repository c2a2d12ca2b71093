"""Queries in, ranked passages with snippets out."""
from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh.index import Index
from whoosh.query import NullQuery, Phrase, Prefix, Query
from whoosh.reading import EmptyReader
from whoosh.searching import Searcher

from index.backends import marked_spans, marked_terms, stored_hit
from index import corrections
from index.counting import (
    COLLAPSE_COLUMN, FACETS, charged_documents, copies, count, listed_texts, more_in_documents, pages, top,
)
from index.matches import Matches
from index.query import (
    MAX_PREFIX_SCAN, MAX_PREFIX_TERMS, SEARCH_FIELDS, SUGGEST_BELOW, CappedPrefixes,
    ParsedQuery, check_size, combined_filters, parse_query,
)
from index.ranking import PROXIMITY_DEPTH, proximity_phrase, without_common_words
from index.seam import SORTS, TIME_BUDGET_SECONDS, Filters, QueryError, SearchResults
from index.snippets import Fragments, fragments
from index.variants import SKELETONS_FILE, VARIANT_FIELDS, SkeletonIndex, typed_variants, with_variants
from index.whoosh_engine.approximate import NearForms, near_forms, with_near_forms
from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import Generation, IndexArrays
from index.whoosh_engine.ranking import (
    RankingWeighting,
    commonest_starting,
    language_preference,
    with_evidence,
    with_page_diversity,
)
from index.whoosh_engine.visibility import Visibility, existing_terms, visible_passages


class FilterCache:
    """The passages a filter (`year:2001..2010`, a collection) lets through, per index generation.

    A filter repeats across queries, so it is worked out once per commit rather than once per query.
    """

    def __init__(self, size: int = 32) -> None:
        """Keep the passages of the `size` filters used last (0: compute, keep none): a byte per passage each."""
        self._size = size
        self._lock = threading.Lock()
        self._sets: OrderedDict[tuple, np.ndarray] = OrderedDict()

    def allowed(self, searcher: Searcher, generation: Generation, query: Query | None) -> np.ndarray | None:
        """A bool per passage: True where the filter lets it through; None when nothing is narrowed."""
        if query is None:
            return None

        def passages() -> np.ndarray:
            allowed = np.zeros(generation.size, dtype=bool)
            allowed[Evaluator(searcher, generation, deadline=math.inf).matches(query).docnums] = True
            return allowed

        return self._kept((generation.key, repr(query)), passages)

    def visible(self, searcher: Searcher, generation: Generation, hidden: frozenset[str]) -> np.ndarray | None:
        """A bool per passage: False for those of the `hidden` documents (a viewer's) and for deleted ones (until a
        merge drops them, whoosh still counts their words); None when none is hidden or deleted."""
        if not hidden and not searcher.reader().has_deletions():
            return None
        return self._kept((generation.key, "hidden", hidden), lambda: visible_passages(generation, searcher, hidden))

    def _kept(self, key: tuple, compute: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            if key in self._sets:
                self._sets.move_to_end(key)
                return self._sets[key]
        passages = compute()
        with self._lock:
            self._sets[key] = passages
            while len(self._sets) > self._size:
                self._sets.popitem(last=False)
        return passages


@dataclass(frozen=True)
class IndexCaches:
    """What the searches of one index share across threads: typed-word variants, filters, postings arrays."""

    skeletons: SkeletonIndex
    filters: FilterCache = field(default_factory=FilterCache)
    arrays: IndexArrays = field(default_factory=IndexArrays)


class SearcherCache:
    """One whoosh searcher per thread, refreshed when the index has new commits.

    Opening a searcher is costly on a large index; a searcher must not serve two threads.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._local = threading.local()
        self.caches = IndexCaches(SkeletonIndex(ix, Path(ix.storage.folder) / SKELETONS_FILE))

    def get(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        folder = self._folder()
        if (searcher is None or isinstance(searcher.reader(), EmptyReader) or folder != self._local.folder
                or not searcher.up_to_date()):
            # A new searcher, not whoosh's refresh(): refresh reuses the reader of a segment it knows,
            # with the deletions it had then (a removed document stayed found until a restart); nor can
            # it refresh a searcher opened on an empty index, or tell a reindexed index (a new folder
            # swapped in, its generation numbers starting again) from the old one.
            searcher = self._ix.searcher(weighting=RankingWeighting())
        self._local.searcher, self._local.folder = searcher, folder
        return searcher

    def _folder(self) -> int:
        """The index folder's identity: `muragat reindex` swaps a new folder in under the same name."""
        return os.stat(self._ix.storage.folder).st_ino

    def warm(self) -> None:
        """Read what the first searches would otherwise wait for: the variants map, columns, lengths."""
        searcher = self.get()
        self.caches.skeletons.wait(searcher)
        generation = self.caches.arrays.of(searcher)
        generation.live(searcher)
        generation.years(searcher)
        generation.places(searcher)
        for name in (*FACETS, COLLAPSE_COLUMN):
            generation.column(searcher, name)
        for name in SEARCH_FIELDS:
            generation.lengths(searcher, name)


def search(searcher: Searcher, text: str, limit: int = 10, offset: int = 0,
           filters: Filters | None = None, sort: str = "relevance", caches: IndexCaches | None = None,
           time_budget: float = TIME_BUDGET_SECONDS, per_document: int = 0,
           hidden: frozenset[str] = frozenset()) -> SearchResults:
    """Rank (or date-order) passages for a query, count them by facet; snippets only for the hits returned.

    Relevance order: the ranking model of index/ranking.py (index/whoosh_engine/ranking.py) (BM25F over every match, plus the
    page's and the typed word forms' evidence, plus a bonus for words close together among
    the top PROXIMITY_DEPTH); a word in a large share of the archive is not searched for
    beside rarer ones; a plain word also finds, well below its exact matches, its near forms in recognised (OCR)
    passages, whose hits say `approximate` where those alone found them (index/approximate.py). Passages with
    the same text (boilerplate repeated across documents) are
    collapsed to the best one (which names the other documents holding it), and counted once in the
    total; a facet value counts the texts a listing narrowed to it would show. Past `time_budget`
    seconds the results say `partial`: they rank and count the passages found until then. With
    `per_document`, at most so many passages of each document are listed (a common title does not
    fill the page), the last saying how many more it holds. The passages of the `hidden` documents (those the
    viewer may not see) are left out where the filters are applied, and out of every word counted: the results,
    counts, suggestion and words searched are those of an index without them.
    """
    started = time.perf_counter()
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}", "bad_sort", sorts=", ".join(SORTS))
    parsed = parse_query(text, searcher.schema)
    if parsed.query is NullQuery:
        return SearchResults(text, 0, ())
    generation = _generation(searcher, caches)
    view = _view(searcher, caches, hidden)
    _check_cost(parsed, searcher, view)
    prefixes = _capped_prefixes(searcher, view)
    query = _expanded(parsed, searcher, caches, view, prefixes)
    by_relevance = sort == "relevance"
    allowed = _both((caches.filters if caches else FilterCache(size=0)).allowed(
        searcher, generation, combined_filters(parsed.filter, filters)), view.passages)
    searched = without_common_words(query, view) if by_relevance else query
    # The budget is for collecting matches: a first search's one-time work above (the typed-word variants of a
    # fresh index, seconds on a large one) must not leave it with no time and no results.
    evaluator = Evaluator(searcher, generation, time.monotonic() + time_budget, view)
    matches = evaluator.matches(searched)
    if allowed is not None:
        matches = matches.where(allowed[matches.docnums])
    approximate = NearForms()
    if by_relevance:
        forms = near_forms(searcher, text, parsed.words, view)
        matches, approximate = with_near_forms(evaluator, matches, forms, allowed)
    preference = language_preference(evaluator, parsed.language) if by_relevance else None
    if by_relevance:
        matches = with_evidence(evaluator, matches, searched, parsed.words)
        if preference is not None:
            matches = Matches(matches.docnums, matches.scores * preference(matches.docnums), matches.terms)
        matches = with_page_diversity(evaluator, matches)
    near = proximity_phrase(searched) if by_relevance else None
    depth = max(offset + limit, PROXIMITY_DEPTH) if near is not None else offset + limit
    found = top(searcher, generation, matches, depth, sort, per_document)
    ranked = _with_proximity(evaluator, near, found, preference) if near is not None else found
    terms = _highlight_terms(query, searcher)
    shown = ranked[offset:offset + limit]
    elsewhere = copies(searcher, generation, matches.docnums, [docnum for docnum, _ in shown])
    total, facets = count(searcher, generation, matches.docnums)
    charged = charged_documents(searcher, generation, matches, sort, facets["document_id"]) if per_document else {}
    more = more_in_documents(searcher, generation, ranked[:offset + limit], offset, per_document, charged)
    hits = tuple(stored_hit(searcher.stored_fields(docnum), score, terms, elsewhere[docnum], more.get(docnum, 0),
                            approximate, docnum) for docnum, score in shown)
    listed = listed_texts(charged, per_document) if per_document else total
    suggestion = suggest(searcher, text, caches, view, approximate.words) if total < SUGGEST_BELOW else None
    took = round((time.perf_counter() - started) * 1000, 1)
    return SearchResults(text, total, hits, facets, took, suggestion, evaluator.partial, listed, prefixes.narrowed)


def _generation(searcher: Searcher, caches: IndexCaches | None) -> Generation:
    """The searcher's arrays: shared through the caches, or for this one search."""
    return (caches.arrays if caches else IndexArrays(cache_bytes=0)).of(searcher)


def _with_proximity(evaluator: Evaluator, near: Phrase, ordered: list[tuple[int, float]],
                    preference: Callable[[np.ndarray], np.ndarray] | None) -> list[tuple[int, float]]:
    """(passage, score): the top PROXIMITY_DEPTH with the bonus for words standing close added (weighted
    by the query's language preference, as the rest of the score), re-ordered."""
    best, rest = ordered[:PROXIMITY_DEPTH], ordered[PROXIMITY_DEPTH:]
    bonus = evaluator.phrase_scores(near, [docnum for docnum, _ in best])
    weights = preference(np.array([docnum for docnum, _ in best], dtype=np.int64)) if preference and best else None
    scored = [(docnum, score + bonus.get(docnum, 0.0) * (weights[index] if weights is not None else 1.0))
              for index, (docnum, score) in enumerate(best)]
    places = evaluator.generation.places(evaluator.searcher)
    return sorted(scored, key=lambda hit: (-hit[1], places[hit[0]])) + rest

def _view(searcher: Searcher, caches: IndexCaches | None, hidden: frozenset[str]) -> Visibility:
    """The passages of the documents not `hidden`, and the index's counts over them."""
    generation = _generation(searcher, caches)
    filters = caches.filters if caches else FilterCache(size=0)
    return Visibility(searcher, generation, filters.visible(searcher, generation, hidden))


def _both(allowed: np.ndarray | None, visible: np.ndarray | None) -> np.ndarray | None:
    """The passages the filters let through that the viewer may see."""
    if allowed is None or visible is None:
        return visible if allowed is None else allowed
    return allowed & visible


def _expanded(parsed: ParsedQuery, searcher: Searcher, caches: IndexCaches | None,
              view: Visibility | None = None, prefixes: CappedPrefixes | None = None) -> Query:
    """The parsed query with prefixes cut to their commonest words (by `prefixes`, which remembers those narrowed)
    and the words typed without Kazakh letters widened to their Kazakh forms (words of the passages in `view`)."""
    view = view or Visibility(searcher, _generation(searcher, caches))
    query = (prefixes or _capped_prefixes(searcher, view))(parsed.query)
    if caches is None:
        return query
    variants = typed_variants(list(parsed.words), searcher, caches.skeletons)
    if view.restricted:
        variants = {typed: held for typed, stems in variants.items()
                    if (held := frozenset(word for word in stems
                                          if any(view.holds(field, word) for field in VARIANT_FIELDS)))}
    return with_variants(query, variants)


def _capped_prefixes(searcher: Searcher, view: Visibility) -> CappedPrefixes:
    """Prefixes cut to the words of the view's passages that are in the most of them."""
    reader = searcher.reader()
    return CappedPrefixes(lambda field, beginning, count: commonest_starting(reader, field, beginning, count, view))


def suggest(searcher: Searcher, text: str, caches: IndexCaches | None = None,
            view: Visibility | None = None, misread: frozenset[str] = frozenset()) -> str | None:
    """Did you mean (index.corrections): only words of the passages in `view` (a viewer's) count as found and are
    offered. A word that matched in any of its forms is left alone (парламент is not «corrected» to парламенті)."""
    view = view or Visibility(searcher, _generation(searcher, caches))
    reader = searcher.reader()
    tokens = ((token.text, token.startchar, token.endchar)
              for token in searcher.schema["exact"].analyzer(text, mode="query", chars=True))
    return corrections.suggest(
        text, tokens, lambda word: _found(searcher, word, caches, view),
        lambda field, beginning: (searcher.schema[field].from_bytes(word)
                                  for word in reader.expand_prefix(field, beginning)),
        view.doc_frequency, misread)


def _found(searcher: Searcher, word: str, caches: IndexCaches | None, view: Visibility) -> bool:
    """Whether the word, searched as the search box would search it (stems, both languages, variants), matches
    in the view's passages."""
    try:
        parsed = parse_query(word, searcher.schema)
    except QueryError:
        return False
    query = _expanded(parsed, searcher, caches, view)
    return bool(existing_terms(query, searcher.reader(), view))


def matching_pages(searcher: Searcher, text: str, document_id: str, caches: IndexCaches | None = None,
                   hidden: frozenset[str] = frozenset()) -> dict[int, int]:
    """The pages of one document with passages the query matches, and how many on each (the words a prefix or
    a typed variant stands for chosen, as the search chooses them, among the viewer's passages)."""
    parsed = parse_query(text, searcher.schema)
    if parsed.query is NullQuery:
        return {}
    generation = _generation(searcher, caches)
    view = _view(searcher, caches, hidden)
    _check_cost(parsed, searcher, view)
    evaluator = Evaluator(searcher, generation, deadline=math.inf)
    evaluate = evaluator.matches
    matches = evaluate(_expanded(parsed, searcher, caches, view))
    matches, _ = with_near_forms(evaluator, matches, near_forms(searcher, text, parsed.words, view), view.passages)
    restriction = evaluate(combined_filters(parsed.filter, Filters(document_id=document_id)))
    inside = np.isin(matches.docnums, restriction.docnums, assume_unique=True)
    return dict(sorted(pages(searcher, generation, matches.docnums[inside]).items()))


def _check_cost(parsed: ParsedQuery, searcher: Searcher, view: Visibility) -> None:
    """Refuse queries whose cost has no useful bound: hundreds of OR-ed words, prefixes of thousands (of the
    words of the viewer's passages: a refusal must not tell that hidden documents hold words starting so)."""
    check_size(parsed)
    reader = searcher.reader()
    for leaf in parsed.query.leaves():
        if isinstance(leaf, Prefix) and _prefix_words(reader, leaf, view) > MAX_PREFIX_TERMS:
            raise QueryError(f"«{leaf.text}*» stands for more than {MAX_PREFIX_TERMS} different words; "
                             "type more letters before *", "prefix_too_broad", prefix=leaf.text,
                             limit=MAX_PREFIX_TERMS)


def _prefix_words(reader, prefix: Prefix, view: Visibility) -> int:
    """How many words of the view's passages the prefix stands for, counted up to MAX_PREFIX_TERMS + 1 (more
    than that: too many); the whole index's words are looked through up to MAX_PREFIX_SCAN only."""
    words = reader.expand_prefix(prefix.fieldname, prefix.text)
    if not view.restricted:
        return sum(1 for _ in islice(words, MAX_PREFIX_TERMS + 1))
    field, held = reader.schema[prefix.fieldname], 0
    for looked, word in enumerate(words):
        if looked == MAX_PREFIX_SCAN:
            return MAX_PREFIX_TERMS + 1
        held += view.holds(prefix.fieldname, field.from_bytes(word))
        if held > MAX_PREFIX_TERMS:
            break
    return held


def _highlight_terms(query: Query, searcher: Searcher) -> dict:
    """The terms a snippet marks (index.backends.marked_terms) of those of the query the index holds."""
    return marked_terms(query, existing_terms(query, searcher.reader()))


def highlight(searcher: Searcher, text: str, query_text: str, caches: IndexCaches | None = None,
              hidden: frozenset[str] = frozenset(), recognised: bool = False) -> Fragments:
    """A whole text (a page) with the words a query matches marked (as the viewer's search chooses them); on a
    `recognised` (OCR) page, the typed words' near forms too."""
    view = _view(searcher, caches, hidden)
    try:
        parsed = parse_query(query_text, searcher.schema)
        query = _expanded(parsed, searcher, caches, view)
    except QueryError:
        return fragments(text, [])
    terms = _highlight_terms(query, searcher)
    if recognised:
        terms["exact"] |= set(near_forms(searcher, query_text, parsed.words, view))
    return fragments(text, marked_spans(text, terms))


