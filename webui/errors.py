"""One error type, one handler, one JSON error shape: `{"error": {"status", "message"}}`."""
from __future__ import annotations

from flask import Flask, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from archive.errors import MuragatError
from archive.home import IndexDamaged
from webui.contexts import query_text
from webui.texts import explain, texts


# Refusals of a sign-in: their page offers the sign-in form again, not the search syntax.
SIGN_IN_REFUSALS = frozenset({"too_many_attempts", "form_expired"})


def error_response(status: int, message: str, reason: str = "", details: dict | None = None):
    """JSON under /api/ (the English message), else a page in the reader's language that keeps the query in the
    search box."""
    if request.path.startswith("/api/"):
        return {"error": {"status": status, "message": message}}, status
    t = texts()
    summary = t.get(f"error_{status}", t["error_400"] if status < 500 else t["error_500"])
    return render_template("error.html", status=status, summary=summary, message=explain(reason, details or {}, t),
                           sign_in_again=reason in SIGN_IN_REFUSALS, t=t, query=query_text()), status



def register(app: Flask) -> None:
    @app.errorhandler(MuragatError)
    def archive_error(error: MuragatError):
        body, status = error_response(error.status, str(error), error.reason, error.details)
        response = make_response(body, status)
        if "seconds" in error.details:  # a refusal to be tried again later (429)
            response.headers["Retry-After"] = str(error.details["seconds"])
        if error.status == 401:  # how to authenticate: a session, or an API token (RFC 6750)
            response.headers["WWW-Authenticate"] = 'Bearer realm="Muragat"'
        return response

    @app.errorhandler(IndexDamaged)
    def damaged_index(error: IndexDamaged):
        app.logger.error("%s", error)  # the folder and what to do, for whoever runs the server
        return error_response(503, "the search index cannot be read; an archivist can build it anew from the "
                                   "catalog with `muragat reindex`", "index_damaged")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.description or error.name,
                              "no_address" if error.code == 404 else "")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal error; the server log has the details")
