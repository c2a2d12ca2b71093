"""Numbers over HTTP: a superscript digit or a page number past 2**63 is a 400 or a 404, never a 500."""
from __future__ import annotations

from html import unescape

import pytest

DOCUMENT = "372de5891862daab"  # the sample document


@pytest.mark.parametrize("url", [
    "/api/search?q=құқық&limit=%C2%B2",
    "/api/search?q=құқық&offset=%C2%B2",
    "/api/search?q=құқық&year_from=%C2%B2",
    "/api/search?q=құқық&year_to=%D9%A3",  # an Arabic-Indic 3: int() reads it, but it is no ASCII digit
    "/api/search?q=құқық&limit=%EF%BC%95",  # a full-width 5
    "/api/search?q=құқық&offset=99999999999999999999",
    "/api/search?q=құқық&limit=%2B5",
    "/api/search?q=құқық&limit=1_0",
])
def test_api_numbers_take_ascii_digits_in_range(client, url):
    response = client.get(url)
    assert response.status_code == 400, url
    message = response.get_json()["error"]["message"]
    assert response.get_json() == {"error": {"status": 400, "message": message}}
    assert message.split()[0] in url and "must be" in message


@pytest.mark.parametrize(("argument", "value", "says"), [
    ("year_from", "²", "Жыл 1995 сияқты сан болуы керек, «²» емес."),
    ("year_to", "²", "Жыл 1995 сияқты сан болуы керек, «²» емес."),
    ("page", "²", "«page» бүтін сан болуы керек (1…1000), «²» емес."),
    ("page", "99999999999999999999", "«page» бүтін сан болуы керек (1…1000), «99999999999999999999» емес."),
    ("page", "0", "«page» бүтін сан болуы керек (1…1000), «0» емес."),
])
def test_search_page_numbers_take_ascii_digits_in_range(client, argument, value, says):
    response = client.get("/", query_string={"q": "құқық", argument: value})
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "Бұл сұрауды орындау мүмкін болмады" in html and says in html


@pytest.mark.parametrize("number", [str(2 ** 63), str(10 ** 18 - 1), "%D9%A3", "%C2%B2"])
def test_a_page_number_beyond_the_document_is_a_404(client, number):
    for url in (f"/documents/{DOCUMENT}/pages/{number}", f"/api/documents/{DOCUMENT}/pages/{number}"):
        response = client.get(url)
        assert response.status_code == 404, url
    api = client.get(f"/api/documents/{DOCUMENT}/pages/{number}").get_json()
    assert api["error"]["status"] == 404


def test_a_page_past_the_last_says_how_many_there_are(client):
    message = client.get(f"/api/documents/{DOCUMENT}/pages/{10 ** 18 - 1}").get_json()["error"]["message"]
    assert message == f"document '{DOCUMENT}' has no page {10 ** 18 - 1}; it has 8"


@pytest.mark.parametrize("page", ["99999999999999999999", "9", "²", "-1"])
def test_the_page_number_form_refuses_pages_the_document_lacks(client, page):
    response = client.get(f"/documents/{DOCUMENT}", query_string={"page": page})
    assert response.status_code == 400
    assert f"«page» бүтін сан болуы керек (1…8), «{page}» емес." in unescape(response.get_data(as_text=True))
    english = client.get(f"/documents/{DOCUMENT}", query_string={"page": page, "lang": "en"})
    assert f"page must be a whole number from 1 to 8, not «{page}»." in unescape(english.get_data(as_text=True))


def test_plain_numbers_still_work(client):
    assert client.get(f"/documents/{DOCUMENT}", query_string={"page": "8"}).headers["Location"].endswith("/pages/8")
    assert client.get(f"/api/documents/{DOCUMENT}/pages/2").status_code == 200
    assert len(client.get("/api/search", query_string={"q": "құқық", "limit": " 3 "}).get_json()["results"]) == 3
