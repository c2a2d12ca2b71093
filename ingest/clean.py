"""Cleaning of extracted lines: running headers and page numbers out, characters normalised."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

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
# A hyphen written as U+2010 or U+2011 between letters is the author's hyphen.
_INNER_HYPHEN = re.compile(r"(?<=\w)[\u2010\u2011](?=\w)")
_CID = re.compile(r"\(cid:\d+\)")
# Running headers, footers and page numbers sit in the highest or lowest rows of a page.
EDGE_ROWS = 2
# A margin line repeated on at least this share of the pages is a running header or footer
# (odd and even pages often carry different ones, so a little under half).
RUNNING_SHARE = 0.4


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
    """`12`, `— 12 —`, `12 бет`, `Бет 12`, `- 3 -`: a line that only numbers the page."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_garbage(text: str) -> bool:
    """A text layer made of `(cid:NN)` codes or mostly non-letters carries no words."""
    if _CID.search(text):
        stripped = _CID.sub("", text)
        if len(stripped.strip()) < len(text) * 0.5:
            return True
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    letters = sum(ch.isalpha() for ch in visible)
    return len(visible) >= 20 and letters / len(visible) < 0.4


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


def strip_running_lines(pages: list[RawPage], known_running: Iterable[str] = ()) -> list[RawPage]:
    """Drop page numbers, and headers/footers repeated at the edge of many pages.

    `known_running` (the document's own title and author) are running lines wherever they
    stand at an edge after the first page, even when they recur too seldom to count: an
    author on the even pages of a three-page paper appears once.
    """
    known = {" ".join(text.split()).casefold() for text in known_running if text.strip()}
    first = pages[0].number if pages else 1
    bands = [_edge_bands(page) for page in pages]
    keys: Counter = Counter()
    for page, page_bands in zip(pages, bands):
        keys.update(set().union(*(_running_keys(band, line, page.number)
                                  for line, band in zip(page.lines, page_bands) if band)))
    threshold = max(2, math.ceil(len(pages) * RUNNING_SHARE))
    repeated = {key for key, count in keys.items() if count >= threshold}

    cleaned = []
    for page, page_bands in zip(pages, bands):
        kept = tuple(
            line for line, band in zip(page.lines, page_bands)
            if not band or (repeated.isdisjoint(_running_keys(band, line, page.number))
                            and not is_page_number(line.text)
                            and not (page.number > first and " ".join(line.text.split()).casefold() in known))
        )
        cleaned.append(replace(page, lines=kept))
    return cleaned


def clean_pages(pages: list[RawPage], known_running: Iterable[str] = ()) -> list[RawPage]:
    """Normalise every line, then remove the running lines (see strip_running_lines)."""
    normalized = [
        replace(page, lines=tuple(replace(line, text=normalize_line(line.text)) for line in page.lines))
        for page in pages
    ]
    return strip_running_lines(normalized, [normalize_line(text) for text in known_running])
