"""Queries in, ranked passages with snippets out."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from whoosh import scoring
from whoosh.index import Index
from whoosh.query import NullQuery, Query
from whoosh.searching import Searcher

from index.query import QueryError, parse_query
from index.snippets import Fragments, fragments, match_spans, snippet


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


@dataclass(frozen=True)
class SearchResults:
    """A page of hits and the total number of matching passages."""

    query: str
    total: int
    hits: tuple[Hit, ...]


class SearcherCache:
    """One whoosh searcher per thread, refreshed when the index has new commits.

    Opening a searcher is costly on a large index; a searcher must not serve two threads.
    """

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._local = threading.local()

    def get(self) -> Searcher:
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._ix.searcher(weighting=scoring.BM25F())
        else:
            searcher = searcher.refresh()
        self._local.searcher = searcher
        return searcher


def search(searcher: Searcher, text: str, limit: int = 10, offset: int = 0) -> SearchResults:
    """Rank passages for a query; snippets only for the hits returned."""
    parsed = parse_query(text, searcher.schema)
    if parsed.query is NullQuery:
        return SearchResults(text, 0, ())
    page = searcher.search(parsed.query, limit=offset + limit, filter=parsed.filter)
    terms = _highlight_terms(parsed.query, searcher)
    hits = tuple(_hit(page, index, terms, searcher) for index in range(offset, min(len(page.top_n), offset + limit)))
    return SearchResults(text, len(page), hits)


def _highlight_terms(query: Query, searcher: Searcher) -> dict[str, set[str]]:
    """Analysed terms of the query that exist in the index, prefixes expanded, by field."""
    by_field: dict[str, set[str]] = {"text": set(), "exact": set()}
    for field, term in query.existing_terms(searcher.reader(), phrases=True, expand=True):
        target = "exact" if field == "exact" else "text"
        by_field[target].add(term.decode("utf-8") if isinstance(term, bytes) else term)
    return by_field


def _spans(text: str, terms: dict[str, set[str]], searcher: Searcher) -> list[tuple[int, int]]:
    spans = match_spans(text, searcher.schema["text"].analyzer, terms["text"])
    return spans + match_spans(text, searcher.schema["exact"].analyzer, terms["exact"])


def highlight(searcher: Searcher, text: str, query_text: str) -> Fragments:
    """A whole text (a page) with the words a query matches marked."""
    try:
        query = parse_query(query_text, searcher.schema).query
    except QueryError:
        return fragments(text, [])
    return fragments(text, _spans(text, _highlight_terms(query, searcher), searcher))


def _hit(results, index: int, terms: dict[str, set[str]], searcher: Searcher) -> Hit:
    fields = results[index].fields()
    text = fields["text"]
    spans = _spans(text, terms, searcher)
    return Hit(
        passage_id=fields["passage_id"],
        document_id=fields["document_id"],
        title=fields.get("title", ""),
        page=fields["page"],
        text=text,
        score=float(results.score(index)),
        snippet=snippet(text, spans),
    )
