"""The bulk evaluator scores and matches as whoosh's own matchers do, on a real index over several segments."""
from __future__ import annotations

import math

import numpy as np
import pytest
from whoosh import scoring
from whoosh.query import And, AndMaybe, AndNot, NumericRange, Or, Phrase, Require, Term

from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import IndexArrays
from index.query import parse_query
from index.schema import IndexedPassage
from index.whoosh_engine.writer import create_index, delete_documents, write_passages

FILLER = "Бұл бөлімде басқа да көптеген мәселелер мен тақырыптар қаралады. "


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    ix = create_index(tmp_path_factory.mktemp("index"))
    # three commits: three segments, so document numbers carry segment offsets
    write_passages(ix, [IndexedPassage(f"a-{n}", "a", "Сот туралы", n + 1,
                                       "Соттың тәуелсіздігі туралы. " * (n % 3 + 1) + FILLER * n, "law", 2001)
                        for n in range(200)])  # over one postings block (128)
    write_passages(ix, [IndexedPassage(f"b-{n}", "b", "Мақала", n + 1,
                                       f"Тәуелсіздік күні {n}. Сот шешімі. " + FILLER, "news", 1990 + n)
                        for n in range(30)])
    write_passages(ix, [IndexedPassage("gone", "gone", "Сот", 1, "Сот тәуелсіздігі жойылған құжатта.")])
    delete_documents(ix, ["gone"])
    # a segment of one passage: whoosh keeps its terms' postings inline, not in blocks
    write_passages(ix, [IndexedPassage("single", "c", "Құжат", 1, "Тәуелсіздік күні, сот шешімі туралы.")])
    return ix


def by_whoosh(searcher, query) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def by_engine(searcher, query, deadline: float = math.inf) -> tuple[dict[int, float], bool]:
    evaluator = Evaluator(searcher, IndexArrays().of(searcher), deadline)
    matches = evaluator.matches(query)
    return dict(zip(matches.docnums.tolist(), matches.scores.tolist())), evaluator.partial


@pytest.mark.parametrize("query", [
    Term("text", "сот"),
    Term("title", "сот", boost=2.0),
    Or([Term("text", "сот"), Term("text", "тәуелсіздік"), Term("title", "сот")]),
    And([Term("text", "сот"), Term("text", "күн")]),
    AndNot(Term("text", "тәуелсіздік"), Term("text", "күн")),
    AndMaybe(Term("text", "тәуелсіздік"), Term("text", "күн")),
    Require(Term("text", "тәуелсіздік"), Term("text", "күн")),
    Phrase("text", ["сот", "шешім"]),
    Phrase("text", ["сот", "тәуелсіздік"]),  # over several postings blocks
    Phrase("text", ["тәуелсіздік", "күн", "сот"], slop=3),
    And([Term("text", "сот"), NumericRange("year", 1995, 2001)]),
], ids=repr)
def test_matches_and_scores_agree_with_whoosh(ix, query):
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        expected = by_whoosh(searcher, query)
        found, partial = by_engine(searcher, query)
    assert not partial and expected
    assert found.keys() == expected.keys()
    assert all(math.isclose(found[docnum], expected[docnum], rel_tol=1e-5) for docnum in expected)


def test_typed_words_get_whooshs_coordination_bonus(ix):
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        query = parse_query("сот тәуелсіздік күні", searcher.schema).query
        expected, (found, _) = by_whoosh(searcher, query), by_engine(searcher, query)
    assert found.keys() == expected.keys()
    assert all(math.isclose(found[docnum], expected[docnum], rel_tol=1e-5) for docnum in expected)


def test_a_phrase_needs_its_words_in_order(ix):
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        found, _ = by_engine(searcher, Phrase("text", ["шешім", "сот"]))
        both, _ = by_engine(searcher, And([Term("text", "шешім"), Term("text", "сот")]))
    assert both and found == {}


def test_deleted_passages_never_match(ix):
    with ix.searcher() as searcher:
        query = parse_query("жойылған", searcher.schema).query
        held = list(query.existing_terms(searcher.reader()))  # the lexicon keeps them until segments merge
        found, _ = by_engine(searcher, query)
    assert held and found == {}


def test_past_the_deadline_it_answers_partially(ix):
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        found, partial = by_engine(searcher, Term("text", "сот"), deadline=0.0)
    assert partial and found == {}


@pytest.mark.parametrize("read_ahead", [False, True], ids=["postings-unread", "postings-cached"])
def test_the_proximity_bonus_of_a_few_passages_is_whooshs_sloppy_phrase_score(ix, read_ahead):
    phrase = Phrase("text", ["тәуелсіздік", "сот"], slop=8)
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        expected = by_whoosh(searcher, phrase)
        evaluator = Evaluator(searcher, IndexArrays().of(searcher), math.inf)
        if read_ahead:
            evaluator.matches(Or([Term("text", "тәуелсіздік"), Term("text", "сот")]))
        some = sorted(expected)[::7] + [max(expected), 0, 1]  # in every segment, and some without the phrase
        found = evaluator.phrase_scores(phrase, some)
        wanted = np.unique(some).astype(np.int32)
        held = set(wanted[evaluator.term_scores("text", "күн", wanted) > 0].tolist())
        holding = by_whoosh(searcher, Term("text", "күн")).keys()
    assert found.keys() == {docnum for docnum in some if docnum in expected}
    assert all(math.isclose(score, expected[docnum], rel_tol=1e-5) for docnum, score in found.items())
    assert held == {docnum for docnum in some if docnum in holding} and held



def test_a_commit_is_seen_at_once_and_an_older_searcher_keeps_its_own_view(tmp_path):
    ix = create_index(tmp_path)
    arrays = IndexArrays()
    with ix.searcher() as empty:
        assert not len(Evaluator(empty, arrays.of(empty), math.inf).matches(Term("text", "сот")))
    write_passages(ix, [IndexedPassage("first", "a", "Сот", 1, "Сот шешімі.")])
    older = ix.searcher(weighting=scoring.BM25F())
    assert len(Evaluator(older, arrays.of(older), math.inf).matches(Term("text", "сот"))) == 1
    write_passages(ix, [IndexedPassage("second", "b", "Сот", 1, "Сот тағы да.")])
    newer = ix.searcher(weighting=scoring.BM25F())
    assert len(Evaluator(newer, arrays.of(newer), math.inf).matches(Term("text", "сот"))) == 2
    assert len(Evaluator(older, arrays.of(older), math.inf).matches(Term("text", "сот"))) == 1
    older.close()
    newer.close()
