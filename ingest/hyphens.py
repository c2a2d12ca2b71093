"""Lines into flowing page text: line-break hyphens repaired, real compounds kept.

A hyphen at a line end is either a break inside one word (қағидала- / ры) or the hyphen
of a compound that the line break happened to fall on (іс- / қимылы, 91- / бабы). The
decision is made on evidence: how the document itself writes the word elsewhere, numbers
and abbreviations, reduplication, and whether the right-hand piece is only a suffix chain.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from ingest.clean import HYPHENS
from ingest.extract import Line, RawPage

_WORD_CHARS = r"[^\W_]"
_TOKEN = re.compile(rf"{_WORD_CHARS}+(?:-{_WORD_CHARS}+)*")
_LEADING_WORD = re.compile(rf"^({_WORD_CHARS}+)")
_TRAILING_WORD = re.compile(rf"({_WORD_CHARS}+)$")
# Suffix chains that never stand alone as a word: a line starting with one of these
# after a hyphen continues the word before it.
_SUFFIX_START = re.compile(
    r"^(?:[лдт][ае]р|[лдт][ыі]|[нд][ыі]ң|[нтд][ае]н?|[гғкқ][ае]|с[ыі]|н[ыі]|м[ыі]з|ң[ыі]з|[ыі]|[ыі]ң|[ыі]м)",
)


@dataclass
class Vocabulary:
    """Words of one document as written inside lines, where no line break interferes."""

    words: set[str] = field(default_factory=set)
    compounds: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Vocabulary":
        vocabulary = cls()
        for text in lines:
            tokens = _TOKEN.findall(text.replace("\u2010", "-").replace("\u2011", "-"))
            # The last token of a line may be a broken half; it is not evidence.
            if tokens and text.rstrip()[-1:] in HYPHENS:
                tokens = tokens[:-1]
            for token in tokens:
                lowered = token.lower()
                parts = lowered.split("-")
                if len(parts) > 1:
                    vocabulary.compounds.update(zip(parts, parts[1:]))
                vocabulary.words.add(lowered)
        return vocabulary

    def has_compound(self, left: str, right: str) -> bool:
        """`left-right` written elsewhere, allowing another ending on the right part."""
        return any(
            known_left == left and (right.startswith(known_right) or known_right.startswith(right))
            for known_left, known_right in self.compounds
            if known_left == left
        )


def keep_hyphen(left: str, right: str, mark: str, vocabulary: Vocabulary) -> bool:
    """Decide whether the hyphen between `left-` (line end) and `right` belongs to the text."""
    if mark == "\u00ad" or not left or not right:
        return False
    if left[-1].isdigit() or right[0].isdigit():
        return True
    if len(left) > 1 and left.isupper():
        return True
    low_left, low_right = left.lower(), right.lower()
    if vocabulary.has_compound(low_left, low_right):
        return True
    if low_left + low_right in vocabulary.words:
        return False
    if low_right.startswith(low_left) and len(low_left) >= 2:
        return True  # reduplication: бірте-бірте, кезең-кезеңімен
    if _SUFFIX_START.match(low_right) and low_right not in vocabulary.words:
        return False
    return low_left in vocabulary.words and low_right in vocabulary.words


def _paragraph_breaks(page: RawPage) -> list[bool]:
    """For each line, whether a new paragraph starts there (vertical gap or indent)."""
    lines = page.lines
    if not lines:
        return []
    steps = [prev.y0 - line.y0 for prev, line in zip(lines, lines[1:]) if prev.y0 > line.y0]
    spacing = median(steps) if steps else 0.0
    left_margin = min(line.x0 for line in lines)
    breaks = [False]
    for prev, line in zip(lines, lines[1:]):
        gap = prev.y0 - line.y0
        moved_up = gap <= 0  # next column or a block placed above: same flow
        big_gap = spacing > 0 and gap > spacing * 1.6
        indented = line.x0 - left_margin > 8 and prev.x0 - left_margin <= 8
        breaks.append(not moved_up and (big_gap or indented))
    return breaks


def join_pages(pages: list[RawPage]) -> list[str]:
    """Each page's text: lines joined by spaces, paragraphs by blank lines, hyphens repaired.

    A word broken across a page end is completed on the page where it starts.
    """
    vocabulary = Vocabulary.from_lines(line.text for page in pages for line in page.lines)
    texts: list[list[str]] = [[] for _ in pages]
    pending: tuple[int, str, str] | None = None  # (page index, left word, hyphen mark)

    for index, page in enumerate(pages):
        for line, new_paragraph in zip(page.lines, _paragraph_breaks(page)):
            text = " ".join(line.text.split())
            if pending:
                text = _complete_word(texts, pending, text, vocabulary)
                pending = None
                new_paragraph = False
                if not text:
                    continue
            if text[-1] in HYPHENS and len(text) > 1 and text[-2].isalnum():
                left = _TRAILING_WORD.search(text[:-1])
                pending = (index, left.group(1) if left else "", text[-1])
                text = text[:-1]
            _append(texts[index], text, new_paragraph)
    if pending:
        texts[pending[0]].append("-")
    return ["".join(parts) for parts in texts]


def _complete_word(texts: list[list[str]], pending: tuple[int, str, str], text: str, vocabulary: Vocabulary) -> str:
    """Attach the first word of `text` to the broken word on its page; return the rest."""
    page_index, left, mark = pending
    match = _LEADING_WORD.match(text)
    right = match.group(1) if match else ""
    first, _, rest = text.partition(" ")
    joiner = "-" if keep_hyphen(left, right, mark, vocabulary) else ""
    texts[page_index].append(joiner + first)
    return rest


def _append(parts: list[str], text: str, new_paragraph: bool) -> None:
    if parts:
        parts.append("\n\n" if new_paragraph else " ")
    parts.append(text)
