"""The web UI through Flask's test client, on an archive holding the sample document."""
from __future__ import annotations

import re


def test_search_page_in_kazakh_with_marked_snippets_and_page_links(client):
    response = client.get("/", query_string={"q": "құқық"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="kk">' in html and "Табылған үзінділер" in html
    assert "<mark>құқық" in html
    assert re.search(r'href="/documents/\w+/pages/\d+\?q=', html)
    assert re.search(r'href="/documents/\w+/original#page=\d+"', html)
    assert "Content-Security-Policy" in response.headers


def test_home_page_explains_the_syntax(client):
    html = client.get("/").get_data(as_text=True)
    assert "=құқығы" in html


def test_nothing_found_says_what_to_try(client):
    html = client.get("/", query_string={"q": "қырыққабат"}).get_data(as_text=True)
    assert "ештеңе табылмады" in html


def test_api_search_has_the_command_line_shape(client):
    payload = client.get("/api/search", query_string={"q": "құқық", "limit": 3}).get_json()
    assert payload["query"] == "құқық" and payload["total"] > 3
    assert len(payload["results"]) == 3
    assert set(payload["results"][0]) == {"document_id", "title", "page", "passage_id", "text", "snippet", "score"}
    assert "<mark>" in payload["results"][0]["snippet"]


def test_api_errors_share_one_json_shape(client):
    for query_string in ({"q": ""}, {"q": "құқық", "limit": 0}, {"q": "x" * 600}):
        response = client.get("/api/search", query_string=query_string)
        assert response.status_code == 400
        assert set(response.get_json()) == {"error"}
        assert set(response.get_json()["error"]) == {"status", "message"}
    missing = client.get("/api/nowhere")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404


def test_document_page_marks_the_query_and_navigates(client):
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/pages/{hit['page']}", query_string={"q": "Страсбург"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Страсбург</mark>" in html
    assert f"#page={hit['page']}" in html
    assert client.get(f"/documents/{hit['document_id']}/pages/99").status_code == 404


def test_original_pdf_is_served_inline(client, sample_pdf):
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/original")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert response.data == sample_pdf.read_bytes()
    assert client.get("/documents/..%2F..%2Fetc%2Fpasswd/original").status_code == 404
