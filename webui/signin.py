"""Signing in and out, who a request acts for (a session or an API token), CSRF, and slowed-down bad passwords.

An archive without users has nothing to sign in to: its requests are anonymous and carry no session,
exactly as before users existed.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from archive.access import ANONYMOUS, Viewer, authenticate, token_user, viewer_of
from archive.catalog import User
from archive.errors import MuragatError
from webui.archive_access import current_archive
from webui.texts import texts

blueprint = Blueprint("signin", __name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_HOURS = 12
# Checking the throttles and counting an attempt are one step: parallel guesses must not all pass the check
# before the first of them is counted.
_COUNTING = threading.Lock()


class Throttle:
    """Failed sign-ins per key (a user name, or an address): past `free` failures, each further attempt must
    wait twice as long as the one before (from FIRST_WAIT up to MAX_WAIT seconds). An attempt made sooner is
    refused at once without its password being checked: guessing slows to a crawl, and no server thread
    sleeps. A success clears the key; the least recently failed keys beyond MAX_KEYS are forgotten."""

    FIRST_WAIT = 1.0
    MAX_WAIT = 300.0
    MAX_KEYS = 10_000

    def __init__(self, free: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.free = free
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # key: (failures, until when refused)

    def wait(self, key: str) -> float:
        """Seconds before the key may try again (0: now)."""
        with self._lock:
            _, until = self._failures.get(key, (0, 0.0))
        return max(0.0, until - self._clock())

    def failed(self, key: str) -> None:
        with self._lock:
            count = self._failures.pop(key, (0, 0.0))[0] + 1
            over = count - self.free
            wait = min(self.FIRST_WAIT * 2 ** (over - 1), self.MAX_WAIT) if over > 0 else 0.0
            self._failures[key] = (count, self._clock() + wait)
            while len(self._failures) > self.MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def forgive(self, key: str) -> None:
        """One failure fewer (an attempt counted before its password was checked, which was right); a wait
        ends once the failures left are free ones."""
        with self._lock:
            count, until = self._failures.pop(key, (0, 0.0))
            if count > 1:
                self._failures[key] = (count - 1, until if count - 1 > self.free else 0.0)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, HttpOnly and SameSite=Lax; Secure when the public address is https or the request
    came over HTTPS (through the reverse proxy, with `serve --proxies`)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def register(app: Flask) -> None:
    """Sessions signed with the catalog's secret, the throttles, the viewer of each request, CSRF on every form."""
    app.secret_key = app.extensions["muragat"].catalog.secret_key()
    app.session_interface = SessionInterface()
    app.config.update(SESSION_COOKIE_NAME="muragat_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=app.config["BASE_URL"].startswith("https://"),
                      PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600)
    app.extensions["muragat_throttles"] = {"user": Throttle(free=3), "address": Throttle(free=10)}
    app.register_blueprint(blueprint)
    app.add_template_global(csrf_token)
    app.context_processor(lambda: {"viewer": g.get("viewer", ANONYMOUS), "sign_in_offered": g.get("users", False)})
    app.after_request(_not_cached_when_signed_in)


def request_viewer() -> Viewer:
    """Who the request acts for: the user of a Bearer token, else of the session, else anonymous. An archive
    without users reads no session at all."""
    catalog = current_archive().catalog
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        user = token_user(catalog, token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized("the API token is not valid (send `Authorization: Bearer TOKEN`, a token from "
                               "`muragat token create NAME`)", "bad_token")
        return viewer_of(user)
    g.users = catalog.has_users()
    if not g.users:
        return ANONYMOUS
    name = session.get("user")
    if name is None:
        return ANONYMOUS
    user = catalog.user(name)
    if (user is None or not hmac.compare_digest(session.get("key", ""), _session_key(user))
            or not 0 <= time.time() - session.get("since", 0) <= SESSION_HOURS * 3600):
        # the user was removed, their password changed, or the session is over: 12 hours from signing in, however
        # often it is used (the cookie, signed anew with each answer, would otherwise never expire)
        session.clear()
        return ANONYMOUS
    return viewer_of(user)


def check_csrf() -> None:
    """Refuse a form that changes state unless it carries this session's CSRF token."""
    if request.method in SAFE_METHODS or request.routing_exception is not None:
        return  # nothing changes state; or no route takes it (an unknown address: 404, a method it lacks: 405)
    expected, given = session.get("csrf", ""), request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(expected, given):
        raise MuragatError("the form has expired or did not come from this site; reload the page and try again",
                           "form_expired")


def csrf_token() -> str:
    """This session's CSRF token, for the hidden field of a form that changes state."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


class Unauthorized(MuragatError):
    status = 401


class TooManyAttempts(MuragatError):
    status = 429


@blueprint.get("/login")
def login_form():
    return render_template("login.html", t=texts(), query="", name="", failed=False, next=_next_page())


@blueprint.post("/login")
def login():
    """Sign in with `username` and `password`; a failure counts against the name and the address."""
    name = request.form.get("username", "").strip()[:200]
    password = request.form.get("password", "")
    throttles = current_app.extensions["muragat_throttles"]
    keys = {"user": name.casefold(), "address": request.remote_addr or ""}
    with _COUNTING:
        wait = max(throttles[kind].wait(key) for kind, key in keys.items())
        if wait <= 0:  # counted as failed before the password is checked, forgiven if it is right
            for kind, key in keys.items():
                throttles[kind].failed(key)
    if wait > 0:
        seconds = math.ceil(wait)
        raise TooManyAttempts(f"too many failed sign-ins; try again in {seconds} seconds", "too_many_attempts",
                              seconds=seconds)
    user = authenticate(current_archive().catalog, name, password)
    if user is None:
        return render_template("login.html", t=texts(), query="", name=name, failed=True, next=_next_page()), 401
    throttles["user"].succeeded(keys["user"])
    throttles["address"].forgive(keys["address"])
    session.clear()  # a new session for the signed-in user: nothing carried over from before
    session.permanent = True
    session.update(user=user.name, key=_session_key(user), csrf=secrets.token_urlsafe(32), since=int(time.time()))
    return redirect(_next_page())


@blueprint.get("/logout")
def logout_form():
    """Signing out changes state, so only a POST (with its CSRF token) does it: a link or a typed address
    gets the button that does."""
    return render_template("logout.html", t=texts(), query="")


@blueprint.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("pages.search"))


def _next_page() -> str:
    """Where to go after signing in: a path of this site (never another site's address), else the home page.
    No control character passes: browsers (and werkzeug's redirect) drop tabs and line breaks, so `/<TAB>/evil`
    would arrive as `//evil`, another site."""
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith(("//", "/\\")) and target.isprintable():
        return target
    return url_for("pages.search")


def _session_key(user: User) -> str:
    """Ties a session to the user's password: a new password ends the sessions signed in with the old one."""
    return hmac.new(current_app.secret_key.encode("utf-8"), user.password_hash.encode("utf-8"),
                    hashlib.sha256).hexdigest()[:32]


def _not_cached_when_signed_in(response):
    """What a signed-in user sees is theirs alone: no shared cache (a proxy's) may keep it."""
    if g.get("viewer", ANONYMOUS).signed_in:
        response.headers["Cache-Control"] = "private, no-store"
    return response
