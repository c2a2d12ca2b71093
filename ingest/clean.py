"""Cleaning of extracted lines: running headers and page numbers out, characters normalised."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
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
# Lines this close to the top or bottom edge (as a share of page height) may be running lines,
# and so may the first and last RUNNING_DEPTH lines of a page wherever they sit.
MARGIN_SHARE = 0.12
RUNNING_DEPTH = 2
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


def _running_key(line: Line, page: RawPage, position: int) -> tuple[str, str] | None:
    """Where a margin line sits (top or bottom) and its text with digits masked; None in the body."""
    middle = (line.y0 + line.y1) / 2
    from_end = len(page.lines) - 1 - position
    if line.y0 >= page.height * (1 - MARGIN_SHARE) or (position < RUNNING_DEPTH and middle > page.height / 2):
        band = "top"
    elif line.y1 <= page.height * MARGIN_SHARE or (from_end < RUNNING_DEPTH and middle < page.height / 2):
        band = "bottom"
    else:
        return None
    return band, re.sub(r"\d+", "#", " ".join(line.text.split()).casefold())


def strip_running_lines(pages: list[RawPage]) -> list[RawPage]:
    """Drop page numbers, and headers/footers repeated in the margin of many pages."""
    keys: Counter = Counter()
    for page in pages:
        keys.update({key for position, line in enumerate(page.lines) if (key := _running_key(line, page, position))})
    threshold = max(2, math.ceil(len(pages) * RUNNING_SHARE))
    repeated = {key for key, count in keys.items() if count >= threshold}

    cleaned = []
    for page in pages:
        kept = []
        for position, line in enumerate(page.lines):
            key = _running_key(line, page, position)
            if key and (key in repeated or is_page_number(line.text)):
                continue
            kept.append(line)
        cleaned.append(replace(page, lines=tuple(kept)))
    return cleaned


def clean_pages(pages: list[RawPage]) -> list[RawPage]:
    """Normalise every line, then remove the running lines."""
    normalized = [
        replace(page, lines=tuple(replace(line, text=normalize_line(line.text)) for line in page.lines))
        for page in pages
    ]
    return strip_running_lines(normalized)
