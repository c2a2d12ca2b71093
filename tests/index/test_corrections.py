"""Did you mean, on a made-up archive's words: the shared corrector both engines call (index/corrections.py)."""
from __future__ import annotations

from index import corrections
from index.analysis import RUSSIAN_MARK

# The archive's words as typed (exact) and as stems (text), with the passages holding each.
EXACT = {"оқулық": 40, "окулык": 1, "мұғалімдер": 12, "мектеп": 30, "құрылыс": 9,
         "учителей": 7, "учителям": 3, "учителями": 2}
STEMS = {"оқулық": 41, "мұғалім": 12, "мектеп": 30, "құрылыс": 9, "учител" + RUSSIAN_MARK: 12}
WORDS = {"exact": EXACT, "text": STEMS}


def found(word: str) -> bool:
    return word in EXACT or word in STEMS


def starting(field: str, beginning: str) -> list[str]:
    return [word for word in WORDS[field] if word.startswith(beginning)]


def frequency(field: str, word: str) -> int:
    return WORDS[field].get(word, 0)


def nearest(word: str) -> str | None:
    return corrections.nearest(word, found, starting, frequency)


def test_a_letter_typed_for_its_look_alike_is_swapped_back_to_the_commonest_form():
    assert nearest("оқулык") == "оқулық"  # not the misspelling one page holds
    assert nearest("мактеп") == "мектеп"
    assert nearest("кұрылыс") == "құрылыс"


def test_a_slip_anywhere_after_the_first_letter_is_corrected_by_edits_and_stems():
    assert nearest("мнктеп") == "мектеп"  # the second letter
    assert nearest("мұғалым") == "мұғалім"  # a stem: the archive holds only мұғалімдер
    assert nearest("баспасөз") is None


def test_a_stem_that_is_no_word_is_offered_as_the_held_form_nearest_the_typed_one():
    # No held form is two edits away; the stem учител is, but nobody writes it: the nearest held form, the commonest.
    assert nearest("учитиль") == "учителей"


def test_only_so_many_words_of_a_query_are_corrected():
    typed = " ".join(["мнктеп"] * 6)
    tokens, start = [], 0
    for word in typed.split():
        tokens.append((word, start, start + len(word)))
        start += len(word) + 1
    suggestion = corrections.suggest(typed, tokens, found, starting, frequency)
    assert suggestion.split() == ["мектеп"] * corrections.MAX_CORRECTED_WORDS + ["мнктеп"] * 2


def test_a_capitalised_word_is_corrected_capitalised():
    typed = "Мнктеп МНКТЕП"
    assert corrections.suggest(typed, [("мнктеп", 0, 6), ("мнктеп", 7, 13)], found, starting, frequency) == \
        "Мектеп МЕКТЕП"
