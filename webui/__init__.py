"""The Flask web UI: an application factory, blueprints, one error handler."""
from __future__ import annotations

import os
import re

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from archive.errors import MuragatError
from archive.home import TIME_BUDGET_SECONDS, Archive, resolve_root
from webui.texts import LANGUAGE_COOKIE, LANGUAGES

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
BASE_URL_VARIABLE = "MURAGAT_BASE_URL"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8080
# A PDF opens in the browser's own viewer, which needs its plugin; nothing of ours runs there.
# No page of ours frames another (the page view links to the original), so no site may frame any.
PDF_CONTENT_SECURITY_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"


def public_base_url(option: str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str:
    """Where readers reach the app, for absolute links (citations, the API's links): `--base-url`, else
    $MURAGAT_BASE_URL, else the address served. Never a request's Host header, which any client can set."""
    url = (option or os.environ.get(BASE_URL_VARIABLE) or f"http://{host}:{port}").strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", url):
        raise MuragatError(f"the base URL must start with http:// or https://, not {url[:80]!r}")
    return url


def create_app(config: dict | None = None) -> Flask:
    """Build the app for one archive (config ARCHIVE, default as for the command line; BASE_URL, default as
    `public_base_url` gives it; PROXIES, how many reverse proxies stand in front, whose X-Forwarded-For and
    -Proto headers are believed)."""
    app = Flask(__name__)
    # `//` in a path is not redirected: werkzeug's redirect to the merged path is built from the
    # request's Host header, which no link of the app may come from (Host: evil.example).
    app.url_map.merge_slashes = False
    app.config.from_mapping(ARCHIVE=str(resolve_root()), RESULTS_PER_PAGE=10, TIME_BUDGET=TIME_BUDGET_SECONDS)
    if config:
        app.config.from_mapping(config)
    app.config["BASE_URL"] = public_base_url(app.config.get("BASE_URL"))
    # The web UI only reads: it serves an archive its user may not write (a snapshot, a backup).
    app.extensions["muragat"] = Archive.existing(app.config["ARCHIVE"], time_budget=app.config["TIME_BUDGET"],
                                                 read_only=True)
    app.json.ensure_ascii = False

    if app.config.get("PROXIES"):  # behind a reverse proxy: the client's address and https from its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXIES"], x_proto=app.config["PROXIES"])

    from webui import api, archive_access, errors, pages, signin
    from webui.numbers import PageNumberConverter

    app.url_map.converters["page"] = PageNumberConverter

    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    archive_access.register(app)
    signin.register(app)
    errors.register(app)
    app.after_request(_remember_language)
    app.after_request(_security_headers)
    return app


def _remember_language(response):
    """`?lang=ru` once keeps the interface in Russian until another language is chosen (on the pages: in the
    API, `lang=` narrows a search to passages in that language)."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and not request.path.startswith("/api/") and request.cookies.get(LANGUAGE_COOKIE) != chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _security_headers(response):
    policy = PDF_CONTENT_SECURITY_POLICY if response.mimetype == "application/pdf" else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
