"""HTML pages: search results and the document page view."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, send_file

from webui.archive_access import current_archive
from webui.texts import texts

blueprint = Blueprint("pages", __name__)


def results_page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@blueprint.get("/")
def search():
    query = request.args.get("q", "").strip()
    per_page = current_app.config["RESULTS_PER_PAGE"]
    page = results_page_number()
    results = current_archive().search(query, limit=per_page, offset=(page - 1) * per_page) if query else None
    return render_template("search.html", t=texts(), query=query, results=results, page=page, per_page=per_page)


@blueprint.get("/documents/<document_id>/pages/<int:number>")
def document_page(document_id: str, number: int):
    archive = current_archive()
    document = archive.document(document_id)
    page = archive.page(document_id, number)
    query = request.args.get("q", "")
    return render_template(
        "page.html", t=texts(), document=document, page=page, query=query,
        fragments=archive.highlight(page.text, query),
    )


@blueprint.get("/documents/<document_id>/original")
def original(document_id: str):
    path = current_archive().original_path(document_id)
    if not path.is_file():
        abort(404, description=f"the original of {document_id} is missing from the store")
    mimetype = "application/pdf" if path.suffix == ".pdf" else "text/plain"
    return send_file(path, mimetype=mimetype, as_attachment=False, download_name=f"{document_id}{path.suffix}")
