"""OCR of pages without text: Tesseract's word table into lines, and a clear word when it is missing."""
from __future__ import annotations

import os
import shutil

import pytest

from ingest.document import FROM_OCR, NEEDS_OCR, TEXT_LAYER, extract_document
from ingest.ocr import blank_pages, missing_tools, parse_tsv
from tests.pdfs import scan_pdf, write_pdf

TSV = """level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext
1\t1\t0\t0\t0\t0\t0\t0\t1654\t2339\t-1\t
5\t1\t1\t1\t1\t1\t168\t168\t258\t34\t95.0\tДемократия
5\t1\t1\t1\t1\t2\t440\t167\t209\t32\t97.0\tжөніндегі
5\t1\t1\t1\t2\t1\t168\t234\t260\t28\t90.0\tКонституциялық
"""


def test_word_table_becomes_lines_in_pdf_points_with_mean_confidence():
    page = parse_tsv(TSV, 1, 595.0, 842.0, dpi=200)
    assert [line.text for line in page.page.lines] == ["Демократия жөніндегі", "Конституциялық"]
    first = page.page.lines[0]
    assert first.x0 == pytest.approx(168 * 72 / 200)
    assert first.y1 == pytest.approx(842.0 - 167 * 72 / 200)  # origin at the bottom, as in a text layer
    assert first.y0 < first.y1
    assert page.confidence == pytest.approx(0.94)


def test_missing_tesseract_names_the_packages(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = missing_tools()
    assert "tesseract-ocr" in reason and "poppler-utils" in reason and "apt-get install" in reason


@pytest.fixture(scope="module")
def scanned_pages(sample_pdf, tmp_path_factory):
    return scan_pdf(sample_pdf, tmp_path_factory.mktemp("scan") / "scan.pdf", dpi=200, pages=[5, 8])


def test_scanned_pages_are_recognised_and_repaired_like_a_text_layer(scanned_pages):
    if missing_tools():
        pytest.fail(missing_tools())
    document = extract_document(scanned_pages)
    assert [(page.status, page.source) for page in document.pages] == [(TEXT_LAYER, FROM_OCR)] * 2
    assert all(page.confidence > 0.8 for page in document.pages)
    assert "Венеция комиссиясы" in document.pages[0].text
    assert "Негізгі Заңның" in document.pages[0].text  # the sample's Latin i is Cyrillic і after OCR too
    assert document.passages and {passage.page for passage in document.passages} == {1, 2}


def test_ocr_never_leaves_a_scan_recorded_as_empty(scanned_pages):
    document = extract_document(scanned_pages, ocr="never")
    assert {page.status for page in document.pages} == {"empty"} and not document.passages


def test_without_tesseract_pages_wait_for_ocr(scanned_pages, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    document = extract_document(scanned_pages)
    assert {page.status for page in document.pages} == {NEEDS_OCR}
    assert "tesseract-ocr" in document.ocr_unavailable


@pytest.fixture(scope="module")
def mostly_blank_scan(tmp_path_factory):
    """Twenty blank scanned pages around one that holds a line of text, and one with only a page number."""
    folder = tmp_path_factory.mktemp("blank")
    pages = [[]] * 10 + [["Бұл бетте бір ғана жол бар: мұрағат құжаты."]] + [[]] * 10 + [["12"]]
    return scan_pdf(write_pdf(folder / "source.pdf", pages), folder / "scan.pdf", dpi=200)


def test_blank_pages_are_told_from_pages_with_ink_on_a_coarse_rendering(mostly_blank_scan):
    assert blank_pages(mostly_blank_scan, list(range(1, 23))) == set(range(1, 23)) - {11, 22}
    assert blank_pages(mostly_blank_scan, [11, 22]) == set()


def test_blank_pages_never_reach_tesseract(mostly_blank_scan, tmp_path, monkeypatch):
    if missing_tools():
        pytest.fail(missing_tools())
    spy = tmp_path / "tesseract"  # the real Tesseract, each page it recognises logged
    spy.write_text(f'#!/bin/sh\ncase "$*" in *tsv*) echo page >> {tmp_path / "log"};; esac\n'
                   f'exec {shutil.which("tesseract")} "$@"\n')
    spy.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    document = extract_document(mostly_blank_scan)
    assert (tmp_path / "log").read_text().count("page") == 2  # the line of text and the page number
    assert [page.number for page in document.pages if page.status == TEXT_LAYER] == [11]
    assert "мұрағат құжаты" in document.pages[10].text and document.pages[10].source == FROM_OCR
    assert {page.status for page in document.pages[:10] + document.pages[11:]} == {"empty"}
