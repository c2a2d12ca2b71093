"""The request's view of the archive, opened once per app: its viewer and one searcher per request."""
from flask import Flask, current_app, g, request

from archive.home import Archive


def current_archive() -> Archive:
    return current_app.extensions["muragat"]


def register(app: Flask) -> None:
    """Pin the request's viewer (what they may not see is left out of everything the archive answers) and one
    whoosh searcher for everything a request does (search, highlighting, facets)."""
    from webui.signin import check_csrf, request_viewer

    app.extensions["muragat"].viewers_pinned = True  # a read outside a request's viewer fails, never sees all

    @app.before_request
    def take_viewer_and_searcher():
        if request.endpoint != "static":
            g.viewer = request_viewer()
            current_archive().pin_viewer(g.viewer)
            check_csrf()
            current_archive().pin_searcher()

    @app.teardown_request
    def release_searcher(error=None):
        current_archive().release_viewer()
        current_archive().release_searcher()
