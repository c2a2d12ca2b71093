"""Page text into passages: windows of whole sentences that keep their page and span."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# A sentence ends at . ! ? … (and closing quotes/brackets) followed by space and a capital,
# a digit or an opening quote, unless the dot ends an initial (И.Рогов) or a known abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»\")\]]*\s+(?=[«\"(\[]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")
_ABBREVIATIONS = frozenset({
    "т.б", "т.с", "т.с.с", "ж", "жж", "млн", "млрд", "мың", "бет", "б", "т", "с", "см", "км", "кг",
    "ғ", "ғғ", "г", "стр", "проф", "акад", "др", "мыс", "etc", "e.g", "i.e", "art", "no",
})
TARGET_CHARS = 600
MAX_CHARS = 1000


@dataclass(frozen=True)
class Passage:
    """A few sentences of one page; `start`/`end` index the page text."""

    page: int
    seq: int
    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and paragraphs) of a page text."""
    spans: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start = paragraph.start()
        for boundary in _SENTENCE_END.finditer(paragraph.group()):
            end = paragraph.start() + boundary.start()
            if _ends_with_abbreviation(text[start:end]):
                continue
            spans.append((start, end))
            start = paragraph.start() + boundary.end()
        if start < paragraph.end():
            spans.append((start, paragraph.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _ends_with_abbreviation(sentence: str) -> bool:
    words = sentence.rstrip(".").split()
    if not words:
        return True
    last = words[-1].lstrip("«\"(").lower()
    is_initial = len(last) == 1 and last.isalpha()
    return is_initial or last in _ABBREVIATIONS or bool(re.fullmatch(r"(?:\w\.)+\w", last))


def split_page(page: int, text: str, first_seq: int = 0) -> Iterator[Passage]:
    """Group a page's sentences into passages of about TARGET_CHARS, never above MAX_CHARS."""
    seq = first_seq
    window: list[tuple[int, int]] = []
    for start, end in _bounded(text, sentence_spans(text)):
        if window and (end - window[0][0] > MAX_CHARS or window[-1][1] - window[0][0] >= TARGET_CHARS):
            yield _passage(page, seq, text, window)
            seq += 1
            window = []
        window.append((start, end))
    if window:
        yield _passage(page, seq, text, window)


def _bounded(text: str, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Cut an overlong sentence (a table, a list without stops) into MAX_CHARS pieces at spaces."""
    for start, end in spans:
        while end - start > MAX_CHARS:
            cut = text.rfind(" ", start + MAX_CHARS // 2, start + MAX_CHARS)
            cut = cut if cut > start else start + MAX_CHARS
            yield start, cut
            start = cut
        yield start, end


def _passage(page: int, seq: int, text: str, window: list[tuple[int, int]]) -> Passage:
    start, end = window[0][0], window[-1][1]
    return Passage(page, seq, start, end, text[start:end].strip())
