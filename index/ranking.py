"""The ranking model: what makes one passage answer a query better than another.

Its parameters and its decisions on the parsed query, shared by every engine; the whoosh
engine scores with them in index/whoosh_engine/ranking.py.

A plain multi-word query is an OR, so that a passage with some of the words still comes
back; its passages are scored as evidence added up, each kind weighted by what it tells:

- BM25 over the passage (text and title, BM25F): each word weighs by its idf, so the one
  rare name of a pasted question outweighs its common words («Шернияз … қай жылдары өмір
  сүрген?»). The idf is Robertson's (Lucene's), not whoosh's `log(N/df) + 1`, whose `+ 1`
  gives every matched word a floor that lets three common words beat one rare one.
- The same words over the passage's whole page, weighted by PAGE_WEIGHT: a question's
  evidence is often split over two neighbouring passages, and a passage is more likely the
  answer when its page is about the question's subject. Only pages with matches are read.
- The same words over the passage's whole document, weighted by DOCUMENT_WEIGHT: how many of the
  document's passages hold each (BM25 over documents, a document's length its passages), so that a
  passage of a document about the question's subject outranks one that meets its words in passing;
  a long document holding a word here and there lends its passages little (its length is normalised).
- The words as typed (the exact-form field), weighted by EXACT_FORM_WEIGHT: a passage using
  the same word forms as the query is a little more likely to be what was meant.
- Each word's family, the indexed words beginning with its first FAMILY_PREFIX letters (ғылым:
  ғылыми; президент: президенттік; школ: школьн), weighted by FAMILY_WEIGHT in the passage and
  counted as the word itself in its page's BM25: both languages make words from words with
  suffixes, and a word the analyser left whole or misspelt (мұхиттының: мұхитт) shares them too.
  The family only weighs passages the query matches: it adds none, so totals and date order stay.
- Among the top PROXIMITY_DEPTH, a bonus for the words standing close together (a sloppy
  phrase scored by BM25, boost PROXIMITY_BOOST).

- Where Kazakh and Russian stand in one archive, each passage's BM25 (and its page's) uses its
  own language's statistics (engine.Evaluator._bm25), and a query leaning to one language
  weighs the other language's passages at OTHER_LANGUAGE_FACTOR.
- A passage below another of its own page is weighed at SAME_PAGE_FACTOR: the page is listed
  already, and a second passage of it would hide another page.

Passages are then ordered by the sum alone. There is no strict tier of "passages holding
every word first": counting words equally, whatever their weight, put a passage with more
common words above the passage holding the rare one (issue 16; bench/README.md, "Questions",
has the ablation table). The weights were set on two judged question sets together (KazQAD's
dev half and our own) and checked on the keyword set.
"""
from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Protocol

import numpy as np
from whoosh.query import Or, Phrase, Query, Term

from index.language import KAZAKH, RUSSIAN
from index.matches import locate

# BM25's term-frequency saturation and length normalisation (shorter passages than whoosh's
# default B=0.75 assumes: the passages are already cut to about 600 characters).
K1 = 1.2
B = 0.5
# A word of the title weighs as so many of the text (the title field's term frequencies are scaled by it).
TITLE_BOOST = 1.5
PAGE_WEIGHT = 0.7
# The document's evidence (document_scores). nDCG@10 at 0 / 0.5 / 1.0: KazQAD dev 0.752 / 0.754 / 0.755, XQuAD ru
# 0.942 / 0.944 / 0.947, kk_own 0.742 / 0.759 / 0.744; the keyword set's recall@10 0.829 / 0.832 (bench/README.md).
DOCUMENT_WEIGHT = 0.5
EXACT_FORM_WEIGHT = 0.3
# A word's family: the FAMILY_WORDS commonest indexed words (common words left out) beginning with
# its first FAMILY_PREFIX letters. Cutting words to five letters is a strong stemmer of its own for
# Turkic languages (Can et al., "Information retrieval on Turkish texts", JASIST 2008); here it only
# adds evidence beside the analyser's stems: KazQAD dev 0.738 -> 0.75, kk_own, XQuAD ru and the keyword
# set gain too (bench/README.md, "Questions").
FAMILY_PREFIX = 5
FAMILY_WORDS = 8
FAMILY_WEIGHT = 0.1
# How many of the best matches the typed forms are looked up for (they only re-order the best).
EVIDENCE_DEPTH = 1000
# How many top results get the proximity bonus (it reads positions: kept to a few).
PROXIMITY_DEPTH = 40
# Words within this many positions of each other, in the order typed, earn the proximity bonus.
PROXIMITY_SLOP = 8
PROXIMITY_BOOST = 1.5
# A typed word found in more than this share of the passages is not searched for on its own
# when rarer words are typed too, nor counted for the proximity bonus (reading where «қай» or
# «жылы» stand in the top passages cost more than it told: KazQAD dev same, kk_own +0.002).
# Both bounds: on a small archive every word is cheap to search, and a few hundred passages
# about one subject make its words "common".
COMMON_WORD_SHARE = 0.02
COMMON_WORD_PASSAGES = 5_000
# A passage below another of its page ranks at this share of its score: the page is already
# listed, and a second passage of it can hide another page that answers. 0.5 answered questions
# best (KazQAD dev 0.741), but keyword searches want every passage holding the words (the keyword
# set's recall@10 0.821 -> 0.799); 0.8 keeps most of both (0.738; 0.816).
SAME_PAGE_FACTOR = 0.8
# A query leaning to one language (a question asked in Russian) ranks the other language's
# passages at this share of their score: they match it only on what both languages write alike.
OTHER_LANGUAGE_FACTOR = 0.5
# A language with fewer passages is ranked with the whole archive's statistics: too few to tell its
# common words from its rare ones.
MIN_LANGUAGE_PASSAGES = 1000


def commonest_first(words: Iterable[tuple[str, int]], count: int) -> list[str]:
    """The `count` words in the most passages of (word, passages) pairs, the commonest first; of words in as many,
    the first in alphabetical order (the word itself before its longer forms: жыл before жылжуы)."""
    return [word for word, _ in heapq.nsmallest(count, words, key=lambda pair: (-pair[1], pair[0]))]


def robertson_idf(documents: int | np.ndarray, frequency: int | np.ndarray) -> float | np.ndarray:
    """log(1 + (N - df + 0.5) / (df + 0.5)): near zero for a word in most passages, never negative (numbers or
    arrays of them)."""
    return np.log1p((documents - np.asarray(frequency) + 0.5) / (np.asarray(frequency) + 0.5))


def bm25(idf, tf: np.ndarray, lengths: np.ndarray, average, b: float = B, k1: float = K1) -> np.ndarray:
    """BM25's term score of passages (or pages) holding a term `tf` times, `lengths` long, `average` their mean."""
    return idf * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / np.maximum(average, 1e-9)))


def document_scores(holding: Sequence[tuple[np.ndarray, np.ndarray | int]], lengths: np.ndarray,
                    average: np.ndarray | float, documents: np.ndarray | int) -> np.ndarray:
    """BM25 of the query's word groups over the candidates' documents (DOCUMENT_WEIGHT): `holding`, for each group,
    how many passages of each candidate's document hold it and how many of the `documents` hold it; `lengths`, each
    candidate's document's passages; `average`, a document's (each a number, or one a candidate where a language's
    documents are counted apart)."""
    scores = np.zeros(len(lengths))
    for passages, held in holding:
        scores += np.where(passages > 0, bm25(robertson_idf(documents, held), passages, lengths, average), 0.0)
    return scores


def best(scores: np.ndarray, depth: int) -> np.ndarray:
    """The indices of the `depth` highest scores (all, when there are no more), in no particular order."""
    return np.arange(len(scores)) if len(scores) <= depth else np.argpartition(-scores, depth)[:depth]


def with_page_diversity(scores: np.ndarray, pages: np.ndarray) -> np.ndarray:
    """The scores with every passage but the best of its page (`pages`: each passage's page) at SAME_PAGE_FACTOR,
    among the best EVIDENCE_DEPTH (further down, a page's second passage is too far to hide another page)."""
    if not len(scores) or SAME_PAGE_FACTOR == 1:
        return scores
    candidates = best(scores, EVIDENCE_DEPTH)
    on = pages[candidates]
    order = np.lexsort((-scores[candidates], on))  # by page, the best passage of each first
    seconds = candidates[order[np.diff(on[order], prepend=-1) == 0]]
    scores = scores.copy()
    scores[seconds] *= SAME_PAGE_FACTOR
    return scores


@dataclass(frozen=True)
class LanguageSizes:
    """The passages (or pages) of each language, by the language column's codes, and their mean length in a field:
    BM25's statistics taken per language, as if each language were an archive of its own, so that Kazakh passages
    score as in a Kazakh archive whatever Russian documents stand beside them."""

    codes: np.ndarray  # int32, one per passage (or page)
    passages: np.ndarray  # int64, live passages (or pages) per code
    average_lengths: np.ndarray  # float64, per code

    @property
    def own(self) -> np.ndarray:
        """Per code: whether the language has statistics of its own: passages enough, beside another language that
        has them too (in an archive of one language and a few passages of others, the whole archive's statistics
        are that language's, and cost no count a language)."""
        own = self.passages >= MIN_LANGUAGE_PASSAGES
        return own if own.sum() > 1 else np.zeros_like(own)


def language_sizes(codes: np.ndarray, lengths: np.ndarray, count: int | None = None) -> LanguageSizes:
    """The LanguageSizes of units (passages or pages, the live ones) of these language `codes` and `lengths`
    (`count`: how many codes there are, when some may have no unit)."""
    count = (int(codes.max()) + 1 if len(codes) else 0) if count is None else count
    units = np.bincount(codes, minlength=count)
    total = np.bincount(codes, weights=lengths, minlength=count)
    return LanguageSizes(codes, units, total / np.maximum(units, 1))


def page_language_sizes(page_of: np.ndarray, page_lengths: np.ndarray, passages: LanguageSizes) -> LanguageSizes:
    """The LanguageSizes of pages (`passages` counting pages): each page's language (its passages', the last one's
    where they differ), each language's pages and mean page length; for the page's BM25. `page_of`: each passage's
    page."""
    codes = np.zeros(len(page_lengths), np.int32)
    codes[page_of] = passages.codes
    return language_sizes(codes, page_lengths, len(passages.passages))


def idf_by_language(units: np.ndarray, holding: np.ndarray, overall: float, own: np.ndarray) -> np.ndarray:
    """Robertson's idf of a term in each language (`units` passages or pages, `holding` of them hold it);
    `overall` where the language is not `own`."""
    return np.where(own, robertson_idf(units, holding), overall)


class DocumentParts:
    """Documents as the document evidence counts them: each passage's part of its document (its language's, for a
    language with statistics of its own; else the whole document, 0), and each part's passages."""

    def __init__(self, documents: np.ndarray, languages: LanguageSizes, live: np.ndarray) -> None:
        """`documents`: each passage's document code; `languages`: the passages' LanguageSizes; `live`: the numbers
        of the live passages."""
        self.document = documents.astype(np.int64)
        self.own = languages.own[languages.codes]
        self.part = np.where(self.own, languages.codes.astype(np.int64) + 1, 0)
        self.width = len(languages.passages) + 1
        self.sizes, self.passages = np.unique(self.keyed(live), return_counts=True)
        self.documents = np.bincount(self.sizes % self.width, minlength=self.width)  # documents with such a part
        self.averages = np.bincount(self.sizes % self.width, weights=self.passages,
                                    minlength=self.width) / np.maximum(self.documents, 1)

    def keys(self, numbers: np.ndarray) -> np.ndarray:
        """The (document, part) key each passage's document evidence is counted under."""
        return self.document[numbers] * self.width + self.part[numbers]

    def keyed(self, numbers: np.ndarray) -> np.ndarray:
        """Each passage's keys: its whole document's, and its language's part's if it has one."""
        mine = numbers[self.own[numbers]]
        return np.concatenate([self.document[numbers] * self.width, self.keys(mine)])

    def size(self, numbers: np.ndarray) -> np.ndarray:
        """The passages of the part of its document each passage's evidence is counted in."""
        return looked_up(self.sizes, self.passages, self.keys(numbers))


def looked_up(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """The value of each wanted key (0 where `keys`, ascending, lacks it)."""
    found, at = locate(keys, wanted)
    return np.where(found, values[at] if len(values) else 0, 0).astype(np.float64)


def language_weights(languages: Sequence[str], language: str | None) -> np.ndarray | None:
    """For a query leaning to one `language`: the weight of each of `languages` (passage languages),
    OTHER_LANGUAGE_FACTOR for the other language's (passages in neither, `other`, weigh 1); None when the
    query leans to neither."""
    if language is None:
        return None
    return np.array([OTHER_LANGUAGE_FACTOR if value in (KAZAKH, RUSSIAN) and value != language else 1.0
                     for value in languages])


# The model's decisions on the parsed query (a whoosh query tree, index.query), which every engine takes alike.

class PassageCounts(Protocol):
    """How many passages there are, and how many hold a term: an index's, or those of a viewer's part of it."""

    def doc_count(self) -> int: ...

    def doc_frequency(self, fieldname: str, text: str) -> int: ...


def _parts(query: Query) -> list[Query]:
    """The query's words: the parts of a top-level OR, or the query itself."""
    return query.subqueries if isinstance(query, Or) else [query]


def without_common_words(query: Query, counts: PassageCounts) -> Query:
    """The top-level OR without the words in over COMMON_WORD_SHARE (and COMMON_WORD_PASSAGES) of the passages,
    when a rarer word is left to search for.

    A question's "неше", "қай", "жыл" match a large part of the archive; OR-ed in, every
    one of those passages is a candidate, and they add little to which passages rank first.
    `counts` counts the passages (a viewer's `Visibility`, or the whole index's reader).
    """
    if not isinstance(query, Or):
        return query
    limit = _common_limit(counts)

    def common(part: Query) -> bool:
        word = _typed_term(part)
        return word is not None and word.fieldname in ("text", "title") and \
            counts.doc_frequency("text", word.text) > limit

    kept = [part for part in query.subqueries if not common(part)]
    rarer_words = {word.text for word in map(_typed_term, kept) if word is not None and word.fieldname == "text"}
    if len(kept) == len(query.subqueries) or not rarer_words:
        return query
    return Or(kept, boost=query.boost, minmatch=query.minmatch, scale=query.scale)


def _common_limit(counts: PassageCounts) -> float:
    """How many passages make a word common (see COMMON_WORD_SHARE)."""
    return max(COMMON_WORD_SHARE * counts.doc_count(), COMMON_WORD_PASSAGES)


def _typed_term(part: Query) -> Term | None:
    """The term a typed word stands for: the term itself, or the first of it and its analyses and variants (ORs of
    terms, nested where a word's analyses in two languages each have variants)."""
    if isinstance(part, Term):
        return part
    if isinstance(part, Or) and part.subqueries:
        terms = [_typed_term(sub) for sub in part.subqueries]
        return terms[0] if all(term is not None for term in terms) else None
    return None


def proximity_phrase(query: Query, field: str = "text") -> Phrase | None:
    """The sloppy phrase of the plain words whose score is the bonus for standing close; None under two words."""
    words = _plain_words(query, field)
    return Phrase(field, words, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST) if len(words) >= 2 else None


def _plain_words(query: Query, field: str) -> list[str]:
    """The single-term words of a top-level OR, in order (phrases and prefixes left out)."""
    words = []
    for part in _parts(query):
        texts = [term.text for term in _leaf_terms(part) if term.fieldname == field]
        if len(texts) >= 1 and texts[0] not in words:
            words.append(texts[0])
    return words


def _leaf_terms(query: Query) -> list[Term]:
    if isinstance(query, Term):
        return [query]
    if isinstance(query, Or):
        return [term for sub in query.subqueries for term in _leaf_terms(sub)]
    return []


def word_family(part: Query, counts: PassageCounts,
                commonest_starting: Callable[[str, int, float], list[str]]) -> frozenset[str]:
    """For a plain word of the query (not a phrase, a prefix or an exact form): the indexed text words that
    begin as it does (its first FAMILY_PREFIX letters), the FAMILY_WORDS commonest, words in over the
    common-word share of the passages and the word's own analyses left out. A word the index lacks has
    a family too: a misspelt or unanalysed word is where it helps most.

    `commonest_starting(beginning, count, at_most)`: an engine's commonest text words beginning so (of the
    passages `counts` counts), none in over `at_most` passages."""
    word = _typed_term(part)
    if word is None or word.fieldname != "text":
        return frozenset()
    own = {term.text for term in _leaf_terms(part)}
    limit = _common_limit(counts)
    family: set[str] = set()
    for beginning in {text[:FAMILY_PREFIX] for text in own if len(text) >= FAMILY_PREFIX}:
        words = (word for word in commonest_starting(beginning, FAMILY_WORDS + len(own), limit) if word not in own)
        family.update(islice(words, FAMILY_WORDS))
    return frozenset(family)


def exact_forms(counts: PassageCounts, typed_words: Sequence[str]) -> list[str]:
    """The typed word forms the exact-form field holds (of the passages `counts` counts), common words left out."""
    limit = _common_limit(counts)
    return [word for word in dict.fromkeys(typed_words) if 0 < counts.doc_frequency("exact", word) <= limit]


def _coordinated(scores: np.ndarray, matched: np.ndarray, term_count: int, scale: float) -> np.ndarray:
    """Whoosh's coordination bonus (CoordMatcher's "SQR"): passages holding more of the terms gain."""
    if term_count <= 1:  # whoosh would zero every score here; one term needs no bonus
        return scores
    return (scores + (matched - 1) / (term_count - scale) ** 2) * ((term_count - 1) / term_count)
