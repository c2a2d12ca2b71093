"""The analyzer chain and a real whoosh round trip: index a passage, search another form."""
from __future__ import annotations

import pytest

from index.analysis import (
    RUSSIAN_MARK, exact_analyzer, kazakh_analyzer, stem, term_positions, term_sequence, term_spans,
)
from index.schema import IndexedPassage
from index.whoosh_engine.search import SearcherCache, search
from index.whoosh_engine.writer import create_index, write_passages


def tokens(text: str, analyzer=None) -> list[tuple[str, int, str]]:
    analyzer = analyzer or exact_analyzer()
    return [(t.text, t.pos, text[t.startchar:t.endchar]) for t in analyzer(text, positions=True, chars=True)]


def test_abbreviation_with_case_ending_is_one_token_spanning_the_form():
    assert tokens("БҰҰ-ның", kazakh_analyzer()) == [("бұұ", 0, "БҰҰ-ның")]
    assert tokens("ЕҚЫҰ-ға", kazakh_analyzer()) == [("еқыұ", 0, "ЕҚЫҰ-ға")]


def test_exact_field_keeps_the_whole_form_of_an_abbreviation():
    assert tokens("БҰҰ-ның") == [("бұұ-ның", 0, "БҰҰ-ның")]


def test_compounds_split_into_parts_and_are_also_indexed_joined():
    assert tokens("іс-қимыл 91-бабы") == [
        ("іс", 0, "іс"), ("ісқимыл", 0, "іс-қимыл"), ("қимыл", 1, "қимыл"), ("91", 2, "91"), ("бабы", 3, "бабы"),
    ]


def test_a_query_compound_is_its_parts_only():
    assert [t.text for t in exact_analyzer()("іс-қимыл", mode="query")] == ["іс", "қимыл"]


def test_lowercase_covers_all_kazakh_letters_and_latin_lookalikes_fold():
    assert [t[0] for t in tokens("ӘҒҚҢӨҰҮҺІ Негiзгi")] == ["әғқңөұүһі", "негізгі"]


def test_a_roman_numeral_typed_with_cyrillic_lookalikes_is_the_latin_numeral():
    """A Kazakh keyboard has no Latin letters: ХІХ (Cyrillic Х, Kazakh І) and ХШ (Ш for III) are typed for XIX, XIII;
    a query types them in lowercase (хіх)."""
    assert [t[0] for t in tokens("ХІХ XIX ХIХ хіх ХШ ХVІІІ ІІ")] == ["xix", "xix", "xix", "xix", "xiii", "xviii", "ii"]
    # an initial, a word that is no numeral, a Roman-looking abbreviation: as written
    assert [t[0] for t in tokens("І. Ш. Х. ІІМ ХІІХ")] == ["і", "ш", "х", "іім", "хііх"]


def test_soft_hyphen_and_zero_width_characters_vanish():
    assert [t[0] for t in tokens("құ\u00adқық ха\u200bлық")] == ["құқық", "халық"]


def test_stop_words_leave_position_gaps_for_phrases():
    assert tokens("адам және азамат") == [("адам", 0, "адам"), ("азамат", 2, "азамат")]


def test_whoosh_round_trip_finds_and_marks_another_form(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("d-0", "d", "Құжат", 3, "Азаматтардың құқықтарын қорғау мемлекеттің міндеті."),
        IndexedPassage("d-1", "d", "Құжат", 4, "Бұл бетте басқа тақырып."),
    ])
    results = search(SearcherCache(ix).get(), "құқық")
    assert results.total == 1
    hit = results.hits[0]
    assert (hit.passage_id, hit.page) == ("d-0", 3)
    assert ("құқықтарын", True) in hit.snippet


def test_a_century_typed_in_cyrillic_finds_and_marks_the_latin_numeral(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [IndexedPassage("d-0", "d", "Тарих", 1, "Бекініс XIX ғасырдың басында салынды.")])
    for typed in ("ХІХ ғасыр", "хіх ғасыр"):
        hit, = search(SearcherCache(ix).get(), typed).hits
        assert [text for text, marked in hit.snippet if marked] == ["XIX", "ғасырдың"]


def ru(stem: str) -> str:
    """A Russian stem as the index holds it (marked apart from a Kazakh stem spelt alike)."""
    return stem + RUSSIAN_MARK


def test_russian_and_kazakh_stems_spelt_alike_are_different_terms():
    russian = [term for term, _ in terms("Более ста человек пришли на площадь, и это было много.")]
    assert ru("бол") in russian and "бол" not in russian
    assert "бол" in [term for term, _ in terms("Ол мұнда болған.")]
    assert terms("В 1995 году.") == [("1995", 1), (ru("год"), 2)]  # a number is no language's


def test_stemmed_analyzer_is_used_for_queries_too():
    analyzer = kazakh_analyzer()
    index_side = [t.text for t in analyzer("мемлекеттің")]
    query_side = [t.text for t in analyzer("мемлекет", mode="query")]
    assert query_side == index_side + [ru("мемлекет")]  # a query word of no language is also searched as Russian


TRICKY = [
    "БҰҰ-ның іс-қимыл 91-бабы 5-ші 1990-шы жылдар, кітап-тар, а-а-а және G-Global",
    "құ\u00adқық ха\u200bлық Негiзгi ӘҒҚҢӨҰҮҺІ адам және азамат, адам мен адам",
    "-іс ab- x--y –-— 2009-ы ЕҚЫҰ-ға Cafe\u0301 ",
    "",
    # Kazakh, Russian, a Russian quotation, a sentence without clues, the same words in each.
    "Министр: «Мы строим школы в каждом районе», — деді ол. Школы жаңа. Ещё школы, школы. "
    "В школах не хватает учителей; северо-западные районы. Строительство школ. Москва, 1995.",
    # Roman numerals in Latin letters, in Cyrillic look-alikes, mixed; initials that are no numerals.
    "ХІХ ғасыр, XIX ғасыр, ХVІІ-ХVІІІ ғасырлар, ХШ ғасыр; І. Жансүгіров, ІІ Николай, Ш. Уәлиханов, ІІМ.",
]


@pytest.mark.parametrize("exact", [False, True])
def test_indexing_shortcut_gives_the_analyzers_terms_and_positions(exact, sample_text):
    analyzer = exact_analyzer() if exact else kazakh_analyzer()
    for text in TRICKY + [sample_text]:
        expected: dict[str, list[int]] = {}
        for token in analyzer(text, positions=True, mode="index"):
            expected.setdefault(token.text, []).append(token.pos)
        got = term_positions(text, exact)
        assert got == expected and list(got) == list(expected), text[:40]
        sequence = [(token.text, token.pos) for token in analyzer(text, positions=True, mode="index")]
        assert term_sequence(text, exact) == sequence, text[:40]


@pytest.mark.parametrize("exact", [False, True])
def test_marking_shortcut_gives_the_analyzers_terms_and_places(exact, sample_text):
    analyzer = exact_analyzer() if exact else kazakh_analyzer()
    for text in TRICKY + [sample_text]:
        expected = [(token.text, token.startchar, token.endchar)
                    for token in analyzer(text, chars=True, mode="index", removestops=False)]
        assert term_spans(text, exact) == expected, text[:40]


def terms(text: str, analyzer=None) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in (analyzer or kazakh_analyzer())(text, positions=True)]


def test_russian_sentences_are_stemmed_by_snowball_russian():
    assert terms("В школах не хватает учителей.") == [(ru("школ"), 1), (ru("хвата"), 3), (ru("учител"), 4)]
    assert terms("Письмо Министерству образования и науки.")[:2] == [(ru("письм"), 0), (ru("министерств"), 1)]


def test_kazakh_sentences_keep_the_kazakh_rules():
    assert terms("Мектептерде мұғалімдер жетіспейді.")[:2] == [("мектеп", 0), ("мұғалім", 1)]


def test_russian_stop_words_leave_position_gaps_and_yo_is_ye():
    assert terms("Это ещё не всё, и ёлки растут.") == [(ru("елк"), 5), (ru("растут"), 6)]
    assert [t.text for t in exact_analyzer()("Это ещё не всё, и ёлки растут.")] == ["елки", "растут"]


def test_a_sentence_without_clues_is_indexed_both_ways_at_one_position():
    assert terms("Строительство школ.") == [("строительство", 0), (ru("строительств"), 0), ("школ", 1), (ru("школ"), 1)]


def test_a_word_with_kazakh_letters_is_kazakh_in_a_russian_sentence():
    assert ("мүсірепова", 3) in terms("Он читал романы Мүсірепова в Алматы.")
    assert terms("Фонд «Қазына» работает с 2006 года.")[1] == (stem("қазына"), 1)


def test_lookalike_folding_keeps_a_latin_i_out_of_russian_words():
    # Latin a, o, c (and Latin i in Kazakh words) fold; a Latin i in a Russian word is no Kazakh і.
    assert [t.text for t in exact_analyzer()("Министерство и школa для нас. Негiзгi Заңы.")] == \
        ["министерство", "школа", "негізгі", "заңы"]
    assert [t.text for t in exact_analyzer()("Это министерcтво и Riga.")] == ["министерство", "riga"]
    assert [t.text for t in exact_analyzer()("Это Минiстерство.")] == ["минiстерство"]


def test_a_query_word_analysed_in_a_given_language():
    analyzer = kazakh_analyzer()
    assert [t.text for t in analyzer("школах", mode="query", language="kk")] == ["школах"]
    assert [t.text for t in analyzer("школах", mode="query", language="ru")] == [ru("школ")]
    assert [t.text for t in analyzer("құқықтары", mode="query", language="ru")] == ["құқық"]


@pytest.mark.parametrize("exact", [False, True])
def test_marking_a_few_terms_finds_every_place_the_whole_analysis_finds(exact, sample_text):
    for text in TRICKY + [sample_text, "Мұнда мұның бәрі жазылған. Ёлка и елка; ЁЛКА."]:
        everything = term_spans(text, exact)
        for term in {term for term, _, _ in everything}:
            marked = [span for span in term_spans(text, exact, among={term}) if span[0] == term]
            assert marked == [span for span in everything if span[0] == term], (term, text[:40])
