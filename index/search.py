"""Queries in, ranked passages with snippets out."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from whoosh import qparser, scoring
from whoosh.index import Index
from whoosh.query import NullQuery, Or, Query, Term
from whoosh.searching import Searcher

from index.snippets import Fragments, fragments, match_spans, snippet

MAX_QUERY_CHARS = 500
SEARCH_FIELDS = ("text", "title")
# Field names a person may type before a colon; any other `word:` is plain text.
QUERY_FIELDS = frozenset({"title", "exact"})


class QueryError(ValueError):
    """A query that cannot be run; the message says what to change."""


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


def _parser(ix_schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), ix_schema, group=qparser.OrGroup.factory(0.9))
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    return parser


def _prepare(text: str) -> str:
    """Turn `=word` into the exact field and neutralise syntax nobody meant (`?`, `Сұрақ:`)."""
    text = re.sub(r'(?<![\w=])=(?=["\w])', "exact:", text)
    text = re.sub(r"(\w+):", lambda m: m.group() if m.group(1) in QUERY_FIELDS else m.group(1) + " ", text)
    return re.sub(r"[?!;,.{}\[\]^~<>]", " ", text)


def parse_query(text: str, schema) -> Query:
    """Parse a query as the search box takes it; fall back to plain words when syntax fails."""
    text = text.strip()
    if not text:
        raise QueryError("the query is empty: type one or more words")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} or fewer")
    try:
        query = _parser(schema).parse(_prepare(text))
    except Exception:  # noqa: BLE001 - whoosh raises assorted errors on odd syntax
        query = NullQuery
    if query is NullQuery or not list(query.iter_all_terms()):
        query = _plain_words(text, schema)
    return query


def _plain_words(text: str, schema) -> Query:
    analyzer = schema["text"].analyzer
    terms = [Term(field, token.text) for token in analyzer(text, mode="query") for field in SEARCH_FIELDS]
    return Or(terms) if terms else NullQuery


def search(searcher: Searcher, text: str, limit: int = 10, offset: int = 0) -> SearchResults:
    """Rank passages for a query; snippets only for the hits returned."""
    query = parse_query(text, searcher.schema)
    if query is NullQuery:
        return SearchResults(text, 0, ())
    page = searcher.search(query, limit=offset + limit)
    terms = _highlight_terms(query, searcher)
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
        query = parse_query(query_text, searcher.schema)
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
