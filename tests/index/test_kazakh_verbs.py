"""Verb forms: a query word finds the other forms of its verb, and not the nouns spelt like them."""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from index.kazakh import stem
from index.schema import IndexedPassage
from index.whoosh_engine.search import SearcherCache, search
from index.whoosh_engine.writer import create_index, write_passages

# A slice of bench/stemmer_verbs/verbs.tsv: paradigms generated from a grammar (see its SOURCES.md).
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "verb_paradigms_sample.tsv"


def sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize("group", [
    ["тұр", "тұрады", "тұратынмын", "тұрсың", "тұрмын", "тұрмады"],            # participle + person
    ["айт", "айтты", "айтатынмыз", "айтпайсыз", "айтпаңыз", "айтқанмын"],
    ["кел", "келді", "келетінсіз", "келіңіз", "келіңіздер", "келмеді"],         # polite imperative
    ["ал", "алады", "алдым", "алдың", "алмадым", "алыңыз"],                     # past 1st/2nd person
    ["отыр", "отырды", "отырсың", "отырмыз", "отырсыздар"],                     # present continuous
    ["жат", "жатады", "жатырмын", "жатырсың", "жатқан"],
    ["бар", "барады", "бармадым", "бармаймын", "бармаспын", "бармақпын", "барармын"],   # negatives
    ["көр", "көрді", "көрмейтін", "көрмеген", "көрмесем", "көрмеңіз"],
    ["қой", "қояды", "қоятын", "қоярмын", "қояйын", "қойды"],                   # й + а written я
])
def test_forms_of_one_verb_meet_in_one_term(group):
    assert len({stem(word) for word in group}) == 1, {word: stem(word) for word in group}


@pytest.mark.parametrize("noun, verb", [
    (["алма", "алмалар", "алманы", "алмада"], "ал"),            # apple, not "don't take"
    (["көрме", "көрмеде", "көрмесі", "көрмелер"], "көр"),       # exhibition
    (["бөлме", "бөлмеде", "бөлмесі"], "бөл"),                    # room
    (["отырыс", "отырысы", "отырыста"], "отыр"),                 # a sitting, a party
])
def test_a_noun_spelt_like_a_verb_form_keeps_its_own_term(noun, verb):
    assert len({stem(word) for word in noun}) == 1
    assert stem(noun[0]) != stem(verb)


def test_the_sample_paradigms_group_as_their_lemmas_do():
    """Pair F1 (as ../shared/tools/eval_stemmer.py counts it) over the generated sample: at least
    0.97, and no homograph noun's form joined with a verb."""
    rows = sample()
    lemma = {row["form"]: row["lemma"] for row in rows}
    key = {form: stem(form) for form in lemma}

    def pairs(counts: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    together = pairs(Counter((lemma[form], key[form]) for form in lemma))
    precision = together / pairs(Counter(key.values()))
    recall = together / pairs(Counter(lemma.values()))
    assert 2 * precision * recall / (precision + recall) >= 0.97
    verb_terms = defaultdict(set)
    for row in rows:
        verb_terms[row["upos"]].add(key[row["form"]])
    assert not verb_terms["NOUN"] & verb_terms["VERB"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    ix = create_index(tmp_path_factory.mktemp("index"))
    write_passages(ix, [
        IndexedPassage("came", "a", "Хат", 1, "Қонақтар кеше ауылға келді."),
        IndexedPassage("will-come", "a", "Хат", 2, "Мен ертең сізге келетінмін."),
        IndexedPassage("please-come", "b", "Шақыру", 1, "Тойға міндетті түрде келіңіздер!"),
        IndexedPassage("did-not-take", "c", "Күнделік", 1, "Мен ол кітапты алмадым."),
        IndexedPassage("took", "c", "Күнделік", 2, "Кітапханадан екі кітап алдым."),
        IndexedPassage("apple", "d", "Бақ", 1, "Бақта қызыл алма піседі."),
        IndexedPassage("apples", "d", "Бақ", 2, "Алмалар мен алмұрттар жиналды."),
        IndexedPassage("exhibition", "e", "Мұражай", 1, "Көрмеде ескі қолжазбалар қойылды."),
        IndexedPassage("did-not-see", "e", "Мұражай", 2, "Ол бұл суретті ешқашан көрмеген."),
    ])
    return SearcherCache(ix)


def found(cache, text: str) -> set[str]:
    return {hit.passage_id for hit in search(cache.get(), text, caches=cache.caches, limit=20).hits}


@pytest.mark.parametrize("query", ["келу", "келдім", "келіңіз", "келетінсіз"])
def test_a_verb_form_finds_the_verbs_other_forms(cache, query):
    assert found(cache, query) == {"came", "will-come", "please-come"}


def test_a_negative_finds_the_positive_and_no_apples(cache):
    assert found(cache, "алмадым") == {"did-not-take", "took"}
    assert found(cache, "алма") == {"apple", "apples"}


def test_an_exhibition_is_not_seeing(cache):
    assert found(cache, "көрме") == {"exhibition"}
    assert found(cache, "көрдім") == {"did-not-see"}
