"""Did you mean: the query as typed, each word that found nothing replaced by the nearest word the viewer's passages
hold. Shared by the engines, which say what a word finds and which words the archive holds.

A letter typed for its look-alike in sound or on the keyboard is the commonest slip: а for о (канституция), and in
Kazakh a plain letter for a Kazakh one or the vowel of the other row (мұғалым: мұғалім, мактеп: мектеп); one such swap
is tried first. Then the words two edits away that share the word's first letter (a slip in the second letter is
as common as in the others), the commonest first; the typed word's stems are compared as well, so that a slip in a
word the archive holds only in other forms is corrected to its stem where the stem is a word (мұғалым: мұғалім, held
as мұғалімдер), else to the held form nearest the typed word (учитиль: учителя, the stem учител being no word).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from rapidfuzz.distance import Levenshtein

from index.analysis import RUSSIAN_MARK
from index.approximate import within
from index.seam import FILTER_PATTERN
from index.variants import KEYBOARD_STAND_INS

# Words shorter or longer are not corrected (each swap tried searches again: a 480-letter word took seconds).
MIN_CORRECTED_LETTERS = 4
MAX_CORRECTED_LETTERS = 40
# Words of one query corrected at most (each costs a search for every swap, then a look through the words sharing
# its first letter: a query of 32 misspelt words took 2 s).
MAX_CORRECTED_WORDS = 4
# Edits between a word and its correction.
MAX_EDITS = 2
# Letters typed for one another, each swap tried alone before any edit: a Kazakh letter and the one a Russian keyboard
# offers for it (index.variants), both ways; а/о; and the vowels of the two rows (ы/і, а/е, ә/е, ұ/ү).
_PAIRS = [*KEYBOARD_STAND_INS.items(), ("а", "о"), ("ы", "і"), ("а", "е"), ("ә", "е"), ("ұ", "ү")]
SWAPS: dict[str, tuple[str, ...]] = {letter: tuple(other for one, two in _PAIRS for other in (two, one)
                                                   if letter in (one, two) and other != letter)
                                     for letter in {letter for pair in _PAIRS for letter in pair}}


def suggest(text: str, tokens: Iterable[tuple[str, int, int]], found: Callable[[str], bool],
            starting: Callable[[str, str], Iterable[str]], frequency: Callable[[str, str], int],
            misread: frozenset[str] = frozenset()) -> str | None:
    """The query `text` with each of its words (`tokens`: (word, start, end), as the exact field reads them) that finds
    nothing replaced by its nearest correction; None when none is. Field names, prefixes, operators and filters stay
    as typed. `found(word)`: whether the word, searched as the search box searches it, matches the viewer's passages;
    `starting(field, beginning)`: the indexed words of a field beginning so; `frequency(field, word)`: the viewer's
    passages holding it. Never a `misread` word (a near form the search found in recognised text: the typed word is
    right, the scan misread it)."""
    filters = [match.span() for match in FILTER_PATTERN.finditer(text)]
    pieces, last, tried = [], 0, 0
    for word, start, end in tokens:
        if (tried == MAX_CORRECTED_WORDS or not MIN_CORRECTED_LETTERS <= len(word) <= MAX_CORRECTED_LETTERS
                or not word.isalpha() or text[end:end + 1] in (":", "*") or text[start:end] in ("AND", "OR", "NOT")
                or any(first <= start < after for first, after in filters) or found(word)):
            continue
        tried += 1
        near = nearest(word, found, starting, frequency)
        if near and near not in misread:
            typed = text[start:end]
            if typed[:1].isupper():  # a name stays capitalised (Назарбаиев: Назарбаев)
                near = near.upper() if typed.isupper() and len(typed) > 1 else near[:1].upper() + near[1:]
            pieces.append(text[last:start] + near)
            last = end
    return "".join(pieces) + text[last:] if pieces else None


def nearest(word: str, found: Callable[[str], bool], starting: Callable[[str, str], Iterable[str]],
            frequency: Callable[[str, str], int]) -> str | None:
    """The word with one letter swapped for its look-alike (SWAPS), when that finds something (the commonest such
    form); else the commonest indexed word (as typed, then a stem) at most MAX_EDITS away beginning with the same
    letter."""
    held = [(frequency("exact", swapped), swapped) for swapped in swaps(word) if found(swapped)]
    if held:  # the commonest (оқулык: оқулық, not the misspelling окулык some page holds)
        return min(held, key=lambda pair: (-pair[0], pair[1]))[1]
    for field in ("exact", "text"):
        near = set(within(word, starting(field, word[:1]), MAX_EDITS)) - {word}
        held = [(frequency(field, term), term) for term in sorted(near)]
        held = [pair for pair in held if pair[0] > 0]
        if held:
            term = min(held, key=lambda pair: (-pair[0], pair[1]))[1]
            return term if field == "exact" else held_form(word, term.rstrip(RUSSIAN_MARK), starting, frequency)
    return None


def held_form(word: str, stem: str, starting: Callable[[str, str], Iterable[str]],
              frequency: Callable[[str, str], int]) -> str:
    """A word the archive holds for a stem correction: the stem itself where it is a word (мұғалім), else the form
    beginning with it nearest the typed word (учитиль: учителя, not the stem учител, which no one writes)."""
    if frequency("exact", stem):
        return stem
    forms = sorted(starting("exact", stem))
    if not forms:
        return stem
    return min(forms, key=lambda form: (Levenshtein.distance(word, form), -frequency("exact", form), form))


def swaps(word: str) -> list[str]:
    """The word with one letter replaced by each of its look-alikes (SWAPS), in the order of the letters."""
    return [word[:index] + other + word[index + 1:] for index, letter in enumerate(word)
            for other in SWAPS.get(letter, ())]
