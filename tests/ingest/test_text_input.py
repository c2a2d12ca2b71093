"""Plain-text input: UTF-8, pages at form feeds, through the same cleaning, hyphen repair and passages."""
from __future__ import annotations

import pytest

from ingest.document import NO_TEXT_LAYER, TEXT_LAYER, extract_document
from ingest.extract import ExtractionError


def test_form_feeds_separate_pages_and_hyphens_are_repaired(tmp_path):
    path = tmp_path / "хат.txt"
    path.write_text("\ufeffАбай Құнанбайұлы қазақ ақыны. Ол ағартушылық қағидала-\nры туралы жазды.\n"
                    "\f\n\fҮшінші бет: іс-қимыл жоспары.\n\f", encoding="utf-8")
    document = extract_document(path)
    assert [(page.number, page.status) for page in document.pages] == [(1, TEXT_LAYER), (2, NO_TEXT_LAYER),
                                                                       (3, TEXT_LAYER)]
    assert document.pages[0].text.startswith("Абай") and "қағидалары туралы" in document.pages[0].text
    assert "іс-қимыл" in document.pages[2].text
    assert {passage.page for passage in document.passages} == {1, 3}
    assert document.info == {}


def test_running_page_numbers_are_taken_out_as_in_a_pdf(tmp_path):
    bodies = ["Абай өлеңдері жинағы.", "Шоқан еңбектері.", "Ыбырай әңгімелері.", "Мұхтар романдары."]
    path = tmp_path / "book.txt"
    path.write_text("\f".join(f"{body}{chr(10) * 20}— {n} —" for n, body in enumerate(bodies, start=1)),
                    encoding="utf-8")
    pages = extract_document(path).pages
    assert [page.text for page in pages] == bodies


@pytest.mark.parametrize("data, expected", [
    ("Café".encode("latin-1"), "not UTF-8 text"),
    (b"\x00\x01binary\x00", "not a text file"),
])
def test_text_that_is_not_utf8_is_refused_with_what_to_do(tmp_path, data, expected):
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match=expected) as error:
        extract_document(path)
    assert str(error.value).startswith("notes.txt:")
