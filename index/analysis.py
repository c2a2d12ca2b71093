"""The analyzer of Kazakh and Russian text, used both when indexing passages and when parsing queries.

A tokenizer feeding a chain of small filters, after whoosh's analysis module:
WordTokenizer (each word with its sentence's language) → BothLanguages (a word of a sentence
with no clue is analysed both ways) → Normalizer → LanguageStopFilter (positions kept) →
LanguageStemFilter (Kazakh rules or Snowball Russian) → OneTermPerWord.

Shared by every engine (index/seam.py): whoosh's analysis module is the toolkit, not its index.
An engine that is not whoosh indexes `term_sequence(text)` (stems) and `term_sequence(text,
exact=True)` (the forms as written), each term at its position, and marks with `term_spans`.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Collection
from functools import lru_cache

import Stemmer
from whoosh.analysis import Filter, Token, Tokenizer

from index.kazakh import (
    LOOKALIKES,
    SHARED_LOOKALIKES,
    STEM_CACHE_SIZE,
    fold_lookalikes,
    is_suffix_chain,
    stem,
    word_starts_of,
)
from index.language import KAZAKH, RUSSIAN, SegmentLookup, sentence_languages, word_language

__all__ = ["stem", "russian_stem", "kazakh_analyzer", "exact_analyzer", "term_positions", "term_sequence",
           "ANALYZER_VERSION"]

# Bump whenever tokenizing, normalising, stop words or stemming change what goes in the index.
ANALYZER_VERSION = "12"

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060"
_WORD = rf"[^\W_](?:[^\W_]|[{_INVISIBLE}])*"
_TOKEN = re.compile(rf"{_WORD}(?:[-\u2010\u2011]{_WORD})*")
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE), None)
_HYPHEN = re.compile(r"[-\u2010\u2011]")

# Roman numerals typed with Cyrillic look-alikes (ХІХ ғасыр, ІІ Николай, ХШ for XIII: a Kazakh keyboard has І, Х
# and Ш, no Latin letters) are indexed as the Latin numerals most texts print (XIX ғасыр), so that either finds the
# other, in capitals or not (queries are typed in lowercase). Two letters or more: a lone І, Х or Ш is as often an
# initial (І. Жансүгіров, Ш. Уәлиханов).
_ROMAN_LOOKALIKES = str.maketrans({"І": "I", "Х": "X", "Ш": "III"})
_ROMAN_NUMERAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")

# Ordinal endings written after a hyphen on numbers (5-ші, 1990-шы жылдар).
_ORDINAL = re.compile(r"[ыі]?н?ш[ыі]")

STOP_WORDS = frozenset("""
және мен бен пен да де та те ма ме ба бе па пе ғой қой ғана қана тек әрі не немесе я яки бірақ
алайда дегенмен себебі өйткені сондықтан егер онда сонда үшін туралы арқылы бойынша сияқты секілді
дейін шейін кейін бұрын соң бері қарай жөнінде жайында ол олар бұл осы сол мына мынау анау ана сол
мен сен сіз біз сендер сіздер өз өзі барлық әр бәрі кейбір ешбір ешкім еш ештеңе кім не қай қандай
қайда қашан неге неліктен қалай қанша ия иә жоқ емес бар болып болды болады деп еді екен де ғой
""".split())

RUSSIAN_STOP_WORDS = frozenset("""
и в во на не ни что чтобы с со по для это эти этот эта этого этой этом этих как из от к ко за но а
или либо же ли бы он она оно они его ее их ему ей им ими него нее ней них нему мы вы я ты меня мне
нас нам вас вам тебя тебе себя себе свой своя свое свои своего своей своих у о об обо при до после
без под над между через про перед так также тоже только уже еще был была было были быть будет
будут есть который которая которое которые которого которой которых которым котором когда где если
то тот та те того том тем чем все всего всех всем весь вся даже лишь да нет вот там тут здесь
кто кого кому кем какой какая какое какие каким каких какого какую каком какому сколько почему
зачем куда откуда чей чья чье чьи каков какова каково каковы
""".split())


class WordTokenizer(Tokenizer):
    """Words of any script and numbers, each with its language; hyphenated compounds split into their parts.

    A word's language (`token.language`: KAZAKH, RUSSIAN, OTHER, or None for no clue) is its
    sentence's (index.language), or the `language` the caller passes (a query word has none
    of its own); a word that is Kazakh by itself (a Kazakh-only letter, a Kazakh function
    word) is Kazakh in any sentence.

    A case ending written after a hyphen on a number or an abbreviation is not a word of
    its own: `БҰҰ-ға` yields one token `БҰҰ` spanning the whole form, so that it is found
    by the bare abbreviation and highlighted whole. With `keep_endings` (the exact-form
    field) the token is the whole form `БҰҰ-ға`.
    """

    def __init__(self, keep_endings: bool = False) -> None:
        self.keep_endings = keep_endings

    def __eq__(self, other: object) -> bool:
        return (other is not None and self.__class__ is other.__class__
                and self.keep_endings == getattr(other, "keep_endings", None))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs):
        language_at = _given_language(kwargs.pop("language")) if "language" in kwargs else _languages(value)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _TOKEN.finditer(value) if tokenize else [re.match(r"(?s).*", value)]
        position = start_pos
        for match in matches:
            language = language_at(match.start())
            parts = _parts(match.group(), match.start(), self.keep_endings)
            for index, (text, start, end) in enumerate(parts):
                yield self._fill(token, text, language, start, end, position, start_char, positions, chars,
                                 keeporiginal)
                # A compound is also indexed joined (at its first part's place), so that a hyphen
                # kept by mistake at a line break does not hide the word: орай-ластырып.
                if index == 0 and len(parts) > 1 and mode != "query":
                    joined = _joined([part[0] for part in parts])
                    if joined:
                        yield self._fill(token, joined, language, start, parts[-1][2], position, start_char,
                                         positions, chars, keeporiginal)
                position += 1

    @staticmethod
    def _fill(token, text, language, start, end, position, start_char, positions, chars, keeporiginal):
        token.text = text
        token.language = word_language(text, language)
        token.boost = 1.0
        token.stopped = False
        if keeporiginal:
            token.original = text
        if positions:
            token.pos = position
        if chars:
            token.startchar = start_char + start
            token.endchar = start_char + end
        return token


def _given_language(language: str | None) -> Callable[[int], str | None]:
    return lambda offset: language


def _languages(text: str) -> Callable[[int], str | None]:
    """The language at each character offset of a text, from its sentences."""
    return SegmentLookup(sentence_languages(text)).at


def _parts(word: str, offset: int, keep_endings: bool) -> list[tuple[str, int, int]]:
    """Split a hyphenated word into (text, start, end) parts, keeping `БҰҰ-ға` as one."""
    if not _HYPHEN.search(word):
        return [(word, offset, offset + len(word))]
    pieces = _HYPHEN.split(word)
    left, right = pieces[0], pieces[-1]
    if len(pieces) == 2 and _is_number_or_abbreviation(left) and _is_ending(left, right.lower()):
        return [(f"{left}-{right}" if keep_endings else left, offset, offset + len(word))]
    parts, cursor = [], offset
    for piece in pieces:
        parts.append((piece, cursor, cursor + len(piece)))
        cursor += len(piece) + 1
    return parts


def _joined(pieces: list[str]) -> str | None:
    """The compound written without its hyphens, for a compound of words (not of a number)."""
    if any(piece.isdigit() for piece in pieces):
        return None
    return "".join(pieces)


def _is_ending(left: str, right: str) -> bool:
    """A case ending (БҰҰ-ның, 2009-ы) or, after a number, an ordinal ending (5-ші)."""
    return is_suffix_chain(right) or (left.isdigit() and bool(_ORDINAL.fullmatch(right)))


def _is_number_or_abbreviation(text: str) -> bool:
    return text.isdigit() or (len(text) >= 2 and text.isupper())


class BothLanguages(Filter):
    """A word of a sentence with no clue goes on twice, as Kazakh and as Russian, so that either finds it.

    The copies share the word's place; `token.word` numbers the tokenizer's tokens, so that
    OneTermPerWord can drop a copy that ends as the same term.
    """

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for number, token in enumerate(tokens):
            token.word = number
            if token.language is not None:
                yield token
                continue
            text = token.text
            token.language = KAZAKH
            yield token
            token.text, token.language, token.stopped = text, RUSSIAN, False
            yield token


class Normalizer(Filter):
    """NFC, invisible characters out, lowercase over all 42 letters, Latin look-alikes folded.

    In Russian words ё is е, and a Latin `i` stays: it is no Kazakh `і` there.
    """

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = normalized(token.text, token.language)
            yield token


def normalized(text: str, language: str | None) -> str:
    """A word as Normalizer leaves it in a word of `language`."""
    text = text.translate(_DROP_INVISIBLE)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if numeral := roman_numeral(text):
        return numeral
    if language == RUSSIAN:
        return fold_lookalikes(text.lower(), kazakh=False).replace("ё", "е")
    return fold_lookalikes(text.lower())


def roman_numeral(word: str) -> str | None:
    """The Latin numeral, lowercase, that a word written with Cyrillic look-alikes stands for (ХІХ: xix, ХVІІ: xvii,
    ХШ: xiii; typed in a query as хіх, хх: the same); None for any other word. No Kazakh or Russian word is spelt
    with Х, І and Ш alone as a numeral reads."""
    if len(word) < 2:
        return None
    capitals = word.upper()
    folded = capitals.translate(_ROMAN_LOOKALIKES)
    return folded.lower() if folded != capitals and _ROMAN_NUMERAL.fullmatch(folded) else None


class LanguageStopFilter(Filter):
    """Each language's stop words out (or marked `stopped`), their places kept for phrases."""

    def __init__(self, kazakh: frozenset[str] = STOP_WORDS, russian: frozenset[str] = RUSSIAN_STOP_WORDS) -> None:
        self.kazakh, self.russian = kazakh, russian

    def __eq__(self, other: object) -> bool:
        return (other is not None and self.__class__ is other.__class__
                and (self.kazakh, self.russian) == (other.kazakh, other.russian))

    def __call__(self, tokens):
        for token in tokens:
            stops = self.russian if token.language == RUSSIAN else self.kazakh
            token.stopped = token.text in stops
            if not (token.stopped and token.removestops):
                yield token


class QueryStopFilter(LanguageStopFilter):
    """Stop words indexed (a query made only of them can find them) but left out of queries that have other words."""

    def __call__(self, tokens):
        for token in tokens:
            if token.mode == "index":
                token.stopped = False
                yield token
            else:
                yield from super().__call__([token])


class LanguageStemFilter(Filter):
    """Kazakh words (and words of no Cyrillic sentence) by the Kazakh rules, Russian words by Snowball Russian."""

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stemmed(token.text, token.language)
            yield token


# Ends every Russian stem: the two languages' stems are different terms even where they are spelt alike (Kazakh
# болған and Russian более both stem to бол), so that a word finds its own language's forms only. A private-use
# character: no text holds it, and a stem still begins as the word does (prefixes and families find both).
RUSSIAN_MARK = "\ue000"
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def stemmed(word: str, language: str | None) -> str:
    """A normalised word stemmed by its language's rules (Snowball Russian for Russian, a Cyrillic stem marked
    RUSSIAN_MARK: numbers and Latin words are no language's; else the Kazakh rules)."""
    if language != RUSSIAN:
        return stem(word)
    russian = russian_stem(word)
    return russian + RUSSIAN_MARK if _CYRILLIC_LETTER.search(russian) else russian


class OneTermPerWord(Filter):
    """A word analysed both ways gives one token when both end as the same term."""

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        last = None
        for token in tokens:
            if (token.word, token.text) != last:
                last = (token.word, token.text)
                yield token


# The class names of analyzer version 3, which indexes built then pickled: they must still open
# (and then say "run muragat reindex").
KazakhTokenizer = WordTokenizer
KazakhNormalizer = Normalizer

_RUSSIAN = threading.local()


@lru_cache(maxsize=STEM_CACHE_SIZE)
def russian_stem(word: str) -> str:
    """A lowercased Russian word (ё as е) by Snowball Russian (PyStemmer's, one per thread: it is not thread-safe)."""
    stemmer = getattr(_RUSSIAN, "stemmer", None)
    if stemmer is None:
        stemmer = _RUSSIAN.stemmer = Stemmer.Stemmer("russian")
    return stemmer.stemWord(word)


def exact_analyzer():
    """Tokens as written, only normalised, stop words too: the field for `=word` exact-form search."""
    return WordTokenizer(keep_endings=True) | BothLanguages() | Normalizer() | QueryStopFilter() | OneTermPerWord()


def kazakh_analyzer():
    """Normalised and stemmed tokens, each by its language's rules: the analyzer of passage text, titles and queries."""
    return (WordTokenizer() | BothLanguages() | Normalizer() | LanguageStopFilter() | LanguageStemFilter()
            | OneTermPerWord())


# Distinct words whose analysis indexing remembers, per analyzer (a few hundred bytes each).
WORD_CACHE_SIZE = 100_000


def term_positions(text: str, exact: bool = False) -> dict[str, list[int]]:
    """The terms `kazakh_analyzer()` (`exact_analyzer()` if exact) indexes for `text`, each with its positions."""
    positions: dict[str, list[int]] = {}
    for term, position in term_sequence(text, exact):
        if term in positions:
            positions[term].append(position)
        else:
            positions[term] = [position]
    return positions


def term_sequence(text: str, exact: bool = False) -> list[tuple[str, int]]:
    """(term, position) of every token `kazakh_analyzer()` (`exact_analyzer()` if exact) indexes for `text`, in the
    order of their positions.

    The same terms and positions as running the analyzer over the text, in a fraction of the
    time: a word's tokens depend on the word and its sentence's language alone, so each
    distinct (word, language) goes through the analyzer chain once and its terms are remembered.
    """
    sequence: list[tuple[str, int]] = []
    append = sequence.append
    position = 0
    analyse = _exact_word if exact else _stemmed_word
    for word, _offset, language in _located_words(text):
        advance, terms = analyse(word, language)
        for offset, term in terms:
            append((term, position + offset))
        position += advance
    return sequence


def _word_analysis(keep_endings: bool) -> Callable[[str, str | None], tuple[int, tuple[tuple[int, str], ...]]]:
    """One word's (positions it takes, its (position, term) tokens), as the analyzer indexes it in a sentence of `language`.

    The chain's steps taken directly on the word's parts, without the analyzer's token objects (four times
    faster for a word met the first time, which most words of a new archive are); the tests hold the two to
    the same terms. The terms of kazakh_analyzer() (stems), or with `keep_endings` of exact_analyzer() (the
    forms as written, stop words too).
    """
    exact = keep_endings

    @lru_cache(maxsize=WORD_CACHE_SIZE)
    def analyse(word: str, language: str | None) -> tuple[int, tuple[tuple[int, str], ...]]:
        parts = [text for text, _start, _end in _parts(word, 0, keep_endings)]
        tokens = [(0, parts[0])]
        if len(parts) > 1 and (joined := _joined(parts)):  # a compound is indexed joined too, at its first place
            tokens.append((0, joined))
        tokens += list(enumerate(parts))[1:]
        terms: list[tuple[int, str]] = []
        for offset, text in tokens:
            own = word_language(text, language)
            last = None
            for each in (KAZAKH, RUSSIAN) if own is None else (own,):  # BothLanguages, then OneTermPerWord
                term = normalized(text, each)
                if not exact:
                    if term in (RUSSIAN_STOP_WORDS if each == RUSSIAN else STOP_WORDS):
                        continue
                    term = stemmed(term, each)
                if term != last:
                    terms.append((offset, term))
                    last = term
        return len(parts), tuple(terms)

    return analyse


_stemmed_word = _word_analysis(keep_endings=False)
_exact_word = _word_analysis(keep_endings=True)


def term_spans(text: str, exact: bool = False, among: Collection[str] | None = None) -> list[tuple[str, int, int]]:
    """(term, start, end) of every token `kazakh_analyzer()` (`exact_analyzer()` if exact) gives for `text`,
    stop words included: what marking the matches of a snippet or a page needs.

    The same tokens as running the analyzer over the text (chars=True, removestops=False), each
    distinct (word, language) analysed once, as term_positions does. With `among` (the terms to
    mark), only the words that may give one of them are analysed (kazakh.word_starts_of): marking
    a few words of a passage need not stem all of it.
    """
    analyse = _exact_spans if exact else _stemmed_spans
    if among is None:
        words = _located_words(text)
    else:
        words = _words_starting(text, frozenset().union(*map(word_starts_of, among)))
    return [(term, offset + start, offset + end) for word, offset, language in words
            for term, start, end in analyse(word, language)]


def _words_starting(text: str, starts: frozenset[str]) -> list[tuple[str, int, str | None]]:
    """The words of a text that start (or have a hyphenated part starting) with one of `starts` once
    normalised, with offsets and languages (only the sentences holding such a word decided)."""
    first_letters = _written_as(frozenset(start[:1] for start in starts))
    found = [match for match in _TOKEN.finditer(text)
             if (match.group()[0] in first_letters or _HYPHEN.search(match.group()))
             and not starts.isdisjoint(_word_starts(match.group()))]
    if not found:
        return []
    language_at = SegmentLookup(sentence_languages(text, holding=[match.start() for match in found])).at
    return [(match.group(), match.start(), language_at(match.start())) for match in found]


@lru_cache(maxsize=1024)
def _written_as(letters: frozenset[str]) -> frozenset[str]:
    """Every character a word may begin with and still start with one of `letters` once normalised
    (either case, a Latin look-alike, ё for е, a letter written decomposed)."""
    written = set()
    for letter in letters:
        written |= {letter, letter.upper(), unicodedata.normalize("NFD", letter)[0]}
        if letter == "е":
            written |= {"ё", "Ё"}
    for latin, cyrillic in LOOKALIKES.items():
        if cyrillic.lower() in letters:
            written |= {chr(latin), chr(latin).upper(), chr(latin).lower()}
    for cyrillic, latin in zip("ІХ", "IX"):  # a Roman numeral typed in Cyrillic begins so (roman_numeral)
        if latin.lower() in letters:
            written.add(cyrillic)
    return frozenset(written | {letter.upper() for letter in written})


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _word_starts(word: str) -> frozenset[str]:
    """Each hyphenated part's first letter and first two letters, in every way Normalizer may leave them
    (lowercase, NFC, Latin look-alikes folded as Kazakh or not at all, or as Russian with ё as е)."""
    starts = set()
    parts = _HYPHEN.split(word)
    for part in (*parts, "".join(parts)) if len(parts) > 1 else parts:  # a compound is indexed joined too
        head = unicodedata.normalize("NFC", part.translate(_DROP_INVISIBLE)[:3])[:2].lower()
        for folded in (head, head.translate(LOOKALIKES), head.translate(SHARED_LOOKALIKES).replace("ё", "е")):
            starts |= {folded[:1], folded}
        if numeral := roman_numeral(part):
            starts |= {numeral[:1], numeral[:2]}
    return frozenset(starts)


@lru_cache(maxsize=2)
def _located_words(text: str) -> list[tuple[str, int, str | None]]:
    """The words of a text with their offsets and sentences' languages; remembered for the next call, which
    indexes (or marks) the same text in the other field."""
    language_at = _languages(text)
    return [(match.group(), start, language_at(start)) for match in _TOKEN.finditer(text)
            for start in (match.start(),)]


def _span_analysis(analyzer) -> Callable[[str, str | None], tuple[tuple[str, int, int], ...]]:
    """One word's (term, start, end) tokens, as the analyzer marks them in a sentence of `language`."""

    @lru_cache(maxsize=WORD_CACHE_SIZE)
    def analyse(word: str, language: str | None) -> tuple[tuple[str, int, int], ...]:
        tokens = analyzer(word, chars=True, mode="index", removestops=False, language=language)
        return tuple((token.text, token.startchar, token.endchar) for token in tokens)

    return analyse


_stemmed_spans = _span_analysis(kazakh_analyzer())
_exact_spans = _span_analysis(exact_analyzer())
