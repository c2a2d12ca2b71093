"""Signing in and out, CSRF, slowed-down bad passwords, API tokens, grants taking effect at once."""
from __future__ import annotations

import re
import threading
import time

import pytest
from click.testing import CliRunner

from archive.cli import main as muragat
from webui import create_app, signin
from webui.signin import Throttle

PASSWORD = "correct horse battery"


def cli(*args: str, input: str | None = None):
    return CliRunner().invoke(muragat, [str(arg) for arg in args], input=input, catch_exceptions=False)


@pytest.fixture
def archive(own_archive_dir):
    """The sample document in a restricted collection; a reader granted it, one not, an admin."""
    cli("collection", "", "--access", "restricted", "--archive", own_archive_dir)  # the sample has no collection
    for name, role in (("aigerim", "reader"), ("bolat", "reader"), ("admin", "admin")):
        assert cli("user", "add", name, "--role", role, "--password-stdin", "--archive", own_archive_dir,
                   input=PASSWORD + "\n").exit_code == 0
    assert cli("grant", "aigerim", "", "--archive", own_archive_dir).exit_code == 0
    return own_archive_dir


@pytest.fixture
def app(archive):
    return create_app({"ARCHIVE": str(archive), "TESTING": True})


DOCUMENT = "372de5891862daab"  # the sample document
PAGE = f"/api/documents/{DOCUMENT}/pages/1"


def csrf(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, name: str, password: str = PASSWORD, **extra):
    return client.post("/login", data={"username": name, "password": password, "csrf_token": csrf(client), **extra})


def test_signing_in_opens_the_granted_collection_and_signing_out_closes_it(app):
    client = app.test_client()
    assert client.get(PAGE).status_code == 404
    home = client.get("/").get_data(as_text=True)
    assert "Кіру" in home and 'href="/login' in home  # Kazakh by default
    response = sign_in(client, "aigerim")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get(PAGE).status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert "Сіз aigerim ретінде кірдіңіз" in page and "Шығу" in page
    typed = client.get("/logout")  # a typed or linked address signs nobody out: it offers the button
    assert typed.status_code == 200 and "Шығу үшін батырманы басыңыз" in typed.get_data(as_text=True)
    assert client.get(PAGE).status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get(PAGE).status_code == 404
    assert "Сіз жүйеге кірмегенсіз" in client.get("/logout").get_data(as_text=True)


def test_the_cookie_is_secure_over_https(app):
    client = app.test_client()
    form = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/login", base_url="https://localhost",
                           data={"username": "aigerim", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "Secure" in response.headers["Set-Cookie"]


def test_after_signing_in_the_reader_returns_to_the_page_they_came_from_never_elsewhere(app):
    assert sign_in(app.test_client(), "aigerim", next="/documents?page=1").headers["Location"] == "/documents?page=1"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example/",
                      "/\n/evil.example/", "/\r\n/evil.example/", "\t//evil.example/"):
        assert sign_in(app.test_client(), "aigerim", next=elsewhere).headers["Location"] == "/"


def test_a_form_without_its_csrf_token_is_refused(app):
    client = app.test_client()
    refused = client.post("/login", data={"username": "aigerim", "password": PASSWORD})
    assert refused.status_code == 400 and "Пішіннің мерзімі өтіп кетті" in refused.get_data(as_text=True)
    assert client.get(PAGE).status_code == 404
    forged = client.post("/login", data={"username": "aigerim", "password": PASSWORD, "csrf_token": "guessed"})
    assert forged.status_code == 400
    sign_in(client, "aigerim")
    assert client.post("/logout").status_code == 400  # a cross-site form cannot sign a reader out
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_method_an_address_does_not_take_is_a_405_not_a_form_refusal(app, method):
    client = app.test_client()
    for address in ("/", "/api/search", "/export.csv"):
        assert getattr(client, method)(address).status_code == 405, address
    assert getattr(client, method)("/no/such/address").status_code == 404


def test_a_wrong_password_or_unknown_name_is_refused_alike(app):
    client = app.test_client()
    wrong, unknown = sign_in(client, "aigerim", "wrong password"), sign_in(client, "nobody", "wrong password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Пайдаланушы аты не құпиясөз қате." in wrong.get_data(as_text=True)
    assert "Set-Cookie" not in wrong.headers or "user" not in wrong.headers.get("Set-Cookie", "")
    assert client.get(PAGE).status_code == 404


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_bad_passwords_are_slowed_down_without_a_thread_waiting(app):
    clock = Clock()
    app.extensions["muragat_throttles"] = {"user": Throttle(free=3, clock=clock),
                                           "address": Throttle(free=10, clock=clock)}
    client = app.test_client()
    for _ in range(3):  # free
        assert sign_in(client, "aigerim", "wrong password").status_code == 401
    assert sign_in(client, "aigerim", "wrong password").status_code == 401  # the fourth: a wait begins
    refused = sign_in(client, "aigerim")  # the right password, too soon: not even checked
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    page = refused.get_data(as_text=True)
    assert "секундтан кейін" in page and page.count("тым көп") == 1 and 'href="/login"' in page
    assert client.get(PAGE).status_code == 404
    clock.now += 1
    assert sign_in(client, "aigerim", "wrong password").status_code == 401  # the fifth: twice as long
    clock.now += 1
    assert sign_in(client, "aigerim").headers.get("Retry-After") == "1"
    clock.now += 1
    assert sign_in(client, "aigerim").status_code == 302  # a success clears the name
    assert app.extensions["muragat_throttles"]["user"].wait("aigerim") == 0


def test_guesses_sent_at_once_are_slowed_down_as_one_after_another(app, monkeypatch):
    """Past the free failures, guesses sent in parallel (one per server thread) get one password check, not one
    each: an attempt is counted before its password is checked."""
    clock = Clock()
    app.extensions["muragat_throttles"] = {"user": Throttle(free=3, clock=clock),
                                           "address": Throttle(free=10, clock=clock)}
    for _ in range(3):
        assert sign_in(app.test_client(), "aigerim", "wrong password").status_code == 401
    checked, together, check = [], threading.Barrier(4), signin.authenticate

    def slow_check(catalog, name, password):  # each check waits for the others, as scrypt keeps them together
        checked.append(password)
        try:
            together.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return check(catalog, name, password)

    monkeypatch.setattr(signin, "authenticate", slow_check)
    clients = [app.test_client() for _ in range(4)]
    tokens = [csrf(client) for client in clients]
    answers = [None] * 4

    def guess(number: int) -> None:
        answers[number] = clients[number].post("/login", data={
            "username": "aigerim", "password": f"guess {number}", "csrf_token": tokens[number]}).status_code

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == 1 and sorted(answers) == [401, 429, 429, 429]


def test_signing_in_forgives_the_address_its_attempt():
    clock = Clock()
    throttle = Throttle(free=2, clock=clock)
    throttle.failed("address")
    throttle.failed("address")
    throttle.failed("address")  # counted before the check: a wait
    throttle.forgive("address")  # the password was right
    assert throttle.wait("address") == 0
    throttle.failed("address")
    assert throttle.wait("address") == 1


def test_the_throttle_doubles_each_wait_up_to_its_bound():
    clock = Clock()
    throttle = Throttle(free=2, clock=clock)
    waits = []
    for _ in range(14):
        throttle.failed("name")
        waits.append(throttle.wait("name"))
    assert waits[:6] == [0, 0, 1, 2, 4, 8] and waits[-1] == Throttle.MAX_WAIT
    assert throttle.wait("other") == 0
    throttle.succeeded("name")
    assert throttle.wait("name") == 0


def test_an_address_trying_many_names_is_slowed_down_too(app):
    clock = Clock()
    app.extensions["muragat_throttles"] = {"user": Throttle(free=3, clock=clock),
                                           "address": Throttle(free=10, clock=clock)}
    client = app.test_client()
    for number in range(11):
        assert sign_in(client, f"guess{number}", "wrong password").status_code == 401
    assert sign_in(client, "aigerim").status_code == 429


def test_api_tokens_act_for_their_user_and_stop_when_revoked(app, archive):
    token = cli("token", "create", "aigerim", "--archive", archive).output.strip()
    assert token.startswith("mrg_")
    client = app.test_client()
    authorised = client.get(PAGE, headers={"Authorization": f"Bearer {token}"})
    assert authorised.status_code == 200 and authorised.headers["Cache-Control"] == "private, no-store"
    assert client.get(PAGE).status_code == 404  # the token is no session: the next request without it is anonymous
    bad = client.get(PAGE, headers={"Authorization": "Bearer mrg_guessed"})
    assert bad.status_code == 401 and bad.get_json()["error"]["message"].startswith("the API token is not valid")
    assert bad.headers["WWW-Authenticate"] == 'Bearer realm="Muragat"'
    assert client.get(PAGE, headers={"Authorization": "Basic YWRtaW46eA=="}).status_code == 401
    assert token not in (archive / "catalog.sqlite").read_bytes().decode("latin-1")  # only its hash is kept
    assert cli("token", "revoke", "aigerim", "--archive", archive).output.startswith("revoked 1 token of aigerim")
    assert client.get(PAGE, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_revoked_grant_takes_effect_at_once(app, archive):
    client = app.test_client()
    sign_in(client, "aigerim")
    assert client.get(PAGE).status_code == 200
    assert cli("revoke", "aigerim", "", "--archive", archive).exit_code == 0
    assert client.get(PAGE).status_code == 404
    assert client.get("/api/search", query_string={"q": "құқық"}).get_json()["total"] == 0
    assert cli("grant", "aigerim", "", "--archive", archive).exit_code == 0
    assert client.get(PAGE).status_code == 200


def test_a_new_password_or_a_removed_user_ends_their_sessions(app, archive):
    client = app.test_client()
    sign_in(client, "aigerim")
    changed = cli("user", "password", "aigerim", "--password-stdin", "--archive", archive,
                  input="another long password\n")
    assert changed.exit_code == 0 and "API tokens still work (`muragat token revoke aigerim`" in changed.output
    assert client.get(PAGE).status_code == 404
    sign_in(client, "aigerim", "another long password")
    assert client.get(PAGE).status_code == 200
    assert cli("user", "remove", "aigerim", "--archive", archive).exit_code == 0
    assert client.get(PAGE).status_code == 404


def test_a_session_ends_twelve_hours_after_signing_in_however_often_it_is_used(app, monkeypatch):
    """Each answer signs the cookie anew; a session used every few hours must still end (a copied cookie too)."""
    started = time.time()
    client = app.test_client()
    sign_in(client, "aigerim")
    for hours in (4, 8, 11.9):
        monkeypatch.setattr(time, "time", lambda: started + hours * 3600)
        assert client.get(PAGE).status_code == 200, hours
    monkeypatch.setattr(time, "time", lambda: started + 12.1 * 3600)
    assert client.get(PAGE).status_code == 404
    sign_in(client, "aigerim")
    assert client.get(PAGE).status_code == 200


def test_a_reader_without_the_grant_and_an_admin(app):
    reader, admin = app.test_client(), app.test_client()
    sign_in(reader, "bolat")
    sign_in(admin, "admin")
    assert reader.get(PAGE).status_code == 404
    assert admin.get(PAGE).status_code == 200


def test_an_archive_without_users_offers_no_sign_in_and_sets_no_cookie(sample_archive_dir):
    """The sample archive: no users, no restricted collection, exactly as before."""
    client = create_app({"ARCHIVE": str(sample_archive_dir), "TESTING": True}).test_client()
    for route in ("/", "/?q=құқық", f"/documents/{DOCUMENT}/pages/1", "/api/search?q=құқық", PAGE):
        response = client.get(route)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, route
        assert "Cache-Control" not in response.headers and "Cookie" not in response.headers.get("Vary", "")
    assert "/login" not in client.get("/").get_data(as_text=True)


def test_the_sign_in_link_leads_back_to_the_page_it_was_on(app):
    home = app.test_client().get("/").get_data(as_text=True)
    link = re.search(r'class="account" href="([^"]+)"', home).group(1)
    assert link in ("/login?next=/", "/login?next=%2F")  # not /? with a stray question mark
    searched = app.test_client().get("/?q=құқық").get_data(as_text=True)
    assert "next=/?q%3D" in searched or "next=%2F%3Fq%3D" in searched
