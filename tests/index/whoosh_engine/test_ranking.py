"""The ranking model on real indexes: rare words weigh more, the page and the typed forms count, close words gain."""
from __future__ import annotations

import math

import pytest
from whoosh.query import Or, Term

from index.whoosh_engine.engine import Evaluator
from index.whoosh_engine.postings import IndexArrays
from index.whoosh_engine.ranking import RankingWeighting, word_groups
from index.ranking import proximity_phrase, robertson_idf
from index.schema import IndexedPassage
from index.whoosh_engine.search import SearcherCache, search
from index.whoosh_engine.writer import create_index, write_passages

FILLER = "Бұл бөлімде басқа да көптеген мәселелер мен тақырыптар егжей-тегжейлі қаралады. "


def query_for(*stems: str):
    return Or([Or([Term("text", stem), Term("title", stem)]) for stem in stems])


def ranked(ix, text: str) -> list[str]:
    cache = SearcherCache(ix)
    return [hit.passage_id for hit in search(cache.get(), text, limit=20, caches=cache.caches).hits]


def test_word_groups_are_one_per_query_word():
    groups = word_groups(query_for("сот", "тәуелсіздік"))
    assert groups == [frozenset({("text", "сот"), ("title", "сот")}),
                      frozenset({("text", "тәуелсіздік"), ("title", "тәуелсіздік")})]


def test_idf_is_near_zero_for_a_word_in_most_passages_and_never_negative():
    assert robertson_idf(1000, 1) > robertson_idf(1000, 100) > robertson_idf(1000, 900) > 0
    assert robertson_idf(1000, 1000) > 0


def test_the_rare_name_of_a_question_outweighs_its_common_words(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("name", "a", "Ақындар", 1, "Шернияз Жарылғасұлы Қазы бимен жиі айтысқан ақын. " + FILLER),
        # every common word of the question, and not the name: what the old word-count tiers put first
        IndexedPassage("common-words", "b", "Өмірбаян", 1,
                       "Ол ХІХ ғасырдың басында өмір сүрген, сол жылдары ел аралаған. " + FILLER),
        *[IndexedPassage(f"life-{n}", "c", "Шежіре", n + 1, f"Бұл кісі {1800 + n} жылдары өмір сүрген. " + FILLER)
          for n in range(20)],
    ])
    assert ranked(ix, "Шернияз Жарылғасұлы қай жылдары өмір сүрген?")[0] == "name"


def test_a_passage_whose_page_holds_the_other_words_ranks_higher(tmp_path, monkeypatch):
    monkeypatch.setattr("index.ranking.SAME_PAGE_FACTOR", 1.0)  # the page's evidence alone, not its diversity
    ix = create_index(tmp_path)
    write_passages(ix, [
        # two passages of one page: the question's subject in one, its answer word in the other
        IndexedPassage("answer", "a", "География", 3, "Бұл өңірде мұнай мен газ өндіріледі. " + FILLER),
        IndexedPassage("answer-neighbour", "a", "География", 3, "Маңғыстау түбегі Каспий теңізінің шығысында. " + FILLER),
        IndexedPassage("elsewhere", "b", "Экономика", 1, "Елде мұнай өндіру өсті."),  # shorter: more BM25 alone
        *[IndexedPassage(f"other-{n}", "c", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(10)],
    ])
    order = ranked(ix, "Маңғыстау мұнай")
    assert order.index("answer") < order.index("elsewhere")


def test_the_form_typed_counts_a_little_beside_its_other_forms(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("other-form", "a", "Құжат", 1, "Азаматтардың құқықтары қорғалады. " + FILLER),
        IndexedPassage("typed-form", "b", "Құжат", 1, "Азаматтардың құқығы қорғалады. " + FILLER),
        *[IndexedPassage(f"other-{n}", "c", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(10)],
    ])
    assert ranked(ix, "құқығы")[:2] == ["typed-form", "other-form"]


def test_a_misspelt_word_still_weighs_through_the_words_it_begins_like(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("ocean", "a", "Үнді мұхиты", 2, "Мұхиттың жылы бөлігі солтүстікте жатыр. " + FILLER),
        IndexedPassage("year", "b", "Жылнама", 1, "Жылдың жылы бөлігі жазға келеді. " + FILLER),
        *[IndexedPassage(f"other-{n}", "c", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(10)],
    ])
    # «мұхиттының» (a doubled т) is no form the analyser knows: its stem «мұхитт» is nowhere in the index
    assert ranked(ix, "мұхиттының жылы бөлігі")[0] == "ocean"


def test_a_words_family_weighs_but_finds_nothing_more(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("science-words", "a", "Ғылым", 1, "Ғылыми зерттеу мен ғылыми еңбек. Ғылым дамиды. " + FILLER),
        IndexedPassage("science", "b", "Ғылым", 1, "Ғылым дамиды. " + FILLER),
        IndexedPassage("scientific-only", "c", "Зерттеу", 1, "Ғылыми зерттеу жүргізілді. " + FILLER),
        *[IndexedPassage(f"other-{n}", "d", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(10)],
    ])
    cache = SearcherCache(ix)
    results = search(cache.get(), "ғылым", limit=20, caches=cache.caches)
    assert [hit.passage_id for hit in results.hits] == ["science-words", "science"]
    assert results.total == 2


@pytest.fixture
def ix(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("far", "d", "Құжат", 2, "Сот жүйесі. " + FILLER * 3 + "Тәуелсіздік күні."),
        IndexedPassage("near", "d", "Құжат", 3, "Соттың тәуелсіздігі. " + FILLER * 3),
    ])
    return ix


def test_words_close_together_earn_the_proximity_bonus(ix):
    phrase = proximity_phrase(query_for("сот", "тәуелсіздік"))
    with ix.searcher(weighting=RankingWeighting()) as searcher:
        passages = {searcher.stored_fields(docnum)["passage_id"]: docnum for docnum in range(searcher.doc_count_all())}
        evaluator = Evaluator(searcher, IndexArrays().of(searcher), math.inf)
        bonus = evaluator.phrase_scores(phrase, list(passages.values()))
    assert passages["near"] in bonus and bonus[passages["near"]] > 0
    assert passages["far"] not in bonus  # both words, but far apart


RUSSIAN_NEWS = [IndexedPassage(f"ru-{n}", "r", "Отчёт", n + 1,
                               f"Министерство сообщило о строительстве больниц в районе номер {n}. "
                               "Учителя и врачи получили новые квартиры в этом году.") for n in range(6)]


def test_a_question_asked_in_russian_ranks_russian_passages_before_kazakh_ones_holding_its_words(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        # shorter, holding the Kazakh forms of премьер-министр and the abbreviation twice: first by BM25 alone
        IndexedPassage("kk", "k", "Тарих", 1, "ГДР премьер-министрі 1990 жылы сайланды, ГДР тарихы."),
        IndexedPassage("ru", "r", "История", 1, "Последним премьер-министром ГДР стал Лотар де Мезьер, "
                                                "который был избран в 1990 году. " + RUSSIAN_NEWS[0].text),
        *RUSSIAN_NEWS[1:],
    ])
    assert ranked(ix, "Кто был премьер-министр ГДР?")[0] == "ru"


def test_a_compound_finds_its_words_written_apart_below_the_compound_itself(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("apart", "a", "История", 1, "Поселенцы из Франции, среди них гугеноты, прибыли в колонию."),
        IndexedPassage("compound", "b", "История", 1, "Гугеноты-поселенцы основали город на побережье."),
        *RUSSIAN_NEWS,
    ])
    assert ranked(ix, "Как гугеноты-поселенцы освоились?")[:2] == ["compound", "apart"]
    assert ranked(ix, "іс-қимыл") == []  # and a compound nobody wrote finds nothing


def test_a_second_passage_of_a_page_ranks_below_the_best_passage_of_another_page(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("page-best", "a", "Су", 1, "Арал теңізі тартылып, Арал балықшылары көшті. " + FILLER),
        IndexedPassage("page-second", "a", "Су", 1, "Арал теңізінің суы азайды. " + FILLER),
        IndexedPassage("other-page", "b", "Жер", 4, "Арал маңы шөлге айналды, бұрынғы теңіз табаны. " + FILLER),
        *[IndexedPassage(f"filler-{n}", "c", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(10)],
    ])
    assert ranked(ix, "Арал теңізі")[:3] == ["page-best", "other-page", "page-second"]
