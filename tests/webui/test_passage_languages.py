"""The passage language in the web UI and the API: shown on each hit, a facet with counts, a filter."""
from __future__ import annotations

import re
from collections import Counter
from html import unescape

import pytest

from tests import bilingual
from tests.webui.test_search import results_of
from webui import create_app

LABELS = {"kk": ["Қазақша", "Орысша", "Басқа"], "ru": ["Казахский", "Русский", "Другой"],
          "en": ["Kazakh", "Russian", "Other"]}


@pytest.fixture(scope="module")
def bilingual_client(tmp_path_factory):
    root = bilingual.build(tmp_path_factory.mktemp("bilingual-files"), tmp_path_factory.mktemp("bilingual-archive"))
    return create_app({"ARCHIVE": str(root), "TESTING": True, "RESULTS_PER_PAGE": 10}).test_client()


def api(client, **arguments) -> dict:
    response = client.get("/api/search", query_string={"limit": 50, **arguments})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_api_facet_counts_the_languages_of_the_passages_listed(bilingual_client):
    payload = api(bilingual_client, q="2024")
    listed = Counter(hit["language"] for hit in payload["results"])
    assert listed == bilingual.EXPECTED and payload["total"] == len(payload["results"])
    assert payload["facets"]["language"] == [{"value": "kk", "count": 2}, {"value": "ru", "count": 2},
                                             {"value": "other", "count": 1}]


@pytest.mark.parametrize("arguments", [{"q": "2024", "lang": "ru"}, {"q": "2024", "language": "ru"},
                                       {"q": "2024 lang:ru"}, {"q": "2024", "lang": "RU"}])
def test_lang_ru_in_the_api_returns_only_russian_passages(bilingual_client, arguments):
    payload = api(bilingual_client, **arguments)
    assert {hit["title"]: hit["language"] for hit in payload["results"]} == {"russian": "ru", "protocol_ru": "ru"}
    assert payload["total"] == 2 and payload["facets"]["language"] == [{"value": "ru", "count": 2}]


def test_lang_in_the_api_is_a_filter_not_the_interface_language(bilingual_client):
    response = bilingual_client.get("/api/search", query_string={"q": "2024", "lang": "ru"})
    assert "Set-Cookie" not in response.headers
    assert '<html lang="kk">' in bilingual_client.get("/", query_string={"q": "2024"}).get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/search?q=2024&lang=xx", "/api/search?q=2024&language=en",
                                 "/api/search?q=2024+lang:xx", "/api/search?q=2024&language=xx&lang=kk"])
def test_an_unknown_language_is_a_400_in_the_one_error_shape(bilingual_client, url):
    response = bilingual_client.get(url)
    message = response.get_json()["error"]["message"]
    assert response.status_code == 400 and response.get_json() == {"error": {"status": 400, "message": message}}
    assert re.search(r"kk \(Kazakh\), (lang:)?ru \(Russian\) or (lang:)?other", message)


def test_a_language_typed_in_the_query_can_be_switched_from_the_facet(bilingual_client):
    html = bilingual_client.get("/", query_string={"q": "2024 lang:ru"}).get_data(as_text=True)
    facet = re.search(r'id="facet-language">(.*?)</section>', html, re.S).group(1)
    assert re.findall(r'>([^<>]+)</a> <span class="count">(\d+)</span>', facet) == [
        ("Қазақша", "2"), ("Орысша", "2"), ("Басқа", "1")]
    link = unescape(re.search(r'href="([^"]+)">Қазақша</a>', facet).group(1))
    assert "lang%3Aru" not in link and "lang:ru" not in link and "language=kk" in link
    switched = bilingual_client.get(link).get_data(as_text=True)
    assert [hit["meta"].split(" · ")[-1] for hit in results_of(switched)] == ["Қазақша", "Қазақша"]


def test_a_correction_is_offered_only_when_it_finds_something_under_the_filters(bilingual_client):
    assert api(bilingual_client, q="мұғалым")["suggestion"] == "мұғалім"
    assert api(bilingual_client, q="мұғалым", lang="ru")["suggestion"] is None  # no Russian passage holds it
    assert api(bilingual_client, q="мұғалым lang:ru")["suggestion"] is None


def test_two_different_languages_asked_for_are_refused_not_one_chosen(bilingual_client):
    response = bilingual_client.get("/api/search", query_string={"q": "2024", "lang": "kk", "language": "ru"})
    assert response.status_code == 400 and "different passage languages (kk, ru)" in response.get_json()["error"]["message"]
    twice = bilingual_client.get("/api/search?q=2024&lang=ru&lang=kk")
    assert twice.status_code == 400 and "different passage languages (ru, kk)" in twice.get_json()["error"]["message"]
    same = bilingual_client.get("/api/search", query_string={"q": "2024", "lang": "ru", "language": "ru"})
    assert same.status_code == 200 and {hit["language"] for hit in same.get_json()["results"]} == {"ru"}


def test_the_search_page_shows_each_hit_language_and_a_language_facet(bilingual_client):
    html = bilingual_client.get("/", query_string={"q": "2024"}).get_data(as_text=True)
    assert Counter(hit["meta"].split(" · ")[-1] for hit in results_of(html)) == {
        "Қазақша": 2, "Орысша": 2, "Басқа": 1}
    facet = re.search(r'id="facet-language">(.*?)</section>', html, re.S).group(1)
    assert "<h2>Тілі</h2>" in facet
    assert re.findall(r'>([^<>]+)</a> <span class="count">(\d+)</span>', facet) == [
        ("Қазақша", "2"), ("Орысша", "2"), ("Басқа", "1")]

    link = unescape(re.search(r'href="([^"]+)">Орысша</a>', facet).group(1))
    assert "language=ru" in link
    narrowed = bilingual_client.get(link).get_data(as_text=True)
    assert [hit["meta"].split(" · ")[-1] for hit in results_of(narrowed)] == ["Орысша", "Орысша"]
    assert re.search(r'Тілі: Орысша <a href="[^"]+">алып тастау</a>', narrowed)
    # the facet still counts every language: the reader can switch to another without removing the filter
    facet = re.search(r'id="facet-language">(.*?)</section>', narrowed, re.S).group(1)
    assert re.findall(r'>([^<>]+)</a> <span class="count">(\d+)</span>', facet) == [
        ("Қазақша", "2"), ("Орысша", "2"), ("Басқа", "1")]
    assert 'name="language" value="ru"' in narrowed  # the year form keeps the language chosen


@pytest.mark.parametrize("interface", ["kk", "ru", "en"])
def test_the_language_labels_speak_the_interface_language(bilingual_client, interface):
    html = bilingual_client.get("/", query_string={"q": "2024", "lang": interface}).get_data(as_text=True)
    facet = re.search(r'id="facet-language">(.*?)</section>', html, re.S).group(1)
    assert re.findall(r'>([^<>]+)</a> <span class="count">', facet) == LABELS[interface]


def test_an_unknown_language_on_the_search_page_says_what_to_use(bilingual_client):
    response = bilingual_client.get("/", query_string={"q": "2024", "language": "xx", "lang": "kk"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "«xx» — үзінді тілі емес: kk (қазақша), ru (орысша) не other (басқа)" in html
    assert 'value="2024"' in html  # the query stays in the box


def test_documents_are_listed_by_the_languages_of_their_passages(bilingual_client):
    russian = {hit["document_id"] for hit in api(bilingual_client, q="2024", lang="ru")["results"]}
    listed = bilingual_client.get("/api/documents", query_string={"lang": "ru", "limit": 100}).get_json()
    assert russian and {document["id"] for document in listed["documents"]} == russian
    html = bilingual_client.get("/documents", query_string={"language": "ru", "lang": "kk"}).get_data(as_text=True)
    assert f"Құжаттар саны: {len(russian)}" in html


def test_a_year_filter_without_a_year_says_what_it_takes(bilingual_client):
    response = bilingual_client.get("/", query_string={"q": "2024 year:abc", "lang": "kk"})
    assert response.status_code == 400
    assert "«year:abc»: year: сүзгісіне жыл (year:1995) не аралық (year:1990..1999, year:..1930, year:2000..) жазыңыз." in response.get_data(
        as_text=True)
    half = bilingual_client.get("/api/search", query_string={"q": "2024 year:1932..abc"})
    assert half.status_code == 400 and "year:1932..abc" in half.get_json()["error"]["message"]
    api_response = bilingual_client.get("/api/search", query_string={"q": "2024 year:19"})
    assert api_response.status_code == 200  # a well-formed year, however short, is a filter, not an error
