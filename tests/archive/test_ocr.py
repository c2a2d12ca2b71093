"""Scanned documents: ingested with OCR, searchable by page; pages wait when Tesseract is missing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.home import Archive
from archive.ingestion import ingest
from tests.pdfs import scan_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def scan(sample_pdf, tmp_path_factory) -> Path:
    """The sample document as a 200 dpi scan: eight page images, no text layer."""
    return scan_pdf(sample_pdf, tmp_path_factory.mktemp("scan") / "rogov_scan.pdf", dpi=200)


@pytest.fixture(scope="module")
def scanned_archive(scan, tmp_path_factory) -> Archive:
    archive = Archive.create(tmp_path_factory.mktemp("archive"))
    report = ingest(archive, [scan])
    assert report.ok and report.pages_recognised == 8, report
    return archive


@pytest.mark.parametrize("query, pages", [
    ("құқық", {1, 2, 3, 4, 5, 6, 7, 8}),
    ("Қазақстан", {3, 4, 5, 6, 7, 8}),
    ('"Венеция комиссиясы"', {5, 7}),
])
def test_scan_is_searchable_on_the_right_pages(scanned_archive, query, pages):
    results = scanned_archive.search(query, limit=50)
    assert {hit.page for hit in results.hits} == pages
    assert all(any(is_match for _, is_match in hit.snippet) for hit in results.hits)


def test_pages_record_that_their_text_was_recognised(scanned_archive):
    document = scanned_archive.catalog.documents()[0]
    pages = scanned_archive.catalog.pages(document.id)
    assert {page.source for page in pages} == {"ocr"}
    assert all(0.8 < page.confidence <= 1 for page in pages)


def test_page_view_and_api_say_the_text_is_recognised(scanned_archive):
    from webui import create_app

    client = create_app({"ARCHIVE": str(scanned_archive.root), "TESTING": True}).test_client()
    document_id = scanned_archive.catalog.documents()[0].id
    page = client.get(f"/api/documents/{document_id}/pages/5").get_json()
    assert page["source"] == "ocr" and page["ocr_confidence"] > 0.8
    html = client.get(f"/documents/{document_id}/pages/5").get_data(as_text=True)
    assert "сканнан танылған" in html


def run_muragat(*args: str, path: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PATH": path, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "archive", *args], capture_output=True, text=True,
                          env=environment, timeout=600)


def test_without_tesseract_pages_wait_and_retry_fills_them_in(scan, tmp_path):
    no_tesseract = tmp_path / "bin"
    no_tesseract.mkdir()
    (no_tesseract / "pdftoppm").symlink_to(shutil.which("pdftoppm"))
    archive = tmp_path / "archive"

    first = run_muragat("ingest", str(scan), "--archive", str(archive), "--silent", path=str(no_tesseract))
    assert first.returncode == 0, first.stderr
    assert "tesseract-ocr" in first.stderr and "--retry-failed" in first.stderr
    status = json.loads(run_muragat("status", "--json", "--archive", str(archive), path=os.environ["PATH"]).stdout)
    assert status["pages_needing_ocr"] == 8 and status["passages"] == 0

    again = run_muragat("ingest", "--retry-failed", "--archive", str(archive), "--silent", path=os.environ["PATH"])
    assert again.returncode == 0, again.stderr
    assert "recognised 8 pages" in again.stdout
    status = json.loads(run_muragat("status", "--json", "--archive", str(archive), path=os.environ["PATH"]).stdout)
    assert status["pages_needing_ocr"] == 0 and status["pages_recognised"] == 8
    assert status["passages"] > 0 and status["index_agrees"] is True
