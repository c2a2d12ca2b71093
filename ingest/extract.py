"""Text lines with their geometry, page by page, from a PDF (the one home of pdfminer).

pdfminer.six parses the file and runs each page's content stream; the glyphs it draws come to
our own device as light tuples, grouped into line fragments as pdfminer's layout analysis
would (same char_margin, line_overlap and word_margin), without building an LTChar per glyph
or grouping lines into boxes: that costs about half of pdfminer's time and we reorder anyway.

Reading order is ours, not pdfminer's: pdfminer's box ordering interleaves the columns of
two-column pages, which puts the second half of a broken word in the other column's text.
We find the columns from the empty vertical gutter between line fragments, and read each
column top to bottom; lines that span the gutter (titles, running headers) cut the page into
sections read in turn. A gutter narrower than a space, or none at all (CSS columns with
`column-gap: 0`, word processors' narrow column spacing), is found from the other side: a
left edge shared by many lines that no line crosses, against which the left column's lines
end. Read as rows, such pages interleave the columns and glue the word that ends a left line
to the one that starts the right line (`Республикасыжұмыссыздар`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterator

from archive.pins import require

require("pdfminer.six", __name__)  # the content-stream internals copied and overridden below
from pdfminer.layout import LTChar
from pdfminer.pdfcolor import PDFColorSpace
from pdfminer.pdfdevice import PDFTextDevice, PDFTextSeq
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdffont import PDFFont, PDFUnicodeNotDefined
from pdfminer.pdfinterp import (PDFContentParser, PDFGraphicState, PDFPageInterpreter, PDFResourceManager,
                                PDFTextState)
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser, PDFSyntaxError
from pdfminer.pdftypes import stream_value
from pdfminer.psexceptions import PSEOF, PSException
from pdfminer.psparser import PSKeyword, keyword_name
from pdfminer.utils import Matrix, Rect, apply_matrix_rect, decode_text, mult_matrix

# pdfminer logs every recoverable oddity of a damaged file at WARNING; the ledger of
# failures is where an archivist looks, not the log.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

# pdfminer's line grouping with LAParams(char_margin=1.0, word_margin=0.1) and its default
# line_overlap: a small char_margin keeps a narrow column gutter (TeX's 10 pt) from gluing two
# columns' lines into one; fragments of one line are put back together by `_merge_fragments`.
CHAR_MARGIN = 1.0
LINE_OVERLAP = 0.5
WORD_MARGIN = 0.1
# A gutter is at least this wide (points) and crossed by at most this share of fragments.
MIN_GUTTER = 6.0
GUTTER_CROSSING_SHARE = 0.05
# Two columns share at least this many rows.
MIN_COLUMN_LINES = 2
# A narrow gutter: at least this many lines of the right column start at one x (within
# EDGE_TOLERANCE points), and as many left lines end at most NARROW_GUTTER points before it.
NARROW_GUTTER = 6.0
EDGE_TOLERANCE = 1.0
MIN_EDGE_LINES = 4

# The rest of a literal string up to its closing parenthesis, when it holds no parenthesis and
# only escapes that PDF and Python read alike: octal codes up to 255, \b \t \n \f \r and \\.
PLAIN_STRING = re.compile(rb"((?:[^()\\]|\\(?:[0-3][0-7]{2}|[0-7]{1,2}(?![0-7])|[btnfr\\]))*+)\)")

# One drawn glyph: its text and its box (x0, y0, x1, y1), as pdfminer's LTChar would have it.
Glyph = tuple[str, float, float, float, float]


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
    """Yield each page's text lines in reading order."""
    try:
        with open(path, "rb") as handle:
            resources = PDFResourceManager(caching=True)
            device = GlyphCollector(resources)
            interpreter = PageInterpreter(resources, device)
            for number, page in enumerate(PDFPage.create_pages(PDFDocument(PDFParser(handle))), start=1):
                interpreter.process_page(page)
                yield RawPage(number, device.width, device.height, tuple(_lines(device.glyphs, device.width)))
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 - pdfminer raises many unrelated types
        raise ExtractionError(_reason(path, error)) from error


class LiteralStringParser(PDFContentParser):
    """pdfminer's content-stream parser, reading a whole literal string in one step when it can.

    pdfminer's state machine takes several calls per escape, and subset fonts write nearly
    every glyph as an octal escape (`\\004`): that was a third of its time. A string that is
    whole in the buffer, with no nested parentheses and only the escapes Python's
    `unicode_escape` reads the same way, is decoded at once; any other goes through pdfminer.
    """

    def _parse_string(self, s: bytes, i: int) -> int:
        whole = PLAIN_STRING.match(s, i) if self.paren == 1 else None
        if whole is None:
            return super()._parse_string(s, i)
        self._add_token(self._curtoken + whole.group(1).decode("unicode_escape").encode("latin-1"))
        self._parse1 = self._parse_main
        return whole.end()


class PageInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, running content streams through `LiteralStringParser`."""

    def execute(self, streams: list[object]) -> None:
        """pdfminer's `execute`: streams already being run higher up (circular forms) are refused."""
        valid_streams = []
        self.stream_ids.clear()
        for stream in map(stream_value, streams):
            if stream.objid is not None and stream.objid not in self.parent_stream_ids:
                valid_streams.append(stream)
                self.stream_ids.add(stream.objid)
        try:
            parser = LiteralStringParser(valid_streams)
        except PSEOF:
            return  # an empty page
        while True:
            try:
                _, item = parser.nextobject()
            except PSEOF:
                break
            if isinstance(item, PSKeyword):
                self._run_operator(keyword_name(item))
            else:
                self.push(item)

    def _run_operator(self, name: str) -> None:
        """Call `do_<name>` with its operands from the stack; unknown operators are ignored."""
        method = getattr(self, "do_" + name.replace("*", "_a").replace('"', "_w").replace("'", "_q"), None)
        if method is None:
            return
        count = method.__code__.co_argcount - 1
        if count:
            operands = self.pop(count)
            if len(operands) == count:
                method(*operands)
        else:
            method()


class GlyphCollector(PDFTextDevice):
    """A pdfminer device that keeps each page's glyphs as tuples, in drawing order.

    Text inside Form XObjects is left out, as pdfminer's layout analysis leaves it out
    of the page's text boxes (LAParams.all_texts is off).
    """

    def __init__(self, resources: PDFResourceManager) -> None:
        super().__init__(resources)
        self.glyphs: list[Glyph] = []
        self.width = self.height = 0.0
        self._figures = 0
        self._fonts: dict[PDFFont, dict[int, tuple[str, float]]] = {}

    def begin_page(self, page: PDFPage, ctm: Matrix) -> None:
        x0, y0, x1, y1 = apply_matrix_rect(ctm, page.mediabox)
        self.width, self.height = abs(x0 - x1), abs(y0 - y1)
        self.glyphs = []

    def begin_figure(self, name: str, bbox: Rect, matrix: Matrix) -> None:
        self._figures += 1

    def end_figure(self, name: str) -> None:
        self._figures -= 1

    def render_string(self, textstate: PDFTextState, seq: PDFTextSeq, ncs: PDFColorSpace,
                      graphicstate: PDFGraphicState) -> None:
        """Horizontal, unrotated text (nearly all of it) placed here; the rest by pdfminer's own loop."""
        if self._figures:
            return
        matrix = mult_matrix(textstate.matrix, self.ctm)
        if matrix[1] or matrix[2] or textstate.font.is_vertical():
            super().render_string(textstate, seq, ncs, graphicstate)
        else:
            textstate.linematrix = self._place_run(textstate, seq, matrix)

    def _place_run(self, textstate: PDFTextState, seq: PDFTextSeq, matrix: Matrix) -> tuple[float, float]:
        """pdfminer's render_string_horizontal, with LTChar's box arithmetic for an unrotated matrix."""
        font, fontsize = textstate.font, textstate.fontsize
        scaling = textstate.scaling * 0.01
        charspace = textstate.charspace * scaling
        wordspace = 0 if font.is_multibyte() else textstate.wordspace * scaling
        dxscale = 0.001 * fontsize * scaling
        bottom = font.get_descent() * fontsize + textstate.rise
        top = bottom + fontsize
        a, _, _, d, e, f = matrix
        x, y = textstate.linematrix
        y0, y1 = sorted((d * bottom + (y * d + f), d * top + (y * d + f)))
        known = self._fonts.setdefault(font, {})
        glyphs = self.glyphs
        needcharspace = False
        for item in seq:
            if isinstance(item, (int, float)):
                x -= item * dxscale
                needcharspace = True
            elif isinstance(item, bytes):
                for cid in font.decode(item):
                    if needcharspace:
                        x += charspace
                    text, width = known.get(cid) or self._glyph(font, cid)
                    advance = width * fontsize * scaling
                    left = x * a + e
                    right = a * advance + left
                    glyphs.append((text, left, y0, right, y1) if left <= right else (text, right, y0, left, y1))
                    x += advance
                    if cid == 32 and wordspace:
                        x += wordspace
                    needcharspace = True
        return x, y

    def render_char(self, matrix: Matrix, font: PDFFont, fontsize: float, scaling: float, rise: float, cid: int,
                    ncs: PDFColorSpace, graphicstate: PDFGraphicState) -> float:
        """Rotated or vertical text: pdfminer's own LTChar gives the box."""
        text, width = self._fonts.setdefault(font, {}).get(cid) or self._glyph(font, cid)
        char = LTChar(matrix, font, fontsize, scaling, rise, text, width, font.char_disp(cid), ncs, graphicstate)
        self.glyphs.append((text, char.x0, char.y0, char.x1, char.y1))
        return char.adv

    def _glyph(self, font: PDFFont, cid: int) -> tuple[str, float]:
        """A glyph's text (`(cid:N)` when the font does not say, as pdfminer writes it) and width."""
        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = f"(cid:{cid})"
        self._fonts[font][cid] = text, font.char_width(cid)
        return self._fonts[font][cid]


def _lines(glyphs: list[Glyph], width: float) -> list[Line]:
    """The page's lines in reading order: sections top to bottom, columns left to right."""
    fragments = _fragments(glyphs)
    if not fragments:
        return []
    gutter = find_gutter(fragments, width)
    if gutter is None:
        return _merge_fragments(fragments, column=0)
    ordered: list[Line] = []
    section: list[Line] = []
    for fragment in sorted(fragments, key=lambda f: -f.y1):
        if _spans(fragment, gutter):
            ordered.extend(_read_columns(section, gutter))
            ordered.extend(_merge_fragments([fragment], column=0))
            section = []
        else:
            section.append(fragment)
    ordered.extend(_read_columns(section, gutter))
    return ordered


def _fragments(glyphs: list[Glyph]) -> list[Line]:
    """Runs of consecutive glyphs side by side on one baseline (pdfminer's text lines), with text."""
    fragments = []
    run = glyphs[:1]
    for previous, glyph in zip(glyphs, glyphs[1:]):
        if _side_by_side(previous, glyph):
            run.append(glyph)
        else:
            fragments.append(_fragment(run))
            run = [glyph]
    if run:
        fragments.append(_fragment(run))
    return [fragment for fragment in fragments if fragment is not None]


def _side_by_side(one: Glyph, other: Glyph) -> bool:
    """pdfminer's `halign`: the boxes overlap vertically by half a height and are at most a width apart."""
    _, ax0, ay0, ax1, ay1 = one
    _, bx0, by0, bx1, by1 = other
    if ay0 == by0 and ay1 == by1:  # one row (most pairs): the vertical test holds when the boxes have height
        if ay1 <= ay0:
            return False
    elif not (by0 <= ay1 and ay0 <= by1) or (
            min(ay1 - ay0, by1 - by0) * LINE_OVERLAP >= min(abs(ay0 - by1), abs(ay1 - by0))):
        return False
    distance = 0 if bx0 <= ax1 and ax0 <= bx1 else min(abs(ax0 - bx1), abs(ax1 - bx0))
    return distance < max(ax1 - ax0, bx1 - bx0) * CHAR_MARGIN


def _fragment(run: list[Glyph]) -> Line | None:
    """A run's text, spaced where the gap between glyphs says so, or None when it shows nothing.

    TeX draws no space glyphs: a gap wider than a tenth of the next glyph's size is a space.
    Chromium writes each soft hyphen as a space glyph that the next letter overprints; read
    literally, every word falls apart into syllables (`ха лық ара лық`), so such spaces go.
    The line starts where its first visible glyph starts: an indent typed as spaces still shows.
    """
    texts = [run[0][0]]
    for (text0, x00, _, x01, _), (text, x0, y0, x1, y1) in zip(run, run[1:]):
        if x01 < x0 - WORD_MARGIN * max(x1 - x0, y1 - y0):
            texts.append(" ")
        elif text0 == " " and x0 < x00 + (x01 - x00) / 2:
            texts.pop()
        texts.append(text)
    text = "".join(texts).rstrip("\n")
    _, lefts, bottoms, rights, tops = zip(*run)
    x0, y0, x1, y1 = min(lefts), min(bottoms), max(rights), max(tops)
    if x1 <= x0 or y1 <= y0 or not text.strip():
        return None
    ink_x0 = next((glyph[1] for glyph in run if glyph[0].strip()), x0)
    return Line(text, ink_x0, y0, x1, y1)


def find_gutter(fragments: list[Line], width: float) -> float | None:
    """The x of an empty vertical band between two columns of text, or None for one column."""
    lo, hi = int(width * 0.2), int(width * 0.8)
    if hi - lo < MIN_GUTTER:
        return None
    changes = [0] * (hi - lo + 1)  # how many more fragments cross x than cross x - 1
    starting = [0] * (hi - lo + 1)  # a column's left edge ends a band even if the column is short
    for fragment in fragments:
        first, end = max(lo, int(fragment.x0)), min(hi, int(fragment.x1) + 1)
        if first < end:
            changes[first - lo] += 1
            changes[end - lo] -= 1
        if lo <= int(fragment.x0) <= hi:
            starting[int(fragment.x0) - lo] += 1
    crossing = list(accumulate(changes))
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
    return centre if rows >= MIN_COLUMN_LINES else _narrow_gutter(fragments, lo, hi)


def _narrow_gutter(fragments: list[Line], lo: int, hi: int) -> float | None:
    """A gutter too narrow to show as an empty band: the shared left edge of a right column that no line
    crosses, with the left column's lines ending against it, side by side on as many rows."""
    starts: dict[int, list[float]] = {}
    for fragment in fragments:
        if lo <= fragment.x0 <= hi:
            starts.setdefault(round(fragment.x0), []).append(fragment.x0)
    allowed = max(1, int(len(fragments) * GUTTER_CROSSING_SHARE))
    best: tuple[int, float] | None = None
    for key in sorted(starts, key=lambda k: -len(starts[k])):
        edge = min(x for k in (key - 1, key, key + 1) for x in starts.get(k, ()))
        right = [f for f in fragments if edge - EDGE_TOLERANCE <= f.x0 <= edge + EDGE_TOLERANCE]
        if len(right) < MIN_EDGE_LINES:
            break
        if sum(_spans(f, edge) for f in fragments) > allowed:
            continue
        ending = [f for f in fragments if edge - NARROW_GUTTER <= f.x1 <= edge + EDGE_TOLERANCE]
        rows = sum(any(l.y0 < (r.y0 + r.y1) / 2 < l.y1 for l in ending) for r in right)
        if rows >= MIN_EDGE_LINES and (best is None or rows > best[0]):
            best = (rows, edge)
    return best[1] if best else None


def _spans(fragment: Line, gutter: float) -> bool:
    """Whether a line crosses the gutter (a title, a running header), beyond what a glyph's box overhangs."""
    return fragment.x0 < gutter - EDGE_TOLERANCE and fragment.x1 > gutter + EDGE_TOLERANCE


def _rows_side_by_side(fragments: list[Line], gutter: float) -> int:
    """How many lines right of the gutter share a row with a line left of it, starting at one left edge
    (columns do; the last words of justified lines spaced wide, `газдың көтерме      бағасын`, do not)."""
    left = [f for f in fragments if f.x1 <= gutter]
    beside = [r.x0 for r in fragments if r.x0 >= gutter and any(l.y0 < (r.y0 + r.y1) / 2 < l.y1 for l in left)]
    return max((sum(abs(x - edge) <= EDGE_TOLERANCE for x in beside) for edge in beside), default=0)


def _read_columns(fragments: list[Line], gutter: float) -> list[Line]:
    left = [f for f in fragments if (f.x0 + f.x1) / 2 < gutter]
    right = [f for f in fragments if (f.x0 + f.x1) / 2 >= gutter]
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


def _begins_as_pdf(path: Path) -> bool:
    """Whether a file begins as a PDF does (%PDF within its first kilobyte, as readers allow); unknown: yes."""
    try:
        with open(path, "rb") as file:
            return b"%PDF" in file.read(1024)
    except OSError:
        return True


def _reason(path: Path, error: Exception) -> str:
    name = Path(path).name
    if isinstance(error, (PDFEncryptionError, PDFPasswordIncorrect)):
        return f"{name}: the PDF is encrypted; save an unprotected copy and ingest that"
    if isinstance(error, (PDFSyntaxError, PSException)):
        if not _begins_as_pdf(path):  # a web page or a picture saved under a .pdf name
            return f"{name}: not a PDF at all (it does not begin with %PDF); check what the file is, and ingest the PDF"
        return f"{name}: not a readable PDF ({error or type(error).__name__}); check that the file is complete"
    return f"{name}: cannot read the PDF ({type(error).__name__}: {error}); check that it opens in a PDF viewer"
