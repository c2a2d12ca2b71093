"""The ranking model (index/ranking.py) on the tantivy engine: the best candidates tantivy finds, rescored.

Tantivy gives its best matches (by its own BM25, which knows neither the model's B nor its other evidence;
index/tantivy_engine/search.py reads as many as a page of hits needs); the best RESCORE_DEPTH are scored by the model over their analysed terms, read from the
stored fields (`stems`, `exact`, title and author analysed again): BM25 with Robertson's idf from tantivy's
document frequencies, the coordination bonus, the words' families, their pages, the typed forms, the query's
language, a page's second passage and, among the top PROXIMITY_DEPTH, the words standing close; the others
follow in tantivy's order. A page's evidence reads only the candidates' pages; how many pages of the archive hold
a word (its idf) is tantivy's estimate. Each language with statistics of its own is scored with them, in the
passage, its page and its document (index.ranking.LanguageSizes), as on whoosh's engine.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
import tantivy
from whoosh.query import (
    And, AndMaybe, AndNot, DisjunctionMax, Every, NullQuery, NumericRange, Or, Phrase, Query, Require, Term,
)

from index import ranking as model
from index.analysis import term_positions
from index.matches import Matches
from index.ranking import LanguageSizes, _coordinated, _parts, bm25, robertson_idf
from index.schema import NO_YEAR
from index.tantivy_engine.view import Counts, View, existing_terms, translate

# Candidates the model rescores (their stored terms are read: one document fetch each). KazQAD dev: nDCG@10 0.753 at
# 100 to 1,000 alike (whoosh's engine 0.753), recall@100 0.944 at 300, 0.951 at 1,000 (whoosh's engine 0.951); at
# 200k passages p50 / p95 19.5 / 86 ms at 300, 48.9 / 139 ms at 1,000 (bench/README.md, "Two engines").
RESCORE_DEPTH = 300


# The stored field holding each searched field's analysed terms, in order (the author is analysed again).
STORED_TERMS = {"text": "stems", "exact": "exact", "title": "title_stems", "author": "author"}


@lru_cache(maxsize=4096)
def _analysed(text: str) -> Counter:
    """An author's terms: many passages share their document's."""
    return Counter({term: len(positions) for term, positions in term_positions(text).items()})


class Evidence:
    """The analysed terms of some passages, each field's term frequencies and length: what BM25 counts.

    The stored terms are read once (one document fetch a passage); a term is counted in them when asked
    (a substring count in C beats counting every term of a thousand passages for the few a query asks of).
    """

    def __init__(self, view: View, numbers: np.ndarray, stored: list[dict[str, str]] | None = None,
                 idf: dict[tuple, float | np.ndarray] | None = None) -> None:
        self.view = view
        self.numbers = numbers
        self._stored = view.stored_terms(numbers.tolist(), STORED_TERMS) if stored is None else stored
        self._lengths = {field: f"{field}_length" for field in ("text", "title", "exact")}
        self._idf = {} if idf is None else idf

    def of(self, numbers: np.ndarray) -> Evidence:
        """The evidence of some of these passages (ascending numbers, all among them), read no more."""
        where = np.searchsorted(self.numbers, numbers)
        return Evidence(self.view, numbers, [self._stored[index] for index in where.tolist()], self._idf)

    def frequencies(self, field: str, text: str) -> np.ndarray:
        """How often each passage holds the term (the title's counted TITLE_BOOST times, as whoosh weighs it)."""
        if field == "author":
            counts = [_analysed(fields["author"]).get(text, 0) for fields in self._stored]
        elif field in STORED_TERMS and text and " " not in text:
            term = f" {text} "
            counts = [fields[field].count(term) for fields in self._stored]
        else:
            return np.zeros(len(self.numbers))
        counts = np.array(counts, dtype=np.float64)
        return counts * model.TITLE_BOOST if field == "title" else counts

    def score(self, field: str, text: str) -> np.ndarray:
        """The term's BM25 in each passage (0 where it is absent), with the statistics of the passage's language
        where it has its own (index.ranking.LanguageSizes), as whoosh's engine scores it."""
        tf = self.frequencies(field, text)
        if not tf.any():
            return tf
        if field not in self._lengths:  # the author: no length column; not normalised, whole-archive idf
            return bm25(self._overall_idf(field, text), tf, 1.0, 1.0)
        name = self._lengths[field]
        sizes = self.view.languages(name)
        codes = sizes.codes[self.numbers]
        lengths = self.view.arrays.array(name)[self.numbers].astype(np.float64)
        average = np.where(sizes.own, sizes.average_lengths, self.view.arrays.average(name))[codes]
        return bm25(self._language_idf(field, text, sizes, codes), tf, lengths, average)

    def _overall_idf(self, field: str, text: str) -> float:
        key = (field, text)
        if key not in self._idf:
            self._idf[key] = robertson_idf(self.view.doc_count(), self.view.doc_frequency(field, text))
        return self._idf[key]

    def _language_idf(self, field: str, text: str, sizes: LanguageSizes, codes: np.ndarray) -> np.ndarray:
        """The term's idf for each passage (`codes`: their languages): its language's where that has statistics of
        its own, else the whole archive's."""
        idf = np.full(len(codes), self._overall_idf(field, text))
        for language in np.unique(codes[sizes.own[codes]]).tolist():
            key = (field, text, language)
            if key not in self._idf:
                holding = self.view.language_frequency(field, text, language)
                self._idf[key] = float(robertson_idf(int(sizes.passages[language]), holding))
            idf[codes == language] = self._idf[key]
        return idf


class Scored:
    """A query node's scores over the candidates, where it matches, and how many of its terms each holds."""

    def __init__(self, scores: np.ndarray, held: np.ndarray, terms: np.ndarray) -> None:
        self.scores, self.held, self.terms = scores, held, terms


class Rescorer:
    """The model's BM25 of a parsed query over the candidates (whoosh's engine.Evaluator, on their terms)."""

    def __init__(self, evidence: Evidence, counts: Counts) -> None:
        self.evidence = evidence
        self.counts = counts
        self.size = len(evidence.numbers)

    def _none(self) -> Scored:
        return Scored(np.zeros(self.size), np.zeros(self.size, bool), np.zeros(self.size, np.int32))

    def scored(self, query: Query) -> Scored:
        boost = getattr(query, "boost", 1.0)
        if query is NullQuery:
            return self._none()
        if isinstance(query, Term):
            scores = self.evidence.score(query.fieldname, query.text) * boost
            return Scored(scores, scores > 0, (scores > 0).astype(np.int32))
        if isinstance(query, Phrase):
            return self._phrase(query)
        if isinstance(query, (Or, DisjunctionMax)):
            parts = [self.scored(sub) for sub in query.subqueries]
            if not parts:
                return self._none()
            held = np.logical_or.reduce([part.held for part in parts])
            terms = np.sum([part.terms for part in parts], axis=0).astype(np.int32)
            if isinstance(query, DisjunctionMax):
                scores = np.max([np.where(part.held, part.scores, 0) for part in parts], axis=0)
            else:
                scores = np.sum([np.where(part.held, part.scores, 0) for part in parts], axis=0)
            scores = scores * boost
            if isinstance(query, Or) and query.scale:
                scores = _coordinated(scores, terms, len(existing_terms(query, self.counts)), query.scale)
            return Scored(np.where(held, scores, 0), held, terms)
        if isinstance(query, (AndNot, Require)):
            first, second = self.scored(query.a), self.scored(query.b)
            held = first.held & (second.held if isinstance(query, Require) else ~second.held)
            return Scored(np.where(held, first.scores, 0), held, first.terms)
        if isinstance(query, AndMaybe):
            first, second = self.scored(query.a), self.scored(query.b)
            bonus = np.where(second.held, second.scores, 0)
            return Scored(np.where(first.held, first.scores + bonus, 0), first.held,
                          first.terms + np.where(second.held, second.terms, 0))
        if isinstance(query, And):
            parts = [self.scored(sub) for sub in query.subqueries]
            held = np.logical_and.reduce([part.held for part in parts])
            return Scored(np.where(held, np.sum([part.scores for part in parts], axis=0), 0), held,
                          np.sum([part.terms for part in parts], axis=0).astype(np.int32))
        if isinstance(query, Every):
            return Scored(np.full(self.size, float(boost)), np.ones(self.size, bool), np.zeros(self.size, np.int32))
        if isinstance(query, NumericRange):
            years = self.evidence.view.arrays.years()[self.evidence.numbers]
            low = -np.inf if query.start is None else query.start
            high = np.inf if query.end is None else query.end
            held = (years >= low) & (years <= high) & (years != NO_YEAR)
            return Scored(np.where(held, float(boost), 0), held, np.zeros(self.size, np.int32))
        return self._by_tantivy(query)

    def _phrase(self, query: Phrase) -> Scored:
        """Where the words stand as the phrase asks (tantivy reads the positions), the words' scores added."""
        held = self._held(query)
        scores = np.sum([self.evidence.score(query.fieldname, word) for word in query.words], axis=0) * query.boost
        return Scored(np.where(held, scores, 0), held, held.astype(np.int32))

    def _by_tantivy(self, query: Query) -> Scored:
        held = self._held(query)
        return Scored(np.where(held, float(getattr(query, "boost", 1.0)), 0), held, held.astype(np.int32))

    def _held(self, query: Query) -> np.ndarray:
        """Which candidates tantivy finds the query in."""
        view = self.evidence.view
        return np.isin(self.evidence.numbers, view.among(translate(query, view.schema), self.evidence.numbers).docnums)


def rescored(view: View, counts: Counts, matches: Matches, searched: Query, typed_words: Sequence[str],
             preference: Callable[[np.ndarray], np.ndarray] | None) -> Matches:
    """The matches (the best tantivy found) with the best RESCORE_DEPTH by tantivy's BM25 scored by the model, above
    all the others."""
    if not len(matches):
        return matches
    order = tantivy_order(matches)
    chosen = np.sort(order[:RESCORE_DEPTH])
    numbers = matches.docnums[chosen].astype(np.int64)
    page_of, _ = view.pages()
    parts = _parts(searched)
    families = [model.word_family(part, counts, lambda beginning, count, at_most:
                                  counts.commonest_starting("text", beginning, count, at_most)) for part in parts]
    groups = [group for group in ({text for field, text in existing_terms(part, counts) if field == "text"} | family
                                  for part, family in zip(parts, families)) if group]
    # Each word group's passages on the candidates' pages: all the page evidence needs.
    group_queries = [translate(Or([Term("text", word) for word in sorted(group)]), view.schema) for group in groups]
    holding = [view.on_pages(query, numbers).docnums for query in group_queries]
    read = np.union1d(numbers, np.concatenate(holding) if holding else [])
    everything = Evidence(view, read.astype(np.int64))
    evidence = everything.of(numbers)
    scores = Rescorer(evidence, counts).scored(searched).scores
    for word in frozenset().union(*families):
        scores = scores + model.FAMILY_WEIGHT * evidence.score("text", word)
    scores = scores + model.PAGE_WEIGHT * page_scores(everything, groups, group_queries, numbers)
    scores = scores + model.DOCUMENT_WEIGHT * document_scores(view, group_queries, numbers)
    for word in model.exact_forms(counts, typed_words):
        scores = scores + model.EXACT_FORM_WEIGHT * evidence.score("exact", word)
    if preference is not None:
        scores = scores * preference(numbers)
    scores = model.with_page_diversity(scores, page_of[numbers])
    all_scores = np.empty(len(matches))
    all_scores[chosen] = scores
    all_scores[order[RESCORE_DEPTH:]] = scores.min() - 1 - np.arange(len(matches) - len(chosen))  # below, in order
    return Matches(matches.docnums, all_scores, matches.terms)


def tantivy_order(matches: Matches) -> np.ndarray:
    """Indices of the matches (in passage order) by tantivy's score, ties by passage: the order in which tantivy
    gives its best, so that reading more of them only adds passages after those read."""
    return np.argsort(-matches.scores, kind="stable")


def page_scores(evidence: Evidence, groups: Sequence[set[str]], group_queries: Sequence[tantivy.Query],
                numbers: np.ndarray) -> np.ndarray:
    """BM25 of the query's word groups over each candidate's whole page (a word's frequency summed over the page),
    with each language's page statistics, as the passages' own BM25 (index.ranking.LanguageSizes); `evidence`: of
    the candidates' pages' passages holding a group. How many pages hold a group is tantivy's estimate."""
    view = evidence.view
    page_of, page_lengths = view.pages()
    scores = np.zeros(len(numbers))
    if not groups or not len(numbers):
        return scores
    own = view.languages("text_length").own
    by_page = view.page_languages()
    scored = page_of[numbers]
    language = by_page.codes[scored]
    average = np.where(own, by_page.average_lengths, view.average_page_length())[language]
    pages = np.unique(scored)
    where = np.searchsorted(pages, page_of[evidence.numbers])
    for group, query in zip(groups, group_queries):
        frequencies = np.zeros(len(pages))
        for word in group:
            np.add.at(frequencies, where, evidence.frequencies("text", word))
        if not frequencies.any():
            continue
        idf = np.empty(len(numbers))
        for code in np.unique(language).tolist():  # each language's pages, or all where it has no statistics
            if own[code]:
                holding = view.holding(view.in_language(query, code), "page_key")
                idf[language == code] = robertson_idf(int(by_page.passages[code]), holding)
            else:
                idf[language == code] = robertson_idf(len(page_lengths), view.holding(query, "page_key"))
        tf = frequencies[np.searchsorted(pages, scored)]
        scores += bm25(idf, tf, page_lengths[scored], average)
    return scores


def document_scores(view: View, group_queries: Sequence[tantivy.Query | None], numbers: np.ndarray) -> np.ndarray:
    """The word groups' BM25 over each candidate's document (ranking.document_scores), counted by tantivy. A candidate
    of a language with statistics of its own sees its document's passages of that language only, as on whoosh's
    engine (index.ranking.DocumentParts)."""
    parts = view.document_parts()
    kinds = parts.part[numbers]  # 0: the whole document; a language's code + 1: that language's passages of it
    holding = []
    for query in group_queries:
        passages, documents = np.zeros(len(numbers)), np.zeros(len(numbers))
        for kind in np.unique(kinds).tolist():
            mine = kinds == kind
            narrowed = query if kind == 0 or query is None else view.in_language(query, kind - 1)
            passages[mine] = view.in_documents(narrowed, numbers[mine])
            documents[mine] = view.holding(narrowed, "document_id_code") if narrowed is not None else 0
        holding.append((passages, documents))
    return model.document_scores(holding, parts.size(numbers), parts.averages[kinds], parts.documents[kinds])


def proximity_scores(view: View, near: Phrase, numbers: Sequence[int]) -> dict[int, float]:
    """The score the sloppy phrase of the plain words gives each of a few passages it matches (their words' BM25)."""
    wanted = np.unique(np.asarray(numbers, dtype=np.int64))
    if not len(wanted) or translate(near, view.schema) is None:
        return {}
    held = np.isin(wanted, view.among(translate(near, view.schema), wanted).docnums)
    if not held.any():
        return {}
    evidence = Evidence(view, wanted[held])
    scores = np.sum([evidence.score(near.fieldname, word) for word in near.words], axis=0) * near.boost
    return dict(zip(wanted[held].tolist(), scores.tolist()))


def language_preference(view: View, language: str | None) -> Callable[[np.ndarray], np.ndarray] | None:
    """For a query leaning to one language: each passage's weight (ranking.language_weights)."""
    column = view.arrays.column(None, "language")
    weights = model.language_weights(column.values, language)
    return None if weights is None else (lambda numbers: weights[column.codes[numbers]])

