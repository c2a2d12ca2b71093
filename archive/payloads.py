"""The JSON shapes shared by the command line and the web API, built in one place."""
from __future__ import annotations

from index.search import SearchResults
from index.snippets import to_html


def search_payload(results: SearchResults) -> dict:
    """`{"query", "total", "results": [{document_id, title, page, passage_id, text, snippet, score}]}`."""
    return {
        "query": results.query,
        "total": results.total,
        "results": [
            {
                "document_id": hit.document_id,
                "title": hit.title,
                "page": hit.page,
                "passage_id": hit.passage_id,
                "text": hit.text,
                "snippet": to_html(hit.snippet),
                "score": round(hit.score, 4),
            }
            for hit in results.hits
        ],
    }

