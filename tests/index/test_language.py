"""The language of sentences and passages, decided from the text itself."""
from __future__ import annotations

import pytest

from index.language import (
    KAZAKH,
    OTHER,
    RUSSIAN,
    preferred_language,
    query_languages,
    sentence_languages,
    text_language,
)

RUSSIAN_PASSAGE = ("Министерство сообщило о строительстве школ в области. "
                   "В школах не хватает учителей, и это беспокоит родителей.")
KAZAKH_PASSAGE = "Азаматтардың құқықтарын қорғау мемлекеттің міндеті. Бұл туралы Негізгі Заңда айтылған."


def languages(text: str) -> list[tuple[str, str | None]]:
    return [(text[start:end].strip(), language) for start, end, language in sentence_languages(text)]


def test_kazakh_and_russian_passages():
    assert text_language(KAZAKH_PASSAGE) == KAZAKH
    assert text_language(RUSSIAN_PASSAGE) == RUSSIAN
    assert {language for _, language in languages(RUSSIAN_PASSAGE)} == {RUSSIAN}


def test_latin_lookalike_letters_count_as_kazakh_ones():
    assert text_language("Негiзгi Заңның 5-бабы") == KAZAKH
    assert text_language("Негiзгi заңы осы") == KAZAKH


def test_a_russian_quotation_inside_kazakh_text_is_russian_and_the_rest_kazakh():
    text = "Министр: «Мы строим школы в каждом районе», — деді ол кеше. Бұл жаңалық."
    assert languages(text) == [
        ("Министр:", KAZAKH),
        ("«Мы строим школы в каждом районе»", RUSSIAN),
        (", — деді ол кеше.", KAZAKH),
        ("Бұл жаңалық.", KAZAKH),
    ]
    assert text_language(text) == KAZAKH


def test_a_quotation_without_clues_takes_its_sentences_language():
    assert languages("Газета «Правда» писала об этом.") == [
        ("Газета", RUSSIAN), ("«Правда»", RUSSIAN), ("писала об этом.", RUSSIAN),
    ]


def test_a_short_sentence_without_clues_is_undecided_and_the_hint_decides_the_passage():
    assert languages("Москва, 1995.") == [("Москва, 1995.", None)]
    assert text_language("Москва, 1995.", hint=RUSSIAN) == RUSSIAN
    assert text_language("Москва, 1995.") == KAZAKH


def test_the_text_outweighs_the_hint():
    assert text_language(RUSSIAN_PASSAGE, hint=KAZAKH) == RUSSIAN


def test_each_sentence_is_decided_on_its_own():
    text = "В школах не хватает учителей. Строительство школ."
    assert languages(text) == [("В школах не хватает учителей.", RUSSIAN), ("Строительство школ.", None)]


def test_kazakh_names_in_russian_text_do_not_make_it_kazakh():
    assert text_language("Роман Ғабита Мүсірепова был издан в Алматы в 1953 году.") == RUSSIAN


def test_an_initial_does_not_end_a_sentence():
    assert languages("А. Байтұрсынұлы және М. Дулатұлы.") == [("А. Байтұрсынұлы және М. Дулатұлы.", KAZAKH)]


@pytest.mark.parametrize("text", ["Smith J. History of the Kazakh steppe. London, 2001.", "Qazaqstan tarihy"])
def test_latin_script_is_other(text):
    assert text_language(text) == OTHER


def test_a_mixed_passage_is_in_the_language_of_most_of_its_words():
    text = KAZAKH_PASSAGE + " " + RUSSIAN_PASSAGE
    assert text_language(text) == RUSSIAN
    assert {language for _, language in languages(text)} == {KAZAKH, RUSSIAN}


def test_a_quotation_in_a_later_sentence_is_found_where_it_stands():
    text = "Бұл бірінші сөйлем. Министр: «Мы строим школы в каждом районе», — деді ол."
    assert ("«Мы строим школы в каждом районе»", RUSSIAN) in languages(text)
    segments = sentence_languages(text)
    assert [start for start, _, _ in segments] == [0] + [end for _, end, _ in segments[:-1]]
    assert segments[-1][1] == len(text)


def test_a_query_is_searched_in_russian_alone_only_when_it_says_so_clearly():
    assert query_languages("школа") == (KAZAKH, RUSSIAN)
    assert query_languages("учитель мұғалім") == (KAZAKH, RUSSIAN)
    assert query_languages("Какие школы были построены в этом году?") == (RUSSIAN,)
    # Kazakh words beside a Russian one: its Russian forms are still searched
    assert query_languages("мектеп мұғалім оқулық школа") == (KAZAKH, RUSSIAN)
    assert query_languages("Абай қай жылы туған?") == (KAZAKH, RUSSIAN)


def test_a_query_leans_to_the_language_with_more_clues_by_any_margin():
    assert preferred_language("Какая работа Мартина Лютера стала известна?") == RUSSIAN  # one clue, searched both ways
    assert query_languages("Какая работа Мартина Лютера стала известна?") == (KAZAKH, RUSSIAN)
    assert query_languages("Какая работа Мартина Лютера стала популярной?") == (KAZAKH, RUSSIAN)  # -ной: half a clue
    assert query_languages("Какая работа Мартина Лютера стала популярной в Германии?") == (RUSSIAN,)
    assert preferred_language("мектеп туралы") == KAZAKH
    assert preferred_language("школа") is None
    assert preferred_language("учитель мұғалім") == KAZAKH  # a Kazakh letter is a clue, a plain Russian noun none


def test_a_russian_quotation_without_function_words_is_russian_by_its_endings():
    text = "Министр: «учителей казахского языка необходимо обеспечить методическими пособиями», — деді ол."
    assert ("«учителей казахского языка необходимо обеспечить методическими пособиями»", RUSSIAN) in languages(text)
    # a Russian surname in Kazakh text is no clue
    assert text_language("Достоевский Семейде жер аударылып жүрді.") == KAZAKH


def test_russian_terms_inside_a_kazakh_sentence_do_not_make_it_russian():
    assert text_language("Ол народного комиссариатына, областной комитетке сайланды.\n\nКейін ол ауылға оралды.") == KAZAKH
    assert text_language("Бала кезінде областной детской больницасында емделді.") == KAZAKH


def test_a_russian_heading_in_capitals_is_russian():
    assert text_language("ПОСТАНОВЛЕНИЕ ПРАВИТЕЛЬСТВА РЕСПУБЛИКИ КАЗАХСТАН О МЕРАХ ГОСУДАРСТВЕННОЙ ПОДДЕРЖКИ") == RUSSIAN
