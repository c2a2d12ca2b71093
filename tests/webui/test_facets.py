"""Facet counts on an archive whose documents share passages: each count is what its link lists."""
from __future__ import annotations

import re
from html import unescape

import pytest

from tests.webui.test_search import results_of

FACET_ARGUMENTS = {"collection": "collection", "year": "year_from", "language": "language", "document": "document"}


def total_listed(html: str) -> int:
    found = re.search(r"Табылған үзінділер: (\d+)", html)
    return int(found.group(1)) if found else 0


def facet_links(html: str) -> list[tuple[str, int]]:
    """(link, count) of every value in every facet of a results page."""
    links = []
    for facet in re.findall(r'<section class="facet" id="facet-\w+">(.*?)</section>', html, re.S):
        links += [(unescape(href), int(count)) for href, count
                  in re.findall(r'<li><a href="([^"]+)">[^<]*</a> <span class="count">(\d+)</span>', facet)]
    return links


@pytest.mark.parametrize("arguments", [
    {"q": "құқығы"},
    {"q": "құқығы", "collection": "laws", "year_from": "1995", "year_to": "2010", "sort": "newest"},
    {"q": "құқығы", "sort": "oldest"},
])
def test_every_facet_count_is_what_its_link_lists(copies, arguments):
    html = copies.get("/", query_string=arguments).get_data(as_text=True)
    links = facet_links(html)
    assert len(links) >= 5
    for link, count in links:
        assert total_listed(copies.get(link).get_data(as_text=True)) == count, link


def test_a_listed_document_is_in_the_document_facet(copies):
    html = copies.get("/", query_string={"q": "құқығы", "collection": "laws", "year_from": "1995",
                                         "year_to": "2010", "sort": "newest"}).get_data(as_text=True)
    facet = re.search(r'id="facet-document">(.*?)</section>', html, re.S).group(1)
    listed = {result["title"] for result in results_of(html)}
    assert "Заң, 2007 жылғы басылым" in listed
    assert listed <= {unescape(title) for title in re.findall(r'">([^<]+)</a> <span class="count">', facet)}
    year_facet = re.search(r'id="facet-year">(.*?)</section>', html, re.S).group(1)
    assert re.search(r'>2007</a> <span class="count">3</span>', year_facet)


def test_api_facet_counts_are_the_totals_of_the_narrowed_searches(copies):
    payload = copies.get("/api/search", query_string={"q": "құқығы"}).get_json()
    assert payload["total"] == 4  # the law's two passages, the amendment, the newspaper's own article
    for facet, argument in FACET_ARGUMENTS.items():
        for item in payload["facets"][facet]:
            narrowed = copies.get("/api/search", query_string={
                "q": "құқығы", argument: item["value"], **({"year_to": item["value"]} if facet == "year" else {})})
            assert narrowed.get_json()["total"] == item["count"], (facet, item)


def test_a_passage_shown_once_names_and_links_the_other_documents_holding_it(copies):
    payload = copies.get("/api/search", query_string={"q": "бостандығы", "limit": 10}).get_json()
    assert payload["total"] == 1
    hit = payload["results"][0]
    assert hit["copy_count"] == len(hit["copies"]) == 2 and all(copy["page"] == 1 for copy in hit["copies"])
    html = copies.get("/", query_string={"q": "бостандығы"}).get_data(as_text=True)
    also = re.search(r'<p class="copies">(.*?)</p>', html, re.S).group(1)
    assert "Осы үзінді басқа құжаттарда да бар (2)" in also
    titles = {"Заң 1995", "Заң, 2007 жылғы басылым", "Газет 2008"} - {hit["title"]}
    for copy in hit["copies"]:
        assert f'href="/documents/{copy["document_id"]}/pages/1?q=' in also
    assert {unescape(title) for title in re.findall(r'">([^<]+), 1-бет</a>', also)} == titles
