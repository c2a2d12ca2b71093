"""The document view and the original, through Flask's test client."""
from __future__ import annotations

import re
import shutil
from html import unescape

from webui import create_app


def test_document_page_marks_the_query_and_navigates(client):
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/pages/{hit['page']}", query_string={"q": "Страсбург"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<mark id="hit-1">Страсбург</mark>' in html
    assert f'/documents/{hit["document_id"]}/original#page={hit["page"]}' in html
    assert client.get(f"/documents/{hit['document_id']}/pages/99").status_code == 404


def test_a_page_too_long_to_mark_whole_is_shown_in_part_and_says_so(client, monkeypatch):
    """A page of megabytes (a book on one page) took seconds to mark and stalled the server: a page view marks and
    shows its first MAX_PAGE_CHARS, says so, and the API's `text` stays whole."""
    from webui import contexts

    monkeypatch.setattr(contexts, "MAX_PAGE_CHARS", 300)
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    address = f"/documents/{hit['document_id']}/pages/{hit['page']}"
    html = client.get(address, query_string={"q": "Страсбург"}).get_data(as_text=True)
    assert re.search(r'class="notice page-cut">Бет өте ұзын: оның алғашқы \d+ таңбасы', html)
    view = client.get(f"/api{address}", query_string={"q": "Страсбург"}).get_json()
    assert 150 < view["cut_at"] <= 300 < len(view["text"])
    assert len(unescape(re.sub(r"<[^>]+>", "", view["highlighted"]))) == view["cut_at"]
    monkeypatch.setattr(contexts, "MAX_PAGE_CHARS", 10 ** 6)
    assert client.get(f"/api{address}").get_json()["cut_at"] is None


def test_a_page_opened_with_a_query_the_search_refuses_is_shown_unmarked(client):
    """`year:abc` typed into a page's address: the page still opens (the search page is where it is refused)."""
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/pages/{hit['page']}",
                          query_string={"q": "Страсбург year:abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Страсбург" in html and "<mark" not in html


def test_metadata_is_shown(library, library_ids):
    html = unescape(library.get(f"/documents/{library_ids['decree_1995.pdf']}/pages/1",
                                query_string={"lang": "kk"}).get_data(as_text=True))
    for label, value in (("Авторы", "Н. Назарбаев"), ("Күні", "1995-03-01"), ("Жинақ", "Жарлықтар"),
                         ("Беттер саны", "2"), ("Файл", "decree_1995.pdf")):
        assert re.search(rf"<dt>{label}</dt><dd>(<a [^>]+>)?{re.escape(value)}(</a>)?</dd>", html), label


def test_next_and_previous_hit_skip_pages_without_hits(library, library_ids):
    document = library_ids["newspaper_2008.pdf"]
    first = unescape(library.get(f"/documents/{document}/pages/1", query_string={"q": "құқық"}).get_data(as_text=True))
    assert re.search(rf'class="next-hit" href="/documents/{document}/pages/3\?q=[^"]+#hit-1">Келесі сәйкестік \(3-бет\)',
                     first)
    assert "previous-hit" not in first
    assert re.search(r"Сәйкестіктер бар беттер:\s*<strong>1</strong>, <a [^>]+>3</a>", first)
    third = unescape(library.get(f"/documents/{document}/pages/3", query_string={"q": "құқық"}).get_data(as_text=True))
    assert re.search(rf'class="previous-hit" href="/documents/{document}/pages/1\?q=', third)
    assert "next-hit" not in third
    assert "<mark id=\"hit-1\">құқықтарын</mark>" in third
    second = library.get(f"/documents/{document}/pages/2", query_string={"q": "құқық"}).get_data(as_text=True)
    assert "<mark" not in second and "ештеңе табылмады" in second
    assert 'class="previous-hit"' in second and 'class="next-hit"' in second


def test_page_navigation_and_page_number_form(library, library_ids):
    document = library_ids["newspaper_2008.pdf"]
    html = library.get(f"/documents/{document}/pages/2", query_string={"q": "саябақ"}).get_data(as_text=True)
    assert f'rel="prev" href="/documents/{document}/pages/1?q=' in html
    assert f'rel="next" href="/documents/{document}/pages/3?q=' in html
    assert f'action="/documents/{document}"' in html
    jump = library.get(f"/documents/{document}", query_string={"page": 3, "q": "саябақ"})
    assert jump.status_code == 302 and jump.headers["Location"].endswith(f"/documents/{document}/pages/3?q=%D1%81%D0%B0%D1%8F%D0%B1%D0%B0%D2%9B")
    assert library.get(f"/documents/{document}").headers["Location"].endswith("/pages/1")
    assert library.get("/documents/0000000000000000").status_code == 404


def test_citation_to_copy(library, library_ids):
    document = library_ids["decree_1995.pdf"]
    html = unescape(library.get(f"/documents/{document}/pages/2", query_string={"q": "жарлық"}).get_data(as_text=True))
    citation = re.search(r'id="citation" type="text" readonly value="([^"]+)"', html).group(1)
    assert citation == (f"Н. Назарбаев. Президент жарлығы. 1995-03-01. 2-бет. "
                        f"http://127.0.0.1:8080/documents/{document}/pages/2")
    assert 'src="/static/copy.js"' in html


def test_unknown_pages_and_documents_say_so_in_kazakh(library, library_ids):
    for url in ("/documents/nothing-here/pages/1", f"/documents/{library_ids['decree_1995.pdf']}/pages/0",
                f"/documents/{library_ids['decree_1995.pdf']}/pages/3", "/no/such/address"):
        response = library.get(url)
        assert response.status_code == 404, url
        assert "Мұндай құжат не бет жоқ" in response.get_data(as_text=True)


def test_original_pdf_is_served_inline(client, sample_pdf):
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/original")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert f'filename="{sample_pdf.name}"' in response.headers["Content-Disposition"]  # saved under its own name
    assert response.data == sample_pdf.read_bytes()
    assert "Content-Security-Policy" in response.headers


def test_an_original_named_in_kazakh_is_saved_under_its_name_and_the_id_for_tools_reading_ascii_only():
    from webui.pages import _disposition

    assert _disposition(["Жарлық №1045.pdf"], "ab12.pdf") == \
        "inline; filename=\"ab12.pdf\"; filename*=UTF-8''%D0%96%D0%B0%D1%80%D0%BB%D1%8B%D2%9B%20%E2%84%961045.pdf"
    assert _disposition(['say "hi"\n.pdf'], "ab12.pdf").startswith('inline; filename="ab12.pdf"; filename*=UTF-8')
    assert _disposition([], "ab12.pdf") == "inline; filename=\"ab12.pdf\"; filename*=UTF-8''ab12.pdf"


def test_original_never_comes_from_a_path_in_the_request(client):
    for url in ("/documents/..%2F..%2Fcatalog.sqlite/original", "/documents/../catalog.sqlite/original",
                "/documents/%2Fetc%2Fpasswd/original", "/documents/372de5891862daab%00/original"):
        assert client.get(url).status_code == 404, url


def test_a_text_original_is_served_as_text(library, library_ids):
    response = library.get(f"/documents/{library_ids['undated_notes.txt']}/original")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "құқық туралы ой" in response.get_data(as_text=True)
    assert 'filename="undated_notes.txt"' in response.headers["Content-Disposition"]


def test_a_text_original_is_linked_as_a_text_file_without_a_page(library, library_ids):
    notes = library_ids["undated_notes.txt"]
    results = library.get("/", query_string={"q": "ой", "lang": "en"}).get_data(as_text=True)
    page = library.get(f"/documents/{notes}/pages/1", query_string={"q": "ой", "lang": "kk"}).get_data(as_text=True)
    for html in (results, page):
        assert f'<a class="original" href="/documents/{notes}/original">' in html
        assert f"/documents/{notes}/original#page=" not in html
    assert "Open the original (text file)" in results and "(PDF)" not in results
    assert "Түпнұсқаны ашу (мәтін файлы)" in page
    api = library.get(f"/api/documents/{notes}/pages/1").get_json()
    assert api["links"]["original"].endswith(f"/documents/{notes}/original")


def test_a_missing_original_is_a_404(own_archive_dir):
    client = create_app({"ARCHIVE": str(own_archive_dir)}).test_client()
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    shutil.rmtree(own_archive_dir / "originals")
    response = client.get(f"/documents/{hit['document_id']}/original")
    assert response.status_code == 404 and "Мұндай құжат не бет жоқ" in response.get_data(as_text=True)


def test_original_is_served_from_an_archive_given_by_a_relative_path(sample_archive_dir, sample_pdf, monkeypatch):
    monkeypatch.chdir(sample_archive_dir.parent)  # as `make run` gives it: --archive muragat-data
    client = create_app({"ARCHIVE": sample_archive_dir.name, "TESTING": True}).test_client()
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    response = client.get(f"/documents/{hit['document_id']}/original")
    assert response.status_code == 200 and response.data == sample_pdf.read_bytes()


def test_each_result_opens_its_page_at_its_own_passage(client):
    document_id = client.get("/api/search", query_string={"q": "құқық"}).get_json()["results"][0]["document_id"]
    html = client.get("/", query_string={"q": "құқық", "document": document_id}).get_data(as_text=True)
    links = re.findall(r'class="title" href="(/documents/\w+/pages/(\d+)\?q=[^"#]+)#passage-([\w-]+)"', html)
    assert len(links) == 10
    first_mark = {}
    for url, number, passage_id in links:
        page = client.get(unescape(url)).get_data(as_text=True)
        anchor = re.search(rf'<span class="passage-anchor" id="passage-{passage_id}"></span><mark id="hit-(\d+)">',
                           page)
        assert anchor, passage_id  # the passage's anchor stands on its first marked word
        first_mark[passage_id] = (number, int(anchor.group(1)))
    same_page = [marks for number in {n for n, _ in first_mark.values()}
                 if len(marks := [mark for n, mark in first_mark.values() if n == number]) > 1]
    assert same_page and all(len(set(marks)) == len(marks) for marks in same_page)  # not all #hit-1


def test_anchors_split_the_text_where_a_passage_without_marks_starts():
    from webui.contexts import anchored

    marked = [("Бірінші сөйлем. ", False), ("құқық", True), (" бар. Екінші сөйлем.", False)]
    pieces = anchored(marked, [("d-1", 0, 26), ("d-2", 27, 41)])
    assert "".join(text for text, _, _ in pieces) == "".join(text for text, _ in marked)
    assert [(text, anchor) for text, _, anchor in pieces if anchor] == [("құқық", "d-1"), ("Екінші сөйлем.", "d-2")]


def test_absolute_links_come_from_the_configured_base_url_never_the_host_header(sample_archive_dir):
    client = create_app({"ARCHIVE": str(sample_archive_dir), "BASE_URL": "https://archive.example.kz/"}).test_client()
    hit = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    page = client.get(f"/documents/{hit['document_id']}/pages/{hit['page']}", headers=evil).get_data(as_text=True)
    assert f"https://archive.example.kz/documents/{hit['document_id']}/pages/" in page
    api_page = client.get(f"/api/documents/{hit['document_id']}/pages/1", headers=evil).get_json()
    api_document = client.get(f"/api/documents/{hit['document_id']}", headers=evil).get_json()
    links = [api_page["citation"], *api_page["links"].values(), *api_document["links"].values()]
    assert all("https://archive.example.kz/documents/" in link for link in links), links
    assert "evil.example" not in page + str(links)


def test_the_base_url_defaults_to_the_environment_then_the_served_address(sample_archive_dir, monkeypatch):
    from webui import public_base_url

    monkeypatch.delenv("MURAGAT_BASE_URL", raising=False)
    assert public_base_url(None, "0.0.0.0", 9000) == "http://0.0.0.0:9000"
    monkeypatch.setenv("MURAGAT_BASE_URL", "https://muragat.example.kz/archive/")
    assert public_base_url(None, "127.0.0.1", 8080) == "https://muragat.example.kz/archive"
    assert public_base_url("http://10.0.0.5:8080") == "http://10.0.0.5:8080"
    client = create_app({"ARCHIVE": str(sample_archive_dir)}).test_client()
    document_id = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]["document_id"]
    links = client.get(f"/api/documents/{document_id}", headers={"Host": "evil.example"}).get_json()["links"]
    assert links["first_page"] == f"https://muragat.example.kz/archive/documents/{document_id}/pages/1"


def test_the_page_view_keeps_the_lines_as_extracted(library, library_ids):
    html = library.get(f"/documents/{library_ids['decree_1995.pdf']}/pages/1",
                       query_string={"q": "құқығы"}).get_data(as_text=True)
    text = re.sub(r"<[^>]+>", "", re.search(r'<div class="page-text">(.*?)</div>', html, re.S).group(1))
    assert text == "Азаматтардың құқығы мен бостандықтары заңмен қорғалады.\nӘр адамның құқығы бар."
