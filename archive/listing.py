"""Browsing without a query: the archive's documents narrowed by collection, years and language, sorted, paged."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archive.catalog import Document
from index.search import Filters

# The Kazakh Cyrillic alphabet in its order (ә after а, not after я as by code point).
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_ALPHABET_ORDER = {letter: ord("а") + index for index, letter in enumerate(KAZAKH_ALPHABET)}
# title: А to Я in the Kazakh order; newest/oldest: by date, undated documents last; added: the latest ingested first.
LISTING_SORTS = ("title", "newest", "oldest", "added")


@dataclass(frozen=True)
class Listing:
    """One page of the documents a browse asks for, and how many there are in all."""

    total: int
    documents: tuple[Document, ...]


def list_documents(documents: Iterable[Document], filters: Filters, sort: str = "title", limit: int = 20,
                   offset: int = 0, languages: Mapping[str, set[str]] | None = None) -> Listing:
    """The documents the filters let through (collection, year range, a passage language: `languages` holds
    each document's), in `sort` order, `limit` of them from `offset`."""
    chosen = [document for document in documents if _passes(document, filters, languages or {})]
    chosen.sort(key=_SORT_KEYS[sort])
    return Listing(len(chosen), tuple(chosen[offset:offset + limit]))


def documents_per_year(documents: Iterable[Document]) -> dict[int, int]:
    """How many documents each year holds, in year order (undated ones aside): the home page's timeline."""
    return dict(sorted(Counter(document.year for document in documents if document.year is not None).items()))


def _passes(document: Document, filters: Filters, languages: Mapping[str, set[str]]) -> bool:
    if filters.collection and document.collection != filters.collection:
        return False
    if filters.year_from is not None and (document.year is None or document.year < filters.year_from):
        return False
    if filters.year_to is not None and (document.year is None or document.year > filters.year_to):
        return False
    if filters.document_id and document.id != filters.document_id:
        return False
    return not filters.language or filters.language in languages.get(document.id, set())


def _title(document: Document) -> tuple:
    """Titles in the Kazakh alphabet's order (Latin and digits before Cyrillic), case aside."""
    return tuple(_ALPHABET_ORDER.get(character, ord(character)) for character in document.title.casefold()), document.id


_SORT_KEYS = {
    "title": _title,
    # undated documents after every dated one, either way
    "newest": lambda document: (document.year is None, -(document.year or 0), _reversed(document.date),
                                _title(document)),
    "oldest": lambda document: (document.year is None, document.year or 0, document.date, _title(document)),
    "added": lambda document: (_reversed(document.added_at), document.id),
}


def _reversed(text: str) -> tuple[int, ...]:
    """A key that sorts strings (ISO timestamps) latest first."""
    return tuple(-ord(character) for character in text)
