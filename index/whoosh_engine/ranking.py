"""The ranking model (index/ranking.py) on the whoosh engine: its evidence scored over the postings arrays."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary

import numpy as np
from whoosh.query import Query, Term
from whoosh.reading import IndexReader
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from index import ranking as model
from index.matches import Matches
from index.ranking import DocumentParts, _parts, commonest_first, idf_by_language, looked_up, robertson_idf
from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import Generation, locate
from index.whoosh_engine.visibility import Visibility, existing_terms

TermKey = tuple[str, str]


def word_groups(query: Query, reader: IndexReader | None = None) -> list[frozenset[TermKey]]:
    """The terms standing for each query word: a top-level OR of words gives one group each.

    With a reader, a prefix word stands for the indexed words it expands to.
    """
    groups = [frozenset(_terms(part, reader)) for part in _parts(query)]
    return [group for group in groups if group]


def _terms(query: Query, reader: IndexReader | None) -> set[TermKey]:
    if reader is not None:
        return existing_terms(query, reader)
    return {(field, text.decode("utf-8") if isinstance(text, bytes) else text)
            for field, text in query.iter_all_terms(phrases=True)}


class RankingWeighting(BM25F):
    """Whoosh's BM25F with Robertson's idf and this model's K1 and B: the weighting every searcher uses."""

    def __init__(self) -> None:
        super().__init__(B=model.B, K1=model.K1)

    def idf(self, searcher, fieldname: str, text) -> float:
        parent = searcher.get_parent()
        return robertson_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))


def with_evidence(evaluator: Evaluator, matches: Matches, searched: Query, typed_words: Sequence[str]) -> Matches:
    """The matches with their words' families' score (FAMILY_WEIGHT) and their page's (PAGE_WEIGHT, the
    families counted in) added, and for the best EVIDENCE_DEPTH of them their typed word forms'
    (EXACT_FORM_WEIGHT)."""
    if not len(matches):
        return matches
    reader = evaluator.searcher.reader()
    parts = _parts(searched)
    view = evaluator.view
    families = [model.word_family(part, view, lambda beginning, count, at_most:
                                  commonest_starting(reader, "text", beginning, count, view, at_most))
                for part in parts]
    scores = matches.scores.copy()
    for word in frozenset().union(*families):
        found = evaluator.matches(Term("text", word))
        inside, where = locate(found.docnums, matches.docnums)
        scores[inside] += model.FAMILY_WEIGHT * found.scores[where[inside]]
    groups = [frozenset(_terms(part, reader)) | {("text", word) for word in family}
              for part, family in zip(parts, families)]
    groups = [group for group in groups if group]
    scores += model.PAGE_WEIGHT * page_scores(evaluator, groups, matches.docnums)
    scores += model.DOCUMENT_WEIGHT * document_scores(evaluator, groups, matches.docnums)
    words = model.exact_forms(evaluator.view, typed_words)
    if words:
        best = np.sort(model.best(scores, model.EVIDENCE_DEPTH))  # ascending passage numbers
        for word in words:
            scores[best] += model.EXACT_FORM_WEIGHT * evaluator.term_scores("exact", word, matches.docnums[best])
    return Matches(matches.docnums, scores, matches.terms)


def commonest_starting(reader: IndexReader, field: str, beginning: str, count: int,
                       counts: IndexReader | Visibility | None = None, at_most: float = math.inf) -> list[str]:
    """The `count` indexed words of a field beginning so that are in the most passages (of a viewer's
    `counts`, the whole index's by default; none in over `at_most`, none the viewer's passages lack)."""
    counts = counts if counts is not None else reader
    words = (reader.schema[field].from_bytes(word) for word in reader.expand_prefix(field, beginning))
    frequencies = ((counts.doc_frequency(field, word), word) for word in words)
    return commonest_first(((word, frequency) for frequency, word in frequencies if 0 < frequency <= at_most), count)


def page_scores(evaluator: Evaluator, groups: Sequence[frozenset[TermKey]], docnums: np.ndarray) -> np.ndarray:
    """BM25 of the query's words over each passage's whole page (a word's frequency summed over the page),
    with each language's page statistics, as the passages' own BM25 (index.ranking.LanguageSizes)."""
    searcher, generation = evaluator.searcher, evaluator.generation
    page_of, page_lengths = generation.pages(searcher)
    own = generation.languages(searcher, "text").own  # the languages with statistics of their own
    by_page = generation.page_languages(searcher)
    language, pages = by_page.codes, by_page.passages
    average = np.where(own, by_page.average_lengths, page_lengths.mean() if len(page_lengths) else 1.0)
    scored = page_of[docnums]
    scores = np.zeros(len(docnums))
    for group in groups:
        frequencies = np.zeros(len(page_lengths))
        for field, text in group:
            if field == "text":
                postings = generation.postings(searcher, field, text, evaluator.deadline)
                frequencies += np.bincount(page_of[postings.docnums], weights=postings.weights,
                                           minlength=len(page_lengths))
        held = frequencies > 0
        if held.any():
            holding = np.bincount(language[held], minlength=len(pages))
            idf = idf_by_language(pages, holding, robertson_idf(len(page_lengths), int(holding.sum())), own)
            scores += model.bm25(idf[language[scored]], frequencies[scored], page_lengths[scored],
                                 average[language][scored])
    return scores


def document_scores(evaluator: Evaluator, groups: Sequence[frozenset[TermKey]], docnums: np.ndarray) -> np.ndarray:
    """The word groups' BM25 over each passage's document (ranking.document_scores), from their postings. A
    passage of a language with statistics of its own sees its document's passages of that language only (the
    documents, lengths and idf as if that language were an archive of its own), any other passage all of them."""
    searcher, generation = evaluator.searcher, evaluator.generation
    parts = _document_parts(generation, searcher)
    asked, kinds = parts.keys(docnums), parts.part[docnums]  # the part of its document each candidate sees
    live = generation.live(searcher)
    holding = []
    for group in groups:
        found = [generation.postings(searcher, field, text, evaluator.deadline).docnums
                 for field, text in group if field == "text"]
        found = np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)
        keys, counts = np.unique(parts.keyed(found[live[found]]), return_counts=True)
        holding.append((looked_up(keys, counts, asked), np.bincount(keys % parts.width, minlength=parts.width)[kinds]))
    return model.document_scores(holding, parts.size(docnums), parts.averages[kinds], parts.documents[kinds])


_PARTS: WeakKeyDictionary[Generation, DocumentParts] = WeakKeyDictionary()


def _document_parts(generation: Generation, searcher: Searcher) -> DocumentParts:
    """A generation's DocumentParts, built once and kept while the generation is."""
    if generation not in _PARTS:
        languages = generation.languages(searcher, "text")
        documents = generation.column(searcher, "document_id").codes
        _PARTS[generation] = DocumentParts(documents, languages, np.flatnonzero(generation.live(searcher)))
    return _PARTS[generation]


def language_preference(evaluator: Evaluator, language: str | None) -> Callable[[np.ndarray], np.ndarray] | None:
    """For a query leaning to one language: each passage's weight (ranking.language_weights); None when the query
    leans to neither."""
    column = evaluator.generation.column(evaluator.searcher, "language")
    weights = model.language_weights(column.values, language)
    return None if weights is None else (lambda docnums: weights[column.codes[docnums]])


def with_page_diversity(evaluator: Evaluator, matches: Matches) -> Matches:
    """The matches with every passage but the best of its page scored at SAME_PAGE_FACTOR (ranking.with_page_diversity)."""
    page_of, _ = evaluator.generation.pages(evaluator.searcher)
    return Matches(matches.docnums, model.with_page_diversity(matches.scores, page_of[matches.docnums]), matches.terms)
