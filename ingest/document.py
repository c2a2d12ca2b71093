"""One file in (PDF or UTF-8 text), clean page texts and passages out: the pure function the workers run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import clean_pages, is_garbage
from ingest.extract import ExtractionError, Line, RawPage, extract_raw_pages, read_info
from ingest.hyphens import join_pages
from ingest.passages import Passage, split_page

# What a page's text came from, or why it has none.
TEXT_LAYER = "text"
NO_TEXT_LAYER = "empty"
GARBAGE = "garbage"

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


@dataclass(frozen=True)
class ExtractedDocument:
    """Everything ingest knows about one file, independent of any archive."""

    pages: tuple[PageText, ...]
    passages: tuple[Passage, ...]
    info: dict[str, str] = field(default_factory=dict)

    @property
    def pages_without_text(self) -> list[int]:
        return [page.number for page in self.pages if page.status != TEXT_LAYER]


def extract_document(path: Path) -> ExtractedDocument:
    """Read a PDF or a UTF-8 text file into clean page texts and passages; raise ExtractionError if unreadable."""
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
    return build_document(raw_pages, info)


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


def build_document(raw_pages: list[RawPage], info: dict[str, str] | None = None) -> ExtractedDocument:
    """Clean, join and split raw pages (shared by every input format)."""
    cleaned = clean_pages(raw_pages)
    texts = join_pages(cleaned)
    pages = tuple(_page_text(raw.number, text) for raw, text in zip(cleaned, texts))
    passages: list[Passage] = []
    for page in pages:
        if page.status == TEXT_LAYER:
            passages.extend(split_page(page.number, page.text, first_seq=len(passages)))
    return ExtractedDocument(pages, tuple(passages), dict(info or {}))


def _page_text(number: int, text: str) -> PageText:
    if not text.strip():
        return PageText(number, "", NO_TEXT_LAYER)
    if is_garbage(text):
        return PageText(number, "", GARBAGE)
    return PageText(number, text)
