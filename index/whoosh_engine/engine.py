"""A query's matches and BM25F scores over whole postings arrays, as whoosh would score them.

Every node of a parsed whoosh query becomes a `Matches`: ascending passage numbers, a score
and a count of the query's terms each holds. Terms are scored with whoosh's BM25F (its idf,
field lengths and B/K1), ORs add scores with whoosh's coordination bonus, ANDs intersect,
`-word` subtracts, phrases intersect their words and then read the candidates' positions;
the total and the facets are then counts over the same arrays. A node with no bulk form
here (a range on a field that is no column, say) runs through whoosh's own matcher. Past
the deadline, evaluation stops and answers with what it has.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
from whoosh.formats import Positions
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    DisjunctionMax,
    Every,
    NullQuery,
    NumericRange,
    Or,
    Phrase,
    Query,
    Require,
    Term,
)
from whoosh.searching import Searcher

from index.matches import NO_MATCHES, Matches
from index.ranking import _coordinated, bm25, idf_by_language
from index.schema import NO_YEAR
from index.whoosh_engine.postings import Generation, locate
from index.whoosh_engine.visibility import Visibility, existing_terms


# A phrase reads all of a word's positions (in the same pass as its postings, and keeps them)
# when the word is in at most this many times as many passages as the phrase's rarest word;
# of a far commoner word, only the blocks holding the candidates are read again.
WHOLE_POSITIONS_SHARE = 2


class Evaluator:
    """Evaluates one query against one searcher's generation; `partial` once the deadline cut it."""

    def __init__(self, searcher: Searcher, generation: Generation, deadline: float,
                 view: Visibility | None = None) -> None:
        self.searcher = searcher
        self.generation = generation
        self.deadline = deadline
        self.view = view or Visibility(searcher, generation)  # the passages the viewer may see
        self.partial = False
        weighting = searcher.weighting
        self._k1 = getattr(weighting, "K1", 1.2)
        self._b = getattr(weighting, "B", 0.75)
        self._field_b = getattr(weighting, "_field_B", {})

    def matches(self, query: Query) -> Matches:
        if query is NullQuery:
            return NO_MATCHES
        if self._expired():
            return NO_MATCHES
        if isinstance(query, Term):
            return self._term(query)
        if isinstance(query, (Or, DisjunctionMax)):
            return self._any(query)
        if isinstance(query, AndNot):
            return self._first_where(query, held=False)
        if isinstance(query, AndMaybe):
            return self._and_maybe(query)
        if isinstance(query, Require):
            return self._first_where(query, held=True)
        if isinstance(query, And):
            return self._all(query.subqueries)
        if isinstance(query, Every):
            return self._every(query.boost)
        if isinstance(query, NumericRange) and query.fieldname == "year":
            return self._years(query)
        if isinstance(query, Phrase) and _has_positions(self.searcher, query.fieldname) and len(query.words) > 1:
            return self._phrase(query)
        return self._by_whoosh(query)

    def _expired(self) -> bool:
        if not self.partial and time.monotonic() > self.deadline:
            self.partial = True
        return self.partial

    def _term(self, query: Term, with_positions: bool = False) -> Matches:
        field, text = query.fieldname, query.text
        if field not in self.searcher.schema:
            return NO_MATCHES
        postings = self.generation.postings(self.searcher, field, text, self.deadline, with_positions)
        if not postings.complete:
            self.partial = True
        if not len(postings.docnums):
            return NO_MATCHES
        scores = self._bm25(field, text, postings.docnums, postings.weights, every_posting=True) * query.boost
        return Matches(postings.docnums, scores, np.ones(len(postings.docnums), np.int32))

    def _bm25(self, field: str, text, docnums: np.ndarray, weights: np.ndarray,
              every_posting: bool = False) -> np.ndarray:
        """Whoosh's BM25F term score (scoring.bm25: idf, average field length, B, K1), each passage scored
        with its own language's statistics where that language is big enough (index.ranking.LanguageSizes):
        Kazakh passages score as in a Kazakh archive, whatever Russian documents stand beside them.

        The term's passages in each language are counted from its postings given `every_posting`;
        for a few passages, its passages in the whole archive stand for those in each language.
        """
        if not self.searcher.schema[field].scorable:
            return weights.astype(np.float64)
        sizes = self.generation.languages(self.searcher, field)
        codes = sizes.codes[docnums]
        if every_posting:
            holding = np.bincount(codes, minlength=len(sizes.passages))
        else:
            holding = np.minimum(self.searcher.doc_frequency(field, text), sizes.passages)
        idf = idf_by_language(sizes.passages, holding, self.searcher.idf(field, text), sizes.own)[codes]
        average = np.where(sizes.own, sizes.average_lengths, self.searcher.avg_field_length(field) or 1)[codes]
        b = self._field_b.get(field, self._b)
        lengths = self.generation.lengths(self.searcher, field)[docnums]
        return bm25(idf, weights.astype(np.float64), lengths, average, b, self._k1)

    def _any(self, query: Or | DisjunctionMax) -> Matches:
        parts = [self.matches(sub) for sub in query.subqueries]
        parts = [part for part in parts if len(part)]
        if not parts:
            return NO_MATCHES
        if len(parts) == 1:
            combined = parts[0]
        else:
            docnums, where = np.unique(np.concatenate([part.docnums for part in parts]), return_inverse=True)
            all_scores = np.concatenate([part.scores for part in parts])
            if isinstance(query, DisjunctionMax):
                scores = np.full(len(docnums), -np.inf)
                np.maximum.at(scores, where, all_scores)
            else:
                scores = np.bincount(where, weights=all_scores, minlength=len(docnums))
            terms = np.bincount(where, weights=np.concatenate([part.terms for part in parts]),
                                minlength=len(docnums)).astype(np.int32)
            combined = Matches(docnums.astype(np.int32), scores, terms)
        scores = combined.scores * query.boost
        if isinstance(query, Or) and query.scale:
            scores = _coordinated(scores, combined.terms, self._term_count(query), query.scale)
        return Matches(combined.docnums, scores, combined.terms)

    def _term_count(self, query: Query) -> int:
        """The terms of a query the index holds (whoosh's CoordMatcher counts their matchers); of a restricted
        view, those its passages hold (a word of hidden passages alone is no term of the viewer's archive)."""
        return len(existing_terms(query, self.searcher.reader(), self.view))

    def _all(self, subqueries) -> Matches:
        parts = []
        for sub in subqueries:
            part = self.matches(sub)
            if not len(part):
                return NO_MATCHES
            parts.append(part)
        return _intersection(parts)

    def _first_where(self, query: Require | AndNot, held: bool) -> Matches:
        """The first part's matches, scored by it alone, where the second part matches (`held`) or not."""
        first = self.matches(query.a)
        if not len(first):
            return first
        inside, _ = locate(self.matches(query.b).docnums, first.docnums)
        return first.where(inside if held else ~inside)

    def _and_maybe(self, query: AndMaybe) -> Matches:
        required = self.matches(query.a)
        if not len(required):
            return required
        optional = self.matches(query.b)
        inside, where = locate(optional.docnums, required.docnums)
        bonus = np.zeros(len(required))
        bonus[inside] = optional.scores[where[inside]]
        terms = required.terms.copy()
        terms[inside] += optional.terms[where[inside]]
        return Matches(required.docnums, required.scores + bonus, terms)

    def _every(self, boost: float) -> Matches:
        docnums = np.flatnonzero(self.generation.live(self.searcher)).astype(np.int32)
        return Matches(docnums, np.full(len(docnums), float(boost)), np.zeros(len(docnums), np.int32))

    def _years(self, query: NumericRange) -> Matches:
        """`year:2001..2010` from the year column (undated passages never match)."""
        years = self.generation.years(self.searcher)
        low = -np.inf if query.start is None else query.start + (1 if query.startexcl else 0)
        high = np.inf if query.end is None else query.end - (1 if query.endexcl else 0)
        wanted = (years >= low) & (years <= high) & (years != NO_YEAR) & self.generation.live(self.searcher)
        docnums = np.flatnonzero(wanted).astype(np.int32)
        return Matches(docnums, np.full(len(docnums), float(query.boost)), np.zeros(len(docnums), np.int32))

    def _phrase(self, query: Phrase) -> Matches:
        """Passages holding every word (an intersection, scored as whoosh's phrase: the words' sum),
        kept where the words stand in order, each within `slop` positions of the one before."""
        field, reader = query.fieldname, self.searcher.reader()
        frequencies = [reader.doc_frequency(field, word) for word in query.words]
        whole = [min(frequencies) * WHOLE_POSITIONS_SHARE >= frequency for frequency in frequencies]
        candidates = _intersection([self._term(Term(field, word), with_positions)
                                    for word, with_positions in zip(query.words, whole)])
        if not len(candidates) or self._expired():
            return NO_MATCHES
        found = candidates.where(self._in_order(query, candidates.docnums))
        return Matches(found.docnums, found.scores * query.boost, found.terms)

    def _in_order(self, query: Phrase, docnums: np.ndarray) -> np.ndarray:
        """For each passage (all holding every word): whether the words stand as the phrase asks."""
        words = list(query.words)
        owner, position = self.generation.positions(self.searcher, query.fieldname, words[0], docnums)
        for word in words[1:]:
            next_owner, next_position = self.generation.positions(self.searcher, query.fieldname, word, docnums)
            reached = _keys(owner, position)
            follows = np.zeros(len(next_owner), dtype=bool)
            for step in range(1, max(1, query.slop) + 1):
                follows |= np.isin(_keys(next_owner, next_position - step), reached)
            owner, position = next_owner[follows], next_position[follows]
        kept = np.zeros(len(docnums), dtype=bool)
        kept[owner] = True
        return kept

    def term_scores(self, field: str, text: str, docnums: np.ndarray) -> np.ndarray:
        """A term's BM25 in each of some passages (ascending, unique), 0 where absent: only their blocks are read."""
        return self._bm25(field, text, docnums, self.generation.weights_at(self.searcher, field, text, docnums))

    def phrase_scores(self, query: Phrase, docnums: Sequence[int]) -> dict[int, float]:
        """The score a phrase gives each of a few passages it matches (the proximity bonus of the top hits)."""
        wanted = np.unique(np.asarray(docnums, dtype=np.int32))
        scores, held = np.zeros(len(wanted)), np.ones(len(wanted), dtype=bool)
        for word in query.words:
            weights = self.generation.weights_at(self.searcher, query.fieldname, word, wanted)
            held &= weights > 0
            scores += self._bm25(query.fieldname, word, wanted, weights)
        if not _has_positions(self.searcher, query.fieldname) or not held.any():
            return {}
        candidates, scores = wanted[held], scores[held]
        kept = self._in_order(query, candidates)
        return dict(zip(candidates[kept].tolist(), (scores[kept] * query.boost).tolist()))

    def _by_whoosh(self, query: Query) -> Matches:
        """Whoosh's own matcher, for what has no bulk form here: one match at a time."""
        docnums: list[int] = []
        scores: list[float] = []
        context = self.searcher.context(needs_current=True, weighting=self.searcher.weighting)
        terms = self._term_count(query)
        for leaf, offset in self.searcher.leaf_searchers():
            matcher = query.matcher(leaf, context)
            while matcher.is_active():
                docnums.append(matcher.id() + offset)
                scores.append(matcher.score())
                matcher.next()
                if len(docnums) % 256 == 0 and self._expired():
                    break
            if self.partial:
                break
        found = np.asarray(docnums, dtype=np.int32)
        live = self.generation.live(self.searcher)[found] if len(found) else np.empty(0, bool)
        return Matches(found[live], np.asarray(scores, dtype=np.float64)[live], np.full(int(live.sum()), terms, np.int32))


def _intersection(parts: list[Matches]) -> Matches:
    """Passages in every part, their scores and terms added up."""
    if not parts or not all(len(part) for part in parts):
        return NO_MATCHES
    parts = sorted(parts, key=len)
    result = parts[0]
    for part in parts[1:]:
        inside, where = locate(part.docnums, result.docnums)
        result = Matches(result.docnums[inside], result.scores[inside] + part.scores[where[inside]],
                         result.terms[inside] + part.terms[where[inside]])
    return result


def _has_positions(searcher: Searcher, field: str) -> bool:
    """Whether the field's postings hold whoosh's plain Positions values (what Generation.positions reads)."""
    return field in searcher.schema and type(searcher.schema[field].format) is Positions


def _keys(owner: np.ndarray, position: np.ndarray) -> np.ndarray:
    """One number per (passage index, position) pair."""
    return owner * (1 << 32) + position
