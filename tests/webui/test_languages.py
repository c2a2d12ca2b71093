"""Kazakh by default; Russian and English a click away, remembered for the next pages."""
from __future__ import annotations

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
