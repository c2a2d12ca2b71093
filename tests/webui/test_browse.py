"""Browsing without a query: the home page, the document list and /api/documents, on the small library."""
from __future__ import annotations

import re
from html import unescape

import pytest


def listed_titles(html: str) -> list[str]:
    return [unescape(title) for title in re.findall(r'<li class="document-item">\s*<a class="title"[^>]*>([^<]*)</a>',
                                                    html)]


def test_home_page_shows_collections_years_and_the_latest_documents(library):
    html = library.get("/", query_string={"lang": "kk"}).get_data(as_text=True)
    collections = re.search(r'<section id="collections">(.*?)</section>', html, re.S).group(1)
    assert re.search(r'<a href="/documents\?collection=%D0%93[^"]*">Газеттер</a> <span class="count">2</span>',
                     collections)
    assert "Мұрағаттағы құжаттар: 4" in html
    timeline = re.search(r'<section id="timeline">(.*?)</section>', html, re.S).group(1)
    years = re.findall(r'<a href="/documents\?year_from=(\d+)&amp;year_to=\1"><title>\1: (\d+)</title>', timeline)
    assert years == [("1995", "1"), ("2008", "1"), ("2015", "1")]
    recent = re.search(r'<section id="recent">(.*?)</section>', html, re.S).group(1)
    assert len(re.findall(r'href="/documents/\w+/pages/1"', recent)) == 4
    assert "<code>конститу*</code>" in html  # the syntax help stays


def test_a_collection_lists_its_documents_sorted_and_says_how_many(library):
    html = library.get("/documents", query_string={"collection": "Газеттер", "sort": "newest", "lang": "kk"})
    html = html.get_data(as_text=True)
    assert "Құжаттар саны: 2" in html
    assert listed_titles(html) == ["Егемен Қазақстан", "Күнделік жазбалары"]  # undated last
    by_title = library.get("/documents", query_string={"sort": "title"}).get_data(as_text=True)
    assert listed_titles(by_title) == ["<script>alert(1)</script>", "Егемен Қазақстан", "Күнделік жазбалары",
                                       "Президент жарлығы"]  # escaped, and in the Kazakh order
    years = library.get("/documents", query_string={"year_from": "1990", "year_to": "2010"}).get_data(as_text=True)
    assert set(listed_titles(years)) == {"Президент жарлығы", "Егемен Қазақстан"}


def test_browsing_an_unknown_collection_says_so(library):
    html = unescape(library.get("/documents", query_string={"collection": "nope", "lang": "kk"}).get_data(as_text=True))
    assert "Бұл мұрағатта «nope» жинағы жоқ." in html and "Мұндай құжаттар жоқ." in html


def test_api_documents_pages_filters_and_links(library):
    everything = library.get("/api/documents", query_string={"sort": "oldest"}).get_json()
    assert everything["total"] == 4 and [document["year"] for document in everything["documents"]] == [
        1995, 2008, 2015, None]
    first = everything["documents"][0]
    assert first["links"]["first_page"].endswith(f"/documents/{first['id']}/pages/1")
    assert first["links"]["original"].endswith(f"/documents/{first['id']}/original")
    second_page = library.get("/api/documents", query_string={"sort": "oldest", "limit": 2, "offset": 2}).get_json()
    assert [document["id"] for document in second_page["documents"]] == [
        document["id"] for document in everything["documents"][2:]]
    narrowed = library.get("/api/documents", query_string={"collection": "Газеттер", "year_to": 2010}).get_json()
    assert [document["title"] for document in narrowed["documents"]] == ["Егемен Қазақстан"]
    assert library.get("/api/documents", query_string={"lang": "kk"}).get_json()["total"] == 4
    assert library.get("/api/documents", query_string={"lang": "ru"}).get_json()["total"] == 0


@pytest.mark.parametrize("arguments", [
    {"collection": "nope"}, {"year_from": "2010", "year_to": "2000"}, {"sort": "random"}, {"lang": "xx"},
    {"limit": "0"}, {"offset": "-1"}, {"year_from": "кеше"},
])
def test_api_documents_refuses_bad_arguments_in_the_one_shape(library, arguments):
    response = library.get("/api/documents", query_string=arguments)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error"} and response.get_json()["error"]["status"] == 400


def test_every_page_leads_to_the_documents_and_a_document_to_its_collection(library, library_ids):
    html = library.get(f"/documents/{library_ids['decree_1995.pdf']}/pages/1", query_string={"lang": "kk"})
    html = html.get_data(as_text=True)
    assert '<a class="browse" href="/documents">Құжаттар</a>' in html
    link = unescape(re.search(r'<dd><a href="([^"]+)">Жарлықтар</a></dd>', html).group(1))
    assert listed_titles(library.get(link).get_data(as_text=True)) == ["Президент жарлығы"]
