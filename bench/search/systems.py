"""The three systems behind one call: a query in, the top 10 with snippets out, timed by the caller.

Each answer is the total the system reports and the number of hits materialised with
their snippets; a query the system refuses raises Refused with its message.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bench.search.common import ARCHIVE, FTS5_DB, WHOOSH_DIR
from bench.search.queries import BenchQuery

TOP = 10
FTS5_SNIPPET_TOKENS = 40

# (total the system reports, hits returned with snippets)
Answer = tuple[int, int]
Runner = Callable[[BenchQuery], Answer]


class Refused(Exception):
    """The system turned the query down (a message to the user, not a crash)."""


def open_muragat() -> Runner:
    """The archive as the web UI uses it: Archive.search ranks, counts facets and makes the snippets."""
    from archive.errors import MuragatError
    from archive.home import Archive

    archive = Archive.existing(ARCHIVE)
    archive.warm()  # as `muragat serve` does before it listens

    def run(query: BenchQuery) -> Answer:
        try:
            results = archive.search(query=query.muragat, limit=TOP)
        except MuragatError as error:
            raise Refused(str(error)) from error
        return results.total, sum(1 for hit in results.hits if hit.snippet is not None)

    return run


def open_whoosh() -> Runner:
    """Plain whoosh: BM25F, a MultifieldParser over title and text with OrGroup, highlights of the top 10."""
    from whoosh import index as whoosh_index
    from whoosh import qparser, scoring

    ix = whoosh_index.open_dir(str(WHOOSH_DIR))
    searcher = ix.searcher(weighting=scoring.BM25F())
    parser = qparser.MultifieldParser(["title", "text"], ix.schema, group=qparser.OrGroup)

    def run(query: BenchQuery) -> Answer:
        results = searcher.search(parser.parse(query.whoosh), limit=TOP)
        snippets = [hit.highlights("text") for hit in results]
        return results.estimated_length(), len(snippets)

    return run


def open_fts5() -> Runner:
    """FTS5: MATCH with bm25() order and snippet(); the filters as WHERE clauses on unindexed columns."""
    db = sqlite3.connect(FTS5_DB)

    def run(query: BenchQuery) -> Answer:
        where, parameters = _fts5_filters(query)
        if query.fts5_match:
            sql = (f"SELECT passage_id, title, snippet(passages, 1, '<mark>', '</mark>', '…', {FTS5_SNIPPET_TOKENS}),"
                   f" bm25(passages) FROM passages WHERE passages MATCH ?{where} ORDER BY bm25(passages) LIMIT {TOP}")
            parameters = [query.fts5_match, *parameters]
        else:
            sql = f"SELECT passage_id, title, substr(text, 1, 300) FROM passages WHERE 1{where} LIMIT {TOP}"
        try:
            rows = db.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            raise Refused(str(error)) from error
        return len(rows), len(rows)

    return run


def _fts5_filters(query: BenchQuery) -> tuple[str, list]:
    clauses, parameters = [], []
    if query.collection:
        clauses.append(" AND collection = ?")
        parameters.append(query.collection)
    if query.year_from is not None:
        clauses.append(" AND year BETWEEN ? AND ?")
        parameters += [query.year_from, query.year_to]
    return "".join(clauses), parameters


OPENERS: dict[str, Callable[[], Runner]] = {"muragat": open_muragat, "whoosh": open_whoosh, "fts5": open_fts5}
