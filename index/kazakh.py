"""Pure Kazakh language rules: alphabet, look-alike letters, suffixes and stemming.

This module imports nothing from whoosh so that `ingest` (hyphen repair) may use it and
so that the stem function keeps a fixed import path for whoosh's pickled schema.
"""
from __future__ import annotations

KAZAKH_LOWER = "абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяә"
KAZAKH_UPPER = KAZAKH_LOWER.upper()
BACK_VOWELS = frozenset("аоұы")
FRONT_VOWELS = frozenset("әеөүі")
VOWELS = frozenset("аоұыәеөүіиэюяёу")

# Latin letters that PDFs put where a Cyrillic one belongs (mostly `i` for `і`).
LOOKALIKES = str.maketrans({
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
    "h": "һ", "k": "к", "m": "м", "t": "т", "b": "в", "ə": "ә", "ı": "і",
    "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С", "X": "Х", "Y": "У", "I": "І",
    "H": "Н", "K": "К", "M": "М", "T": "Т", "B": "В", "Ə": "Ә",
})
_CYRILLIC = frozenset(KAZAKH_LOWER + KAZAKH_UPPER)


def is_cyrillic(ch: str) -> bool:
    """True for any letter of the Kazakh Cyrillic alphabet, either case."""
    return ch in _CYRILLIC


def fold_lookalikes(word: str) -> str:
    """Replace Latin look-alikes by Cyrillic letters in a word that is mostly Cyrillic.

    A word with no Cyrillic letter (a Latin name, `G-Global`) is left alone.
    """
    cyrillic = sum(1 for ch in word if ch in _CYRILLIC)
    if cyrillic == 0 or cyrillic < sum(1 for ch in word if ch.isascii() and ch.isalpha()):
        return word
    return word.translate(LOOKALIKES)


_SUFFIXES = sorted({
    "лар", "лер", "дар", "дер", "тар", "тер",
    "ның", "нің", "дың", "дің", "тың", "тің",
    "ға", "ге", "қа", "ке", "на", "не",
    "ны", "ні", "ды", "ді", "ты", "ті",
    "да", "де", "та", "те", "нда", "нде",
    "дан", "ден", "тан", "тен", "нан", "нен",
    "мен", "бен", "пен",
    "ым", "ім", "ың", "ің", "сы", "сі", "ы", "і", "мыз", "міз", "ңыз", "ңіз",
}, key=len, reverse=True)
_VOICED_TO_VOICELESS = {"ғ": "қ", "г": "к", "б": "п"}
MIN_STEM = 3


def stem(word: str) -> str:
    """Strip inflectional suffixes from a lowercased word (first, naive version)."""
    current = word
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if current.endswith(suffix) and len(current) - len(suffix) >= MIN_STEM:
                current = current[: -len(suffix)]
                changed = True
                break
    if current != word and current[-1] in _VOICED_TO_VOICELESS:
        current = current[:-1] + _VOICED_TO_VOICELESS[current[-1]]
    return current
