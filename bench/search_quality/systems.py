"""The two systems compared over the same passages: Muragat's own index and search, and plain whoosh."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema

from index.seam import QueryError
from index.schema import IndexedPassage
from index.whoosh_engine.search import SearcherCache, search
from index.whoosh_engine.writer import create_index, write_passages

# A ranking function: query text in, passage ids out, best first.
Ranker = Callable[[str, int], list[str]]


def muragat_ranker(directory: Path, passages: Sequence[IndexedPassage]) -> Ranker:
    """Index with the project's schema and writer; rank with the project's search."""
    ix = create_index(directory)
    write_passages(ix, passages)
    cache = SearcherCache(ix)
    cache.caches.skeletons.wait(cache.get())  # the variants map is built in the background

    def rank(text: str, limit: int) -> list[str]:
        try:
            results = search(cache.get(), text=text, limit=limit, caches=cache.caches)
        except QueryError:
            return []
        return [hit.passage_id for hit in results.hits]

    return rank


def plain_whoosh_ranker(directory: Path, passages: Sequence[IndexedPassage]) -> Ranker:
    """The baseline: StandardAnalyzer, BM25F, a default QueryParser with OrGroup over the raw query."""
    schema = Schema(passage_id=ID(stored=True, unique=True),
                    title=TEXT(analyzer=StandardAnalyzer()), text=TEXT(analyzer=StandardAnalyzer()))
    directory.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(directory), schema)
    with ix.writer() as writer:
        for passage in passages:
            writer.add_document(passage_id=passage.passage_id, title=passage.title, text=passage.text)
    searcher = ix.searcher()
    parser = qparser.QueryParser("text", schema, group=qparser.OrGroup)

    def rank(text: str, limit: int) -> list[str]:
        try:
            results = searcher.search(parser.parse(text), limit=limit)
        except Exception:  # noqa: BLE001 - a query whoosh cannot parse or run finds nothing
            return []
        return [hit["passage_id"] for hit in results]

    return rank
