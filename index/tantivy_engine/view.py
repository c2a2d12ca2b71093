"""One view of a tantivy index (a searcher and its arrays), what a viewer may see of it, and the parsed query
(index.query's whoosh query tree) walked into tantivy queries, filters included."""
from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np
import tantivy
from whoosh.query import (
    And, AndMaybe, AndNot, DisjunctionMax, Every, NullQuery, NumericRange, Or, Phrase, Prefix, Query, Require, Term,
)

from index.matches import NO_MATCHES, Matches
from index.query import query_schema
from index.ranking import (
    TITLE_BOOST, DocumentParts, LanguageSizes, commonest_first, language_sizes, page_language_sizes,
)
from index.tantivy_engine.columns import Generation, passages_by
from index.schema import NO_YEAR
from index.tantivy_engine.schema import SEARCHED, STRING_COLUMNS

# Page and document counts a view remembers (index.ranking's evidence asks them of each query word).
REMEMBERED_COUNTS = 10_000


class View:
    """A searcher of the index, its passages' arrays, and the index's words as the shared modules ask for them
    (index.variants.Lexicon: `generation`, `lexicon`; index.ranking.PassageCounts: `doc_count`, `doc_frequency`)."""

    def __init__(self, index: tantivy.Index, key: int, holds_deletions: bool = False) -> None:
        self.index = index
        # Deleted passages still count in tantivy's term statistics (doc_freq, terms_with_prefix) until merged away.
        self.holds_deletions = holds_deletions
        self.schema = index.schema
        self.searcher = index.searcher()
        self.key = key
        self.arrays = Generation(self.searcher, self.schema)
        self._pages: tuple[np.ndarray, np.ndarray] | None = None
        self._page_average: float | None = None
        self._lock = threading.Lock()
        self._remembered: dict[str, int] = {}
        self._languages: dict[str, LanguageSizes] = {}
        self._document_parts: DocumentParts | None = None

    def reader(self) -> View:
        return self

    def generation(self) -> int:
        return self.key

    def lexicon(self, fieldname: str) -> Iterable[bytes]:
        return (term.encode("utf-8") for term, _ in self.searcher.terms_with_prefix(fieldname, ""))

    def doc_count(self) -> int:
        return self.searcher.num_docs

    def doc_frequency(self, fieldname: str, text: str) -> int:
        return self.searcher.doc_freq(fieldname, text) if fieldname in SEARCHED else 0

    def starting(self, fieldname: str, beginning: str) -> list[tuple[str, int]]:
        """(word, passages holding it) of the field's words beginning so."""
        return self.searcher.terms_with_prefix(fieldname, beginning)

    def pages(self) -> tuple[np.ndarray, np.ndarray]:
        """(each passage's page 0..pages-1, each page's text length)."""
        if self._pages is None:
            self._pages = self.arrays.pages()
        return self._pages

    def average_page_length(self) -> float:
        """The mean of the pages' text lengths (the page evidence's BM25)."""
        _, lengths = self.pages()
        if self._page_average is None:
            self._page_average = float(lengths.mean()) if len(lengths) else 1.0
        return self._page_average

    def found(self, query: tantivy.Query | None, depth: int | None = None) -> Matches:
        """The passages a tantivy query matches (the best `depth` by tantivy's BM25; all without it), in number order.
        Reading a passage's address costs Python objects: a common word's 300,000 matches are counted by
        aggregations (index/tantivy_engine/aggregates.py), never read."""
        if query is None or not self.arrays.size:
            return NO_MATCHES
        hits = self.searcher.search(query, limit=min(depth or self.arrays.size, self.arrays.size), count=False).hits
        numbers = self.arrays.numbers([address for _, address in hits])
        scores = np.fromiter((score for score, _ in hits), dtype=np.float64, count=len(hits))
        order = np.argsort(numbers)
        return Matches(numbers[order].astype(np.int32), scores[order], np.ones(len(hits), np.int32))

    def count(self, query: tantivy.Query | None) -> int:
        """How many live passages a tantivy query matches (counted by tantivy, none read)."""
        return 0 if query is None else self.searcher.search(query, limit=1, count=True).count

    def among(self, query: tantivy.Query | None, numbers: np.ndarray) -> Matches:
        """Those of some passages (ascending numbers) the query matches, with tantivy's score."""
        found = self.on_pages(query, numbers)
        return found.where(np.isin(found.docnums, numbers))

    def on_pages(self, query: tantivy.Query | None, numbers: np.ndarray) -> Matches:
        """The passages of some passages' pages the query matches: the query narrowed to those pages, so that
        only they are read, however many passages of the archive it matches."""
        if query is None or not len(numbers):
            return NO_MATCHES
        keys = np.unique(self.arrays.array("page_key")[numbers]).tolist()
        return self.found(both(query, tantivy.Query.term_set_query(self.schema, "page_key", keys)))

    def holding(self, query: tantivy.Query, field: str) -> int:
        """How many pages (`page_key`) or documents (`document_id_code`) have a passage the query matches (tantivy's
        HyperLogLog estimate, within about 1 %: for an idf; remembered for this view, as common words come back in
        query after query)."""
        return self._remember(f"{field} {query}", lambda: round(self.searcher.cardinality(query, field)))

    def language_frequency(self, fieldname: str, text: str, language: int) -> int:
        """How many passages of a language (its code in the language column) hold a term (remembered)."""
        query = self.in_language(tantivy.Query.term_query(self.schema, fieldname, text), language)
        return self._remember(f"{query}", lambda: self.count(query))

    def _remember(self, key: str, counted: Callable[[], int]) -> int:
        with self._lock:
            if key in self._remembered:
                return self._remembered[key]
        value = counted()
        with self._lock:
            if len(self._remembered) >= REMEMBERED_COUNTS:
                self._remembered.clear()
            self._remembered[key] = value
        return value

    def languages(self, length: str) -> LanguageSizes:
        """Each passage's language (its code in the language column), and each language's passages and mean length
        (`length`: a length column): BM25's statistics of each language (index.ranking.LanguageSizes)."""
        with self._lock:
            if length not in self._languages:
                column = self.arrays.column(self, "language")
                lengths = self.arrays.array(length).astype(np.float64)
                self._languages[length] = language_sizes(column.codes, lengths, len(column.values))
            return self._languages[length]

    def page_languages(self) -> LanguageSizes:
        """The same per page (index.ranking.page_language_sizes)."""
        passages = self.languages("text_length")
        with self._lock:
            if "pages" not in self._languages:
                page_of, page_lengths = self.pages()
                self._languages["pages"] = page_language_sizes(page_of, page_lengths, passages)
            return self._languages["pages"]

    def in_language(self, query: tantivy.Query, language: int) -> tantivy.Query:
        """The query's matches in one language (its code in the language column)."""
        value = self.arrays.column(self, "language").values[language]
        return both(query, tantivy.Query.term_query(self.schema, "language", value))

    def document_parts(self) -> DocumentParts:
        """The documents as the document evidence counts them (index.ranking.DocumentParts)."""
        if self._document_parts is None:
            documents = self.arrays.column(self, "document_id").codes
            self._document_parts = DocumentParts(documents, self.languages("text_length"), np.arange(self.arrays.size))
        return self._document_parts

    def in_documents(self, query: tantivy.Query | None, numbers: np.ndarray) -> np.ndarray:
        """How many passages of each passage's document the query matches (counted by tantivy, none read)."""
        column = self.arrays.column(self, "document_id")
        codes = column.codes[numbers]
        if query is None or not len(numbers):
            return np.zeros(len(numbers))
        within = tantivy.Query.term_set_query(self.schema, "document_id", [column.values[code] for code in
                                                                           np.unique(codes)])
        counted = passages_by(self.arrays, both(query, within), ["document_id_code"])["document_id_code"]
        by_code = np.zeros(len(column.values))
        code_of = self.arrays.codes_of("document_id")
        for hashed, passages in counted.items():
            by_code[code_of[hashed]] = passages
        return by_code[codes]

    def stored(self, numbers: Iterable[int]) -> list[dict]:
        """The stored fields of some passages, each field's first value."""
        return [{name: values[0] for name, values in self.searcher.doc(self.arrays.addresses[number]).to_dict().items()
                 if values} for number in numbers]

    def stored_terms(self, numbers: Iterable[int], fields: dict[str, str]) -> list[dict[str, str]]:
        """Some stored fields of some passages ({name: stored field}), as text with a space at either end
        (" " where a passage has none): a term stands between spaces."""
        found = []
        for number in numbers:
            doc = self.searcher.doc(self.arrays.addresses[number])
            values = {name: doc.get_first(stored) or "" for name, stored in fields.items()}
            found.append({name: f" {value.decode('utf-8') if isinstance(value, bytes) else value} "
                          for name, value in values.items()})
        return found


class Counts:
    """The index's counts over the passages a viewer may see (`within`: a tantivy query they match, such as not
    being of a hidden document; None: every live passage), counted by tantivy."""

    def __init__(self, view: View, within: tantivy.Query | None = None) -> None:
        self.view = view
        self.within = within

    @property
    def restricted(self) -> bool:
        """Whether tantivy's term statistics would miscount (they count deleted passages until merged away)."""
        return self.within is not None or self.view.holds_deletions

    def doc_count(self) -> int:
        return self.view.doc_count() if self.within is None else self.view.count(self.within)

    def doc_frequency(self, fieldname: str, text: str) -> int:
        frequency = self.view.doc_frequency(fieldname, text)
        if not self.restricted or not frequency:
            return frequency
        return self.view.count(both(translate(Term(fieldname, text), self.view.schema), self.within))

    def holds(self, fieldname: str, text: str) -> bool:
        return self.doc_frequency(fieldname, text) > 0

    def commonest_starting(self, fieldname: str, beginning: str, count: int, at_most: float = math.inf) -> list[str]:
        """The `count` words of a field beginning so that are in the most passages the viewer sees (none in over
        `at_most`)."""
        words = self.view.starting(fieldname, beginning)
        if self.restricted:
            words = [(word, self.doc_frequency(fieldname, word)) for word, _ in words]
        return commonest_first(((word, frequency) for word, frequency in words if 0 < frequency <= at_most), count)


def visible(view: View, hidden: frozenset[str]) -> tantivy.Query | None:
    """The passages a viewer may see: those not of the `hidden` documents (None: all)."""
    if not hidden:
        return None
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Must, tantivy.Query.all_query()),
        (tantivy.Occur.MustNot, tantivy.Query.term_set_query(view.schema, "document_id", sorted(hidden)))])


def both(query: tantivy.Query | None, within: tantivy.Query | None) -> tantivy.Query | None:
    """The query's matches that are `within` too (None: no narrowing); None when the query matches nothing."""
    if query is None or within is None:
        return query
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                        (tantivy.Occur.Must, tantivy.Query.const_score_query(within, 0.0))])


def either(*queries: tantivy.Query | None) -> tantivy.Query | None:
    """The passages any of the queries matches (None: none of them matches anything)."""
    present = [query for query in queries if query is not None]
    if len(present) < 2:
        return present[0] if present else None
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in present])


def existing_terms(query: Query, counts: Counts) -> set[tuple[str, str]]:
    """(field, text) of the query's terms the viewer's passages hold (the words of phrases too)."""
    found = set()
    for leaf in query.leaves():
        if isinstance(leaf, Term):
            pairs = [(leaf.fieldname, leaf.text)]
        elif isinstance(leaf, Phrase):
            pairs = [(leaf.fieldname, word) for word in leaf.words]
        elif isinstance(leaf, Prefix):
            pairs = [(leaf.fieldname, word) for word, _ in counts.view.starting(leaf.fieldname, leaf.text)]
        else:
            continue
        found |= {(field, text) for field, text in pairs if counts.holds(field, text)}
    return found


@lru_cache(maxsize=1)
def parsing_schema():
    """The fields queries are parsed against (index.query): this engine keeps no whoosh schema of its own."""
    return query_schema()


def translate(query: Query, schema: tantivy.Schema) -> tantivy.Query | None:
    """The tantivy query of a parsed query tree (None: it matches nothing). Scores here only order the candidates
    the ranking model rescores; the title weighs TITLE_BOOST, as in the model."""
    if query is NullQuery:
        return None
    boost = getattr(query, "boost", 1.0)
    if isinstance(query, Term):
        if query.fieldname not in SEARCHED + STRING_COLUMNS:
            return None
        found = tantivy.Query.term_query(schema, query.fieldname, query.text)
        boost *= TITLE_BOOST if query.fieldname == "title" else 1.0
    elif isinstance(query, Phrase):
        if query.fieldname not in SEARCHED:
            return None
        if len(query.words) == 1:
            return translate(Term(query.fieldname, query.words[0], boost=boost), schema)
        # whoosh's slop counts the steps from one word to the next (1: adjacent), tantivy's the positions between
        found = tantivy.Query.phrase_query(schema, query.fieldname, list(query.words), slop=max(0, query.slop - 1))
    elif isinstance(query, (Or, DisjunctionMax)):
        parts = [part for part in (translate(sub, schema) for sub in query.subqueries) if part is not None]
        if not parts:
            return None
        found = tantivy.Query.boolean_query([(tantivy.Occur.Should, part) for part in parts])
    elif isinstance(query, (AndNot, AndMaybe)):  # the first, less (or scored more by) the second
        first, second = translate(query.a, schema), translate(query.b, schema)
        if first is None:
            return None
        occur = tantivy.Occur.MustNot if isinstance(query, AndNot) else tantivy.Occur.Should
        found = first if second is None else tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, first), (occur, second)])
    elif isinstance(query, Require):
        first, second = translate(query.a, schema), translate(query.b, schema)
        if first is None or second is None:
            return None
        found = tantivy.Query.boolean_query([(tantivy.Occur.Must, first),
                                             (tantivy.Occur.Must, tantivy.Query.const_score_query(second, 0.0))])
    elif isinstance(query, And):
        parts = [translate(sub, schema) for sub in query.subqueries]
        if not parts or any(part is None for part in parts):
            return None
        found = tantivy.Query.boolean_query([(tantivy.Occur.Must, part) for part in parts])
    elif isinstance(query, Every):
        found = tantivy.Query.all_query()
    elif isinstance(query, NumericRange) and query.fieldname == "year":
        years = tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer, query.start, query.end,
                                          include_lower=not query.startexcl, include_upper=not query.endexcl)
        found = tantivy.Query.boolean_query([(tantivy.Occur.Must, years),  # an undated passage has no year
                                             (tantivy.Occur.MustNot, tantivy.Query.term_query(schema, "year", NO_YEAR))])
    else:  # a prefix left after its words were chosen (search._expanded) stands for none
        return None
    return found if boost == 1.0 else tantivy.Query.boost_query(found, boost)
