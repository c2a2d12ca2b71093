"""The whoosh schema: one whoosh document per passage (index.schema.IndexedPassage)."""
from __future__ import annotations

from whoosh.fields import ID, NUMERIC, Schema

from index.analysis import ANALYZER_VERSION
from index.query import searchable_field
from index.ranking import TITLE_BOOST
from index.schema import NO_YEAR

# The index must be rebuilt when this changes; it is stored beside the index files.
SCHEMA_VERSION = f"8.{ANALYZER_VERSION}"


def build_schema() -> Schema:
    """Stemmed text and title (BM25F), an exact-form field, and stored fields for results."""
    return Schema(
        passage_id=ID(stored=True, unique=True),
        # Columns (sortable) make facets, sorting and collapsing read one value per document
        # instead of walking the terms of the field for each query.
        document_id=ID(stored=True, sortable=True),
        page=NUMERIC(int, stored=True, sortable=True),
        title=searchable_field("title", stored=True, field_boost=TITLE_BOOST),
        author=searchable_field("author"),
        text=searchable_field("text", stored=True),
        exact=searchable_field("exact"),
        collection=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True, default=NO_YEAR),
        language=ID(stored=True, sortable=True),  # kk, ru or other: a facet and a filter (lang:ru)
        fingerprint=ID(sortable=True),
        source=ID(stored=True, sortable=True),  # text_layer or ocr: approximate matching reads OCR passages only
    )
