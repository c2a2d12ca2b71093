"""Text lines with their geometry, page by page, from a PDF (the one home of pdfminer).

Reading order is ours, not pdfminer's: pdfminer's box ordering interleaves the columns of
two-column pages, which puts the second half of a broken word in the other column's text.
We take pdfminer's line fragments, find the columns from the empty vertical gutter between
them, and read each column top to bottom; lines that span the gutter (titles, running
headers) cut the page into sections read in turn.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pdfminer.layout import LAParams, LTChar, LTPage, LTTextContainer, LTTextLine
from pdfminer.high_level import extract_pages
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFParser, PDFSyntaxError
from pdfminer.psexceptions import PSException
from pdfminer.utils import decode_text

# pdfminer logs every recoverable oddity of a damaged file at WARNING; the ledger of
# failures is where an archivist looks, not the log.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# A small char_margin keeps a narrow column gutter (TeX's 10 pt) from gluing two columns'
# lines into one; fragments of one line are put back together by `_merge_fragments`.
LAYOUT = LAParams(line_margin=0.5, char_margin=1.0, word_margin=0.1, boxes_flow=0.5)
# A gutter is at least this wide (points) and crossed by at most this share of fragments.
MIN_GUTTER = 6.0
GUTTER_CROSSING_SHARE = 0.05
# Two columns share at least this many rows.
MIN_COLUMN_LINES = 2


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
    column: int = 0


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


def _lines(layout: LTPage) -> list[Line]:
    """The page's lines in reading order: sections top to bottom, columns left to right."""
    fragments = [fragment for fragment in _fragments(layout) if fragment.text.strip()]
    if not fragments:
        return []
    gutter = find_gutter(fragments, layout.width)
    if gutter is None:
        return _merge_fragments(fragments, column=0)
    ordered: list[Line] = []
    section: list[Line] = []
    for fragment in sorted(fragments, key=lambda f: -f.y1):
        if fragment.x0 < gutter < fragment.x1:
            ordered.extend(_read_columns(section, gutter))
            ordered.extend(_merge_fragments([fragment], column=0))
            section = []
        else:
            section.append(fragment)
    ordered.extend(_read_columns(section, gutter))
    return ordered


def _fragments(layout: LTPage) -> Iterator[Line]:
    for element in layout:
        if isinstance(element, LTTextContainer):
            for line in element:
                if isinstance(line, LTTextLine):
                    yield Line(_line_text(line), _ink_x0(line), line.y0, line.x1, line.y1)


def _line_text(line: LTTextLine) -> str:
    """The line's text without zero-advance spaces.

    Chromium writes each soft hyphen as a space glyph that the next letter overprints;
    read literally, every word falls apart into syllables (`ха лық ара лық`).
    """
    items = list(line)
    out = []
    for item, following in zip(items, items[1:] + [None]):
        text = item.get_text()
        if (text == " " and isinstance(item, LTChar) and isinstance(following, LTChar)
                and following.x0 < item.x0 + item.width / 2):
            continue
        out.append(text)
    return "".join(out).rstrip("\n")


def _ink_x0(line: LTTextLine) -> float:
    """Where the line's first visible glyph starts: an indent typed as spaces still shows."""
    for char in line:
        if isinstance(char, LTChar) and char.get_text().strip():
            return char.x0
    return line.x0


def find_gutter(fragments: list[Line], width: float) -> float | None:
    """The x of an empty vertical band between two columns of text, or None for one column."""
    lo, hi = int(width * 0.2), int(width * 0.8)
    if hi - lo < MIN_GUTTER:
        return None
    crossing = [0] * (hi - lo + 1)
    starting = [0] * (hi - lo + 1)  # a column's left edge ends a band even if the column is short
    for fragment in fragments:
        for x in range(max(lo, int(fragment.x0)), min(hi, int(fragment.x1) + 1)):
            crossing[x - lo] += 1
        if lo <= int(fragment.x0) <= hi:
            starting[int(fragment.x0) - lo] += 1
    allowed = max(1, int(len(fragments) * GUTTER_CROSSING_SHARE))
    centres = []  # the middle of every empty band wide enough to be a gutter
    start = None
    for x, (count, starts) in enumerate(zip(crossing + [allowed + 1], starting + [0])):
        blocked = count > allowed or starts >= MIN_COLUMN_LINES
        if not blocked and start is None:
            start = x
        elif blocked and start is not None:
            if x - start >= MIN_GUTTER:
                centres.append(lo + (start + x) / 2)
            start = None
    scored = [(_rows_side_by_side(fragments, centre), centre) for centre in centres]
    rows, centre = max(scored, default=(0, None))
    return centre if rows >= MIN_COLUMN_LINES else None


def _rows_side_by_side(fragments: list[Line], gutter: float) -> int:
    """How many lines right of the gutter share a row with a line left of it (columns do)."""
    left = [f for f in fragments if f.x1 <= gutter]
    return sum(any(l.y0 < (r.y0 + r.y1) / 2 < l.y1 for l in left) for r in fragments if r.x0 >= gutter)


def _read_columns(fragments: list[Line], gutter: float) -> list[Line]:
    left = [f for f in fragments if f.x1 <= gutter]
    right = [f for f in fragments if f.x0 >= gutter]
    return _merge_fragments(left, column=0) + _merge_fragments(right, column=1)


def _merge_fragments(fragments: list[Line], column: int) -> list[Line]:
    """Fragments on one baseline become one line (top to bottom), in x order, spaced by their gaps."""
    rows: list[list[Line]] = []
    for fragment in sorted(fragments, key=lambda f: (-f.y1, f.x0)):
        middle = (fragment.y0 + fragment.y1) / 2
        row = rows[-1] if rows else None
        if row and min(f.y0 for f in row) < middle < max(f.y1 for f in row):
            row.append(fragment)
        else:
            rows.append([fragment])
    lines = []
    for row in rows:
        row.sort(key=lambda f: f.x0)
        text = row[0].text
        for before, after in zip(row, row[1:]):
            height = max(after.y1 - after.y0, 1.0)
            gap = after.x0 - before.x1
            needs_space = gap >= height * 0.1 and not text.endswith(" ") and not after.text.startswith(" ")
            text += (" " if needs_space else "") + after.text
        lines.append(Line(text, row[0].x0, min(f.y0 for f in row), max(f.x1 for f in row),
                          max(f.y1 for f in row), column))
    return lines


def _reason(path: Path, error: Exception) -> str:
    name = Path(path).name
    if isinstance(error, (PDFEncryptionError, PDFPasswordIncorrect)):
        return f"{name}: the PDF is encrypted; save an unprotected copy and ingest that"
    if isinstance(error, (PDFSyntaxError, PSException)):
        return f"{name}: not a readable PDF ({error or type(error).__name__}); check that the file is complete"
    return f"{name}: cannot read the PDF ({type(error).__name__}: {error}); check that it opens in a PDF viewer"
