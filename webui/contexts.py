"""The data behind each page, built once per request and rendered as HTML (pages) or JSON (api)."""
from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left

from flask import current_app, request, url_for

from archive.errors import MuragatError
from archive.home import PASSAGE_LANGUAGES, SORTS, Filters, without_typed_filters
from archive.catalog import LISTING_SORTS
from archive.payloads import document_payload, facets_payload, page_payload
from webui.archive_access import current_archive
from webui.numbers import number_argument

# Results beyond this depth are not served: ranking them all would cost more than anyone reads.
MAX_RESULTS_DEPTH = 1000
MAX_YEAR = 9999
# `*тар`: whoosh would have to scan every word of the index; the query takes the word as written instead.
LEADING_WILDCARD = re.compile(r"(?<![\w*])\*+\w")
# The arguments that narrow to a passage language. On the pages `lang=` chooses the interface
# language (kk, ru, en, kept in a cookie), so there it is `language=`; the API takes `lang=` too.
PAGE_LANGUAGE_ARGUMENTS = ("language",)
# Characters of a page a page view marks and shows (the rest is in the original, and in the API's `text`).
MAX_PAGE_CHARS = 200_000
# Facets the search page lets a reader switch between values of, the chosen one's filter aside: facet -> (its filter,
# the FILTER_PATTERN groups of the same filter typed in the query, which the facet's links replace).
SWITCHABLE = {"language": ("language", ("language",)), "collection": ("collection", ("quoted", "name"))}
API_LANGUAGE_ARGUMENTS = ("lang", "language")


def query_text() -> str:
    return request.args.get("q", "").strip()


def chosen_filters(language_arguments: tuple[str, ...] = PAGE_LANGUAGE_ARGUMENTS) -> Filters:
    """The filters in the request's arguments: collection, year_from, year_to, document, language."""
    return Filters(
        collection=request.args.get("collection", "").strip(),
        year_from=_year("year_from"),
        year_to=_year("year_to"),
        document_id=request.args.get("document", "").strip(),
        language=_passage_language(language_arguments),
    )


def _passage_language(names: tuple[str, ...]) -> str:
    """The passage language these arguments ask for: kk, ru or other ("" when none is given); each value given is
    checked, and two that differ (`lang=kk&language=ru`) are refused rather than one of them chosen."""
    chosen: dict[str, str] = {}
    for name in names:
        for value in (value.strip() for value in request.args.getlist(name)):
            if not value:
                continue
            if value.lower() not in PASSAGE_LANGUAGES:
                raise MuragatError(f"{name} must be kk (Kazakh), ru (Russian) or other, not {value[:20]!r}",
                                   "unknown_language", value=value[:20])
            chosen.setdefault(value.lower(), name)
    if len(chosen) > 1:
        languages = ", ".join(chosen)
        raise MuragatError(f"{' and '.join(dict.fromkeys(chosen.values()))} ask for different passage languages "
                           f"({languages}): give one", "languages_differ", languages=languages)
    return next(iter(chosen), "")


def _year(name: str) -> int | None:
    return number_argument(name, None, 0, MAX_YEAR, what="a year such as 1995", reason="bad_year")


def chosen_sort(sorts: tuple[str, ...] = SORTS) -> str:
    """The `sort` argument, one of `sorts` (the first when not given)."""
    sort = request.args.get("sort", "").strip() or sorts[0]
    if sort not in sorts:
        raise MuragatError(f"sort must be one of: {', '.join(sorts)}", "bad_sort", sorts=", ".join(sorts))
    return sort


def check_depth(limit: int, offset: int) -> None:
    if offset < 0:
        raise MuragatError("offset must be a whole number, 0 or more")
    if offset + limit > MAX_RESULTS_DEPTH:
        raise MuragatError(f"only the first {MAX_RESULTS_DEPTH} results can be paged through; narrow the query",
                           "too_deep", depth=MAX_RESULTS_DEPTH)


def search_context(limit: int, offset: int, language_arguments: tuple[str, ...] = PAGE_LANGUAGE_ARGUMENTS,
                   per_document: int = 0, every_value: bool = False) -> dict:
    """A page of ranked passages for the request's query, filters and sort, with facet counts, and why the
    filters let nothing through when they cannot. With `every_value`, the language and collection facets count
    every value when one is chosen (the search page's facets; the API's count what the filters let through)."""
    check_depth(limit, offset)
    archive = current_archive()
    query, filters, sort = query_text(), chosen_filters(language_arguments), chosen_sort()
    results = archive.search(query, limit=limit, offset=offset, filters=filters, sort=sort,
                             per_document=0 if filters.document_id else per_document)
    documents = archive.documents_of(results)
    facets = facets_payload(results, documents)
    facet_queries = {facet: without_typed_filters(query, only=groups) for facet, (_, groups) in SWITCHABLE.items()}
    for facet, (field, _) in SWITCHABLE.items() if every_value else ():  # switch without removing the filter first
        if getattr(filters, field) or facet_queries[facet] != query:
            unfiltered = archive.search(facet_queries[facet], limit=1, sort=sort,
                                        filters=dataclasses.replace(filters, **{field: ""}))
            facets[facet] = facets_payload(unfiltered)[facet]
    return {
        "query": query, "filters": filters, "sort": sort, "results": results, "documents": documents,
        "facets": facets, "facet_queries": facet_queries, "limit": limit, "offset": offset,
        "problems": archive.filter_problems(filters),
        "leading_wildcard": bool(LEADING_WILDCARD.search(query)),
        "without_typed_filters": without_typed_filters(query),
    }


def listing_context(limit: int, offset: int, language_arguments: tuple[str, ...] = PAGE_LANGUAGE_ARGUMENTS) -> dict:
    """A page of the archive's documents narrowed by the request's collection, years and language, sorted."""
    archive = current_archive()
    filters, sort = chosen_filters(language_arguments), chosen_sort(LISTING_SORTS)
    return {"listing": archive.list_documents(filters, sort, limit, offset), "filters": filters, "sort": sort,
            "limit": limit, "offset": offset, "problems": archive.filter_problems(filters)}


def page_context(document_id: str, number: int) -> dict:
    """One page of a document, the query's words marked, and where else in the document they are."""
    archive = current_archive()
    document = archive.document(document_id)
    page = archive.page(document_id, number)
    archive.record_view(document, "page", number)
    query = query_text()
    shown = shown_text(page.text_with_lines)
    try:
        hit_pages = archive.matching_pages(document_id, query)
        marked = archive.highlight(shown, query, recognised=page.recognised)
        # Near forms are marked on a recognised page too: the exact words' marks tell them apart.
        exact = archive.highlight(shown, query) if page.recognised else None
    except MuragatError:  # a query the search refuses (year:abc typed into the address): the page, unmarked
        hit_pages, marked, exact = {}, archive.highlight(shown, ""), None
    passages = [(passage.id, passage.start, passage.end) for passage in archive.passages_on(document_id, number)]
    return {
        "query": query,
        "document": document,
        "page": page,
        "marked": marked,
        "anchored": anchored(marked, passages),
        "about": document_payload(document, archive.file_names(document_id),
                                  archive.catalog.is_restricted(document)),
        "view": page_payload(document, page, query, marked, hit_pages, exact=exact, shown=len(shown)),
        "permalink": absolute_url("pages.document_page", document_id=document_id, number=number),
        "original": original_url(document_id, document.kind, number, external=True),
    }


def shown_text(text: str) -> str:
    """As much of a page as a page view marks and shows: a page of megabytes (a whole book on one page) took seconds
    to mark and stalled the server's other requests; MAX_PAGE_CHARS, cut at a space."""
    if len(text) <= MAX_PAGE_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_PAGE_CHARS)
    return text[:cut if cut > MAX_PAGE_CHARS // 2 else MAX_PAGE_CHARS]


def absolute_url(endpoint: str, **values) -> str:
    """An address under the configured public base URL (BASE_URL), never built from the request's Host header."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)[len(request.script_root):]


def anchored(marked: list[tuple[str, bool]], passages: list[tuple[str, int, int]]) -> list[tuple[str, bool, str]]:
    """The page's marked text as (text, is match, passage id to anchor before it, or ""): each passage's anchor
    stands on its first mark (else at its start), so that a result opens at its own passage, not the page's
    first hit."""
    offsets = _offsets(marked)
    marks = [offset for offset, (text, is_match) in zip(offsets, marked) if is_match]  # ascending
    anchors: dict[int, str] = {}
    for passage_id, start, end in passages:
        index = bisect_left(marks, start)
        anchors.setdefault(marks[index] if index < len(marks) and marks[index] < end else start, passage_id)
    places = sorted(anchors)
    pieces: list[tuple[str, bool, str]] = []
    for offset, (text, is_match) in zip(offsets, marked):
        # by bisection: a page of thousands of marks and passages took minutes scanned mark by mark
        within = places[bisect_left(places, offset):bisect_left(places, offset + len(text))]
        cuts = [0] if is_match else [cut - offset for cut in within]
        if not cuts or cuts[0] != 0:
            cuts.insert(0, 0)
        for begin, finish in zip(cuts, [*cuts[1:], len(text)]):
            pieces.append((text[begin:finish], is_match, anchors.get(offset + begin, "")))
    return pieces


def _offsets(fragments: list[tuple[str, bool]]) -> list[int]:
    """Where each fragment starts in the text they make up."""
    offsets, at = [], 0
    for text, _ in fragments:
        offsets.append(at)
        at += len(text)
    return offsets


def original_url(document_id: str, kind: str, page: int | None = None, external: bool = False) -> str:
    """The stored original's address; a PDF's opens at the page (#page=N), a text file has no pages to open at."""
    url = absolute_url("pages.original", document_id=document_id) if external else url_for(
        "pages.original", document_id=document_id)
    return url + f"#page={page}" if kind == "pdf" and page else url


def citation(context: dict, texts: dict) -> str:
    """Author. Title. Date. Page. Permanent link — one line a researcher can paste."""
    document = context["document"]
    parts = [document.author, document.title, document.date or (str(document.year) if document.year else ""),
             texts["page_label"].format(number=context["page"].number), context["permalink"]]
    return ". ".join(part.strip().rstrip(".") for part in parts if part and part.strip())
