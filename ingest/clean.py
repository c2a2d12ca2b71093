"""Cleaning of extracted lines: running headers and page numbers out, characters normalised."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from statistics import median

from index.kazakh import fold_lookalikes
from ingest.extract import Line, RawPage

HYPHENS = "-\u00ad\u2010\u2011"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\t"), " ")
_LIGATURES = {lig: unicodedata.normalize("NFKC", lig) for lig in "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"}
_WORD = re.compile(r"\w+")
_PAGE_NUMBER = re.compile(
    r"^\W*(?:(?:бет|стр\.?|page|с\.)\s*)?\d{1,4}(?:\s*(?:/|of|из)\s*\d{1,4})?"
    r"(?:\s*-?\s*(?:бет|стр\.?|б\.))?\W*$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\W*(\d{1,4})\W*$")
# A hyphen written as U+2010 or U+2011 between letters is the author's hyphen.
_INNER_HYPHEN = re.compile(r"(?<=\w)[\u2010\u2011](?=\w)")
_CID = re.compile(r"\(cid:\d+\)")
# Running headers, footers and page numbers sit in the highest or lowest rows of a page.
EDGE_ROWS = 2
# A margin line repeated on at least this share of the pages is a running header or footer
# (odd and even pages often carry different ones, so a little under half).
RUNNING_SHARE = 0.4
# Lines repeated at the edges are running lines in a document of this many pages or more; in a shorter one only when
# set apart from the body (a gap, another type size): on two short pages a body line standing at the same row of both
# is as likely (a trial lost one).
MIN_RUNNING_PAGES = 3
# Near-identical running lines (a chapter title or a date that changes): lines in the same
# edge row (within ROW_TOLERANCE points) of the pages up to NEAR_WINDOW pages away that share
# their first and last words (numbers masked) for at least NEAR_SHARE of the shorter line's
# words, and at least NEAR_MIN_WORDS of them. Such a line must also stand apart from the body
# (a gap to the next row toward the middle of at least APART_STEPS of the page's usual line
# step), or chapter headings opening each page (`Екінші тарау. Мемлекет туралы`) would go too.
APART_STEPS = 1.5
ROW_TOLERANCE = 2.0
NEAR_WINDOW = 10
NEAR_SHARE = 0.4
NEAR_MIN_WORDS = 2
# A line set in a type this much larger or smaller than the body's (by the height of its glyphs)
# is set apart too: running lines are often smaller, and a wrapped one sits close to the body.
HEIGHT_TOLERANCE = 0.12
# A header that names only the chapter (`3-тарау. Жер қойнауы`) repeats on that chapter's few pages:
# once running lines are found at one row of the edge on RUNNING_SHARE of the pages, every line set
# apart at that row in the same type size is one (the row where the producer puts its running lines).


def normalize_line(text: str) -> str:
    """NFC, ligatures undone, invisible characters and in-word soft hyphens dropped, look-alikes folded.

    A soft hyphen at the very end of a line is kept: it marks a line-break hyphen to repair.
    """
    text = text.translate(_INVISIBLE).translate(_SPACES)
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = unicodedata.normalize("NFC", text).rstrip()
    trailing_soft = text.endswith("\u00ad")
    text = text.replace("\u00ad", "") + ("\u00ad" if trailing_soft else "")
    text = _INNER_HYPHEN.sub("-", text)
    return _WORD.sub(lambda match: fold_lookalikes(match.group()), text)


def is_page_number(text: str) -> bool:
    """`12`, `— 12 —`, `12 бет`, `Бет 12`, `- 3 -`: a line that only numbers the page (a decree's `№ 1045` does not)."""
    return bool(_PAGE_NUMBER.match(text.strip())) and "№" not in text


def _bare_number(text: str) -> int | None:
    """The number of a page-number line that says nothing else (`12`, `— 12 —`): it may as well be a year or a
    decree's number standing alone at the page's edge. None for `12 бет`, `стр. 7`, `5 / 40`, which say what they
    number."""
    found = _BARE_NUMBER.match(text.strip())
    return int(found.group(1)) if found else None


def _page_number_offsets(pages: list[RawPage], bands: list[list[str | None]]) -> set[int]:
    """How far printed page numbers stand from the pages' own (0, or 244 for an excerpt printed from page 245 on):
    the offsets that bare numbers at the edges keep on two pages or more, and 0."""
    pages_at: Counter = Counter()
    for page, page_bands in zip(pages, bands):
        pages_at.update({number - page.number for line, band in zip(page.lines, page_bands)
                         if band and is_page_number(line.text) and (number := _bare_number(line.text)) is not None})
    return {0} | {offset for offset, count in pages_at.items() if count >= 2}


def _numbers_page(line: Line, page: RawPage, offsets: set[int], pages: int) -> bool:
    """Whether an edge line is the page's number: it says so (`12 бет`), its bare number keeps an offset from the
    page's own that the document's page numbers keep, or could number one of its `pages` (a lone `1997` or `1938`
    at an edge of a short document is text: a year, a heading)."""
    if not is_page_number(line.text):
        return False
    number = _bare_number(line.text)
    return number is None or number - page.number in offsets or number <= pages


def is_garbage(text: str) -> bool:
    """A text layer made of `(cid:NN)` codes or mostly marks (neither letters nor digits) carries no words; a
    table of figures does."""
    if _CID.search(text):
        stripped = _CID.sub("", text)
        if len(stripped.strip()) < len(text) * 0.5:
            return True
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    letters = sum(ch.isalpha() for ch in visible)
    marks = sum(not ch.isalnum() for ch in visible)
    return len(visible) >= 20 and letters / len(visible) < 0.4 and marks / len(visible) > 0.3


def _edge_bands(page: RawPage) -> list[str | None]:
    """For each line, 'top' or 'bottom' when it is among the page's EDGE_ROWS highest or lowest rows."""
    rows = sorted({round(line.y0) for line in page.lines}, reverse=True)
    top, bottom = set(rows[:EDGE_ROWS]), set(rows[-EDGE_ROWS:])
    middle = page.height / 2
    bands: list[str | None] = []
    for line in page.lines:
        row = round(line.y0)
        if row in top and line.y0 > middle:
            bands.append("top")
        elif row in bottom and line.y1 < middle:
            bands.append("bottom")
        else:
            bands.append(None)
    return bands


def _running_keys(band: str, line: Line, page_number: int) -> set[tuple[str, str]]:
    """An edge line as written, and with its numbers taken relative to the page number.

    `Журнал · 245` on page 1 and `Журнал · 246` on page 2 agree in the second key, while
    article headings (`12-бап`) or years do not follow the page number and stay apart.
    """
    text = " ".join(line.text.split()).casefold()
    relative = re.sub(r"\d+", lambda number: f"#{int(number.group()) - page_number}", text)
    return {(band, text), (band, relative)}


def _masked_words(text: str) -> tuple[str, ...]:
    return tuple(re.sub(r"\d+", "#", text.casefold()).split())


def near_identical(one: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Two edge lines that differ only in numbers, or in a middle part (a chapter title) between shared words."""
    if one == other:
        return True
    shorter = min(len(one), len(other))
    prefix = next((i for i, (a, b) in enumerate(zip(one, other)) if a != b), shorter)
    suffix = next((i for i, (a, b) in enumerate(zip(reversed(one), reversed(other))) if a != b), shorter)
    shared = min(prefix + suffix, shorter)
    return shared >= NEAR_MIN_WORDS and shared >= NEAR_SHARE * shorter


@dataclass(frozen=True)
class BodyType:
    """The document's usual distance between baselines and height of a line: the body text's."""

    step: float
    height: float

    @classmethod
    def of(cls, pages: list[RawPage]) -> "BodyType":
        """Medians over all pages: a short last page of a chapter says nothing about the line step."""
        steps, heights = [], []
        for page in pages:
            rows = sorted({round(line.y0, 1) for line in page.lines}, reverse=True)
            steps += [upper - lower for upper, lower in zip(rows, rows[1:])]
            heights += [line.y1 - line.y0 for line in page.lines]
        return cls(median(steps) if steps else 0.0, median(heights) if heights else 0.0)

    def same_size(self, one: float, other: float) -> bool:
        return abs(one - other) <= HEIGHT_TOLERANCE * max(one, other)


def _apart(page: RawPage, line: Line, band: str, body: BodyType) -> bool:
    """Whether an edge line is set apart from the body: by a type size of its own, or by a wider gap than
    the body leaves between its lines, below it or below the edge row under it (a header wrapped in two)."""
    if body.height and not body.same_size(line.y1 - line.y0, body.height):
        return True
    if not body.step:
        return True
    rows = sorted({round(other.y0, 1) for other in page.lines}, reverse=band == "top")
    row = round(line.y0, 1)
    toward_body = [r for r in rows if (r < row - ROW_TOLERANCE if band == "top" else r > row + ROW_TOLERANCE)]
    edge_rows = rows[:EDGE_ROWS]
    for here, nearest in zip([row] + toward_body, toward_body):
        if abs(here - nearest) >= APART_STEPS * body.step:
            return True
        if nearest not in edge_rows:
            return False
    return True


def _near_running(pages: list[RawPage], bands: list[list[str | None]], apart: list[list[bool]]) -> set[tuple[int, int]]:
    """(page index, line index) of edge lines near-identical to the lines in the same edge row of enough
    pages nearby (see `near_identical`): `Жинақ · 3-тарау. Жер қойнауы 13.04.2013` beside
    `Жинақ · 4-тарау. Су ресурстары 14.05.2014`."""
    edges = [[(index, band, line.y0, _masked_words(line.text)) for index, (line, band, set_apart)
              in enumerate(zip(page.lines, page_bands, page_apart)) if band and set_apart]
             for page, page_bands, page_apart in zip(pages, bands, apart)]
    found = set()
    for page_index, page_edges in enumerate(edges):
        window = range(max(0, page_index - NEAR_WINDOW), min(len(pages), page_index + NEAR_WINDOW + 1))
        needed = max(2, math.ceil(len(window) * RUNNING_SHARE))
        for index, band, y0, words in page_edges:
            if not words:
                continue
            count = sum(any(other_band == band and abs(other_y0 - y0) <= ROW_TOLERANCE
                            and near_identical(words, other_words)
                            for _, other_band, other_y0, other_words in edges[other])
                        for other in window)
            if count >= needed:
                found.add((page_index, index))
    return found


def _running_rows(pages: list[RawPage], bands: list[list[str | None]], apart: list[list[bool]],
                  running: set[tuple[int, int]], body: BodyType) -> set[tuple[int, int]]:
    """Edge lines set apart at the row, and in the type size, where running lines stand on RUNNING_SHARE
    of the pages: a header naming only its chapter, which repeats on that chapter's pages alone."""
    rows: dict[tuple[str, float], tuple[set[int], list[float]]] = {}
    for page_index, line_index in running:
        line = pages[page_index].lines[line_index]
        band = bands[page_index][line_index]
        if not band:
            continue
        key = next((key for key in rows if key[0] == band and abs(key[1] - line.y0) <= ROW_TOLERANCE),
                   (band, line.y0))
        on_pages, heights = rows.setdefault(key, (set(), []))
        on_pages.add(page_index)
        heights.append(line.y1 - line.y0)
    threshold = max(2, math.ceil(len(pages) * RUNNING_SHARE))
    slots = [(band, y0, median(heights)) for (band, y0), (on_pages, heights) in rows.items()
             if len(on_pages) >= threshold]
    found = set()
    for page_index, (page, page_bands, page_apart) in enumerate(zip(pages, bands, apart)):
        for line_index, (line, band, set_apart) in enumerate(zip(page.lines, page_bands, page_apart)):
            if set_apart and any(band == slot_band and abs(line.y0 - y0) <= ROW_TOLERANCE
                                 and body.same_size(line.y1 - line.y0, height) for slot_band, y0, height in slots):
                found.add((page_index, line_index))
    return found


def _wrapped(pages: list[RawPage], bands: list[list[str | None]], apart: list[list[bool]],
             running: set[tuple[int, int]], body: BodyType) -> set[tuple[int, int]]:
    """The second line of a running line too long for its row (a chapter title wrapped): an edge line set
    apart, right below a running header (or above a footer), in its type size, one line step of that size away."""
    found = set()
    for page_index, line_index in running:
        page = pages[page_index]
        line, band = page.lines[line_index], bands[page_index][line_index]
        height = line.y1 - line.y0
        for other_index, (other, other_band) in enumerate(zip(page.lines, bands[page_index])):
            gap = line.y0 - other.y0 if band == "top" else other.y0 - line.y0
            if (other_band == band and apart[page_index][other_index] and 0 < gap <= APART_STEPS * height
                    and body.same_size(other.y1 - other.y0, height)):
                found.add((page_index, other_index))
    return found


def strip_running_lines(pages: list[RawPage], known_running: Iterable[str] = ()) -> list[RawPage]:
    """Drop page numbers, and headers/footers repeated at the edge of many pages, the same or nearly so.

    `known_running` (the document's own title and author) are running lines wherever they
    stand at an edge after the first page, even when they recur too seldom to count: an
    author on the even pages of a three-page paper appears once.
    """
    known = {" ".join(text.split()).casefold() for text in known_running if text.strip()}
    first = pages[0].number if pages else 1
    bands = [_edge_bands(page) for page in pages]
    body = BodyType.of(pages)
    apart = [[bool(band) and _apart(page, line, band, body) for line, band in zip(page.lines, page_bands)]
             for page, page_bands in zip(pages, bands)]
    keys: Counter = Counter()
    for page, page_bands in zip(pages, bands):
        keys.update(set().union(*(_running_keys(band, line, page.number)
                                  for line, band in zip(page.lines, page_bands) if band)))
    threshold = max(2, math.ceil(len(pages) * RUNNING_SHARE))
    repeated = {key for key, count in keys.items() if count >= threshold}
    running = _near_running(pages, bands, apart)
    offsets = _page_number_offsets(pages, bands)
    named: set[tuple[int, int]] = set()  # page numbers, the document's own title or author
    for page_index, (page, page_bands) in enumerate(zip(pages, bands)):
        for index, (line, band) in enumerate(zip(page.lines, page_bands)):
            if band and (_numbers_page(line, page, offsets, len(pages))
                         or (page.number > first and " ".join(line.text.split()).casefold() in known)):
                named.add((page_index, index))
            elif band and (not repeated.isdisjoint(_running_keys(band, line, page.number))
                           and (len(pages) >= MIN_RUNNING_PAGES or apart[page_index][index])):
                running.add((page_index, index))
    running |= named
    running |= _running_rows(pages, bands, apart, running, body)
    running |= _wrapped(pages, bands, apart, running, body)
    # In a short document a page of a few lines is all edge: what it repeats of the other page is its text (a
    # two-line notice), not a header
    with_body = [len(pages) >= MIN_RUNNING_PAGES or any(band is None for band in page_bands) for page_bands in bands]
    running = {place for place in running if with_body[place[0]] or place in named}
    return [replace(page, lines=tuple(line for index, line in enumerate(page.lines)
                                      if (page_index, index) not in running))
            for page_index, page in enumerate(pages)]


def clean_pages(pages: list[RawPage], known_running: Iterable[str] = ()) -> list[RawPage]:
    """Normalise every line, then remove the running lines (see strip_running_lines)."""
    normalized = [
        replace(page, lines=tuple(replace(line, text=normalize_line(line.text)) for line in page.lines))
        for page in pages
    ]
    return strip_running_lines(normalized, [normalize_line(text) for text in known_running])
