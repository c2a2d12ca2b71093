"""The record every engine indexes: one passage, where it comes from, and its filters."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# The year column's value for an undated document (a column has a value for every document).
NO_YEAR = 0
# Where a passage's page got its text (archive.catalog.PageRecord.source): its text layer, or recognised (OCR).
TEXT_LAYER, OCR = "text_layer", "ocr"
_NOT_WORDS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class IndexedPassage:
    """What the index needs of a passage: its text, where it comes from, and its filters."""

    passage_id: str
    document_id: str
    title: str
    page: int
    text: str
    collection: str = ""
    year: int | None = None
    author: str = ""
    # The document's language as its metadata gives it (kk, ru): the passage's own text decides
    # its language; the hint only where the text cannot (index.language.text_language).
    language_hint: str = ""
    # Its page's source: TEXT_LAYER, or OCR (recognised text, which may hold misread words).
    source: str = TEXT_LAYER


def fingerprint(text: str) -> str:
    """Equal for passages that say the same words (case, digits, punctuation aside): boilerplate."""
    words = _NOT_WORDS.sub(" ", text.casefold()).split()
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()
