"""Text lines with their geometry, page by page, from a PDF (the one home of pdfminer)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pdfminer.layout import LAParams, LTPage, LTTextContainer, LTTextLine
from pdfminer.high_level import extract_pages
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser, PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfminer.utils import decode_text

# pdfminer logs every recoverable oddity of a damaged file at WARNING; the ledger of
# failures is where an archivist looks, not the log.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

LAYOUT = LAParams(line_margin=0.5, char_margin=2.0, word_margin=0.1, boxes_flow=0.5)


class ExtractionError(Exception):
    """A file whose text cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Line:
    """One text line as laid out on the page (PDF coordinates, origin bottom left)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class RawPage:
    """A page's text lines in reading order, before any cleaning."""

    number: int
    width: float
    height: float
    lines: tuple[Line, ...]


def read_info(path: Path) -> dict[str, str]:
    """The PDF's own info dictionary (Title, Author, CreationDate...), decoded to text."""
    with open(path, "rb") as handle:
        try:
            document = PDFDocument(PDFParser(handle))
        except Exception as error:  # noqa: BLE001 - any parser failure means "no info"
            raise ExtractionError(_reason(path, error)) from error
        info: dict[str, str] = {}
        for entry in document.info:
            for key, value in entry.items():
                if isinstance(value, bytes):
                    text = decode_text(value).strip()
                    if text:
                        info[key] = text
    return info


def extract_raw_pages(path: Path) -> Iterator[RawPage]:
    """Yield each page's text lines in pdfminer's reading order."""
    try:
        for number, layout in enumerate(extract_pages(path, laparams=LAYOUT), start=1):
            yield RawPage(number, layout.width, layout.height, tuple(_lines(layout)))
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 - pdfminer raises many unrelated types
        raise ExtractionError(_reason(path, error)) from error


def _lines(layout: LTPage) -> Iterator[Line]:
    for element in layout:
        if isinstance(element, LTTextContainer):
            for line in element:
                if isinstance(line, LTTextLine):
                    text = line.get_text().rstrip("\n")
                    if text.strip():
                        yield Line(text, line.x0, line.y0, line.x1, line.y1)


def _reason(path: Path, error: Exception) -> str:
    name = Path(path).name
    if isinstance(error, (PDFEncryptionError, PDFPasswordIncorrect)):
        return f"{name}: the PDF is encrypted; save an unprotected copy and ingest that"
    if isinstance(error, (PDFSyntaxError, PSException)):
        return f"{name}: not a readable PDF ({error or type(error).__name__}); check that the file is complete"
    return f"{name}: cannot read the PDF ({type(error).__name__}: {error}); check that it opens in a PDF viewer"
