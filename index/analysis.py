"""The Kazakh analyzer, used both when indexing passages and when parsing queries.

A tokenizer feeding a chain of small filters, after whoosh's analysis module:
KazakhTokenizer → KazakhNormalizer → StopFilter (positions kept) → StemFilter(stem).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from whoosh.analysis import Filter, StemFilter, StopFilter, Token, Tokenizer

from index.kazakh import fold_lookalikes, is_suffix_chain, stem

__all__ = ["stem", "kazakh_analyzer", "exact_analyzer", "term_positions", "ANALYZER_VERSION"]

# Bump whenever tokenizing, normalising, stop words or stemming change what goes in the index.
ANALYZER_VERSION = "3"

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060"
_WORD = rf"[^\W_](?:[^\W_]|[{_INVISIBLE}])*"
_TOKEN = re.compile(rf"{_WORD}(?:[-\u2010\u2011]{_WORD})*")
_DROP_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE), None)
_HYPHEN = re.compile(r"[-\u2010\u2011]")

# Ordinal endings written after a hyphen on numbers (5-ші, 1990-шы жылдар).
_ORDINAL = re.compile(r"[ыі]?н?ш[ыі]")

STOP_WORDS = frozenset("""
және мен бен пен да де та те ма ме ба бе па пе ғой қой ғана қана тек әрі не немесе я яки бірақ
алайда дегенмен себебі өйткені сондықтан егер онда сонда үшін туралы арқылы бойынша сияқты секілді
дейін шейін кейін бұрын соң бері қарай жөнінде жайында ол олар бұл осы сол мына мынау анау ана сол
мен сен сіз біз сендер сіздер өз өзі барлық әр бәрі кейбір ешбір ешкім еш ештеңе кім не қай қандай
қайда қашан неге неліктен қалай қанша ия иә жоқ емес бар болып болды болады деп еді екен де ғой
""".split())


class KazakhTokenizer(Tokenizer):
    """Words of any script and numbers; hyphenated compounds split into their parts.

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
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = _TOKEN.finditer(value) if tokenize else [re.match(r"(?s).*", value)]
        position = start_pos
        for match in matches:
            parts = _parts(match.group(), match.start(), self.keep_endings)
            for index, (text, start, end) in enumerate(parts):
                yield self._fill(token, text, start, end, position, start_char, positions, chars, keeporiginal)
                # A compound is also indexed joined (at its first part's place), so that a hyphen
                # kept by mistake at a line break does not hide the word: орай-ластырып.
                if index == 0 and len(parts) > 1 and mode != "query":
                    joined = _joined([part[0] for part in parts])
                    if joined:
                        yield self._fill(token, joined, start, parts[-1][2], position, start_char, positions,
                                         chars, keeporiginal)
                position += 1

    @staticmethod
    def _fill(token, text, start, end, position, start_char, positions, chars, keeporiginal):
        token.text = text
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


class KazakhNormalizer(Filter):
    """NFC, invisible characters out, lowercase over all 42 letters, Latin look-alikes folded."""

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            text = token.text.translate(_DROP_INVISIBLE)
            if not unicodedata.is_normalized("NFC", text):
                text = unicodedata.normalize("NFC", text)
            token.text = fold_lookalikes(text.lower())
            yield token


def exact_analyzer():
    """Tokens as written, only normalised: the field for `=word` exact-form search."""
    return KazakhTokenizer(keep_endings=True) | _normalized()


def _normalized():
    return KazakhNormalizer() | StopFilter(STOP_WORDS, minsize=1, renumber=False)


def kazakh_analyzer():
    """Normalised and stemmed tokens: the analyzer of passage text, titles and queries."""
    return KazakhTokenizer() | _normalized() | StemFilter(stemfn=stem, cachesize=0)  # `stem` keeps its own cache


# Distinct words whose analysis indexing remembers, per analyzer (a few hundred bytes each).
WORD_CACHE_SIZE = 100_000


def term_positions(text: str, exact: bool = False) -> dict[str, list[int]]:
    """The terms `kazakh_analyzer()` (`exact_analyzer()` if exact) indexes for `text`, each with its positions.

    The same terms and positions as running the analyzer over the text, in a fraction of the
    time: a word's tokens depend on the word alone, so each distinct word goes through the
    analyzer chain once and its terms are remembered.
    """
    positions: dict[str, list[int]] = {}
    position = 0
    for advance, terms in map(_exact_word if exact else _stemmed_word, _words(text)):
        for offset, term in terms:
            if term in positions:
                positions[term].append(position + offset)
            else:
                positions[term] = [position + offset]
        position += advance
    return positions


@lru_cache(maxsize=2)
def _words(text: str) -> list[str]:
    """The words of a text; remembered for the next call, which indexes the same passage in another field."""
    return _TOKEN.findall(text)


def _word_analysis(analyzer, keep_endings: bool) -> Callable[[str], tuple[int, tuple[tuple[int, str], ...]]]:
    """One word's (positions it takes, its (position, term) tokens), as the analyzer indexes it."""

    @lru_cache(maxsize=WORD_CACHE_SIZE)
    def analyse(word: str) -> tuple[int, tuple[tuple[int, str], ...]]:
        tokens = analyzer(word, positions=True, boosts=True, mode="index")
        return len(_parts(word, 0, keep_endings)), tuple((token.pos, token.text) for token in tokens)

    return analyse


_stemmed_word = _word_analysis(kazakh_analyzer(), keep_endings=False)
_exact_word = _word_analysis(exact_analyzer(), keep_endings=True)
