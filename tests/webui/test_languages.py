"""Kazakh by default; Russian and English a click away, remembered for the next pages."""
from __future__ import annotations

import re
from html import unescape

import pytest

from webui.texts import LANGUAGES


def test_kazakh_by_default_with_links_to_the_other_languages(client):
    html = client.get("/", query_string={"q": "құқық"}).get_data(as_text=True)
    assert '<html lang="kk">' in html and "Табылған үзінділер" in html
    assert 'hreflang="ru"' in html and 'hreflang="en"' in html


def test_russian_and_english_are_switchable_and_remembered(client):
    russian = client.get("/", query_string={"q": "құқық", "lang": "ru"})
    assert '<html lang="ru">' in russian.get_data(as_text=True) and "Найдено фрагментов: 21" in russian.get_data(
        as_text=True)
    assert "lang=ru" in russian.headers["Set-Cookie"]
    later = client.get("/", query_string={"q": "Страсбург"}).get_data(as_text=True)
    assert '<html lang="ru">' in later and "Открыть оригинал" in later
    english = client.get("/", query_string={"q": "қырыққабат", "lang": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Nothing found for «қырыққабат»" in english


def test_an_unknown_language_falls_back_to_kazakh(client):
    assert '<html lang="kk">' in client.get("/", query_string={"lang": "xx"}).get_data(as_text=True)


def test_every_language_says_everything():
    kazakh = set(LANGUAGES["kk"])
    for code, texts in LANGUAGES.items():
        assert set(texts) == kazakh, code
        assert len(texts["syntax"]) == len(LANGUAGES["kk"]["syntax"])
        assert set(texts["refusals"]) == set(LANGUAGES["kk"]["refusals"]), code


@pytest.mark.parametrize(("lang", "says"), [
    ("kk", "«a*» тым қысқа: * алдында кемінде 2 әріп жазыңыз."),
    ("ru", "«a*» — слишком короткое начало слова: введите перед * не меньше 2 букв."),
    ("en", "«a*» is too short a prefix: type at least 2 letters before *."),
])
def test_a_refusal_is_said_in_the_interface_language(client, lang, says):
    response = client.get("/", query_string={"q": "a*", "lang": lang})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and says in html
    assert "query 'a*'" not in html  # not the command line's English line


@pytest.mark.parametrize("url", ["/documents/nope/pages/1", "/documents/{id}/pages/999", "/no/such/address",
                                 "/?q=құқық&language=xx"])
def test_errors_on_a_russian_page_are_in_russian(client, url):
    document_id = client.get("/api/search", query_string={"q": "Страсбург"}).get_json()["results"][0]["document_id"]
    url = url.format(id=document_id) + ("&" if "?" in url else "?") + "lang=ru"
    html = unescape(client.get(url).get_data(as_text=True))
    detail = re.search(r'<p class="detail">(.*?)</p>', html).group(1)
    assert re.search("[а-я]", detail) and not re.search(r"\b(no|has|must|is|the)\b", detail), detail


@pytest.mark.parametrize(("lang", "number", "slow", "fast"), [
    ("kk", "12\u00a0345,68", "1,25 с", "3 мс"),
    ("ru", "12\u00a0345,68", "1,25 с", "3 мс"),
    ("en", "12,345.68", "1.25 s", "3 ms"),
])
def test_numbers_and_durations_are_written_as_the_language_writes_them(app, lang, number, slow, fast):
    from webui.texts import format_duration, format_number

    with app.test_request_context("/", query_string={"lang": lang}):
        assert format_number(12345.678, 2) == number
        assert format_duration(1248) == slow and format_duration(3.2) == fast
        assert format_duration(0.02) == fast.replace("3", "1")  # never "0.00"


def test_every_refusal_the_code_names_is_said_in_every_language():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    reasons = set()
    for package in ("archive", "index", "webui"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("MuragatError", "QueryError",
                                                                                     "NotFound")
                        and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                    reasons.add(node.args[1].value)
    assert {"year_range", "prefix_too_short", "no_document"} <= reasons
    for code, texts in LANGUAGES.items():
        assert reasons <= set(texts["refusals"]), (code, reasons - set(texts["refusals"]))
