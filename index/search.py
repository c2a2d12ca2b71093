"""Queries in, ranked passages with snippets out."""
from __future__ import annotations

import heapq
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import islice

from whoosh import scoring, sorting
from whoosh.collectors import CollapseCollector, Collector, FilterCollector, TimeLimit, WrappingCollector
from whoosh.idsets import BitSet
from whoosh.index import Index
from whoosh.query import And, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.reading import EmptyReader
from whoosh.searching import Searcher

from index.query import ParsedQuery, QueryError, parse_query
from index.counting import COLLAPSE_COLUMN, CountingTimeout, DocCounter, ListFacet, as_bitset
from index.ranking import (
    RERANK_DEPTH, matched_terms, proximity_phrase, rerank, scores_for, without_common_words, word_groups,
)
from index.schema import NO_YEAR
from index.snippets import Fragments, fragments, match_spans, snippet
from index.variants import SkeletonIndex, typed_variants, with_variants

SORTS = ("relevance", "newest", "oldest")
# Seconds a query may spend collecting matches before it answers with what it has (partial).
TIME_BUDGET_SECONDS = 2.0
# Fewer matching passages than this, and the results offer a corrected query.
SUGGEST_BELOW = 3
# Bounds on what one query may cost: words (and OR-ed alternatives), and words a prefix stands for.
MAX_QUERY_TERMS = 64
MAX_PREFIX_TERMS = 500
# Words a prefix is searched as (the commonest of those it stands for).
MAX_PREFIX_WORDS = 8


@dataclass(frozen=True)
class Filters:
    """Narrow a search to one collection, a range of years, or one document (besides `collection:`/`year:`)."""

    collection: str = ""
    year_from: int | None = None
    year_to: int | None = None
    document_id: str = ""

    def query(self) -> Query | None:
        """The whoosh filter these stand for; None when nothing is narrowed."""
        parts: list[Query] = []
        if self.collection:
            parts.append(Term("collection", self.collection))
        if self.year_from is not None or self.year_to is not None:
            parts.append(NumericRange("year", self.year_from, self.year_to))
        if self.document_id:
            parts.append(Term("document_id", self.document_id))
        return And(parts) if len(parts) > 1 else (parts[0] if parts else None)


@dataclass(frozen=True)
class Hit:
    """One ranked passage."""

    passage_id: str
    document_id: str
    title: str
    page: int
    text: str
    score: float
    snippet: Fragments
    collection: str = ""
    year: int | None = None


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total number of matching passages, and how they spread over the facets."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    # {"collection": {name: passages}, "year": {year: passages}, "document_id": {id: passages}}
    facets: dict[str, dict] = field(default_factory=dict)
    took_ms: float = 0.0
    suggestion: str | None = None  # "did you mean": the query with unknown words corrected
    partial: bool = False  # the time budget ran out: these are the passages found until then


@dataclass(frozen=True)
class Allowed:
    """The passages a filter lets through: as a bitmap (for counting) and a BitSet (for whoosh's collector)."""

    mask: int
    documents: BitSet


class FilterCache:
    """The passages a filter (`year:2001..2010`, a collection) lets through, per index generation.

    A filter repeats across queries, so it is worked out once per commit rather than once per query.
    """

    def __init__(self, size: int = 128) -> None:
        """Keep the passages of the `size` filters used last (0: compute, keep none)."""
        self._size = size
        self._lock = threading.Lock()
        self._sets: OrderedDict[tuple, Allowed] = OrderedDict()

    def documents(self, searcher: Searcher, query: Query | None, counter: DocCounter) -> Allowed | None:
        if query is None:
            return None
        key = (searcher.reader().generation(), repr(query))
        with self._lock:
            if key in self._sets:
                self._sets.move_to_end(key)
                return self._sets[key]
        mask = counter.matches(searcher, query, deadline=math.inf)
        allowed = Allowed(mask, as_bitset(mask, searcher.doc_count_all()))
        with self._lock:
            self._sets[key] = allowed
            while len(self._sets) > self._size:
                self._sets.popitem(last=False)
        return allowed


@dataclass(frozen=True)
class IndexCaches:
    """What the searches of one index share across threads: typed-word variants, filter and term documents."""

    skeletons: SkeletonIndex
    filters: FilterCache = field(default_factory=FilterCache)
    counter: DocCounter = field(default_factory=DocCounter)


class SearcherCache:
    """One whoosh searcher per thread, refreshed when the index has new commits.

    Opening a searcher is costly on a large index; a searcher must not serve two threads.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._local = threading.local()
        self.caches = IndexCaches(SkeletonIndex(ix))

    def get(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or isinstance(searcher.reader(), EmptyReader):
            # whoosh cannot refresh a searcher opened on an empty index: open one afresh
            searcher = self._ix.searcher(weighting=scoring.BM25F())
        else:
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return searcher


def search(searcher: Searcher, text: str, limit: int = 10, offset: int = 0,
           filters: Filters | None = None, sort: str = "relevance", caches: IndexCaches | None = None,
           time_budget: float = TIME_BUDGET_SECONDS) -> SearchResults:
    """Rank (or date-order) passages for a query, count them by facet; snippets only for the hits returned.

    Relevance order: BM25F, whoosh skipping the passages that cannot reach the top; a word
    in a large share of the archive is not searched for beside rarer ones; among the top
    RERANK_DEPTH of a several-word query, a bonus for the words close together, then passages
    holding more of the query's words first. Passages with the same text (boilerplate repeated
    across documents) are collapsed to the best one, and counted once. The total and the facets
    count every passage the searched words match, from unscored bitmaps. Past `time_budget`
    seconds the results say `partial` (and the total is then the passages ranked).
    """
    started = time.perf_counter()
    deadline = time.monotonic() + time_budget
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    parsed = parse_query(text, searcher.schema)
    if parsed.query is NullQuery:
        return SearchResults(text, 0, ())
    _check_cost(parsed.query, searcher)
    query = _expanded(parsed, searcher, caches)
    by_relevance = sort == "relevance"
    counter = caches.counter if caches else DocCounter(max_terms=0)
    allowed = (caches.filters if caches else FilterCache(size=0)).documents(
        searcher, _combined(parsed.filter, filters), counter)
    searched = without_common_words(query, searcher.reader()) if by_relevance else query
    reranking = by_relevance and len(word_groups(query, searcher.reader())) > 1
    # Whoosh cannot skip through phrases or date order: every match is visited, so it is noted on the way.
    exhaustive = not by_relevance or _has_phrase(searched)
    depth = max(offset + limit, RERANK_DEPTH) if reranking else offset + limit
    collector, budget = _collector(searcher, counter, limit=depth, sort=sort,
                                   allowed=allowed.documents if allowed else None, deadline=deadline,
                                   note_matches=exhaustive)
    page, partial = _collect(searcher, searched, collector)
    found = [hit for hit in page]  # not list(page): it asks len(), for which whoosh counts every match
    ranked = _reranked(searcher, query, found) if reranking else [(hit, _score(hit.score)) for hit in found]
    terms = _highlight_terms(query, searcher)
    hits = tuple(_hit(hit, score, terms, searcher) for hit, score in ranked[offset:offset + limit])
    if exhaustive and not partial:
        counted = counter.count(searcher, budget.noted())
    else:
        counted = _counted(searcher, searched, allowed, counter, deadline)
    total, facets = counted if counted is not None else (len(ranked), {})
    suggestion = suggest(searcher, parsed) if total < SUGGEST_BELOW else None
    took = round((time.perf_counter() - started) * 1000, 1)
    return SearchResults(text, total, hits, facets, took, suggestion, partial or counted is None)


def _reranked(searcher: Searcher, query: Query, ordered: list) -> list[tuple]:
    """(hit, score): the top RERANK_DEPTH with the proximity bonus added, ordered by word coverage then score."""
    top, rest = ordered[:RERANK_DEPTH], ordered[RERANK_DEPTH:]
    docnums = [hit.docnum for hit in top]
    phrase = proximity_phrase(query)
    bonus = scores_for(searcher, phrase, docnums) if phrase is not None else {}
    matched = matched_terms(searcher, word_groups(query, searcher.reader()), docnums)
    scored = {hit.docnum: (hit, hit.score + bonus.get(hit.docnum, 0.0)) for hit in top}
    order = rerank([(docnum, score, matched[docnum]) for docnum, (_, score) in scored.items()],
                   word_groups(query, searcher.reader()))
    return [scored[docnum] for docnum in order] + [(hit, hit.score) for hit in rest]


def _counted(searcher: Searcher, query: Query, allowed: Allowed | None, counter: DocCounter,
             deadline: float) -> tuple[int, dict[str, dict]] | None:
    """(total, facets) of every passage the query and filters let through; None when time ran out."""
    try:
        mask = counter.matches(searcher, query, deadline)
    except CountingTimeout:
        return None
    return counter.count(searcher, mask & allowed.mask if allowed is not None else mask)


class BudgetCollector(WrappingCollector):
    """Stops collecting when the time budget runs out; optionally notes every passage collected.

    It wraps the innermost (ranking) collector, so the check runs inside the loops of the
    outer collectors (filter, collapse); whoosh's TimeLimitCollector drives the loop itself
    from the outside and skips them.
    """

    def __init__(self, child, deadline: float, note_matches: bool) -> None:
        super().__init__(child)
        self.deadline = deadline
        self.note_matches = note_matches
        self.seen = bytearray()

    def prepare(self, top_searcher, q, context) -> None:
        super().prepare(top_searcher, q, context)
        if self.note_matches:
            self.seen = bytearray((top_searcher.doc_count_all() >> 3) + 1)

    def collect(self, sub_docnum: int):
        if time.monotonic() > self.deadline:
            raise TimeLimit
        if self.note_matches:
            docnum = self.child.offset + sub_docnum
            self.seen[docnum >> 3] |= 1 << (docnum & 7)
        return self.child.collect(sub_docnum)

    def noted(self) -> int:
        """The bitmap of the passages collected (with `note_matches`)."""
        return int.from_bytes(self.seen, "little")


def _collector(searcher: Searcher, counter: DocCounter, *, limit: int, sort: str, allowed: BitSet | None,
               deadline: float, note_matches: bool) -> tuple[Collector, BudgetCollector]:
    """Whoosh's collector chain (collapse, filter) around a time budget.

    In relevance order whoosh skips blocks of postings that cannot reach the top `limit`.
    """
    budget = BudgetCollector(searcher.collector(limit=limit, sortedby=_sort_order(sort)), deadline, note_matches)
    chain: Collector = CollapseCollector(budget, ListFacet(counter.column(searcher, COLLAPSE_COLUMN)))
    return (FilterCollector(chain, allow=allowed) if allowed is not None else chain), budget


def _has_phrase(query: Query) -> bool:
    return any(isinstance(leaf, Phrase) for leaf in query.leaves())


def _collect(searcher: Searcher, query: Query, collector):
    """Run the collector; (results, whether the time budget cut them short)."""
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        return collector.results(), True
    return collector.results(), False


def _expanded(parsed: ParsedQuery, searcher: Searcher, caches: IndexCaches | None) -> Query:
    """The parsed query with prefixes cut to their commonest words and the words typed without
    Kazakh letters widened to their Kazakh forms."""
    query = _capped_prefixes(parsed.query, searcher.reader())
    if caches is None:
        return query
    return with_variants(query, typed_variants(list(parsed.words), searcher, caches.skeletons))


def _capped_prefixes(query: Query, reader) -> Query:
    """Each prefix as the OR of the MAX_PREFIX_WORDS words starting so that are in the most passages.

    Ranking a union of hundreds of words walks all their postings; the commonest words
    are what a person typing a short prefix most likely means.
    """
    def cap(node: Query) -> Query:
        if not isinstance(node, Prefix):
            return node
        field = node.fieldname
        words = heapq.nlargest(MAX_PREFIX_WORDS, reader.expand_prefix(field, node.text),
                               key=lambda word: reader.doc_frequency(field, word))
        if not words:
            return node
        terms = [Term(field, reader.schema[field].from_bytes(word), boost=node.boost) for word in sorted(words)]
        return Or(terms) if len(terms) > 1 else terms[0]

    return query.accept(cap)


def suggest(searcher: Searcher, parsed: ParsedQuery) -> str | None:
    """The typed words with each word the index does not hold replaced by its nearest indexed word."""
    reader = searcher.reader()
    corrected, changed = [], False
    for word in parsed.words:
        if reader.doc_frequency("exact", word) or len(word) < 4 or not word.isalpha():
            corrected.append(word)
            continue
        near = searcher.suggest("exact", word, limit=1, maxdist=2, prefix=2)
        corrected.append(near[0] if near else word)
        changed = changed or bool(near)
    return " ".join(corrected) if changed else None


def matching_pages(searcher: Searcher, text: str, document_id: str,
                   caches: IndexCaches | None = None) -> dict[int, int]:
    """The pages of one document with passages the query matches, and how many on each."""
    parsed = parse_query(text, searcher.schema)
    if parsed.query is NullQuery:
        return {}
    _check_cost(parsed.query, searcher)
    found = searcher.search(
        _expanded(parsed, searcher, caches), limit=1, filter=_combined(parsed.filter, Filters(document_id=document_id)),
        groupedby={"page": sorting.FieldFacet("page")}, maptype=sorting.Count,
    )
    return dict(sorted(found.groups("page").items()))


def _combined(typed: Query | None, filters: Filters | None) -> Query | None:
    """The filters typed in the query (`year:`) and those chosen beside it, all applied."""
    chosen = filters.query() if filters else None
    if typed is None or chosen is None:
        return typed or chosen
    return And([typed, chosen])


def _sort_order(sort: str):
    """None for relevance; by year then relevance otherwise, undated passages last either way."""
    if sort == "relevance":
        return None
    newest = sort == "newest"
    by_year = sorting.TranslateFacet(lambda year: (year == NO_YEAR, -year if newest else year),
                                     sorting.FieldFacet("year"))
    return sorting.MultiFacet([by_year, sorting.ScoreFacet()])


def _check_cost(query: Query, searcher: Searcher) -> None:
    """Refuse queries whose cost has no useful bound: hundreds of OR-ed words, prefixes of thousands."""
    leaves = list(query.leaves())
    if len(leaves) > MAX_QUERY_TERMS:
        raise QueryError(f"the query has too many words and alternatives ({len(leaves)}); "
                         f"keep it to {MAX_QUERY_TERMS // 2} words or fewer")
    reader = searcher.reader()
    for leaf in leaves:
        if isinstance(leaf, Prefix):
            expansions = islice(reader.expand_prefix(leaf.fieldname, leaf.text), MAX_PREFIX_TERMS + 1)
            if sum(1 for _ in expansions) > MAX_PREFIX_TERMS:
                raise QueryError(f"«{leaf.text}*» stands for more than {MAX_PREFIX_TERMS} different words; "
                                 "type more letters before *")


def _highlight_terms(query: Query, searcher: Searcher) -> dict[str, set[str]]:
    """Analysed terms of the query that exist in the index, prefixes expanded, by field."""
    by_field: dict[str, set[str]] = {"text": set(), "exact": set()}
    for fieldname, term in query.existing_terms(searcher.reader(), phrases=True, expand=True):
        target = "exact" if fieldname == "exact" else "text"
        by_field[target].add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return by_field


def _spans(text: str, terms: dict[str, set[str]], searcher: Searcher) -> list[tuple[int, int]]:
    spans = match_spans(text, searcher.schema["text"].analyzer, terms["text"])
    return spans + match_spans(text, searcher.schema["exact"].analyzer, terms["exact"])


def highlight(searcher: Searcher, text: str, query_text: str, caches: IndexCaches | None = None) -> Fragments:
    """A whole text (a page) with the words a query matches marked."""
    try:
        query = _expanded(parse_query(query_text, searcher.schema), searcher, caches)
    except QueryError:
        return fragments(text, [])
    return fragments(text, _spans(text, _highlight_terms(query, searcher), searcher))


def _hit(result, score: float, terms: dict[str, set[str]], searcher: Searcher) -> Hit:
    fields = result.fields()
    text = fields["text"]
    spans = _spans(text, terms, searcher)
    return Hit(
        passage_id=fields["passage_id"],
        document_id=fields["document_id"],
        title=fields.get("title", ""),
        page=fields["page"],
        text=text,
        score=float(score),
        snippet=snippet(text, spans),
        collection=fields.get("collection", ""),
        year=fields.get("year"),
    )


def _score(key) -> float:
    """The relevance of a hit; when sorted by year, whoosh gives the sort key, whose last part is -score."""
    return float(-key[-1] if isinstance(key, tuple) else key)
