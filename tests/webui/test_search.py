"""The search page through Flask's test client, on real archives."""
from __future__ import annotations

import re
import shutil
from html import unescape

import pytest

import index.whoosh_engine.search
from index.whoosh_engine.writer import VERSION_FILE
from webui import create_app


def results_of(html: str) -> list[dict]:
    """Each result as a reader sees it: title, meta line (page · date · collection · language), snippet."""
    found = []
    for block in re.findall(r'<li class="result">(.*?)</li>', html, re.S):
        found.append({
            "title": unescape(re.sub(r"<[^>]+>", "", re.search(r'class="title"[^>]*>(.*?)</a>', block, re.S).group(1))),
            "title_html": re.search(r'class="title"[^>]*>(.*?)</a>', block, re.S).group(1),
            "meta": " ".join(unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="meta">(.*?)</p>', block, re.S)
                                                    .group(1))).split()),
            "snippet": re.search(r'<p class="snippet">(.*?)</p>', block, re.S).group(1),
        })
    return found


def test_search_page_in_kazakh_with_marked_snippets_and_page_links(client):
    response = client.get("/", query_string={"q": "құқық"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="kk">' in html and "Табылған үзінділер: 21" in html
    assert re.search(r'<span class="took">\d+ мс</span>', html)  # a fast query: never "0.00 с"
    assert "<mark>құқық" in html
    assert re.search(r'href="/documents/\w+/pages/\d+\?q=[^"]+#passage-[\w-]+"', html)
    assert re.search(r'href="/documents/\w+/original#page=\d+"', html)
    assert "Content-Security-Policy" in response.headers


def test_each_result_shows_title_page_date_collection_and_language(library):
    results = results_of(library.get("/", query_string={"q": "жарлық"}).get_data(as_text=True))
    assert results[0]["title"] == "Президент жарлығы"
    assert results[0]["meta"].split(" · ") == ["2-бет", "1995-03-01", "Жарлықтар", "Қазақша"]


def test_home_page_explains_the_syntax(client):
    html = client.get("/").get_data(as_text=True)
    for example in ("=құқығы", "конститу*", "құқық -экстремизм", "title:форум", "year:2001..2010", "lang:ru"):
        assert f"<code>{example}</code>" in html


def test_the_home_pages_exclusion_example_does_what_it_says(client):
    found = client.get("/api/search", query_string={"q": "құқық -экстремизм", "limit": 50}).get_json()
    assert found["total"] > 0 and not any("экстремизм" in hit["text"].lower() for hit in found["results"])
    refused = client.get("/", query_string={"q": "-экстремизм"})
    assert refused.status_code == 400 and "алып тасталатын сөздер" in refused.get_data(as_text=True)


def test_nothing_found_says_why_and_what_to_try(client):
    html = client.get("/", query_string={"q": "қырыққабат"}).get_data(as_text=True)
    assert "«қырыққабат» бойынша ештеңе табылмады" in html
    assert "конститу*" in html  # the syntax help, with the prefix search to try


def test_nothing_found_under_filters_offers_to_drop_them(library):
    html = library.get("/", query_string={"q": "жарлық", "collection": "Газеттер"}).get_data(as_text=True)
    assert "ештеңе табылмады" in html and "Сүзгілер іздеуді тарылтып тұр" in html
    assert 'href="/?q=%D0%B6%D0%B0%D1%80%D0%BB%D1%8B%D2%9B">Барлық сүзгіні алып тастау' in html
    typed = library.get("/", query_string={"q": "жарлық year:1800..1801"}).get_data(as_text=True)
    assert "ештеңе табылмады" in typed and "Сүзгілер іздеуді тарылтып тұр" in typed
    assert 'href="/?q=%D0%B6%D0%B0%D1%80%D0%BB%D1%8B%D2%9B">Барлық сүзгіні алып тастау' in typed
    assert "Сүзгілер іздеуді тарылтып тұр" not in library.get("/", query_string={"q": "абырвалгзз"}).get_data(
        as_text=True)


def test_results_are_paged(library):
    first = library.get("/", query_string={"q": "құқық"}).get_data(as_text=True)
    assert "Табылған үзінділер: 5" in first and "1 / 3 бет" in first
    assert len(results_of(first)) == 2
    next_link = unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    second = library.get(next_link).get_data(as_text=True)
    assert 'start="3"' in second and "2 / 3 бет" in second
    assert not {r["snippet"] for r in results_of(first)} & {r["snippet"] for r in results_of(second)}


def test_a_page_past_the_last_says_so_and_links_to_the_last(library):
    html = library.get("/", query_string={"q": "құқық", "page": 7}).get_data(as_text=True)
    assert not results_of(html) and "Бұл бет нәтижелерден тыс: олар 3 бетке сыяды." in html
    last = unescape(re.search(r'past-last-page">[^<]*<a href="([^"]+)"', html).group(1))
    assert len(results_of(library.get(last).get_data(as_text=True))) == 1  # 5 passages, 2 a page


def test_collection_facet_counts_and_narrows(library):
    html = library.get("/", query_string={"q": "құқық"}).get_data(as_text=True)
    facet = re.search(r'id="facet-collection">(.*?)</section>', html, re.S).group(1)
    assert re.search(r'>Газеттер</a> <span class="count">3</span>', facet)
    link = unescape(re.search(r'href="([^"]+)">Газеттер</a>', facet).group(1))
    narrowed = library.get(link.replace("&page=", "&x=")).get_data(as_text=True)
    assert "Табылған үзінділер: 3" in narrowed
    assert {tuple(r["meta"].split(" · ")[-2:]) for r in results_of(narrowed)} == {("Газеттер", "Қазақша")}
    assert "Жинақ: Газеттер" in narrowed  # the active filter, with a link that removes it
    # the facet still counts every collection: the reader can switch to another without removing the filter
    narrowed_facet = re.search(r'id="facet-collection">(.*?)</section>', narrowed, re.S).group(1)
    everywhere = re.findall(r'>([^<>]+)</a> <span class="count">(\d+)</span>', facet)
    assert re.findall(r'>([^<>]+)</a> <span class="count">(\d+)</span>', narrowed_facet) == everywhere
    assert len(everywhere) > 1
    assert re.findall(r'class="chosen" aria-current="true">([^<]+)</a>', narrowed_facet) == ["Газеттер"]


def test_a_collection_named_in_other_capitals_is_that_collection(library):
    chosen = library.get("/api/search", query_string={"q": "құқық", "collection": "газеттер"}).get_json()
    typed = library.get("/api/search", query_string={"q": "құқық collection:ГАЗЕТТЕР"}).get_json()
    assert chosen["total"] == typed["total"] == 3 and typed["query"] == "құқық collection:ГАЗЕТТЕР"
    assert {hit["collection"] for hit in chosen["results"]} == {"Газеттер"}


def test_a_collection_typed_in_the_query_is_replaced_by_the_facets_choice(library):
    html = library.get("/", query_string={"q": "құқық collection:Газеттер"}).get_data(as_text=True)
    facet = re.search(r'id="facet-collection">(.*?)</section>', html, re.S).group(1)
    other = next(name for name in re.findall(r'>([^<>]+)</a> <span class="count">', facet) if name != "Газеттер")
    link = unescape(re.search(rf'href="([^"]+)">{re.escape(other)}</a>', facet).group(1))
    assert "collection%3A" not in link and "collection:" not in link
    switched = library.get(link).get_data(as_text=True)
    assert {r["meta"].split(" · ")[-2] for r in results_of(switched)} == {unescape(other)}


def test_year_range_and_year_facet(library):
    html = library.get("/", query_string={"q": "құқық"}).get_data(as_text=True)
    facet = re.search(r'id="facet-year">(.*?)</section>', html, re.S).group(1)
    assert re.search(r'>1995</a> <span class="count">1</span>', facet)
    assert re.search(r'>2008</a> <span class="count">2</span>', facet)
    since_2000 = library.get("/", query_string={"q": "құқық", "year_from": "2000", "year_to": "2010"})
    assert "Табылған үзінділер: 2" in since_2000.get_data(as_text=True)


def test_document_filter(library, library_ids):
    html = library.get("/", query_string={"q": "құқық", "document": library_ids["newspaper_2008.pdf"]}).get_data(
        as_text=True)
    assert "Табылған үзінділер: 2" in html
    assert {r["title"] for r in results_of(html)} == {"Егемен Қазақстан"}


@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", ["2015", "2008-06-12", "2008-06-12", "1995-03-01", None]),
    ("oldest", ["1995-03-01", "2008-06-12", "2008-06-12", "2015", None]),
])
def test_sort_by_date_puts_undated_documents_last(library_dir, sort, expected):
    from webui import create_app

    client = create_app({"ARCHIVE": str(library_dir), "RESULTS_PER_PAGE": 10}).test_client()
    html = client.get("/", query_string={"q": "құқық", "sort": sort}).get_data(as_text=True)
    dates = [(r["meta"].split(" · ") + [None])[1] for r in results_of(html)]
    assert [None if date in ("Газеттер",) else date for date in dates] == expected


def test_relevance_is_the_default_sort_and_can_be_chosen_back(library):
    html = library.get("/", query_string={"q": "құқық", "sort": "newest"}).get_data(as_text=True)
    assert "<strong>Алдымен жаңалары</strong>" in html
    assert re.search(r'href="[^"]*sort=relevance[^"]*">Сәйкестігі бойынша</a>', html)


@pytest.mark.parametrize("query", ['title:(', '"адам құқықтары', "(((", "AND OR NOT", "Абай қай жылы туған?",
                                   "құқық:", "=", "-", "year:", "collection:"])
def test_odd_syntax_never_fails(client, query):
    assert client.get("/", query_string={"q": query}).status_code == 200


def test_leading_wildcard_is_explained(client):
    html = client.get("/", query_string={"q": "*құқық"}).get_data(as_text=True)
    assert "Сөздің басындағы * қолданылмайды" in html


def test_a_prefix_searched_as_its_commonest_words_says_so(client):
    html = unescape(client.get("/", query_string={"q": "құқ*"}).get_data(as_text=True))
    notice = re.search(r'<p class="notice narrowed-prefix">(.*?)</p>', html, re.S)
    assert notice and "«құқ*» деп басталатын сөз көп: олардың ең жиі кездесетін 8 сөзі ғана ізделді (" in notice.group(1)
    assert "құқықтары" in notice.group(1)
    html = client.get("/", query_string={"q": "құқықтарын*"}).get_data(as_text=True)
    assert "narrowed-prefix" not in html


@pytest.mark.parametrize(("query_string", "says"), [
    ({"q": "ә" * 501}, "Сұрау тым ұзын (501 таңба): 500 таңбадан аспасын."),
    ({"q": " OR ".join(f"сөз{n}" for n in range(40))}, "32 не одан аз болсын"),
    ({"q": "құқық", "year_from": "кеше"}, "Жыл 1995 сияқты сан болуы керек, «кеше» емес."),
    ({"q": "құқық", "sort": "random"}, "Мұндай сұрыптау жоқ: relevance, newest, oldest ғана бар."),
    ({"q": "құқық", "page": "400"}, "Алғашқы 1000 нәтижені ғана парақтауға болады"),
    ({"q": "a*"}, "«a*» тым қысқа: * алдында кемінде 2 әріп жазыңыз."),
])
def test_queries_refused_with_a_clear_message_and_the_query_kept(client, query_string, says):
    response = client.get("/", query_string=query_string)
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Бұл сұрауды орындау мүмкін болмады" in html and says in html
    assert f'name="q" value="{query_string["q"]}"' in html


def test_a_prefix_standing_for_too_many_words_is_refused(client, monkeypatch):
    monkeypatch.setattr(index.whoosh_engine.search, "MAX_PREFIX_TERMS", 3)
    response = client.get("/", query_string={"q": "құқ*"})
    assert response.status_code == 400
    assert "«құқ*» 3 түрлі сөзден көбіне сәйкес келеді" in unescape(response.get_data(as_text=True))
    assert client.get("/", query_string={"q": "Страсбур*"}).status_code == 200


def test_one_searcher_per_request(app, client):
    backend = app.extensions["muragat"].backend
    backend.index  # noqa: B018 - opens the index and its searcher cache
    taken = []
    original_get = backend._searchers.get
    backend._searchers.get = lambda: taken.append(1) or original_get()
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    assert len(taken) == 1
    client.get(f"/documents/{hit['document_id']}/pages/{hit['page']}", query_string={"q": "Страсбург"})
    assert len(taken) == 2  # search + facets in one request; highlighting + matching pages in the other


def test_a_misspelt_word_gets_a_did_you_mean_link(client):
    html = client.get("/", query_string={"q": "Страсбурд"}).get_data(as_text=True)
    assert "Мүмкін, сіз мынаны іздедіңіз" in html
    link = re.search(r'class="suggestion">[^<]*<a href="([^"]+)">([^<]+)</a>', html)
    assert link and link.group(2) == "Страсбург"  # as typed, capitalised
    assert "<mark>" in client.get(unescape(link.group(1))).get_data(as_text=True)


def test_a_passage_found_through_its_title_shows_the_title_words_marked(copies):
    """The newspaper's second page says nothing of a newspaper: its title is why it is found, and is marked."""
    found = results_of(copies.get("/", query_string={"q": "газет"}).get_data(as_text=True))
    assert found and all(result["title_html"] == "<mark>Газет</mark> 2008" for result in found)
    assert all("<mark>" not in result["snippet"] for result in found)
    hits = copies.get("/api/search", query_string={"q": "газет"}).get_json()["results"]
    assert {hit["title_marked"] for hit in hits} == {"<mark>Газет</mark> 2008"}
    unmarked = copies.get("/api/search", query_string={"q": "құқығы"}).get_json()["results"]
    assert unmarked and all(hit["title_marked"] == hit["title"] for hit in unmarked)  # a word of the texts only


def test_api_carries_the_suggestion(client):
    assert client.get("/api/search", query_string={"q": "Страсбурд"}).get_json()["suggestion"] == "Страсбург"
    assert client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["suggestion"] is None
    assert client.get("/api/search", query_string={"q": "парламент"}).get_json()["suggestion"] is None  # it matched
    assert client.get("/api/search", query_string={"q": "канституция"}).get_json()["suggestion"] == "конституция"


def test_a_query_cut_by_the_time_budget_is_marked_partial(sample_archive_dir):
    from webui import create_app

    client = create_app({"ARCHIVE": str(sample_archive_dir), "TIME_BUDGET": 0.0}).test_client()
    payload = client.get("/api/search", query_string={"q": "құқық"}).get_json()
    assert payload["partial"] is True
    assert "Іздеу уақыты шектеуден асып кетті" in client.get("/", query_string={"q": "құқық"}).get_data(as_text=True)


@pytest.mark.parametrize(("arguments", "says"), [
    ({"year_from": "2010", "year_to": "2000"}, "Жылдар аралығы кері берілген: 2010 жыл 2000 жылдан кейін."),
    ({"collection": "nope"}, "Бұл мұрағатта «nope» жинағы жоқ."),
    ({"document": "nope"}, "Бұл мұрағатта «nope» құжаты жоқ."),
])
def test_filters_that_let_nothing_through_say_why(library, arguments, says):
    response = library.get("/", query_string={"q": "құқық", "lang": "kk", **arguments})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and f'<p class="notice problem">{says}' in html
    assert "ештеңе табылмады" in html and "Барлық сүзгіні алып тастау" in html
    api = library.get("/api/search", query_string={"q": "құқық", **arguments})
    assert api.status_code == 400 and set(api.get_json()["error"]) == {"status", "message"}


def test_known_filters_raise_no_problem(library, library_ids):
    html = library.get("/", query_string={"q": "құқық", "collection": "Газеттер", "year_from": "2000",
                                          "year_to": "2010", "document": library_ids["newspaper_2008.pdf"]})
    assert 'class="notice problem"' not in html.get_data(as_text=True)


def test_the_year_facet_is_also_a_timeline_whose_bars_filter(library):
    html = library.get("/", query_string={"q": "құқық"}).get_data(as_text=True)
    facet = re.search(r'id="facet-year">(.*?)</section>', html, re.S).group(1)
    bars = re.findall(r'<a href="([^"]+)"><title>(\d+): (\d+)</title><rect', facet)
    assert [(year, count) for _, year, count in bars] == [("1995", "1"), ("2008", "2"), ("2015", "1")]
    narrowed = library.get(unescape(bars[1][0])).get_data(as_text=True)
    assert "Табылған үзінділер: 2" in narrowed and "Жылдар: 2008–2008" in narrowed


def test_a_document_lists_at_most_two_passages_then_says_how_many_more(client):
    html = client.get("/", query_string={"q": "құқық", "lang": "kk"}).get_data(as_text=True)
    assert "Табылған үзінділер: 21" in html and len(results_of(html)) == 2  # one document: not ten of it
    more = re.search(r'<p class="more"><a href="([^"]+)">Осы құжатта тағы 19 үзінді →</a></p>', html)
    assert more and 'rel="next"' not in html
    everything = client.get(unescape(more.group(1))).get_data(as_text=True)
    assert "Табылған үзінділер: 21" in everything and len(results_of(everything)) == 10
    assert 'rel="next"' in everything  # the document's passages, paged as before


def test_the_api_keeps_the_passage_as_its_unit(client):
    assert len(client.get("/api/search", query_string={"q": "құқық", "limit": 10}).get_json()["results"]) == 10


def test_the_total_says_in_how_many_documents(library):
    html = library.get("/", query_string={"q": "құқық", "lang": "kk"}).get_data(as_text=True)
    assert "Табылған үзінділер: 5" in html and '<span class="documents-found">4 құжатта</span>' in html


# A scanned letter whose recognised text misread мұрағаттағы (тт as тг), beside a typeset page that spells it.
SCANNED = {
    "typeset.pdf": ({"title": "Анықтама", "collection": "Хаттар"}, [["Құжаттар мұрағаттағы қорда сақталады."]]),
    "scanned.pdf": ({"title": "Хат", "collection": "Хаттар"}, [["Хаттар мұрағатгағы қорда жатыр."]]),
}


def test_a_hit_found_by_approximate_matching_on_an_ocr_page_says_so(tmp_path_factory):
    import sqlite3

    from click.testing import CliRunner

    from archive.cli import main as muragat
    from tests.webui.conftest import ingest_library
    from webui import create_app

    root = ingest_library(tmp_path_factory, SCANNED)
    with sqlite3.connect(root / "catalog.sqlite") as db:  # as if Tesseract had read it: the page's source
        db.execute("UPDATE pages SET source = 'ocr' WHERE document_id IN "
                   "(SELECT id FROM documents WHERE title = 'Хат')")
    result = CliRunner().invoke(muragat, ["reindex", "--archive", str(root)])
    assert result.exit_code == 0, result.output
    client = create_app({"ARCHIVE": str(root), "TESTING": True}).test_client()
    html = client.get("/", query_string={"q": "мұрағаттағы"}).get_data(as_text=True)
    blocks = re.findall(r'<li class="result">(.*?)</li>', html, re.S)
    assert [unescape(re.search(r'class="title"[^>]*>(.*?)</a>', block, re.S).group(1)) for block in blocks] == [
        "Анықтама", "Хат"]
    assert "жуық сәйкестік" not in blocks[0]
    assert '<p class="approximate">жуық сәйкестік: танылған мәтін (OCR)</p>' in blocks[1]
    assert "<mark>мұрағатгағы</mark>" in blocks[1]
    api = client.get("/api/search", query_string={"q": "мұрағаттағы"}).get_json()
    assert [hit["approximate"] for hit in api["results"]] == [False, True]
    # its page, opened from the result, marks the misread word and lists itself among the pages with hits
    letter = api["results"][1]
    page = client.get(f"/api/documents/{letter['document_id']}/pages/{letter['page']}",
                      query_string={"q": "мұрағаттағы"}).get_json()
    assert "<mark>мұрағатгағы</mark>" in page["highlighted"] and page["approximate_marks"] == 1
    assert letter["page"] in [hit["page"] for hit in page["hit_pages"]]
    shown = client.get(f"/documents/{letter['document_id']}/pages/{letter['page']}", query_string={"q": "мұрағаттағы"})
    assert '<p class="approximate">жуық сәйкестік: танылған мәтін (OCR)</p>' in shown.get_data(as_text=True)
    typeset = api["results"][0]
    exact = client.get(f"/api/documents/{typeset['document_id']}/pages/{typeset['page']}",
                       query_string={"q": "мұрағаттағы"}).get_json()
    assert exact["marks"] == 1 and exact["approximate_marks"] == 0


def test_an_index_built_with_older_rules_is_a_503_that_asks_the_administrator(sample_archive_dir, tmp_path):
    archive = shutil.copytree(sample_archive_dir, tmp_path / "archive")
    (archive / "index" / VERSION_FILE).write_text("6.older\n")
    client = create_app({"ARCHIVE": str(archive), "TESTING": True}).test_client()
    response = client.get("/", query_string={"q": "құқық", "lang": "kk"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "Іздеу әзірге қолжетімсіз." in html
    assert "әкімші `muragat reindex` іске қосуы керек" in html and "Сұрауды түзетіп" not in html
    assert client.get("/api/search", query_string={"q": "құқық"}).status_code == 503
