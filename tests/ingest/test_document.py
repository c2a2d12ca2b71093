"""The whole per-file pipeline on the sample document and on generated PDFs."""
from __future__ import annotations

import pytest

from ingest.document import GARBAGE, NO_TEXT_LAYER, TEXT_LAYER, extract_document
from ingest.extract import ExtractionError
from tests.pdfs import write_pdf


def test_sample_pages_and_info(sample_pdf):
    document = extract_document(sample_pdf)
    assert [page.number for page in document.pages] == list(range(1, 9))
    assert document.info["Title"] == "Демократия жөніндегі алғашқы әлемдік форум"
    assert document.info["Author"] == "Игорь Рогов"


def test_word_broken_across_a_page_end_is_whole_on_its_first_page(sample_pdf):
    pages = extract_document(sample_pdf).pages
    assert pages[6].text.endswith("тепе-теңдікті табуды, құқық")
    assert pages[7].text.startswith("пен әділеттілік")


def test_passages_keep_page_and_span(sample_pdf):
    document = extract_document(sample_pdf)
    texts = {page.number: page.text for page in document.pages}
    assert {passage.page for passage in document.passages} == set(texts)
    for passage in document.passages:
        assert texts[passage.page][passage.start:passage.end].strip() == passage.text
        assert 0 < len(passage.text) <= 1000
    assert [p.seq for p in document.passages] == list(range(len(document.passages)))


def test_page_without_text_layer_is_recorded_not_indexed(tmp_path):
    path = write_pdf(tmp_path / "blank.pdf", [["Бірінші бет мәтіні осында."], []])
    document = extract_document(path)
    assert [page.status for page in document.pages] == ["text", NO_TEXT_LAYER]
    assert {passage.page for passage in document.passages} == {1}


def test_cid_garbage_page_is_recorded_not_indexed(tmp_path):
    junk = " ".join(f"(cid:{n})" for n in range(40, 80))
    path = write_pdf(tmp_path / "cid.pdf", [[junk], ["Қалыпты мәтіні бар бет."]])
    document = extract_document(path)
    assert document.pages[0].status == GARBAGE and document.pages[0].text == ""
    assert {passage.page for passage in document.passages} == {2}


def test_a_table_of_figures_is_text_and_its_numbers_are_found(tmp_path):
    rows = ["Жыл  Шаруашылық  Адам  %", "1935  17 005  3 790  14,8", "1936  18 112  4 021  15,2",
            "1937  19 300  4 518  16,0", "Барлығы  1932-1937  62 895  100"]
    document = extract_document(write_pdf(tmp_path / "table.pdf", [rows]))
    assert document.pages[0].status == TEXT_LAYER and document.pages[0].source != "ocr"
    assert "17 005" in document.pages[0].text and "62 895" in document.passages[0].text


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    (b"just some text, not a PDF at all", "not a PDF at all \\(it does not begin with %PDF\\)"),
    (b"<!DOCTYPE html><html><body>a saved web page</body></html>", "not a PDF at all"),
    (b"%PDF-1.7\n1 0 obj << /Type /Catalog", "not a readable PDF"),
])
def test_unreadable_files_raise_a_clear_error(tmp_path, content, expected):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=expected) as error:
        extract_document(path)
    assert "bad.pdf" in str(error.value)
