"""Restricted collections leak through no route and no number.

An archive holds a public collection and a restricted one (and a restricted document inside a public
collection, by its manifest row); the restricted material holds words found nowhere else, shares a year
with public documents and a passage with one of them. The same files' public part alone makes a second
archive: what an anonymous visitor (or a reader without the grant) sees of the first must be what anybody
sees of the second, number for number; a reader with the grant and an archivist see it all.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.cli import main as muragat
from tests.pdfs import write_pdf
from webui import create_app

RESTRICTED_COLLECTION = "Жеке істер"
SHARED = "Азаматтардың құқығы мен бостандықтары заңмен қорғалады."
# file name -> (manifest row, pages of lines); pdf or txt by the name.
PUBLIC = {
    "decree_1995.pdf": ({"title": "Президент жарлығы", "date": "1995-03-01", "collection": "Жарлықтар"},
                        [[SHARED], ["Әр адамның құқығы бар. Жарлық жарияланған күнінен бастап күшіне енеді."]]),
    "newspaper_2008.pdf": ({"title": "Егемен Қазақстан", "date": "2008-06-12", "collection": "Газеттер"},
                           [["Адам құқықтары туралы халықаралық конференция өтті."],
                            ["Конференцияда адам құқықтарын қорғау мәселесі талқыланды."]]),
    "notes.txt": ({"title": "Күнделік", "collection": "Газеттер"}, [["Бұл жазбаларда құқық туралы ой бар."]]),
}
RESTRICTED = {
    "personal_1995.pdf": ({"title": "Тоқтарбековтың жеке ісі", "date": "1995-05-05",
                           "collection": RESTRICTED_COLLECTION},
                          [["Тоқтарбековтың құқығы шектелді. Құпиялылық грифі қойылды."], [SHARED]]),
    "medical_1997.txt": ({"title": "Медициналық карта", "date": "1997", "collection": RESTRICTED_COLLECTION},
                         [["Науқастың диагнозы: қызылша. Құқықтанушының кеңесі берілді."],
                          ["Секретный протокол заседания комиссии."]]),
    # restricted by its own manifest row, in a public collection
    "embargo_2008.pdf": ({"title": "Эмбарго", "date": "2008-01-01", "collection": "Газеттер", "access": "restricted"},
                         [["Мақала Қазақстанның жасырын келісімшарты туралы: келісімшарт 2030 жылға дейін жабық."],
                          ["Эмбарго мерзімі өткен соң жарияланады."]]),
}
# Words of the restricted material alone: as typed, in other forms, in Latin script, on a Russian keyboard,
# misspelt, as prefixes.
SECRET_WORDS = ["Тоқтарбеков", "тоқтарбековтың", "құпиялылық", "грифі", "қызылша", "кызылша", "qyzylsha",
                "құқықтанушы", "құқықтанушының", "секретный", "протокол", "комиссии", "келісімшарт",
                "жасырын", "эмбарго", "Тоқтар*", "келісім*", "құқықтан*", "науқас", "диагнозы", "Тоқтарбекав",
                "қызылщша", "келісімшард", "title:медициналық", "title:эмбарго"]
PUBLIC_WORDS = ["құқық", "құқығы", "адам", "конференция", "жарлық", "бостандықтары", "заңмен", "қорғалады",
                "құқ*", "kukyk", "кукык", "жазбаларда", "конференцыя", "Қазақстан", "туралы", "year:1995",
                "collection:Газеттер", f'collection:"{RESTRICTED_COLLECTION}"', "lang:ru", "lang:kk"]
PASSWORD = "correct horse battery"


def _write(folder: Path, files: dict) -> list[dict]:
    rows = []
    for name, (row, pages) in files.items():
        if name.endswith(".txt"):
            (folder / name).write_text("\f".join("\n".join(lines) for lines in pages), encoding="utf-8")
        else:
            write_pdf(folder / name, pages)
        rows.append({"path": name, **row})
    return rows


def cli(*args: str) -> str:
    result = CliRunner().invoke(muragat, [str(arg) for arg in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _ingest(folder: Path, rows: list[dict], root: Path) -> Path:
    manifest = folder / f"{root.name}.json"
    manifest.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    cli("ingest", *[folder / row["path"] for row in rows], "--metadata", manifest, "--archive", root,
        "--silent", "--workers", "1")
    return root


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, Path]:
    """{"mixed": public and restricted files, "public": the same public files alone}, with users: a reader
    granted the restricted collection, a reader without it, an archivist."""
    folder = tmp_path_factory.mktemp("access-files")
    public_rows, restricted_rows = _write(folder, PUBLIC), _write(folder, RESTRICTED)
    mixed = _ingest(folder, public_rows + restricted_rows, tmp_path_factory.mktemp("mixed") / "archive")
    public = _ingest(folder, public_rows, tmp_path_factory.mktemp("public") / "archive")
    cli("collection", RESTRICTED_COLLECTION, "--access", "restricted", "--archive", mixed)
    for name, role in (("granted", "reader"), ("ungranted", "reader"), ("keeper", "archivist")):
        CliRunner().invoke(muragat, ["user", "add", name, "--role", role, "--password-stdin", "--archive",
                                     str(mixed)], input=PASSWORD + "\n", catch_exceptions=False)
    cli("grant", "granted", RESTRICTED_COLLECTION, "--archive", mixed)
    cli("grant", "granted", "Газеттер", "--archive", mixed)  # the embargoed document is in it
    return {"mixed": mixed, "public": public}


def _app(root: Path):
    return create_app({"ARCHIVE": str(root), "TESTING": True})


@pytest.fixture(scope="module")
def mixed_app(archives):
    return _app(archives["mixed"])


@pytest.fixture(scope="module")
def public_app(archives):
    return _app(archives["public"])


def signed_in(app, name: str | None):
    """A test client signed in as `name` through the sign-in form (anonymous for None)."""
    client = app.test_client()
    if name:
        form = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        response = client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture(scope="module")
def viewers(mixed_app, public_app) -> dict:
    return {"anonymous": signed_in(mixed_app, None), "ungranted": signed_in(mixed_app, "ungranted"),
            "granted": signed_in(mixed_app, "granted"), "keeper": signed_in(mixed_app, "keeper"),
            "public archive": public_app.test_client()}


@pytest.fixture(scope="module")
def ids(viewers) -> dict[str, str]:
    """Document id by file name (as the archivist sees them all)."""
    found = {}
    for document in viewers["keeper"].get("/api/documents", query_string={"limit": 100}).get_json()["documents"]:
        found[document["file_names"][0]] = document["id"]
    assert len(found) == len(PUBLIC) + len(RESTRICTED)
    return found


def _search(client, query: str, **arguments) -> dict:
    response = client.get("/api/search", query_string={"q": query, "limit": 100, **arguments})
    return {"status": response.status_code, **(response.get_json() or {})}


def _comparable(payload: dict) -> dict:
    """What must agree between two archives: every count and every passage found, not the scores (BM25's
    statistics are those of the whole index) nor the time taken."""
    if payload["status"] != 200:
        return payload
    return {"total": payload["total"], "facets": payload["facets"], "suggestion": payload["suggestion"],
            "hits": sorted((hit["passage_id"], hit["page"], hit["snippet"], hit["copy_count"],
                            tuple(map(str, hit["copies"]))) for hit in payload["results"])}


# The restricted material, seen by who may see it and by who may not

@pytest.mark.parametrize("query", SECRET_WORDS)
def test_words_of_restricted_material_are_found_only_by_who_may_see_it(viewers, query):
    for name in ("anonymous", "ungranted"):
        found = _search(viewers[name], query)
        assert found["status"] == 200 and found["total"] == 0 and found["results"] == [], (name, query)
        assert not any(found["facets"].values()), (name, query)
        assert found["suggestion"] is None or _search(viewers["public archive"], query)["suggestion"] == \
            found["suggestion"], (name, query)
    for name in ("granted", "keeper"):
        found = _search(viewers[name], query)
        assert found["total"] > 0 or found["suggestion"], (name, query)


def test_an_anonymous_count_is_that_of_an_archive_without_the_restricted_material(viewers):
    for query in PUBLIC_WORDS + SECRET_WORDS:
        expected = _comparable(_search(viewers["public archive"], query))
        for name in ("anonymous", "ungranted"):
            assert _comparable(_search(viewers[name], query)) == expected, (name, query)


QUERY_WORDS = st.sampled_from(PUBLIC_WORDS + SECRET_WORDS)
QUERIES = st.builds(lambda words, joiner, quoted: (f'"{" ".join(words)}"' if quoted else joiner.join(words)),
                    st.lists(QUERY_WORDS, min_size=1, max_size=4), st.sampled_from([" ", " OR ", " -", " AND "]),
                    st.booleans())
ARGUMENTS = st.fixed_dictionaries({}, optional={
    "sort": st.sampled_from(["relevance", "newest", "oldest"]), "collection": st.sampled_from(
        ["Газеттер", "Жарлықтар", RESTRICTED_COLLECTION]),
    "year_from": st.sampled_from(["1995", "1997", "2008"]), "lang": st.sampled_from(["kk", "ru"])})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES, arguments=ARGUMENTS)
def test_any_query_counts_for_anonymous_what_the_public_archive_counts(viewers, query, arguments):
    expected = _comparable(_search(viewers["public archive"], query, **arguments))
    assert _comparable(_search(viewers["anonymous"], query, **arguments)) == expected
    assert _comparable(_search(viewers["ungranted"], query, **arguments)) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_a_granted_reader_and_an_archivist_find_at_least_what_anonymous_does(viewers, query):
    anonymous = _search(viewers["anonymous"], query)
    for name in ("granted", "keeper"):
        seen = _search(viewers[name], query)
        assert seen["status"] == anonymous["status"]
        if seen["status"] == 200:
            assert seen["total"] >= anonymous["total"]
            assert _places(anonymous) <= _places(seen)


def _places(found: dict) -> set[tuple[str, int]]:
    """The pages a search's passages stand on, their copies' too (which of two copies is listed depends on
    what else is seen)."""
    return {place for hit in found["results"]
            for place in [(hit["document_id"], hit["page"])] + [(c["document_id"], c["page"]) for c in hit["copies"]]}


def test_a_passage_copied_into_restricted_material_names_no_copy_to_anonymous(viewers, ids):
    for name, copies in (("anonymous", 0), ("keeper", 1)):
        hits = _search(viewers[name], f'"{SHARED}"')["results"]
        assert [hit["copy_count"] for hit in hits] == [copies], name
        assert all(ids["personal_1995.pdf"] not in json.dumps(hit) for hit in hits) or name == "keeper"


def test_the_restricted_collection_is_no_collection_to_anonymous(viewers):
    for name in ("anonymous", "ungranted"):
        refused = viewers[name].get("/api/search", query_string={"q": "құқық", "collection": RESTRICTED_COLLECTION})
        missing = viewers[name].get("/api/search", query_string={"q": "құқық", "collection": "Жоқ жинақ"})
        assert refused.status_code == missing.status_code == 400
        assert refused.get_json()["error"]["message"] == missing.get_json()["error"]["message"].replace(
            "Жоқ жинақ", RESTRICTED_COLLECTION)
        listing = viewers[name].get("/api/documents", query_string={"collection": RESTRICTED_COLLECTION})
        assert listing.status_code == 400
    assert viewers["granted"].get("/api/documents", query_string={"collection": RESTRICTED_COLLECTION}
                                  ).get_json()["total"] == 2


# Every route

def _routes(ids: dict[str, str], document: str) -> list[str]:
    """Every route of the app that shows a document, its pages, its original or its citation."""
    return [f"/documents/{document}", f"/documents/{document}/pages/1", f"/documents/{document}/pages/2",
            f"/documents/{document}/original", f"/documents/{document}/pages/1/citation.bib",
            f"/documents/{document}/pages/1/citation.ris", f"/api/documents/{document}",
            f"/api/documents/{document}/pages/1", f"/?q=құқық&document={document}",
            f"/api/search?q=құқық&document={document}", f"/export.csv?q=құқық&document={document}"]


def test_every_route_is_covered(mixed_app):
    """A new route must be added to the routes these tests request."""
    covered = {"/", "/export.csv", "/documents", "/documents/<document_id>",
               "/documents/<document_id>/pages/<page:number>",
               "/documents/<document_id>/pages/<page:number>/citation.<any(bib, ris):kind>",
               "/documents/<document_id>/original", "/api/search", "/api/documents", "/api/documents/<document_id>",
               "/api/documents/<document_id>/pages/<page:number>", "/login", "/logout", "/static/<path:filename>"}
    assert {rule.rule for rule in mixed_app.url_map.iter_rules()} == covered


@pytest.mark.parametrize("document", ["personal_1995.pdf", "medical_1997.txt", "embargo_2008.pdf"])
def test_a_restricted_document_answers_as_a_missing_one_to_who_may_not_see_it(viewers, ids, document):
    hidden, missing = ids[document], "0123456789abcdef"
    for name in ("anonymous", "ungranted"):
        for hidden_route, missing_route in zip(_routes(ids, hidden), _routes(ids, missing)):
            answer, absent = viewers[name].get(hidden_route), viewers[name].get(missing_route)
            assert answer.status_code == absent.status_code, (name, hidden_route)
            assert answer.get_data(as_text=True).replace(quote(hidden), missing).replace(hidden, missing) == \
                absent.get_data(as_text=True), (name, hidden_route)
    for name in ("granted", "keeper"):
        for route in _routes(ids, hidden):
            assert viewers[name].get(route).status_code in (200, 302), (name, route)


def test_pages_listings_and_exports_show_nothing_restricted(viewers, ids):
    """Every HTML page, JSON answer and export, as anonymous: no restricted title, word, id or collection."""
    secrets = [ids[name] for name in RESTRICTED] + [row["title"] for row, _ in RESTRICTED.values()] + \
        ["Тоқтарбеков", "қызылша", "Секретный", "келісімшарт", RESTRICTED_COLLECTION, "1997"]
    routes = ["/", "/?q=құқық", "/?q=құқ*", "/?q=Тоқтарбекав", "/?q=qyzylsha", "/documents",
              "/documents?sort=added", "/documents?year_from=1990&year_to=2000", "/documents?language=ru",
              "/export.csv?q=құқық", "/export.csv?q=құқ*&sort=newest", "/api/documents?limit=100",
              "/api/documents?lang=ru", "/api/search?q=құқық&limit=100", "/api/search?q=туралы&limit=100",
              *[f"/documents/{ids[name]}/pages/1?q=құқық" for name in PUBLIC],
              *[f"/api/documents/{ids[name]}/pages/1?q=құқық" for name in PUBLIC]]
    for name in ("anonymous", "ungranted"):
        for route in routes:
            response = viewers[name].get(route)
            assert response.status_code == 200, (name, route)
            body = response.get_data(as_text=True)
            assert not [secret for secret in secrets if secret in body], (name, route)
    keeper = viewers["keeper"].get("/").get_data(as_text=True)
    assert RESTRICTED_COLLECTION in keeper and "1997" in keeper


def test_home_page_listings_and_timeline_count_as_the_public_archive(viewers):
    for route in ("/api/documents?limit=100", "/api/documents?collection=Газеттер",
                  "/api/documents?year_from=1995&year_to=1995", "/api/documents?lang=ru"):
        expected = viewers["public archive"].get(route).get_json()
        seen = viewers["anonymous"].get(route).get_json()
        assert seen["total"] == expected["total"], route
        assert [d["id"] for d in seen["documents"]] == [d["id"] for d in expected["documents"]], route
    expected_home = viewers["public archive"].get("/").get_data(as_text=True)
    assert _numbers(viewers["anonymous"].get("/").get_data(as_text=True)) == _numbers(expected_home)


def _numbers(html: str) -> list[str]:
    """The figures of a page (counts, years), in order, without its dates added."""
    return re.findall(r"(?<![\w-])\d+(?![\w-])", re.sub(r"\d{4}-\d\d-\d\dT[\d:+]+", "", html))


def test_who_may_see_the_restricted_material_sees_it_all(viewers, ids):
    for name in ("granted", "keeper"):
        assert viewers[name].get("/api/documents", query_string={"limit": 100}).get_json()["total"] == 6
        page = viewers[name].get(f"/api/documents/{ids['personal_1995.pdf']}/pages/1",
                                 query_string={"q": "Тоқтарбеков"}).get_json()
        assert page["marks"] == 1 and "Құпиялылық" in page["text"]
        original = viewers[name].get(f"/documents/{ids['medical_1997.txt']}/original")
        assert original.status_code == 200 and "қызылша" in original.get_data(as_text=True)
        assert original.headers["Cache-Control"] == "private, no-store"
        found = _search(viewers[name], "Тоқтарбекав")
        assert found["suggestion"] and found["suggestion"].lower().startswith("тоқтарбеков")
        assert _search(viewers[name], "qyzylsha")["total"] == 1


def test_a_reader_sees_only_the_collections_granted(mixed_app, archives, ids):
    """The embargoed document, restricted on its own in a public collection, is seen with that collection's
    grant; the restricted collection's, with its own."""
    cli("revoke", "granted", RESTRICTED_COLLECTION, "--archive", archives["mixed"])
    try:
        reader = signed_in(mixed_app, "granted")
        assert reader.get(f"/api/documents/{ids['embargo_2008.pdf']}").status_code == 200
        assert reader.get(f"/api/documents/{ids['personal_1995.pdf']}").status_code == 404
    finally:
        cli("grant", "granted", RESTRICTED_COLLECTION, "--archive", archives["mixed"])


def test_views_of_restricted_material_are_audited(viewers, ids, archives):
    viewers["granted"].get(f"/documents/{ids['medical_1997.txt']}/pages/2")
    viewers["keeper"].get(f"/documents/{ids['medical_1997.txt']}/original")
    viewers["granted"].get(f"/documents/{ids['decree_1995.pdf']}/pages/1")  # public: not audited
    entries = json.loads(cli("audit", "--json", "--document", ids["medical_1997.txt"], "--archive",
                             archives["mixed"]))["audit"]
    assert [(entry["user"], entry["what"], entry["page"]) for entry in entries[:2]] == [
        ("keeper", "original", None), ("granted", "page", 2)]
    assert not json.loads(cli("audit", "--json", "--document", ids["decree_1995.pdf"], "--archive",
                              archives["mixed"]))["audit"]
    printed = cli("audit", "--user", "keeper", "--archive", archives["mixed"])
    assert f"keeper\toriginal\t{ids['medical_1997.txt']}" in printed


def test_a_restricted_view_the_server_cannot_record_is_refused_without_the_servers_path(viewers, ids, archives,
                                                                                       monkeypatch):
    """A read-only archive (a mounted snapshot) served with restricted material: nothing restricted is shown
    unrecorded, and the refusal names no path on the server."""
    from archive.catalog import Catalog
    from archive.errors import cannot_write

    def read_only(self, *_args):
        raise cannot_write(archives["mixed"] / "catalog.sqlite", "attempt to write a readonly database")

    monkeypatch.setattr(Catalog, "record_view", read_only)
    response = viewers["keeper"].get(f"/api/documents/{ids['medical_1997.txt']}")
    assert response.status_code == 503 and "cannot write the catalog" in response.get_json()["error"]["message"]
    assert str(archives["mixed"]) not in response.get_data(as_text=True)
    page = viewers["keeper"].get(f"/documents/{ids['medical_1997.txt']}/pages/1").get_data(as_text=True)
    assert "журналға жазылады" in page and str(archives["mixed"]) not in page
    assert viewers["keeper"].get(f"/documents/{ids['decree_1995.pdf']}/pages/1").status_code == 200  # public


def test_a_public_page_is_marked_and_counted_as_in_the_public_archive(viewers, ids):
    """The words a prefix or a typed variant stands for are chosen among the passages the viewer may see: a
    restricted word never displaces a public one in a page's marks or its pages with hits."""
    for query in PUBLIC_WORDS + SECRET_WORDS + ["құқ* Тоқтар*", "кукык кызылша"]:
        for name in PUBLIC:
            route = f"/api/documents/{ids[name]}/pages/1"
            expected = viewers["public archive"].get(route, query_string={"q": query}).get_json()
            seen = viewers["anonymous"].get(route, query_string={"q": query}).get_json()
            assert {key: seen.get(key) for key in ("highlighted", "marks", "hit_pages", "error")} == \
                {key: expected.get(key) for key in ("highlighted", "marks", "hit_pages", "error")}, (query, name)


def test_who_may_see_a_restricted_document_is_told_it_is_restricted(viewers, ids):
    hidden, public = ids["personal_1995.pdf"], next(ids[name] for name in PUBLIC)
    for name in ("granted", "keeper"):
        assert viewers[name].get(f"/api/documents/{hidden}").get_json()["access"] == "restricted"
        assert viewers[name].get(f"/api/documents/{public}").get_json()["access"] == "public"
        page = viewers[name].get(f"/documents/{hidden}/pages/1").get_data(as_text=True)
        assert 'class="restricted"' in page and "шектеулі" in page
    assert 'class="restricted"' not in viewers["keeper"].get(f"/documents/{public}/pages/1").get_data(as_text=True)


# Thresholds: a prefix standing for too many words

def _many_words(beginning: str, count: int) -> list[str]:
    letters = "абвгдежзиклмнопрстуф"
    return [beginning + a + b + c for a in letters for b in letters for c in letters][:count]


@pytest.fixture(scope="module")
def broad_prefix_archive(tmp_path_factory) -> Path:
    """A public document with a few words beginning «зыр», a restricted one with more than the search takes
    a prefix for (500)."""
    folder = tmp_path_factory.mktemp("prefix-files")
    rows = _write(folder, {
        "public.txt": ({"title": "Ашық", "collection": "Ашық"}, [[" ".join(_many_words("зыр", 3)) + "."]]),
        "restricted.txt": ({"title": "Жабық", "collection": "Жабық", "access": "restricted"},
                           [[" ".join(_many_words("зыр", 520)) + "."]]),
    })
    root = _ingest(folder, rows, tmp_path_factory.mktemp("prefix") / "archive")
    CliRunner().invoke(muragat, ["user", "add", "keeper", "--role", "archivist", "--password-stdin", "--archive",
                                 str(root)], input=PASSWORD + "\n", catch_exceptions=False)
    return root


@pytest.mark.parametrize("route", ["/api/search?q=зыр*", "/api/search?q=зыр* ашық", "/?q=зыр*"])
def test_a_prefix_is_refused_as_too_broad_only_for_the_words_the_viewer_may_see(broad_prefix_archive, route):
    app = _app(broad_prefix_archive)
    anonymous = app.test_client().get(route)
    assert anonymous.status_code == 200, anonymous.get_data(as_text=True)
    if route.startswith("/api/"):
        assert anonymous.get_json()["total"] == 1
    assert signed_in(app, "keeper").get(route).status_code == 400  # 523 words: type more letters


def test_a_page_marked_with_a_broad_prefix_answers_as_for_its_words_alone(broad_prefix_archive):
    app = _app(broad_prefix_archive)
    public_id = app.test_client().get("/api/documents").get_json()["documents"][0]["id"]
    page = app.test_client().get(f"/api/documents/{public_id}/pages/1", query_string={"q": "зыр*"})
    assert page.status_code == 200 and page.get_json()["marks"] == 3


def test_an_export_holding_restricted_passages_is_audited(viewers, ids, archives):
    def exports() -> list[str]:
        entries = json.loads(cli("audit", "--json", "--user", "granted", "--archive", archives["mixed"]))["audit"]
        return [entry["document_id"] for entry in entries if entry["what"] == "export"]

    before = exports()
    exported = viewers["granted"].get("/export.csv", query_string={"q": "қызылша"})
    assert exported.status_code == 200 and "қызылша" in exported.get_data(as_text=True)
    assert exports() == [ids["medical_1997.txt"], *before]
    viewers["granted"].get("/export.csv", query_string={"q": "конференция"})  # public passages: not audited
    assert exports() == [ids["medical_1997.txt"], *before]
