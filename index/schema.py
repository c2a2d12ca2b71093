"""The whoosh schema: one whoosh document per passage, and the record that fills it."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from whoosh.fields import ID, NUMERIC, TEXT, Schema

from index.analysis import ANALYZER_VERSION, exact_analyzer, kazakh_analyzer

# The index must be rebuilt when this changes; it is stored beside the index files.
SCHEMA_VERSION = f"8.{ANALYZER_VERSION}"
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


def build_schema() -> Schema:
    """Stemmed text and title (BM25F), an exact-form field, and stored fields for results."""
    analyzer = kazakh_analyzer()
    return Schema(
        passage_id=ID(stored=True, unique=True),
        # Columns (sortable) make facets, sorting and collapsing read one value per document
        # instead of walking the terms of the field for each query.
        document_id=ID(stored=True, sortable=True),
        page=NUMERIC(int, stored=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=1.5, multitoken_query="phrase"),
        author=TEXT(analyzer=analyzer, multitoken_query="phrase"),
        # A word that analyses into several (іс-қимыл, 4-бабы) is searched as a phrase of them.
        text=TEXT(analyzer=analyzer, stored=True, phrase=True, multitoken_query="phrase"),
        exact=TEXT(analyzer=exact_analyzer(), phrase=True, multitoken_query="phrase"),
        collection=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True, default=NO_YEAR),
        language=ID(stored=True, sortable=True),  # kk, ru or other: a facet and a filter (lang:ru)
        fingerprint=ID(sortable=True),
        source=ID(stored=True, sortable=True),  # text_layer or ocr: approximate matching reads OCR passages only
    )
