"""One file in, clean page texts and passages out: the pure function the workers run."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import clean_pages, is_garbage
from ingest.extract import ExtractionError, RawPage, extract_raw_pages, read_info
from ingest.hyphens import join_pages
from ingest.passages import Passage, split_page

# What a page's text came from, or why it has none.
TEXT_LAYER = "text"
NO_TEXT_LAYER = "empty"
GARBAGE = "garbage"


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
    """Read a PDF into clean page texts and passages; raise ExtractionError if unreadable."""
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise ExtractionError(f"{path.name}: the file is empty (0 bytes); copy it again from its source")
    info = read_info(path)
    raw_pages = list(extract_raw_pages(path))
    if not raw_pages:
        raise ExtractionError(f"{path.name}: the PDF has no pages")
    return build_document(raw_pages, info)


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
