"""OCR of pages without text: Tesseract's word table into lines, and a clear word when it is missing."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from archive.home import Archive
from archive.ingestion import ingest
from ingest import ocr
from ingest.document import FROM_OCR, NEEDS_OCR, TEXT_LAYER, extract_document
from ingest.ocr import blank_pages, missing_tools, parse_tsv
from tests.pdfs import FONT_DIRS, scan_pdf, write_pdf

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
    assert page.long_words == 3


def test_specks_read_after_a_line_end_hyphen_do_not_hide_the_broken_word():
    rows = [("Жауап-.", 1), ("кершілігі", 2), ("бекіт-", 3), ("|", 3), ("ті.", 4), ("«Иә-»", 5)]
    table = TSV.splitlines()[0] + "\n" + "\n".join(
        f"5\t1\t1\t1\t{line}\t{n}\t100\t{40 * line}\t80\t30\t90.0\t{text}" for n, (text, line) in enumerate(rows, 1))
    lines = [line.text for line in parse_tsv(table, 1, 595.0, 842.0, dpi=200).page.lines]
    assert lines == ["Жауап-", "кершілігі", "бекіт-", "ті.", "«Иә-»"]


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


# Image preparation before Tesseract, on small synthetic images.

def _lines_image(width: int = 1240, height: int = 900, lines: int = 12):
    """Black lines of text on white paper, 150 dpi: the shape deskewing and thresholding look at."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(_font_path()), 22)
    for row in range(lines):
        draw.text((80, 60 + row * 60), "Қазақстан Республикасының мұрағат құжаттары", font=font, fill=0)
    return image


def _font_path():
    return next(Path(folder) / "DejaVuSans.ttf" for folder in FONT_DIRS if (Path(folder) / "DejaVuSans.ttf").exists())


@pytest.mark.parametrize("angle", [-2.6, -1.0, 0.7, 2.0])
def test_deskewing_finds_the_angle_a_page_is_turned_by(angle):
    turned = np.asarray(_lines_image().rotate(angle, resample=Image.BICUBIC, fillcolor=255))
    assert ocr.skew_angle(turned, dpi=150) == pytest.approx(angle, abs=0.15)
    level = ocr.deskew(turned, dpi=150)
    assert abs(ocr.skew_angle(level, dpi=150)) <= 0.15


def test_a_level_page_is_left_as_it_is():
    page = np.asarray(_lines_image())
    assert ocr.deskew(page, dpi=150) is page


def test_binarising_keeps_the_ink_and_whitens_paper_that_darkens_across_the_page():
    page = np.asarray(_lines_image(), np.float32)
    darker = np.linspace(0, 110, page.shape[1])[None, :]  # paper from white to mid grey, ink fainter
    worn = np.clip(page * 0.75 + 60 - darker, 0, 255).astype(np.uint8)
    black = ocr.binarise(worn, dpi=150) == 0
    ink = page < 128
    assert set(np.unique(ocr.binarise(worn, dpi=150))) <= {0, 255}
    assert black[ink].mean() > 0.9  # the letters stay black, on the dark side too
    assert black[~ink].mean() < 0.02  # and the paper turns white


def _at_blank_check_resolution(grey: np.ndarray, dpi: int = 150) -> bytes:
    """A 150 dpi page as the blank check renders it (BLANK_DPI, each pixel the mean of those it covers)."""
    image = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    size = (image.width * ocr.BLANK_DPI // dpi, image.height * ocr.BLANK_DPI // dpi)
    return ocr.write_pgm(np.asarray(image.resize(size, Image.BOX)))


def test_faint_text_on_darkening_paper_is_not_taken_for_blank_and_grainy_dark_paper_is():
    page = np.asarray(_lines_image(), np.float32)
    darkening = np.linspace(0, 70, page.shape[1])[None, :]
    grain = np.random.default_rng(3).normal(0, 20, page.shape)
    faint = 255 - (255 - page) * 0.45 - darkening + grain  # ink faded to a pale grey
    assert not ocr.is_blank(_at_blank_check_resolution(faint))
    assert ocr.is_blank(_at_blank_check_resolution(255 - darkening + grain))


def test_denoising_removes_specks_and_keeps_letters():
    page = np.asarray(_lines_image()).copy()
    rng = np.random.default_rng(1)
    specks = rng.random(page.shape) < 0.01
    speckled = page.copy()
    speckled[specks] = 0
    cleaned = ocr.denoise(speckled)
    paper = page == 255
    assert (cleaned[paper & specks] == 0).mean() < 0.01
    assert np.abs(cleaned.astype(int) - page).mean() < 3


def test_small_print_is_scaled_up_to_the_resolution_tesseract_reads_best():
    page = np.asarray(_lines_image())
    prepared, dpi = ocr.prepare(page, 150, ("upscale",))
    assert dpi == ocr.READ_DPI and prepared.shape == (page.shape[0] * 2, page.shape[1] * 2)
    assert ocr.prepare(page, 300, ("upscale",))[0] is page
    with pytest.raises(ValueError):
        ocr.prepare(page, 300, ("sharpen",))


ARCHIVE_LINES = ["Мұрағат қорындағы құжаттар ғылыми сипаттамасы бойынша реттелді.",
                 "Экспедиция материалдары облыстық мұрағатқа тапсырылды.",
                 "Қолжазбалардың көшірмелері оқу залында беріледі."] * 4


def _scanned(folder: Path, lines: list[str], dpi: int, wear) -> Path:
    """`lines` typeset, rendered at `dpi`, worn by `wear(image) -> grey levels`, and put back in a PDF as its
    only page image: a scan without a text layer."""
    source = write_pdf(folder / "source.pdf", [lines], font_size=12, leading=22)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", str(source), str(folder / "page")], check=True)
    Image.fromarray(np.clip(wear(Image.open(folder / "page.pgm")), 0, 255).astype(np.uint8)).save(folder / "scan.png")
    pdf = canvas.Canvas(str(folder / "scan.pdf"), pagesize=A4)
    pdf.drawImage(ImageReader(str(folder / "scan.png")), 0, 0, width=A4[0], height=A4[1])
    pdf.showPage()
    pdf.save()
    return folder / "scan.pdf"


def _found_on_its_page(scan: Path, words: tuple[str, ...], tmp_path: Path) -> None:
    if missing_tools():
        pytest.fail(missing_tools())
    archive = Archive.create(tmp_path / "archive")
    assert ingest(archive, [scan]).ok
    for word in words:
        results = archive.search(word)
        assert results.total > 0 and results.hits[0].page == 1, word


@pytest.fixture(scope="module")
def worn_scan(tmp_path_factory):
    """A page of Kazakh text scanned worn: turned by 2°, grainy, specked, on paper darkening across it."""
    def wear(image):
        rng = np.random.default_rng(20)
        image = image.rotate(2.0, resample=Image.BICUBIC, fillcolor=255)
        grey = np.asarray(image, np.float32) - np.linspace(0, 90, image.width)[None, :]
        grey += rng.normal(0, 35, grey.shape)
        grey[rng.random(grey.shape) < 0.01] = 0
        return grey

    return _scanned(tmp_path_factory.mktemp("worn"), ARCHIVE_LINES, 200, wear)


def test_a_worn_skewed_scan_is_recognised_well_enough_to_be_found(worn_scan, tmp_path):
    _found_on_its_page(worn_scan, ("экспедиция", "қолжазбалардың", "мұрағат"), tmp_path)


@pytest.fixture(scope="module")
def heavily_worn_scan(tmp_path_factory):
    """A page scanned heavily worn: blurred, faded ink on paper darkening across it, coarse grain and specks.

    Tesseract's own global threshold reads little of it (about 13 long words of 60); binarised, it reads it.
    """
    def wear(image):
        rng = np.random.default_rng(1)
        image = image.rotate(2.5, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(1.4))
        grey = 255 - (255 - np.asarray(image, np.float32)) * 0.5
        grey -= np.add.outer(np.linspace(0, 45, grey.shape[0]), np.linspace(0, 45, grey.shape[1]))
        grey += rng.normal(0, 40, grey.shape)
        specks = rng.random(grey.shape)
        grey[specks < 0.01], grey[specks > 0.99] = 0, 255
        return grey

    return _scanned(tmp_path_factory.mktemp("heavy"), ARCHIVE_LINES, 300, wear)


def test_a_page_read_with_little_confidence_is_read_again_binarised_and_found(heavily_worn_scan, tmp_path):
    _found_on_its_page(heavily_worn_scan, ("сипаттамасы", "қолжазбалардың", "экспедиция"), tmp_path)


@pytest.fixture(scope="module")
def faint_scan(tmp_path_factory):
    """A scan of a pale typescript: light grey letters (level 200) on white paper."""
    lines = ["Справка о передаче документов в архив.", "Протокол заседания комиссии 1932 года.",
             "Подпись секретаря комиссии."]
    return _scanned(tmp_path_factory.mktemp("faint"), lines, 200,
                    lambda image: 255 - (255 - np.asarray(image, np.float32)) * 55 / 255)


def test_a_pale_typescript_is_not_taken_for_blank_and_is_read(faint_scan):
    if missing_tools():
        pytest.fail(missing_tools())
    assert blank_pages(faint_scan, [1]) == set()
    document = extract_document(faint_scan)
    assert document.pages[0].source == FROM_OCR
    assert "Протокол заседания комиссии" in document.pages[0].text


def test_ocr_always_reads_every_page_without_asking_whether_it_is_blank(faint_scan, monkeypatch):
    if missing_tools():
        pytest.fail(missing_tools())

    def never(*args, **kwargs):
        raise AssertionError("--ocr always must not skip pages as blank")

    monkeypatch.setattr("ingest.document.blank_pages", never)
    document = extract_document(faint_scan, ocr="always")
    assert "Протокол заседания комиссии" in document.pages[0].text


def test_a_page_of_dense_small_print_is_not_taken_for_blank(tmp_path):
    """A scanned page of 8 pt print edge to edge: at the blank check's resolution it is grey all over, so its
    'grain' is its letters, and ink must still count as ink."""
    words = "Қазақстан Республикасының Үкіметі мұрағат құжаттарын сақтау туралы қаулы қабылдады".split()
    rng = np.random.default_rng(0)
    page = Image.new("L", (1654, 2338), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(_font_path()), 22)
    for y in range(180, 2150, 24):
        draw.text((130, y), " ".join(rng.choice(words) for _ in range(40)), fill=0, font=font)
    page.save(tmp_path / "dense.pdf", resolution=200)
    assert blank_pages(tmp_path / "dense.pdf", [1]) == set()


def test_a_page_too_large_to_render_fails_alone_with_a_message(tmp_path):
    if missing_tools():
        pytest.fail(missing_tools())
    Image.fromarray(np.full((40, 40), 90, np.uint8)).save(tmp_path / "grey.png")
    pdf = canvas.Canvas(str(tmp_path / "giant.pdf"), pagesize=(14400, 20352))
    pdf.drawImage(ImageReader(str(tmp_path / "grey.png")), 0, 0, width=14400, height=20352)
    pdf.showPage()
    pdf.save()
    with pytest.raises(ocr.OcrFailed, match=r"giant\.pdf: OCR of page 1 failed \(the page, 14400 × 20352 pt"):
        ocr.recognise_page(tmp_path / "giant.pdf", 1, 14400, 20352)
    assert extract_document(tmp_path / "giant.pdf").pages[0].status == "ocr_failed"


def test_a_second_reading_that_fails_leaves_the_first(monkeypatch):
    readings = []

    def tesseract(pixels, number, width, height, dpi, timeout, name):
        readings.append(timeout)
        if len(readings) == 2:
            raise ocr.OcrFailed("image: OCR of page 1 took over 3 s")
        return parse_tsv(TSV.replace("95.0", "40.0"), number, width, height, dpi)

    monkeypatch.setattr(ocr, "_tesseract", tesseract)
    page = ocr.recognise_image(np.asarray(_lines_image()), 1, 595.0, 842.0, 150, timeout=30)
    assert [line.text for line in page.page.lines] == ["Демократия жөніндегі", "Конституциялық"]
    assert len(readings) == 2 and readings[1] < 30  # the second reading had what was left of the page's time
