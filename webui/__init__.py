"""The Flask web UI: an application factory, blueprints, one error handler."""
from __future__ import annotations

from flask import Flask

from archive.home import Archive, resolve_root


def create_app(config: dict | None = None) -> Flask:
    """Build the app for one archive (config ARCHIVE, default as for the command line)."""
    app = Flask(__name__)
    app.config.from_mapping(ARCHIVE=str(resolve_root()), RESULTS_PER_PAGE=10, JSON_AS_ASCII=False)
    if config:
        app.config.from_mapping(config)
    app.extensions["muragat"] = Archive.existing(app.config["ARCHIVE"])
    app.json.ensure_ascii = False

    from webui import api, errors, pages

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    errors.register(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "object-src 'self'; frame-ancestors 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response
