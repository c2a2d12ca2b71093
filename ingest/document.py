"""One file in (PDF or UTF-8 text), clean page texts and passages out: the pure function the workers run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import clean_pages, is_garbage
from ingest.extract import ExtractionError, Line, RawPage, extract_raw_pages, read_info
from ingest.hyphens import join_pages
from ingest.ocr import PAGE_TIMEOUT_SECONDS, OcrFailed, OcrUnavailable, blank_pages, missing_tools, recognise_page
from ingest.passages import Passage, split_page

# A page's status: its text can be indexed, or why it has none.
TEXT_LAYER = "text"
NO_TEXT_LAYER = "empty"
GARBAGE = "garbage"
NEEDS_OCR = "needs_ocr"  # no usable text layer, and OCR could not run here
OCR_FAILED = "ocr_failed"
# Where a page's text came from.
FROM_TEXT_LAYER, FROM_OCR = "text_layer", "ocr"
# When to recognise a page: only when it has no usable text layer, every page, or never.
OCR_MODES = ("auto", "always", "never")

PDF_SUFFIXES = frozenset({".pdf"})
TEXT_SUFFIXES = frozenset({".txt"})
# Plain text: pages are separated by form feeds (what pdftotext and many scanners write).
PAGE_BREAK = "\f"
# Plain-text lines are laid out top to bottom on a page as tall as they need, so that the first
# and last rows sit at its edges and running lines are found as in a PDF.
TEXT_PAGE_WIDTH, TEXT_MARGIN, TEXT_LEADING = 595.0, 60.0, 14.0


@dataclass(frozen=True)
class PageText:
    """A page's cleaned text and whether it can be indexed."""

    number: int
    text: str
    status: str = TEXT_LAYER
    source: str = FROM_TEXT_LAYER
    confidence: float | None = None  # mean OCR word confidence, 0..1
    line_ends: tuple[int, ...] = ()  # offsets of the spaces in `text` that ended a line (for showing it)


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything ingest knows about one file, independent of any archive."""

    pages: tuple[PageText, ...]
    passages: tuple[Passage, ...]
    info: dict[str, str] = field(default_factory=dict)
    ocr_unavailable: str = ""  # why pages needing OCR were left without it (the packages to install)

    @property
    def pages_without_text(self) -> list[int]:
        return [page.number for page in self.pages if page.status != TEXT_LAYER]


def extract_document(path: Path, ocr: str = "auto", ocr_timeout: float = PAGE_TIMEOUT_SECONDS) -> ExtractedDocument:
    """Read a PDF or a UTF-8 text file into clean page texts and passages; raise ExtractionError if unreadable.

    Pages without a usable text layer (scans, `(cid:NN)` junk) are recognised with OCR
    (`ocr="auto"`); `"always"` recognises every page, `"never"` none.
    """
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}")
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ExtractionError(f"{path.name}: the file is empty (0 bytes); copy it again from its source")
    if path.suffix.lower() in TEXT_SUFFIXES:
        return build_document(read_text_pages(path))
    info = read_info(path)
    raw_pages = list(extract_raw_pages(path))
    if not raw_pages:
        raise ExtractionError(f"{path.name}: the PDF has no pages")
    wanted = [page.number for page in raw_pages if ocr == "always" or (ocr == "auto" and not _has_usable_text(page))]
    if not wanted:
        return build_document(raw_pages, info)
    unavailable = missing_tools()
    if unavailable:
        return build_document(raw_pages, info, unrecognised=dict.fromkeys(wanted, NEEDS_OCR),
                              ocr_unavailable=unavailable)
    return _with_ocr(path, raw_pages, wanted, info, ocr_timeout, look_for_blank=ocr == "auto")


def _has_usable_text(page: RawPage) -> bool:
    text = " ".join(line.text for line in page.lines)
    return bool(text.strip()) and not is_garbage(text)


def _with_ocr(path: Path, raw_pages: list[RawPage], wanted: list[int], info: dict[str, str],
              timeout: float, look_for_blank: bool = True) -> ExtractedDocument:
    """Replace the wanted pages by their recognised text; a page OCR fails on is recorded as such, a page found
    blank is left as it is (no text: `empty`). Without `look_for_blank` (`--ocr always`), every page is read."""
    pages = {page.number: page for page in raw_pages}
    confidences: dict[int, float] = {}
    unrecognised: dict[int, str] = {}
    blank = blank_pages(path, wanted, timeout=timeout) if look_for_blank else set()
    for number in wanted:
        if number in blank:
            continue
        page = pages[number]
        try:
            recognised = recognise_page(path, number, page.width, page.height, timeout=timeout)
        except OcrFailed:
            unrecognised[number] = OCR_FAILED
            continue
        except OcrUnavailable as error:
            return build_document(raw_pages, info, unrecognised=dict.fromkeys(wanted, NEEDS_OCR),
                                  ocr_unavailable=str(error))
        pages[number] = recognised.page
        confidences[number] = recognised.confidence
    return build_document(list(pages.values()), info, confidences, unrecognised)


def read_text_pages(path: Path) -> list[RawPage]:
    """A UTF-8 text file's pages (split at form feeds), its lines laid out top to bottom."""
    data = Path(path).read_bytes()
    if b"\0" in data:
        raise ExtractionError(f"{path.name}: not a text file (it holds binary data); check what the file really is")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExtractionError(f"{path.name}: not UTF-8 text (bad byte at offset {error.start}); "
                              f"save it as UTF-8 and ingest it again") from error
    chunks = text.split(PAGE_BREAK)
    if len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()  # a form feed that ends the last page opens no new one
    return [_text_page(number, chunk) for number, chunk in enumerate(chunks, start=1)]


def _text_page(number: int, text: str) -> RawPage:
    rows = text.splitlines()
    height = 2 * TEXT_MARGIN + TEXT_LEADING * max(1, len(rows))
    lines = []
    for row, line in enumerate(rows):
        if line.strip():
            top = height - TEXT_MARGIN - row * TEXT_LEADING
            x1 = TEXT_MARGIN + 6.0 * len(line)
            lines.append(Line(line, TEXT_MARGIN, top - TEXT_LEADING, x1, top))
    return RawPage(number, TEXT_PAGE_WIDTH, height, tuple(lines))


def build_document(raw_pages: list[RawPage], info: dict[str, str] | None = None,
                   confidences: dict[int, float] | None = None, unrecognised: dict[int, str] | None = None,
                   ocr_unavailable: str = "") -> ExtractedDocument:
    """Clean, join and split raw pages (shared by every input format, text layer or OCR alike).

    `confidences` holds the OCR confidence of recognised pages; `unrecognised` the status
    of pages that needed OCR and did not get it.
    """
    confidences, unrecognised = confidences or {}, unrecognised or {}
    info = dict(info or {})
    cleaned = clean_pages(raw_pages, known_running=[info.get("Title", ""), info.get("Author", "")])
    texts = join_pages(cleaned, recognised=frozenset(confidences))
    pages = tuple(_page_text(raw.number, text, confidences.get(raw.number), unrecognised.get(raw.number), ends)
                  for raw, (text, ends) in zip(cleaned, texts))
    passages: list[Passage] = []
    for page in pages:
        if page.status == TEXT_LAYER:
            passages.extend(split_page(page.number, page.text, first_seq=len(passages)))
    return ExtractedDocument(pages, tuple(passages), info, ocr_unavailable)


def _page_text(number: int, text: str, confidence: float | None, unrecognised: str | None,
               line_ends: tuple[int, ...]) -> PageText:
    if unrecognised:
        return PageText(number, "", unrecognised)
    source = FROM_OCR if confidence is not None else FROM_TEXT_LAYER
    if not text.strip():
        return PageText(number, "", NO_TEXT_LAYER, source, confidence)
    if is_garbage(text):
        return PageText(number, "", GARBAGE, source, confidence)
    return PageText(number, text, TEXT_LAYER, source, confidence, line_ends)
