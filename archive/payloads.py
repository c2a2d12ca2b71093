"""The JSON shapes shared by the command line and the web API, built in one place."""
from __future__ import annotations

import heapq
from collections.abc import Mapping

from archive.catalog import Document, PageRecord
from index.seam import Fragments, Hit, SearchResults
from index.snippets import to_html

# A facet lists its most frequent values; years are listed whole, in order.
FACET_VALUES = 20


def search_payload(results: SearchResults) -> dict:
    """`{"query", "total", "partial", "narrowed_prefixes", "suggestion", "results": [{document_id, title, page,
    passage_id, text, snippet, title_marked, score, language, copy_count, copies, approximate}]}`.

    `partial` is true when the query ran out of its time budget: the passages found until then.
    `narrowed_prefixes` names each prefix that begins more words than are searched, with the words it was
    searched as (its commonest): `{"жыл": ["жыл", "жылы", …]}`. `suggestion`: a corrected query when few passages
    matched (did you mean), else null.
    """
    return {
        "query": results.query,
        "total": results.total,
        "partial": results.partial,
        "narrowed_prefixes": {prefix: list(words) for prefix, words in results.narrowed_prefixes.items()},
        "suggestion": results.suggestion,
        "results": [hit_payload(hit) for hit in results.hits],
    }


def hit_payload(hit: Hit) -> dict:
    return {
        "document_id": hit.document_id,
        "title": hit.title,
        "page": hit.page,
        "passage_id": hit.passage_id,
        "text": hit.text,
        "snippet": to_html(hit.snippet),
        # the title with the query's words in <mark> (a passage found through its document's title shows why)
        "title_marked": to_html(hit.title_marks),
        "score": round(hit.score, 4),
        "language": hit.language,
        # the same text in other documents (copies of one file), listed once: how many, the first ten
        "copy_count": hit.copy_count,
        "copies": [{"document_id": document_id, "page": page} for document_id, page in hit.copies],
        # found only through near forms of the query's words, in recognised (OCR) text: may be another word
        "approximate": hit.approximate,
    }


def faceted_search_payload(results: SearchResults, documents: Mapping[str, Document]) -> dict:
    """The command line's shape with more added (never renamed): date, year, collection, facets, took_ms."""
    payload = search_payload(results)
    for hit, entry in zip(results.hits, payload["results"]):
        document = documents.get(hit.document_id)
        entry.update(date=document.date if document else "", year=hit.year, collection=hit.collection)
    payload.update(took_ms=results.took_ms, facets=facets_payload(results, documents))
    return payload


def most_first(counts: Mapping) -> list[tuple]:
    """The FACET_VALUES most frequent (value, count) pairs of a facet."""
    return heapq.nsmallest(FACET_VALUES, counts.items(), key=lambda item: (-item[1], str(item[0])))


def facets_payload(results: SearchResults, documents: Mapping[str, Document] | None = None) -> dict:
    """How the matching passages spread over collections, years, languages and documents (most first; years in order)."""
    documents = documents or {}
    facets = results.facets

    return {
        "collection": [{"value": name, "count": count} for name, count in most_first(facets.get("collection", {}))],
        "year": [{"value": year, "count": count} for year, count in sorted(facets.get("year", {}).items())],
        "language": [{"value": code, "count": count} for code, count in most_first(facets.get("language", {}))],
        "document": [
            {"value": document_id, "title": documents[document_id].title if document_id in documents else "",
             "count": count}
            for document_id, count in most_first(facets.get("document_id", {}))
        ],
    }


def document_payload(document: Document, file_names: list[str], restricted: bool = False) -> dict:
    """What a researcher may know of a document (never where its files live on the server); `access` says
    whether only those granted it see it."""
    return {
        "id": document.id,
        "title": document.title,
        "author": document.author,
        "date": document.date,
        "year": document.year,
        "collection": document.collection,
        "page_count": document.page_count,
        "kind": document.kind,
        "size": document.size,
        "sha256": document.sha256,
        "file_names": file_names,
        "added_at": document.added_at,
        "access": "restricted" if restricted else "public",
    }


def page_payload(document: Document, page: PageRecord, query: str, marked: Fragments,
                 hit_pages: dict[int, int], exact: Fragments | None = None, shown: int | None = None) -> dict:
    """A page's text, the query's words marked in it (on a recognised page, near forms too: `exact` is the
    page marked for the words as typed alone), and the document's other pages with hits. `shown`: how much of the
    text is marked, when not all of it (`cut_at` then says where)."""
    marks = _marks(marked)
    return {
        "document_id": document.id,
        "number": page.number,
        "page_count": document.page_count,
        "status": page.status,
        "source": page.source,  # "text_layer", or "ocr": recognised text, may contain errors
        "ocr_confidence": page.confidence,
        "text": page.text_with_lines,  # its lines as extracted
        "query": query,
        "highlighted": to_html(marked),
        "cut_at": shown if shown is not None and shown < len(page.text_with_lines) else None,
        "marks": marks,
        "approximate_marks": 0 if exact is None else max(0, marks - _marks(exact)),
        "hit_pages": [{"page": number, "passages": count} for number, count in hit_pages.items()],
        "previous_hit_page": max((number for number in hit_pages if number < page.number), default=None),
        "next_hit_page": min((number for number in hit_pages if number > page.number), default=None),
    }


def _marks(fragments: Fragments) -> int:
    return sum(1 for _, is_match in fragments if is_match)
