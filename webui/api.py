"""The JSON API: the command line's search shape (with facets added), documents and pages."""
from __future__ import annotations

from flask import Blueprint

from archive.catalog import Document
from archive.payloads import document_payload, faceted_search_payload
from webui.archive_access import current_archive
from webui.contexts import (
    API_LANGUAGE_ARGUMENTS, absolute_url, citation, listing_context, original_url, page_context, search_context,
)
from webui.numbers import MAX_NUMBER, number_argument
from webui.texts import texts

blueprint = Blueprint("api", __name__, url_prefix="/api")
MAX_LIMIT = 100


def _paging() -> tuple[int, int]:
    """The `limit` (1 to MAX_LIMIT, 10 when not given) and `offset` (0 or more) arguments."""
    return number_argument("limit", 10, 1, MAX_LIMIT), number_argument("offset", 0, 0, MAX_NUMBER)


def _paged(context_of) -> tuple[dict, int, int]:
    """A page's context for the API's paging arguments (limit, offset), the first problem it found raised."""
    limit, offset = _paging()
    context = context_of(limit=limit, offset=offset, language_arguments=API_LANGUAGE_ARGUMENTS)
    if context["problems"]:
        raise context["problems"][0]
    return context, limit, offset


@blueprint.get("/search")
def search():
    context, _, _ = _paged(search_context)
    return faceted_search_payload(context["results"], context["documents"])


@blueprint.get("/documents")
def documents():
    """The archive's documents, as the browse page lists them: `{"total", "limit", "offset", "documents"}`."""
    context, limit, offset = _paged(listing_context)
    listing = context["listing"]
    return {"total": listing.total, "limit": limit, "offset": offset,
            "documents": [_document(document) for document in listing.documents]}


@blueprint.get("/documents/<document_id>")
def document(document_id: str):
    document = current_archive().document(document_id)
    current_archive().record_view(document, "document")
    return _document(document)


def _document(document: Document) -> dict:
    """What the API says of a document: its metadata, file names and links."""
    payload = document_payload(document, current_archive().file_names(document.id),
                               current_archive().catalog.is_restricted(document))
    payload["links"] = {
        "first_page": absolute_url("pages.document_page", document_id=document.id, number=1),
        "original": original_url(document.id, document.kind, external=True),
    }
    return payload


@blueprint.get("/documents/<document_id>/pages/<page:number>")
def page(document_id: str, number: int):
    context = page_context(document_id, number)
    return {
        **context["view"],
        "title": context["document"].title,
        "citation": citation(context, texts()),
        "links": {"page": context["permalink"], "original": context["original"],
                  **{kind: absolute_url("pages.citation_file", document_id=document_id, number=number, kind=extension)
                     for kind, extension in (("bibtex", "bib"), ("ris", "ris"))}},
    }
