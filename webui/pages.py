"""HTML pages: the search page, the document page view, and the original PDF."""
from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request, send_file, url_for

from archive.citations import bibtex, ris
from archive.errors import NotFound
from archive.export import results_csv
from webui.archive_access import current_archive
from webui.contexts import (
    MAX_RESULTS_DEPTH, absolute_url, citation, listing_context, original_url, page_context, query_text,
    search_context,
)
from webui.numbers import MAX_NUMBER, number_argument
from webui.texts import explain, format_duration, format_number, texts

blueprint = Blueprint("pages", __name__)
# Flask adds the charset to a text/* type itself (giving it here too printed it twice).
ORIGINAL_TYPES = {"pdf": "application/pdf", "txt": "text/plain"}
DOCUMENTS_PER_PAGE = 20
# The search page lists at most so many passages of a document (a common title would fill it), then
# "N more passages in this document"; the API keeps the passage as its unit.
PASSAGES_PER_DOCUMENT = 2


@blueprint.app_template_global()
def url_with(**changes) -> str:
    """This page's address with some arguments changed (None or "" drops one); for facets, sort, paging."""
    args = {key: value for key, value in request.args.items()}
    args.update(changes)
    args = {key: value for key, value in args.items() if value not in (None, "")}
    if request.endpoint is None:  # an error page for an unknown address: switch language on the home page
        return url_for("pages.search", **args)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@blueprint.app_template_global()
def year_bars(counts: Mapping[int, int] | list[dict], endpoint: str | None = None) -> list[tuple[int, int, str]]:
    """(year, count, link) for a timeline, from {year: count} or a year facet; each link narrows to that year,
    on `endpoint` or else on this page."""
    pairs = counts.items() if isinstance(counts, Mapping) else [(item["value"], item["count"]) for item in counts]
    return [(year, count, url_for(endpoint, year_from=year, year_to=year) if endpoint
             else url_with(year_from=year, year_to=year, page=None)) for year, count in pairs]


blueprint.add_app_template_global(original_url)
blueprint.add_app_template_global(explain)
blueprint.add_app_template_filter(format_number, "number")
blueprint.add_app_template_filter(format_duration, "duration")


@blueprint.get("/")
def search():
    """The ranked passages of a query; without one, the archive's home page (what it holds, to browse)."""
    per_page = current_app.config["RESULTS_PER_PAGE"]
    page = number_argument("page", 1, 1, MAX_RESULTS_DEPTH)
    if not query_text():
        return render_template("home.html", t=texts(), query="", overview=current_archive().overview())
    context = search_context(limit=per_page, offset=(page - 1) * per_page, per_document=PASSAGES_PER_DOCUMENT,
                             every_value=True)
    listed = context["results"].listed
    pages = max(1, -(-min(listed, MAX_RESULTS_DEPTH) // per_page))
    return render_template("search.html", t=texts(), page=page, pages=pages, per_page=per_page, **context)


@blueprint.get("/export.csv")
def export_csv():
    """The search's passages (every one, up to the paging depth) as CSV: title, author, date, collection, page,
    passage, link. An empty query is refused as the search refuses it."""
    context = search_context(limit=MAX_RESULTS_DEPTH, offset=0)
    if context["problems"]:
        raise context["problems"][0]

    def link(hit) -> str:
        return absolute_url("pages.document_page", document_id=hit.document_id, number=hit.page,
                            q=context["query"]) + f"#passage-{hit.passage_id}"

    hits, documents = context["results"].hits, context["documents"]
    for document_id in dict.fromkeys(hit.document_id for hit in hits):  # whole passages leave: an audited view
        current_archive().record_view(documents[document_id], "export")
    body = results_csv(hits, documents, link)
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="muragat-results.csv"'})


@blueprint.get("/documents/<document_id>/pages/<page:number>/citation.<any(bib, ris):kind>")
def citation_file(document_id: str, number: int, kind: str):
    """One page's citation for a reference manager: BibTeX or RIS, downloaded."""
    archive = current_archive()
    document = archive.document(document_id)
    archive.page(document_id, number)
    archive.record_view(document, "citation", number)
    url = absolute_url("pages.document_page", document_id=document_id, number=number)
    body, mimetype = (bibtex(document, number, url), "application/x-bibtex") if kind == "bib" else (
        ris(document, number, url), "application/x-research-info-systems")
    return Response(body, content_type=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="muragat-{document_id}-p{number}.{kind}"'})


@blueprint.get("/documents")
def documents():
    """Browse the documents: by collection, years and language, sorted by title, date or when added; paged."""
    page = number_argument("page", 1, 1, MAX_NUMBER // DOCUMENTS_PER_PAGE)
    context = listing_context(limit=DOCUMENTS_PER_PAGE, offset=(page - 1) * DOCUMENTS_PER_PAGE)
    pages = max(1, -(-context["listing"].total // DOCUMENTS_PER_PAGE))
    return render_template("documents.html", t=texts(), query="", page=page, pages=pages, **context)


@blueprint.get("/documents/<document_id>")
def document(document_id: str):
    """The document's first page (or `?page=N`, the page-number form's target)."""
    document = current_archive().document(document_id)
    number = number_argument("page", 1, 1, max(1, document.page_count))
    return redirect(url_for("pages.document_page", document_id=document_id, number=number,
                            q=query_text() or None))


@blueprint.get("/documents/<document_id>/pages/<page:number>")
def document_page(document_id: str, number: int):
    context = page_context(document_id, number)
    t = texts()
    return render_template("page.html", t=t, citation=citation(context, t), **context)


@blueprint.get("/documents/<document_id>/original")
def original(document_id: str):
    """The stored original, inline; its path comes from the catalog, never from the request."""
    archive = current_archive()
    document = archive.document(document_id)
    path = archive.original_path(document_id)
    if not path.is_file():
        raise NotFound(f"the original of {document_id} is missing from the store", "missing_original")
    archive.record_view(document, "original")
    kind = document.kind
    response = send_file(path, mimetype=ORIGINAL_TYPES.get(kind, "application/octet-stream"), as_attachment=False)
    response.headers["Content-Disposition"] = _disposition(archive.file_names(document_id), f"{document_id}.{kind}")
    return response


def _disposition(names: list[str], fallback: str) -> str:
    """Inline, saved under the file's own name when it was ingested (Жылдық есеп 2017.pdf, RFC 6266 `filename*`),
    control characters replaced; the plain `filename` (for tools that read only it) the document's id unless the
    name is plain ASCII (werkzeug's own fallback of a Kazakh name was `_No1045.pdf`, or ` .pdf`)."""
    name = re.sub(r"[\x00-\x1f\x7f]", "_", names[0]) if names else fallback
    plain = name if name.isascii() and '"' not in name and "\\" not in name else fallback
    return f'inline; filename="{plain}"; filename*=UTF-8\'\'{quote(name, safe="")}'
