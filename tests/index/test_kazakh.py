"""The Kazakh rules: forms a reader expects to meet in one search term, and words that must not."""
from __future__ import annotations

import re
import unicodedata

import pytest

from index.kazakh import (
    BACK_VOWELS, FRONT_VOWELS, KAZAKH_LOWER, KAZAKH_UPPER, VOWELS, fold_lookalikes,
    is_cyrillic, stem,
)


def stems_of(sentence: str) -> list[str]:
    """Stem every word of a sentence the way the analyzer sees it: lowercased, NFC."""
    words = re.findall(r"[\w-]+", unicodedata.normalize("NFC", sentence).lower())
    return [stem(fold_lookalikes(word)) for word in words]


# --- Alphabet and look-alikes ------------------------------------------------------------------

def test_alphabet_has_all_42_letters_in_both_cases():
    assert len(KAZAKH_LOWER) == 42
    assert KAZAKH_UPPER.lower() == KAZAKH_LOWER
    assert "І".lower() == "і" and "Ү".lower() == "ү"
    assert BACK_VOWELS | FRONT_VOWELS <= VOWELS


def test_latin_lookalike_i_is_folded_inside_a_cyrillic_word():
    assert fold_lookalikes("Негiзгi") == "Негізгі"
    assert fold_lookalikes("G-Global") == "G-Global"
    assert is_cyrillic("ң") and not is_cyrillic("i")


# --- Inflection chains ----------------------------------------------------------------------------

@pytest.mark.parametrize("group", [
    ["құқық", "құқығы", "құқықтары", "құқықтарын", "құқықтың", "құқықтарымыздың"],
    ["мемлекет", "мемлекеттің", "мемлекеттер", "мемлекеттердің", "мемлекетке", "мемлекетте"],
    ["кітап", "кітабы", "кітаптар", "кітаптарымыз", "кітапқа", "кітабыңыз"],
    ["бала", "балалар", "балаларымызға", "баласы", "баланың"],
    ["мектеп", "мектептерде", "мектебіміз", "мектептен"],
    ["азамат", "азаматтар", "азаматтарының", "азаматқа"],
    ["үй", "үйлер", "үйлерімізде", "үйіне", "үйден"],
])
def test_plural_possessive_and_case_chains_meet_in_one_stem(group):
    assert len({stem(word) for word in group}) == 1, {word: stem(word) for word in group}


@pytest.mark.parametrize("group", [
    ["кел", "келеді", "келді", "келген", "келмейді", "келу", "келуге", "келіп", "келсе"],
    ["жаса", "жасады", "жасалған", "жасалды", "жасайды"],
    ["оқы", "оқиды", "оқыды", "оқыған"],
    ["бол", "болады", "болды", "болған", "болмайды", "болғандықтан", "болуы"],
])
def test_verb_forms_meet_in_the_root(group):
    assert len({stem(word) for word in group}) == 1, {word: stem(word) for word in group}


def test_a_constitution_sentence_stems_to_its_lemmas():
    stems = stems_of("Қазақстан Республикасының Конституциясы адам құқықтарын қорғайды.")
    assert stems == ["қазақстан", "республика", "конституция", "адам", "құқық", "қорға"]


def test_a_sentence_about_children_and_schools():
    stems = stems_of("Балаларымыз мектептерде білім алады.")
    assert stems[:2] == ["бала", "мектеп"]
    assert stems[3] == "ал"


# --- Sound changes -----------------------------------------------------------------------------

@pytest.mark.parametrize("form, expected", [
    ("құқығы", "құқық"), ("кітабы", "кітап"), ("тармағы", "тармақ"), ("көрігі", "көрік"),
])
def test_voiced_final_consonant_is_restored(form, expected):
    assert stem(form) == expected == stem(expected)


@pytest.mark.parametrize("form, expected", [
    ("орны", "орын"), ("орнына", "орын"), ("мұрны", "мұрын"), ("ерні", "ерін"),
    ("аузы", "ауыз"), ("халқы", "халық"), ("халқымыздың", "халық"),
])
def test_dropped_vowel_is_put_back(form, expected):
    assert stem(form) == expected


# --- Guards against over-stripping -----------------------------------------------------------------

@pytest.mark.parametrize("word", ["халық", "барлық", "егемен", "сауда", "адам", "бала", "қала"])
def test_words_ending_like_a_suffix_stay_whole(word):
    assert stem(word) == word


def test_international_is_not_people():
    assert stem("халықаралық") == "халықаралық"
    assert stem("халықаралықтың") == "халықаралық"
    assert stem("халықаралық") != stem("халық")


def test_inflected_exception_words_still_reach_their_stem():
    assert stem("адамның") == stem("адамдар") == "адам"
    assert stem("саудада") == "сауда"
    assert stem("барлығы") == "барлық"


@pytest.mark.parametrize("word", ["мемлекеттік", "заңсыз", "білімді", "қоғамдық", "тұрақты",
                                  "ауылдық", "облыстық"])
def test_derivational_suffixes_make_their_own_lemma(word):
    assert stem(word) != stem(word[:-3])


@pytest.mark.parametrize("group", [
    ["мұрағатшы", "мұрағатшылар", "мұрағатшыға", "мұрағатшылардың", "мұрағатшысы", "мұрағатшым"],
    ["құрылысшы", "құрылысшылар", "құрылысшының"],
    ["бесінші", "бесіншісі", "бесіншіде"],
])
def test_an_agent_or_ordinal_in_shy_is_not_read_as_a_possessive(group):
    # No root ends in a consonant + ш: the ы/і belongs to the suffix -шы/-ші, not to a possessive.
    assert {stem(word) for word in group} == {group[0]}


def test_a_root_in_sh_still_loses_its_possessive():
    assert stem("ағашы") == stem("ағаштар") == "ағаш"
    assert stem("траншпен") == "транш"       # a loan ending in нш, before a case ending


@pytest.mark.parametrize("word", ["деңгейлі", "пәтерлі"])
def test_having_suffix_after_y_or_r_keeps_its_vowel(word):
    assert stem(word) == word                # not деңгейл + і


def test_wrong_vowel_harmony_is_not_stripped():
    # Front-vowel stem with a back-vowel plural: not a Kazakh form of мемлекет.
    assert stem("мемлекеттар") != "мемлекет"
    # A name the lexicon does not know: the harmonic genitive goes, the wrong one does not.
    assert stem("сарыбұлақтың") == "сарыбұлақ"
    assert stem("сарыбұлақтің") != "сарыбұлақ"


@pytest.mark.parametrize("group", [
    ["бригадир", "бригадирлер", "бригадирге", "бригадирдің", "бригадирі"],     # и: front row
    ["архив", "архивтер", "архивке", "архивтің", "архиві"],
    ["тарих", "тарихы", "тарихта", "тарихтың"],                              # и: back row too
    ["ресурс", "ресурстар", "ресурстың"],                                    # у: back row
    ["медаль", "медальдар", "медальді", "медальға"],                         # soft sign: either
    ["модель", "модельдер", "модельдің"],
    ["банк", "банкі", "банктер", "банктің"],                                 # нк: front row
])
def test_a_loans_last_syllable_decides_which_row_of_suffixes_it_takes(group):
    assert {stem(word) for word in group} == {group[0]}


# --- Abbreviations, numbers, closed classes ------------------------------------------------------------

@pytest.mark.parametrize("form, expected", [
    ("бұұ", "бұұ"), ("бұұ-ның", "бұұ"), ("бұұ-ға", "бұұ"), ("ақш-тың", "ақш"),
    ("2009", "2009"), ("12,5", "12,5"), ("91-бабы", "91-бап"), ("іс-қимылдың", "іс-қимыл"),
])
def test_abbreviations_and_numbers_are_left_alone(form, expected):
    assert stem(form) == expected


@pytest.mark.parametrize("form, expected", [
    ("менің", "мен"), ("маған", "мен"), ("оның", "ол"), ("оған", "ол"), ("олардың", "ол"),
    ("мұның", "бұл"), ("бұларды", "бұл"), ("еді", "е"), ("екенін", "е"),
])
def test_irregular_pronoun_and_copula_forms(form, expected):
    assert stem(form) == expected


@pytest.mark.parametrize("word", [
    "құқық", "мемлекет", "кітап", "адам", "халық", "орын", "бала", "республика", "кел", "ал",
])
def test_stemming_a_stem_changes_nothing(word):
    assert stem(stem(word)) == stem(word) == word


def test_stemming_is_deterministic_and_total():
    for word in ("а", "ң", "x", "ққққ", "---", "-ның", "абв-"):
        assert stem(word) == stem(word)
        assert stem(word)  # never empty


def test_comparative_is_stripped_from_adjectives_only():
    assert stem("үлкенірек") == "үлкен"
    assert stem("жақсырақ") == "жақсы"
    # топырақ (soil) is a noun, not a comparative of топ (group).
    assert stem("топырақтың") == "топырақ" != stem("топқа")


def test_public_lookups_for_hyphen_repair():
    from index.kazakh import is_known_word, is_suffix_chain
    assert is_suffix_chain("тардың") and is_suffix_chain("ның") and not is_suffix_chain("қимыл")
    # A line-break fragment (табыст- | арын) is not a word; the joined form is.
    assert is_known_word("табыстарын") and not is_known_word("табыст")


def test_sort_key_orders_as_the_kazakh_alphabet_does():
    from index.kazakh import sort_key

    words = ["Шие", "әке", "Ақпан", "ұлт", "үй", "уақыт", "ірі", "ым", "Ғалым", "гүл", "2008 жыл", "Almaty",
             "«Егемен Қазақстан»", '"Ақиқат" журналы', "— Бұл"]
    assert sorted(words, key=sort_key) == ["2008 жыл", "Almaty", '"Ақиқат" журналы', "Ақпан", "әке", "— Бұл", "гүл",
                                           "Ғалым", "«Егемен Қазақстан»", "уақыт", "ұлт", "үй", "Шие", "ым", "ірі"]
