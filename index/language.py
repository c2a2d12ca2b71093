"""The language of a sentence and of a text, decided from the text itself.

Kazakh and Russian share the Cyrillic alphabet. What tells them apart in a sentence are the
nine Kazakh-only letters and each language's function words. Each sentence (and each «quotation»
inside one) is decided on its own words alone, never from the sentence before it, so that a
passage and the page it comes from decide every sentence alike (snippet marks rely on this).

Pure module (no whoosh): the analyzer and, later, ingest may both use it.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from index.kazakh import has_kazakh_letter

KAZAKH = "kk"
RUSSIAN = "ru"
OTHER = "other"  # letters, but none Cyrillic: Latin script (English, Kazakh Latin)
LANGUAGES = (KAZAKH, RUSSIAN, OTHER)

# Latin letters that PDFs put for Kazakh-only ones (Негiзгi): a Kazakh clue inside a Cyrillic word.
_LATIN_FOR_KAZAKH = frozenset("iıəIƏ")

# Function words, only those without a Kazakh-only letter (those are clues already) and
# none that both languages use (не, да/та/те in Russian, я; он "ten", о and со "that").
KAZAKH_FUNCTION_WORDS = frozenset("""
мен бен пен де ол олар оны осы сол мына мынау анау сен сендер деп еді екен емес бар тек ал ма ме ба
бе па пе туралы бойынша дейін шейін бері сайын немесе яки алайда егер онда сонда еш неге ия болып
болды болады болса бола болатын арасында жылы жыл жылдары сонымен сондай
""".split())
RUSSIAN_FUNCTION_WORDS = frozenset("""
и в во на что чтобы с по для это этот эта эти этого этой этом как из от к ко за но а или же
ли бы она оно они его ее её их ему ей им мы вы ты у об при до после без под над между через
про так также тоже только уже еще ещё был была было были быть будет является который которая
которое которые которого которой которых когда где если то тот того том тем чем все всё всех
кто кого кому какой какая какое какие каким каких какого какую каком какому сколько почему зачем
куда откуда чей чья чье чьи каков какова каково каковы
""".split())
# Endings of Russian words that no Kazakh word has (a clue where a Russian quotation has no function word).
# Such a word is half a clue: Soviet-era Kazakh text writes Russian terms inside Kazakh sentences (Ол народного
# комиссариатына, областной комитетке сайланды), whose Kazakh words need not hold a Kazakh letter.
RUSSIAN_ENDING_CLUE = 0.5
RUSSIAN_ENDINGS = ("ого", "его", "ому", "ему", "ыми", "ими", "ями", "ться", "ется", "ются", "ской", "ских", "ных",
                   "ной")

# A sentence ends at . ! ? … (and closing quotes or brackets) before white space and a word
# that is not lowercase, unless the dot ends an initial (А. Байтұрсынұлы); or at a blank line.
# That is wherever ingest ends one (and a little more often), so that a passage, made of
# whole sentences, is cut into the same sentences as its page.
_SENTENCE_END = re.compile(r"(?<!\b[^\W\d_])[.!?…][»\")\]]*\s+(?![a-zа-яёәғқңөұүһі])|\n\s*\n")
_QUOTATION = re.compile(r"«[^«»]*»")
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

Segment = tuple[int, int, "str | None"]
# Distinct words whose clues are remembered (indexing meets the same words again and again).
WORD_CLUES_CACHE_SIZE = 100_000
# A query is searched in Russian only when its Russian clues outnumber its Kazakh ones by this.
QUERY_CLUE_MARGIN = 2


def sentence_languages(text: str, holding: Sequence[int] | None = None) -> list[Segment]:
    """(start, end, language) pieces covering `text`: its sentences, and «quotations» on their own.

    None where the piece gives no clue («Москва, 1995.»). A quotation that gives none takes its
    sentence's language. With `holding` (ascending character offsets), only the sentences holding
    one of them are decided, and only they are covered: marking a few words of a long text.
    """
    if holding is None:
        return list(_all_sentence_languages(text))
    return _segments(text, [span for span in _sentences(text) if _holds(holding, *span)])


@lru_cache(maxsize=8)
def _all_sentence_languages(text: str) -> tuple[Segment, ...]:
    """Every piece of a text with its language; remembered for the next calls, which index the same passage's
    other fields (its title, its author, the exact forms) and decide its language (text_language)."""
    return tuple(_segments(text, _sentences(text)))


def _segments(text: str, sentences: list[tuple[int, int]]) -> list[Segment]:
    """The (start, end, language) pieces of these sentences of a text, «quotations» decided on their own."""
    segments: list[Segment] = []
    for start, end in sentences:
        quotations = [match.span() for match in _QUOTATION.finditer(text, start, end)]
        outside = _words_between(text, start, end, quotations)
        language = decide(outside)
        cursor = start
        for quote_start, quote_end in quotations:
            if quote_start > cursor:
                segments.append((cursor, quote_start, language))
            quoted = decide(_WORD.findall(text, quote_start, quote_end))
            segments.append((quote_start, quote_end, quoted or language))
            cursor = quote_end
        if cursor < end:
            segments.append((cursor, end, language))
    return segments


def text_language(text: str, hint: str | None = None) -> str:
    """The language of a passage: the one most of its decided words are in.

    The hint (the manifest's `language` column) decides only what the text cannot: a text
    with no clue, or a tie. With neither, Cyrillic text is taken for Kazakh, the archive's own.
    """
    hint = hint if hint in LANGUAGES else None
    words: Counter[str] = Counter()
    for start, end, language in sentence_languages(text):
        if language is not None:
            words[language] += len(_WORD.findall(text, start, end))
    if words:
        most = max(words.values())
        leaders = [language for language in LANGUAGES if words[language] == most]
        return hint if hint in leaders else leaders[0]
    if hint:
        return hint
    return KAZAKH if _CYRILLIC.search(text) else OTHER


def decide(words: list[str]) -> str | None:
    """KAZAKH or RUSSIAN by which has more clues among the words; OTHER without Cyrillic; None on a tie."""
    if not words:
        return None
    cyrillic, kazakh_clues, russian_clues = zip(*map(_word_clues, words))
    if not any(cyrillic):
        return OTHER
    kazakh, russian = sum(kazakh_clues), sum(russian_clues)
    if kazakh == russian:
        return None
    return KAZAKH if kazakh > russian else RUSSIAN


def query_languages(text: str) -> tuple[str, ...]:
    """The analyses to search a typed query under: Russian alone when its Russian clues outnumber its Kazakh ones by
    QUERY_CLUE_MARGIN (a question typed in Russian, whose words the Kazakh rules would cut into noise), else both.

    Never Kazakh alone: a word with a Kazakh letter is analysed as Kazakh anyway (index.analysis), and a word
    without one beside Kazakh words may be Russian (`мектеп мұғалім оқулық школа`, a name, a quoted form); of such a
    query (leans_kazakh), only the words the Kazakh lexicon does not know are analysed as Russian too.
    """
    kazakh, russian = _clues(_WORD.findall(text))
    if russian >= kazakh + QUERY_CLUE_MARGIN:
        return (RUSSIAN,)
    return (KAZAKH, RUSSIAN)


def leans_kazakh(text: str) -> bool:
    """Whether a query's Kazakh clues outnumber its Russian ones by QUERY_CLUE_MARGIN: its words the Kazakh lexicon
    knows are then searched as Kazakh alone (index.query), the others in both languages."""
    kazakh, russian = _clues(_WORD.findall(text))
    return kazakh >= russian + QUERY_CLUE_MARGIN


def preferred_language(text: str) -> str | None:
    """The language a query's words lean to (more clues, by any margin), which its ranking prefers; None on a tie.

    Weaker than query_languages' analysis choice: preferring one language only re-orders the two
    languages' passages, where analysing in one alone would lose the other's words.
    """
    kazakh, russian = _clues(_WORD.findall(text))
    if kazakh == russian:
        return None
    return KAZAKH if kazakh > russian else RUSSIAN


def word_language(word: str, sentence_language: str | None) -> str | None:
    """A word that is Kazakh by itself (a Kazakh-only letter, a Kazakh function word) is Kazakh whatever
    its sentence: a name in Russian text, or a typed query word, whose Russian analysis would be noise."""
    return KAZAKH if has_kazakh_letter(word) or word.lower() in KAZAKH_FUNCTION_WORDS else sentence_language


class SegmentLookup:
    """The language of the segment holding a character offset, for the words of one text."""

    def __init__(self, segments: list[Segment]) -> None:
        self._starts = [start for start, _end, _language in segments]
        self._languages = [language for _start, _end, language in segments]

    def at(self, offset: int) -> str | None:
        index = bisect_right(self._starts, offset) - 1
        return self._languages[index] if index >= 0 else None


def _clues(words: list[str]) -> tuple[float, float]:
    """(Kazakh clues, Russian clues) among the Cyrillic words."""
    if not words:
        return 0.0, 0
    _cyrillic, kazakh, russian = zip(*map(_word_clues, words))
    return sum(kazakh), sum(russian)


@lru_cache(maxsize=WORD_CLUES_CACHE_SIZE)
def _word_clues(word: str) -> tuple[bool, float, float]:
    """(whether it is Cyrillic, its Kazakh clue, its Russian clue): a word that is not Cyrillic is no clue."""
    if not _CYRILLIC.search(word):
        return False, 0.0, 0
    russian = 1.0 if word.lower() in RUSSIAN_FUNCTION_WORDS else RUSSIAN_ENDING_CLUE if _russian_ending(word) else 0.0
    return True, _kazakh_clue(word), russian


def _russian_ending(word: str) -> bool:
    """A lowercase word ending as only Russian words do (казахского, методическими, обеспечивается): Kazakh
    suffixes have no о and no such endings. Capitalised words are left out (Russian surnames stand in Kazakh text),
    not words all in capitals (ПОСТАНОВЛЕНИЕ ПРАВИТЕЛЬСТВА РЕСПУБЛИКИ: a heading)."""
    return (len(word) >= 5 and (word.islower() or word.isupper()) and not has_kazakh_letter(word)
            and word.lower().endswith(RUSSIAN_ENDINGS))


def _kazakh_clue(word: str) -> float:
    """1 for a Kazakh word; half for a capitalised one with Kazakh letters (a Kazakh name in Russian text)."""
    if has_kazakh_letter(word) or not _LATIN_FOR_KAZAKH.isdisjoint(word):
        return 0.5 if word[:1].isupper() else 1.0
    return 1.0 if word.lower() in KAZAKH_FUNCTION_WORDS else 0.0


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans covering the text, each with the white space after it."""
    spans, start = [], 0
    for boundary in _SENTENCE_END.finditer(text):
        spans.append((start, boundary.end()))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _holds(offsets: Sequence[int], start: int, end: int) -> bool:
    """Whether one of the ascending offsets falls in [start, end)."""
    index = bisect_left(offsets, start)
    return index < len(offsets) and offsets[index] < end


def _words_between(text: str, start: int, end: int, holes: list[tuple[int, int]]) -> list[str]:
    """The words of text[start:end] outside the holes."""
    words, cursor = [], start
    for hole_start, hole_end in holes:
        words += _WORD.findall(text, cursor, hole_start)
        cursor = hole_end
    return words + _WORD.findall(text, cursor, end)
