"""One error type, one handler, one JSON error shape: `{"error": {"status", "message"}}`."""
from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from archive.errors import MuragatError, NotFound
from webui.texts import texts


def error_response(status: int, message: str):
    if request.path.startswith("/api/"):
        return {"error": {"status": status, "message": message}}, status
    return render_template("error.html", status=status, message=message, t=texts()), status


def register(app: Flask) -> None:
    @app.errorhandler(MuragatError)
    def archive_error(error: MuragatError):
        return error_response(404 if isinstance(error, NotFound) else 400, str(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500, error.description or error.name)
