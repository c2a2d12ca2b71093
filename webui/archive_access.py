"""The request's view of the archive, opened once per app, with one searcher per request."""
from flask import Flask, current_app, request

from archive.home import Archive


def current_archive() -> Archive:
    return current_app.extensions["muragat"]


def register(app: Flask) -> None:
    """Pin one whoosh searcher for everything a request does (search, highlighting, facets)."""

    @app.before_request
    def take_searcher():
        if request.endpoint != "static":
            current_archive().pin_searcher()

    @app.teardown_request
    def release_searcher(error=None):
        current_archive().release_searcher()
