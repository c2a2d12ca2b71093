"""The search seam: all the rest of Muragat asks of a search engine, and the values it hands back.

This module imports no engine. `archive/` and `webui/` reach search only through it; each engine
lives in a folder of its own (`index/whoosh_engine/`) and is opened by name (`open_backend`), its
modules imported only then. The Kazakh and Russian analysis (`index.analysis`), the query language
(`index.query`), the ranking model (`index.ranking`), the typed-word variants (`index.variants`) and
the snippets (`index.snippets`) are shared by every engine. docs/scale-out.md says how an OpenSearch
backend would implement the same protocol.
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from index.language import LANGUAGES
from index.schema import TEXT_LAYER, IndexedPassage
from index.snippets import Fragments

__all__ = [
    "DEFAULT_ENGINE", "ENGINES", "FILTER_PATTERN", "LANGUAGES", "SORTS", "TEXT_LAYER", "TIME_BUDGET_SECONDS",
    "Filters", "Fragments", "Hit", "IndexDamaged", "IndexedPassage", "PassageWriter", "QueryError", "SearchBackend",
    "SearchResults", "UnknownEngine", "known_engine", "open_backend",
]

SORTS = ("relevance", "newest", "oldest")
# Seconds a query may spend collecting matches before it answers with what it has (partial).
TIME_BUDGET_SECONDS = 2.0
# `collection:NAME` (a name with spaces or brackets in quotes: `collection:"Two words"`), `year:2001`, `year:2001..2010` (`year:..1930`, `year:2000..`), `lang:ru`:
# filters typed in a query, not scored words (index.query takes them out; the web UI offers the search without them).
FILTER_PATTERN = re.compile(
    r'\b(?:collection:(?:"(?P<quoted>[^"]+)"|(?P<name>[^\s()]+))'
    r"|year:(?:(?P<first>\d{1,4})(?:(?P<onwards>\s*(?:\.\.|–)\s*)(?P<last>\d{1,4})?)?|(?:\.\.|–)(?P<until>\d{1,4}))"
    r"|lang:(?P<language>[^\s()]+))(?=[\s)]|$)",
    re.IGNORECASE,  # LANG:ru, Year:2001
)


class IndexDamaged(RuntimeError):
    """The index's files cannot be read (truncated, overwritten, copied in half): the catalog holds everything, and a
    reindex builds the index anew from it."""

    def __init__(self, directory: Path, detail: str) -> None:
        super().__init__(f"{directory}: the search index cannot be read ({' '.join(detail.split())[:160]}); run "
                         f"`muragat reindex` to build it anew from the catalog, which holds everything")


class QueryError(ValueError):
    """A query that cannot be run; the message says what to change, `reason` and `details` name it for translation."""

    def __init__(self, message: str, reason: str = "", **details: object) -> None:
        super().__init__(message)
        self.reason, self.details = reason, details


@dataclass(frozen=True)
class Filters:
    """Narrow a search to one collection, a range of years, one document or one language (besides
    `collection:`/`year:`/`lang:`); each engine turns them into its own filter."""

    collection: str = ""
    year_from: int | None = None
    year_to: int | None = None
    document_id: str = ""
    language: str = ""  # kk, ru or other (index.language.LANGUAGES)


@dataclass(frozen=True)
class Hit:
    """One ranked passage."""

    passage_id: str
    document_id: str
    title: str
    page: int
    text: str
    score: float
    snippet: Fragments
    collection: str = ""
    year: int | None = None
    language: str = ""  # kk, ru or other, decided from the passage's text
    # The other documents whose matching passages have this same text (copies), shown once: how many, and
    # the first few of them (document id, page)
    copy_count: int = 0
    copies: tuple[tuple[str, int], ...] = ()
    # When a search lists at most so many passages a document, on its last one: how many more it holds
    more_in_document: int = 0
    # Found only through near forms of the typed words, in recognised (OCR) text (index/whoosh_engine/approximate.py)
    approximate: bool = False
    # The title with the query's words marked: a passage found through its document's title shows why
    title_marks: Fragments = field(default_factory=list)


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total number of matching passages, and how they spread over the facets."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    # {"collection": {name: passages}, "year": {year: passages}, "language": {code: passages},
    #  "document_id": {id: passages}}
    facets: dict[str, dict] = field(default_factory=dict)
    took_ms: float = 0.0
    suggestion: str | None = None  # "did you mean": the query with unknown words corrected
    partial: bool = False  # the time budget ran out: these are the passages found until then
    listed: int = 0  # passages the listing holds: `total`, or those it shows with at most so many a document
    # A prefix standing for more words than are searched (index.query.MAX_PREFIX_WORDS): the words it was searched as.
    narrowed_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)


class PassageWriter(Protocol):
    """A writer kept open across documents (bulk ingest): passages queued as they arrive, committed in batches."""

    uncommitted: int  # passages added since the last commit

    def add(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        """Queue passages for the next commit, first deleting every passage of `replace_documents`."""

    def commit(self) -> None:
        """Make what was added searchable."""

    def cancel(self) -> None:
        """Drop what was added since the last commit (the catalog still says it is not indexed)."""


class SearchBackend(Protocol):
    """Index passages, search them, mark a text: what the archive, the CLI and the web UI use."""

    def write(self, passages: Iterable[IndexedPassage], replace_documents: Iterable[str] = ()) -> int:
        """Add passages in one commit, first removing every passage of `replace_documents`."""

    def write_parts(self, parts: Sequence[Callable[[], Iterable[IndexedPassage]]]) -> int:
        """Add the passages of every part in one commit, the parts written in parallel (a rebuild).

        Each part is called in a process of its own; the passages keep the parts' order.
        """

    def writer(self) -> PassageWriter:
        """A writer kept open across many documents (bulk ingest), committed in batches."""

    def delete(self, document_ids: Iterable[str]) -> None:
        """Remove every passage of these documents."""

    def rebuild(self) -> None:
        """Start again from an empty index built with the current analysis rules."""

    def exists(self) -> bool:
        """Whether there is an index at all (a reader does not make one)."""

    def needs_rebuild(self) -> bool:
        """True when the index was built with other analysis rules than the current ones."""

    def search(self, query: str, *, limit: int = 10, offset: int = 0, filters: Filters | None = None,
               sort: str = "relevance", per_document: int = 0, hidden: frozenset[str] = frozenset()) -> SearchResults:
        """Ranked (or date-ordered) passages (at most `per_document` of each document, when given), facet counts,
        snippets for the hits returned; as if the `hidden` documents (those the viewer may not see) were not
        indexed at all."""

    def matching_pages(self, query: str, document_id: str, hidden: frozenset[str] = frozenset()) -> dict[int, int]:
        """Pages of one document with passages the query matches, and how many on each (prefixes and variants
        standing for words of the documents not `hidden`)."""

    def highlight(self, text: str, query: str, hidden: frozenset[str] = frozenset(),
                  recognised: bool = False) -> Fragments:
        """A text with the words the query matches marked (as a search without the `hidden` documents); on a
        `recognised` (OCR) page, the near forms the search finds there too."""

    def warm(self) -> None:
        """Prepare for fast first searches (a server does this before it listens)."""

    def pin(self) -> None:
        """Use one view of the index for everything this thread does until `release` (one request)."""

    def release(self) -> None:
        """End the view taken by `pin`."""

    def document_ids(self) -> set[str]:
        """Documents with at least one passage in the index."""

    def passage_count(self) -> int:
        """Passages in the index."""

    def passage_languages(self) -> dict[str, int]:
        """Passages in the index per language (kk, ru, other), as their texts were decided at indexing."""

    def document_languages(self) -> dict[str, set[str]]:
        """The languages (kk, ru, other) each indexed document's passages are in."""

    def size_on_disk(self) -> int:
        """Bytes the index takes."""

    def segment_count(self) -> int:
        """Pieces the index is in (each search reads every one)."""

    def optimize(self) -> None:
        """Merge the index into one piece (slow on a large index: run it when nobody is ingesting)."""


# The engines an archive may use, by the name the catalog records: "module:class", imported only when an
# archive opens one (an archive on one engine never pays the other's import). The class is built as
# `Class(directory, time_budget=..., read_only=...)`. Adding an engine is one line here.
ENGINES: dict[str, str] = {
    "whoosh": "index.whoosh_engine.backend:WhooshBackend",
    "tantivy": "index.tantivy_engine.backend:TantivyBackend",
}
DEFAULT_ENGINE = "whoosh"


class UnknownEngine(ValueError):
    """An engine name that is not in ENGINES; the message lists the known ones."""


def known_engine(name: str) -> str:
    """The engine `name` names, in any case (Whoosh: whoosh); else UnknownEngine, listing them."""
    engine = name.strip().lower()
    if engine not in ENGINES:
        raise UnknownEngine(f"unknown search engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    return engine


def open_backend(directory: str | Path, engine: str = DEFAULT_ENGINE, **options: object) -> SearchBackend:
    """The index in `directory` as `engine` keeps it (`time_budget`, `read_only` passed on)."""
    module, _, name = ENGINES[known_engine(engine)].partition(":")
    return getattr(importlib.import_module(module), name)(Path(directory), **options)
