"""All query words first, close words higher: the ranking pieces on a real index."""
from __future__ import annotations

import math

import pytest
from whoosh import scoring
from whoosh.query import Or, Term

from index.engine import Evaluator
from index.postings import IndexArrays
from index.ranking import proximity_phrase, rerank, word_groups
from index.schema import IndexedPassage
from index.writer import create_index, write_passages

FILLER = "Бұл бөлімде басқа да көптеген мәселелер мен тақырыптар егжей-тегжейлі қаралады. "


@pytest.fixture
def ix(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        # "сот" many times but no "тәуелсіздік": a high BM25 score for one word only
        IndexedPassage("one-word", "d", "Құжат", 1, "Сот сот соты сотта сотқа. " + FILLER),
        # both words, far apart
        IndexedPassage("far", "d", "Құжат", 2, "Сот жүйесі. " + FILLER * 3 + "Тәуелсіздік күні."),
        # both words, side by side
        IndexedPassage("near", "d", "Құжат", 3, "Соттың тәуелсіздігі. " + FILLER * 3),
        # "тәуелсіздік" is common in the archive, "сот" is rare: BM25 favours the "сот"-only passage
        *[IndexedPassage(f"common-{n}", "d", "Құжат", 4 + n, f"Тәуелсіздік туралы {n}-мақала. " + FILLER * 4) for n in range(12)],
    ])
    return ix


def query_for(*stems: str):
    return Or([Or([Term("text", stem), Term("title", stem)]) for stem in stems])


def test_word_groups_are_one_per_query_word():
    groups = word_groups(query_for("сот", "тәуелсіздік"))
    assert groups == [frozenset({("text", "сот"), ("title", "сот")}),
                      frozenset({("text", "тәуелсіздік"), ("title", "тәуелсіздік")})]


def test_passages_with_every_word_come_before_passages_with_some(ix):
    query = query_for("сот", "тәуелсіздік")
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        results = searcher.search(query, terms=True)
        plain_order = [hit["passage_id"] for hit in results]
        ranked = rerank([(hit["passage_id"], hit.score, {(f, t.decode()) for f, t in hit.matched_terms()})
                         for hit in results], word_groups(query))
    assert plain_order[0] == "one-word"  # the failure the re-ranking exists for
    assert set(ranked[:2]) == {"near", "far"}
    assert ranked[2] == "one-word"


def test_words_close_together_earn_the_proximity_bonus(ix):
    phrase = proximity_phrase(query_for("сот", "тәуелсіздік"))
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        passages = {searcher.stored_fields(docnum)["passage_id"]: docnum for docnum in range(searcher.doc_count_all())}
        evaluator = Evaluator(searcher, IndexArrays().of(searcher), math.inf)
        bonus = evaluator.phrase_scores(phrase, list(passages.values()))
    assert passages["near"] in bonus and bonus[passages["near"]] > 0
    assert passages["far"] not in bonus  # both words, but far apart
