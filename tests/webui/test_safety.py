"""Hostile document text and metadata show as text; every response carries a Content-Security-Policy."""
from __future__ import annotations

import re

from tests.webui.conftest import HOSTILE_AUTHOR, HOSTILE_COLLECTION, HOSTILE_TITLE


def test_a_script_title_shows_as_text_on_the_search_page(library):
    html = library.get("/", query_string={"q": "тег"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Жинақ&lt;/i&gt;" in html  # the collection, in a result and in its facet
    assert "&lt;b&gt;<mark>тег</mark>&lt;/b&gt;" in html  # document text in a snippet
    for raw in (HOSTILE_TITLE, HOSTILE_COLLECTION, "<b>тег</b>", "<img"):
        assert raw not in html


def test_hostile_metadata_shows_as_text_on_the_document_page(library, library_ids):
    html = library.get(f"/documents/{library_ids['hostile.pdf']}/pages/1", query_string={"q": "тег"}).get_data(
        as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x" in html
    for raw in (HOSTILE_TITLE, HOSTILE_AUTHOR, HOSTILE_COLLECTION, "<b>"):
        assert raw not in html
    anchor = r'(?:<span class="passage-anchor" id="[^"]+"></span>)?'
    assert re.search(rf"&lt;b&gt;{anchor}<mark[^>]*>тег</mark>&lt;/b&gt;", html)


def test_hostile_text_in_json_is_data_and_snippets_are_escaped(library):
    payload = library.get("/api/search", query_string={"q": "тег"}).get_json()
    hit = payload["results"][0]
    assert hit["title"] == HOSTILE_TITLE and hit["collection"] == HOSTILE_COLLECTION
    assert hit["snippet"] == "Мұнда &lt;b&gt;<mark>тег</mark>&lt;/b&gt; мен құқық сөзі бар."


def test_content_security_policy_everywhere(library, library_ids):
    for url in ("/", "/?q=құқық", f"/documents/{library_ids['hostile.pdf']}/pages/1", "/api/search?q=құқық",
                "/no/such/page", f"/documents/{library_ids['hostile.pdf']}/original"):
        policy = library.get(url).headers.get("Content-Security-Policy", "")
        assert "default-src 'none'" in policy, url
        assert "unsafe-inline" not in policy
    assert "script-src 'self'" in library.get("/").headers["Content-Security-Policy"]


def test_no_inline_script_or_style_in_any_page(library, library_ids):
    for url in ("/", "/?q=құқық", f"/documents/{library_ids['hostile.pdf']}/pages/1", "/?q=" + "x" * 600):
        html = library.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html and " onclick=" not in html


def test_no_response_can_be_framed(library, library_ids):
    document = library_ids["hostile.pdf"]
    for url in ("/", "/?q=құқық", f"/documents/{document}/pages/1", "/api/search?q=құқық", "/no/such/page",
                f"/documents/{document}/original", f"/documents/{library_ids['undated_notes.txt']}/original",
                "/static/copy.js", "/api/search?q=құқық&limit=²"):
        response = library.get(url)
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_a_doubled_slash_is_not_redirected_to_the_host_header(client):
    for path in ("/documents//original", "/api//search?q=x", "/static//style.css"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 404 and "Location" not in response.headers
