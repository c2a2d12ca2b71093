"""The tantivy schema: one tantivy document per passage (index.schema.IndexedPassage), its terms analysed by
Muragat's own analyzers (index.analysis) and handed to tantivy pre-tokenized, with their positions."""
from __future__ import annotations

import hashlib
from pathlib import Path

from archive.pins import require

require("tantivy", __name__, "the index format and the Python API")
import tantivy

from index.analysis import ANALYZER_VERSION

# The index must be rebuilt when this changes; it is stored beside the index files.
SCHEMA_VERSION = f"3.{ANALYZER_VERSION}"
VERSION_FILE = "muragat-schema-version"
# The fields a query searches, indexed from the analyzers' terms (tantivy's `raw` tokenizer never splits them).
SEARCHED = ("text", "title", "author", "exact")
# Filters and facets: stored, indexed as one term, and kept as a fast column of codes (`<name>_code`: tantivy
# reads fast columns of numbers only; aggregations give back the strings they stand for).
STRING_COLUMNS = ("document_id", "collection", "language", "source")
# Number columns: facets, sorting, collapsing, page evidence, BM25's lengths.
NUMBER_COLUMNS = ("year", "page", "fingerprint", "page_key", "text_length", "title_length", "exact_length")


def build_schema() -> tantivy.Schema:
    """Pre-analysed text, title, author and exact forms with positions (phrases), their analysed terms stored
    for the ranking model, and fast columns for filters, facets and sorting."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("passage_id", stored=True, tokenizer_name="raw")
    for name in STRING_COLUMNS:
        builder.add_text_field(name, stored=True, tokenizer_name="raw", fast=True)
        builder.add_unsigned_field(f"{name}_code", fast=True)
    for name in SEARCHED:
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    # The text's and the title's terms in order: what the ranking model counts (never analysed again to rank).
    builder.add_bytes_field("stems", stored=True)
    builder.add_bytes_field("title_stems", stored=True)
    builder.add_integer_field("year", stored=True, indexed=True, fast=True)
    builder.add_integer_field("page", stored=True, fast=True)
    builder.add_unsigned_field("page_key", indexed=True, fast=True)  # a page: its passages are read together
    builder.add_unsigned_field("fingerprint", indexed=True, fast=True)  # copies of a text are read to count it once
    for name in ("text_length", "title_length", "exact_length"):
        builder.add_unsigned_field(name, fast=True)
    return builder.build()


def code(value: str) -> int:
    """A string's 64-bit code in a fast column (its column of codes, counted and compared as numbers)."""
    return int.from_bytes(hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest(), "big")


def index_version(directory: Path) -> str | None:
    """The schema/analyzer version the index in `directory` was built with, if any."""
    marker = Path(directory) / VERSION_FILE
    return marker.read_text().strip() if marker.exists() else None
