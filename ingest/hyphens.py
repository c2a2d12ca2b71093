"""Lines into flowing page text: line-break hyphens repaired, real compounds kept.

A hyphen at a line end is either a break inside one word (қағидала- / ры) or the hyphen
of a compound that the line break happened to fall on (іс- / қимылы, 91- / бабы). The
decision is made per break on evidence (`decide_break`): the mark itself, numbers and
abbreviations, how the document writes the word elsewhere, how often a body of Kazakh text
writes it whole or hyphenated, the Kazakh lexicon, suffix chains and reduplication.
"""
from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from statistics import median

import index.kazakh as kazakh
from ingest.clean import HYPHENS
from ingest.extract import RawPage

# How often Kazakh text writes each word and compound whole (`bench/extraction/build_word_counts.py`).
WORD_COUNTS = Path(__file__).with_name("data") / "kazakh_word_counts.tsv.gz"
_WORD_CHARS = r"[^\W_]"
_TOKEN = re.compile(rf"{_WORD_CHARS}+(?:-{_WORD_CHARS}+)*")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LONE_LINE_FEED = re.compile(r"(?<!\n)\n(?!\n)")
_LEADING_WORD = re.compile(rf"^({_WORD_CHARS}+)")
_TRAILING_WORD = re.compile(rf"({_WORD_CHARS}+)$")
SOFT_HYPHEN = "\u00ad"
# Hyphens a producer may write for its own line breaks, and the ones authors type.
BREAK_MARKS = "\u00ad\u2010"
ASCII_HYPHENS = "-\u2011"
# A producer that marks its breaks this many times marks all of them.
MARKED_BREAKS_MIN = 3
# A document with this many line-end hyphens, not one of them shown to break a word, was set by a
# producer that does not hyphenate (a word processor, or a language it has no patterns for): its
# line-end hyphens are the author's, and one without evidence either way is kept.
UNHYPHENATED_MIN = 5
# A page of at least so many Cyrillic words, at most this share of them holding a Kazakh-only letter (names), is
# Russian text (Kazakh text has one in every third word or so).
RUSSIAN_PAGE_WORDS = 10
RUSSIAN_PAGE_KAZAKH_SHARE = 0.05
# Evidence that a line-end hyphen broke a word.
BREAK_EVIDENCE = frozenset({"document", "corpus", "suffix chain", "lexicon word", "russian break"})
# Conjunctions no word ends in: a hyphen before one is suspended (`микро- және шағын`), it stays
# with a space after it.
_CONJUNCTIONS = frozenset({"және", "немесе", "или", "либо"})
_VOWELS = kazakh.VOWELS | frozenset("aeiouy")
# Russian compounds a line end may fall on: a particle after a pronoun or adverb (кто-то, что-либо, где-нибудь), a word
# standing before one (кое-где, вице-президент, премьер-министр), по- before an adverb (по-русски, по-новому), из-за,
# из-под, во- before an ordinal (во-первых), compound adjectives (научно-технический, северо-западный, сине-зелёный) and
# the cardinal points (юго-восток, северо-запад). Any other break in a Russian word is a break: Russian typesetting
# hyphenates, and there is no Russian lexicon here to ask (noun pairs such as диван-кровать are joined).
_RUSSIAN_PARTICLES = frozenset({"то", "либо", "нибудь"})
_RUSSIAN_PRONOUNS = frozenset("""
кто что какой какая какое какие каким какую каких какого какому где когда куда откуда как чей чья чьё чье чьи почему
зачем сколько кого чего кому чему кем чем ком чём кое
""".split())
_RUSSIAN_FIRST_WORDS = frozenset({"кое", "кой", "вице", "лейб", "унтер", "штаб", "премьер", "генерал", "контр",
                                  "интернет", "экспресс", "пол"})
_RUSSIAN_ADVERB_ENDINGS = ("ски", "цки", "ому", "ему")
_RUSSIAN_ORDINALS = ("первых", "вторых", "третьих", "четвертых", "четвёртых", "пятых")
_CARDINAL_POINTS = ("север", "юг", "запад", "восток")
# The last letters of the first half of a compound adjective (научно-, историко-, северо-, англо-) of six letters or
# more, and short first halves that are words of their own (юго-, сине-, черно-); the endings of the adjective after.
_RUSSIAN_LINKED_ENDINGS = ("но", "ко", "ро", "ло", "во")
_RUSSIAN_SHORT_LINKED = frozenset({"юго", "сине", "черно", "бело", "ярко", "темно", "светло", "желто", "жёлто", "серо",
                                   "зелено", "красно", "англо", "франко", "греко", "физико", "химико", "медико"})
_RUSSIAN_ADJECTIVE_ENDINGS = ("ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ого", "его", "ому", "ему", "ым",
                              "им", "ом", "ем", "ую", "юю", "ых", "их", "ыми", "ими")
# Suffixes that make an adjective of a noun (моральды, корректорлы, экономикалық): two such
# words joined by a hyphen are a pair compound (моральды-психологиялық, дренажды-корректорлы).
_ADJECTIVE_SUFFIXES = ("лы", "лі", "ды", "ді", "ты", "ті", "лық", "лік", "дық", "дік", "тық", "тік",
                       "ғы", "гі", "қы", "кі", "сыз", "сіз")


# --- Evidence from the document itself ----------------------------------------------------------

@dataclass
class Vocabulary:
    """Words as written whole: one document's, inside lines, where no line break interferes
    (`from_lines`), or a body of Kazakh text's (`corpus_vocabulary`).

    Stems are taken only when a break asks for them: a document without line-end hyphens
    never loads the stemmer's tables.
    """

    words: Counter = field(default_factory=Counter)
    compound_forms: Counter = field(default_factory=Counter)  # (left part, right part)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Vocabulary":
        vocabulary = cls()
        continues_word = False
        for text in lines:
            tokens = _TOKEN.findall(text.replace("\u2010", "-").replace("\u2011", "-"))
            ends_broken = text.rstrip()[-1:] in HYPHENS
            # The halves of a word broken at a line end are not evidence.
            if tokens and continues_word:
                tokens = tokens[1:]
            if tokens and ends_broken:
                tokens = tokens[:-1]
            continues_word = ends_broken
            for token in tokens:
                vocabulary.add(token.lower())
        return vocabulary

    @classmethod
    def read(cls, path: Path) -> "Vocabulary":
        """The counts `write` wrote."""
        vocabulary = cls()
        with gzip.open(path, "rt", encoding="utf-8") as counts:
            for line in counts:
                if not line.startswith("#"):
                    word, count = line.rstrip("\n").split("\t")
                    vocabulary.add(word, int(count))
        return vocabulary

    def write(self, path: Path, header: str) -> None:
        """Each word, and each pair of parts of a compound as `left-right`, with its count, one a line after a
        `#` header; gzipped without a time stamp, so the same counts give the same bytes."""
        rows = sorted([*self.words.items(), *((f"{left}-{right}", count)
                                                for (left, right), count in self.compound_forms.items())])
        text = f"# {header}\n" + "".join(f"{word}\t{count}\n" for word, count in rows)
        path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))

    def add(self, word: str, count: int = 1) -> None:
        """Count a lowercased word or hyphenated compound seen whole."""
        parts = word.split("-")
        if len(parts) > 1:
            for pair in zip(parts, parts[1:]):
                self.compound_forms[pair] += count
        else:
            self.words[word] += count

    @cached_property
    def _stems(self) -> Counter:
        stems: Counter = Counter()
        for word, count in self.words.items():
            stems[kazakh.stem(word)] += count
        return stems

    @cached_property
    def _compounds(self) -> Counter:
        compounds: Counter = Counter()
        for (left, right), count in self.compound_forms.items():
            compounds[left, kazakh.stem(right)] += count
        return compounds

    def compound_count(self, left: str, right: str) -> int:
        """How often `left-right` (any ending on the right part) is written whole."""
        return self._compounds[left, kazakh.stem(right)]

    def joined_count(self, joined: str) -> int:
        """How often the joined word, or another form of its stem, is written whole."""
        return self.words[joined] or self._stems[kazakh.stem(joined)]


@lru_cache(maxsize=1)
def corpus_vocabulary() -> Vocabulary:
    """How often a body of Kazakh text writes each word and compound whole: evidence for a break the
    document's own text does not settle (`берешегі` joined, `конференц-зал` kept)."""
    return Vocabulary.read(WORD_COUNTS)


@dataclass(frozen=True)
class Verdict:
    """Whether a line-end hyphen belongs to the text, and the evidence that decided it."""

    keep: bool
    evidence: str
    suspended: bool = False  # a hyphen that ends its word: a space follows it (`микро- және`)


def decide_break(left: str, right: str, mark: str, vocabulary: Vocabulary, *, marked_breaks: bool = False,
                 hyphenating: bool = True, russian: bool = False) -> Verdict:
    """Decide whether the hyphen between `left-` (line end) and `right` (next line) is real.

    Evidence in order of strength: the mark itself (with `marked_breaks`, the producer
    writes its breaks as U+00AD or U+2010, so an ASCII hyphen is the author's), a conjunction
    after it, numbers and abbreviations, a capital after the hyphen, how the document writes
    the word elsewhere, how often Kazakh text writes it whole or hyphenated (`corpus_vocabulary`),
    suffix chains, the Kazakh lexicon, reduplication; in a `russian` document, the shape of a Russian compound
    (`_russian_compound`), else a break. With no evidence the hyphen is a break (most line-end hyphens are), unless
    the document is not `hyphenating`.
    """
    if mark == SOFT_HYPHEN or not left or not right:
        return Verdict(False, "soft hyphen" if mark == SOFT_HYPHEN else "no word")
    if russian and right.lower() in _RUSSIAN_PARTICLES and left.lower() in _RUSSIAN_PRONOUNS:
        return Verdict(True, "russian compound")  # что-либо: no conjunction after a pronoun
    if right.lower() in _CONJUNCTIONS and (mark in ASCII_HYPHENS or not marked_breaks):
        return Verdict(True, "conjunction", suspended=True)
    if marked_breaks:
        return Verdict(mark in ASCII_HYPHENS, "producer's break mark")
    if left[-1].isdigit() or right[0].isdigit():
        return Verdict(True, "number")
    if len(left) > 1 and left.isupper() and not right.isupper():
        return Verdict(True, "abbreviation")
    if not any(ch in _VOWELS for ch in left.lower()):
        return Verdict(True, "abbreviation")  # a broken word's first piece has a syllable
    if right[0].isupper() and not right.isupper():
        return Verdict(True, "capital")  # a word goes on in lowercase: Нұр-Сұлтан, Қасым-Жомарт
    low_left, low_right = left.lower(), right.lower()
    joined = low_left + low_right
    for counts, evidence in ((vocabulary, "document"), (corpus_vocabulary(), "corpus")):
        as_compound = counts.compound_count(low_left, low_right)
        as_word = counts.joined_count(joined)
        if as_compound or as_word:
            return Verdict(as_compound > as_word, evidence)
    if kazakh.is_suffix_chain(low_right):
        return Verdict(False, "suffix chain")
    if kazakh.is_known_word(joined):
        return Verdict(False, "lexicon word")
    if len(low_left) >= 2 and low_right.startswith(low_left):
        return Verdict(True, "reduplication")
    if _adjective_pair(low_left, low_right):
        return Verdict(True, "adjective pair")
    if kazakh.is_known_word(low_left) and kazakh.is_known_word(low_right):
        return Verdict(True, "two words")
    if russian and _CYRILLIC_WORD.fullmatch(joined) and not kazakh.has_kazakh_letter(joined):
        return Verdict(_russian_compound(low_left, low_right), "russian break")
    return Verdict(not hyphenating, "default")


def _russian_compound(left: str, right: str) -> bool:
    """Whether `left-` / `right` has the shape of a Russian hyphenated word (see _RUSSIAN_PARTICLES; a particle after a
    pronoun is settled before, in decide_break)."""
    if left in _RUSSIAN_FIRST_WORDS:
        return len(right) >= 4
    if left == "по":
        return right.endswith(_RUSSIAN_ADVERB_ENDINGS)
    if left == "из":
        return right in ("за", "под")
    if left == "во":
        return right.startswith(_RUSSIAN_ORDINALS)
    if left in ("юго", "северо"):
        return right.startswith(_CARDINAL_POINTS)
    linked = left in _RUSSIAN_SHORT_LINKED or (len(left) >= 6 and left.endswith(_RUSSIAN_LINKED_ENDINGS))
    return linked and len(right) >= 5 and right.endswith(_RUSSIAN_ADJECTIVE_ENDINGS)


def hyphenates(breaks: list[tuple[str, str, str, bool]], vocabulary: Vocabulary, marked_breaks: bool) -> bool:
    """Whether the producer broke words at line ends: some line-end hyphen (left, right, mark, on a Russian page) is
    shown to be a break, or there are too few to tell."""
    if marked_breaks or len(breaks) < UNHYPHENATED_MIN:
        return True
    verdicts = (decide_break(left, right, mark, vocabulary, russian=russian) for left, right, mark, russian in breaks)
    return any(not verdict.keep and verdict.evidence in BREAK_EVIDENCE for verdict in verdicts)


def _adjective_base(word: str) -> str | None:
    """The noun an adjective in -лы/-ды/-лық/-сыз... is made from, when at least three letters are left."""
    for suffix in _ADJECTIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)]
    return None


def _adjective_pair(left: str, right: str) -> bool:
    """`моральды-` / `психологиялық`, `дренажды-` / `корректорлы`: an adjective before the hyphen, a whole
    word after it (known, or an adjective of a known noun), and one of the two made from a known noun."""
    left_base = _adjective_base(left)
    if left_base is None or len(right) < 5:
        return False
    right_base = _adjective_base(right)
    right_word = kazakh.is_known_word(right) or (right_base is not None and kazakh.is_known_word(right_base))
    return right_word and (kazakh.is_known_word(left_base) or right_base is not None)


def _paragraph_breaks(page: RawPage) -> list[bool]:
    """For each line, whether a new paragraph starts there (vertical gap or indent)."""
    lines = page.lines
    if not lines:
        return []
    steps = [prev.y0 - line.y0 for prev, line in zip(lines, lines[1:]) if prev.y0 > line.y0]
    spacing = median(steps) if steps else 0.0
    margins: dict[int, float] = {}
    for line in lines:
        margins[line.column] = min(margins.get(line.column, line.x0), line.x0)
    breaks = [False]
    for prev, line in zip(lines, lines[1:]):
        gap = prev.y0 - line.y0
        moved_up = gap <= 0 or prev.column != line.column  # next column: same flow
        big_gap = spacing > 0 and gap > spacing * 1.6
        margin = margins[line.column]
        indented = line.x0 - margin > 8 and prev.x0 - margin <= 8
        breaks.append(not moved_up and (big_gap or indented))
    return breaks


def join_pages(pages: list[RawPage], recognised: Collection[int] = ()) -> list[tuple[str, tuple[int, ...]]]:
    """Each page's text — lines joined by spaces, paragraphs by blank lines, hyphens repaired — and where its
    lines ended: the offsets of the spaces that join them (the page view shows the lines as extracted).

    A word broken across a page end is completed on the page where it starts. The pages numbered in
    `recognised` were read by OCR, which writes every break as `-`: a producer's break marks on the
    document's other pages say nothing of theirs.
    """
    vocabulary = Vocabulary.from_lines(line.text for page in pages for line in page.lines)
    ends = Counter(line.text.rstrip()[-1:] for page in pages if page.number not in recognised for line in page.lines)
    marked_breaks = sum(ends[mark] for mark in BREAK_MARKS) >= MARKED_BREAKS_MIN
    lines = [(index, " ".join(line.text.split()), new_paragraph) for index, page in enumerate(pages)
             for line, new_paragraph in zip(page.lines, _paragraph_breaks(page))]
    russian = [_russian(page) for page in pages]
    breaks = [(_broken_word(text), right.group(1) if (right := _LEADING_WORD.match(following)) else "", text[-1],
               russian[index]) for (index, text, _), (_, following, _) in zip(lines, lines[1:]) if _ends_broken(text)]
    hyphenating = hyphenates(breaks, vocabulary, marked_breaks)
    texts: list[list[str]] = [[] for _ in pages]
    pending: tuple[int, str, str] | None = None  # (page index, left word, hyphen mark)

    for index, text, new_paragraph in lines:
        if pending:
            marked = marked_breaks and pages[pending[0]].number not in recognised
            text, pending = _complete_word(texts, pending, text, vocabulary, marked, hyphenating,
                                           russian[pending[0]])
            new_paragraph = False
            if not text:
                continue
        if _ends_broken(text):
            pending = (index, _broken_word(text), text[-1])
            text = text[:-1]
        _append(texts[index], text, new_paragraph)
    if pending:
        texts[pending[0]].append("-")
    return [_line_ends("".join(parts)) for parts in texts]


def _russian(page: RawPage) -> bool:
    """Whether a page is Russian text: Cyrillic words, hardly any holding a Kazakh-only letter (a Kazakh page has one
    in every few words). Decided a page at a time: a Russian page in a Kazakh document is repaired as Russian."""
    words = _CYRILLIC_WORD.findall(" ".join(line.text for line in page.lines))
    kazakh_words = sum(map(kazakh.has_kazakh_letter, words))
    return len(words) >= RUSSIAN_PAGE_WORDS and kazakh_words <= RUSSIAN_PAGE_KAZAKH_SHARE * len(words)


def _ends_broken(text: str) -> bool:
    """A line that ends in a hyphen right after a letter or digit."""
    return text[-1:] in HYPHENS and len(text) > 1 and text[-2].isalnum()


def _broken_word(text: str) -> str:
    """The word before a line's final hyphen."""
    left = _TRAILING_WORD.search(text[:-1])
    return left.group(1) if left else ""


def _line_ends(text: str) -> tuple[str, tuple[int, ...]]:
    """The text with each lone line feed (a line end; two part paragraphs) made a space, and where they were."""
    ends = tuple(match.start() for match in _LONE_LINE_FEED.finditer(text))
    return _LONE_LINE_FEED.sub(" ", text), ends


def _complete_word(texts: list[list[str]], pending: tuple[int, str, str], text: str, vocabulary: Vocabulary,
                   marked_breaks: bool, hyphenating: bool, russian: bool) -> tuple[str, tuple[int, str, str] | None]:
    """Attach the first word of `text` to the broken word on its page; return the rest, and the word still
    broken when `text` is that one word, broken again at its end (`жауап-` / `кершілі-` / `гі`)."""
    page_index, left, mark = pending
    match = _LEADING_WORD.match(text)
    right = match.group(1) if match else ""
    verdict = decide_break(left, right, mark, vocabulary, marked_breaks=marked_breaks, hyphenating=hyphenating,
                           russian=russian)
    if verdict.suspended:
        texts[page_index].append("-")
        return text, None
    first, _, rest = text.partition(" ")
    broken_again = not rest and _ends_broken(first)
    texts[page_index].append(("-" if verdict.keep else "") + (first[:-1] if broken_again else first))
    if broken_again:
        return "", (page_index, _broken_word("".join(texts[page_index]) + first[-1]), first[-1])
    return rest, None


def _append(parts: list[str], text: str, new_paragraph: bool) -> None:
    if parts:
        parts.append("\n\n" if new_paragraph else "\n")  # the lone line feed becomes a space in join_pages
    parts.append(text)
