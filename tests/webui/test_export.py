"""Taking results away: a query's passages as CSV, a page's citation as BibTeX and RIS."""
from __future__ import annotations

import csv
import io
import re
from html import unescape

from webui import create_app


def csv_rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_search_page_exports_its_results_as_csv_with_the_filters_kept(library):
    html = library.get("/", query_string={"q": "құқық", "collection": "Газеттер", "lang": "kk"}).get_data(as_text=True)
    link = unescape(re.search(r'<a class="export" href="([^"]+)" download>CSV ретінде сақтау</a>', html).group(1))
    response = library.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["title", "author", "date", "collection", "language", "page", "passage", "link"]
    assert {row[4] for row in rows[1:]} == {"kk"}  # each passage's language (kk, ru, other)
    assert len(rows) == 1 + 3 and {row[3] for row in rows[1:]} == {"Газеттер"}  # every passage the filter lets through
    newspaper = [row for row in rows[1:] if row[0] == "Егемен Қазақстан"]
    assert {row[1] for row in newspaper} == {"Редакция"} and {row[2] for row in newspaper} == {"2008-06-12"}
    assert all(re.fullmatch(r"http://127\.0\.0\.1:8080/documents/\w+/pages/\d+\?q=[^#]+#passage-[\w-]+", row[7])
               for row in rows[1:])


def test_csv_lists_every_passage_not_two_a_document(client):
    rows = csv_rows(client.get("/export.csv", query_string={"q": "құқық"}))
    assert len(rows) == 1 + 21


def test_csv_without_a_query_is_refused(client):
    assert client.get("/export.csv").status_code == 400


def test_each_page_offers_its_citation_as_bibtex_and_ris(sample_archive_dir):
    client = create_app({"ARCHIVE": str(sample_archive_dir), "BASE_URL": "https://archive.example.kz"}).test_client()
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    page_url = f"/documents/{hit['document_id']}/pages/2"
    html = client.get(page_url).get_data(as_text=True)
    bib = client.get(re.search(r'<a href="([^"]+\.bib)">BibTeX</a>', html).group(1))
    assert bib.status_code == 200 and bib.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    entry = bib.get_data(as_text=True)
    assert entry.startswith(f"@misc{{muragat-{hit['document_id']}-p2,")
    assert "title = {Демократия жөніндегі алғашқы әлемдік форум}" in entry and "author = {Игорь Рогов}" in entry
    assert f"url = {{https://archive.example.kz{page_url}}}" in entry
    ris = client.get(re.search(r'<a href="([^"]+\.ris)">RIS</a>', html).group(1))
    assert ris.headers["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert f"UR  - https://archive.example.kz{page_url}\r\n" in ris.get_data(as_text=True)
    links = client.get(f"/api/documents/{hit['document_id']}/pages/2").get_json()["links"]
    assert links["bibtex"] == f"https://archive.example.kz{page_url}/citation.bib"
    assert client.get(f"{page_url.replace('/2', '/99')}/citation.bib").status_code == 404
