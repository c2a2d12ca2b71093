"""The JSON API: the command line's search shape, documents, pages, and one error shape."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from webui import create_app

CLI_KEYS = {"document_id", "title", "page", "passage_id", "text", "snippet", "title_marked", "score", "language",
            "copy_count", "copies", "approximate"}
README = Path(__file__).resolve().parents[2] / "README.md"


def test_api_search_has_the_command_line_shape_and_more(client):
    payload = client.get("/api/search", query_string={"q": "құқық", "limit": 3}).get_json()
    assert payload["query"] == "құқық" and payload["total"] == 21
    assert len(payload["results"]) == 3
    assert CLI_KEYS <= set(payload["results"][0])
    assert "<mark>" in payload["results"][0]["snippet"]
    assert isinstance(payload["took_ms"], float)
    assert set(payload["facets"]) == {"collection", "year", "language", "document"}
    assert payload["facets"]["language"] == [{"value": "kk", "count": 21}]
    assert {hit["language"] for hit in payload["results"]} == {"kk"}


def test_api_search_matches_the_command_line(client, run_cli, sample_archive_dir):
    cli = json.loads(run_cli("search", "құқық", "--limit", "5", "--json", "--archive", sample_archive_dir).stdout)
    api = client.get("/api/search", query_string={"q": "құқық", "limit": 5}).get_json()
    assert [{key: hit[key] for key in CLI_KEYS} for hit in api["results"]] == cli["results"]


def test_api_search_filters_sorts_and_pages(library, library_ids):
    newest = library.get("/api/search", query_string={"q": "құқық", "sort": "newest", "limit": 2, "offset": 1}).get_json()
    assert [hit["date"] for hit in newest["results"]] == ["2008-06-12", "2008-06-12"]
    narrowed = library.get("/api/search", query_string={"q": "құқық", "collection": "Газеттер", "year_to": 2010})
    assert [hit["collection"] for hit in narrowed.get_json()["results"]] == ["Газеттер", "Газеттер"]
    one = library.get("/api/search", query_string={"q": "құқық", "document": library_ids["decree_1995.pdf"]})
    assert one.get_json()["facets"]["document"] == [
        {"value": library_ids["decree_1995.pdf"], "title": "Президент жарлығы", "count": 1}]


def test_api_document(library, library_ids, library_dir):
    document = library_ids["decree_1995.pdf"]
    payload = library.get(f"/api/documents/{document}").get_json()
    assert payload["title"] == "Президент жарлығы" and payload["year"] == 1995 and payload["page_count"] == 2
    assert payload["file_names"] == ["decree_1995.pdf"]
    assert payload["links"]["original"].endswith(f"/documents/{document}/original")
    assert "library-files" not in json.dumps(payload), "a server path leaked"


def test_api_page(library, library_ids):
    document = library_ids["newspaper_2008.pdf"]
    payload = library.get(f"/api/documents/{document}/pages/3", query_string={"q": "құқық"}).get_json()
    assert payload["number"] == 3 and payload["page_count"] == 3
    assert "<mark>құқықтарын</mark>" in payload["highlighted"] and payload["marks"] == 1
    assert payload["hit_pages"] == [{"page": 1, "passages": 1}, {"page": 3, "passages": 1}]
    assert payload["previous_hit_page"] == 1 and payload["next_hit_page"] is None
    assert payload["citation"].endswith(f"3-бет. http://127.0.0.1:8080/documents/{document}/pages/3")
    plain = library.get(f"/api/documents/{document}/pages/2").get_json()
    assert "<mark>" not in plain["highlighted"] and plain["hit_pages"] == []


@pytest.mark.parametrize(("url", "status"), [
    ("/api/search?q=", 400),
    ("/api/search?q=құқық&limit=0", 400),
    ("/api/search?q=құқық&limit=abc", 400),
    ("/api/search?q=құқық&offset=-1", 400),
    ("/api/search?q=құқық&offset=995", 400),
    ("/api/search?q=" + "x" * 600, 400),
    ("/api/search?q=құқық&year_from=1995a", 400),
    ("/api/search?q=құқық&sort=title", 400),
    ("/api/documents/nope", 404),
    ("/api/documents/nope/pages/1", 404),
    ("/api/documents/372de5891862daab/pages/99", 404),
    ("/api/nowhere", 404),
])
def test_api_errors_share_one_json_shape(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.get_json() == {"error": {"status": status, "message": response.get_json()["error"]["message"]}}
    assert response.get_json()["error"]["message"]


def test_an_unexpected_failure_is_a_500_in_the_same_shape(sample_archive_dir, monkeypatch):
    app = create_app({"ARCHIVE": str(sample_archive_dir)})
    monkeypatch.setattr(app.extensions["muragat"], "search", lambda *args, **kwargs: 1 / 0)
    client = app.test_client()
    response = client.get("/api/search", query_string={"q": "құқық"})
    assert response.status_code == 500 and response.get_json()["error"]["status"] == 500
    page = client.get("/", query_string={"q": "құқық"})
    assert page.status_code == 500 and "Сервердегі қате" in page.get_data(as_text=True)


def test_every_api_route_is_in_the_readme(app):
    readme = README.read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            documented = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
            assert f"`GET {documented}" in readme, f"{documented} is missing from README.md"
