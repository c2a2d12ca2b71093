"""Words typed without Kazakh letters: Latin script (2021 alphabet) and a Russian keyboard.

`Qazaqstan`, `quqyq` and `казакстан` carry no ә ғ қ ң ө ұ ү һ і. Both the typed word and
every indexed word form are reduced to a *skeleton* (Russian letters only); the stems of
the indexed forms that share the typed word's skeleton are added to the query with a
lower boost, so that exact-letter matches still rank first.

Shared by every engine: an engine hands in its index's words through `Lexicon` (whoosh's reader is one),
and gets back the parsed query (a whoosh query tree, index.query) with the variants added.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import defaultdict

from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from whoosh.query import Or, Query, Term

from index.kazakh import stem

VARIANT_BOOST = 0.6
VARIANT_FIELDS = frozenset({"text", "title"})

# Kazakh letters folded to the Russian letter a Russian keyboard offers instead.
# The letter a Russian keyboard offers for each Kazakh-only one.
KEYBOARD_STAND_INS = {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
_SKELETON = str.maketrans({**KEYBOARD_STAND_INS, "й": "и", "ё": "е", "э": "е"})
# The 2021 Kazakh Latin alphabet and its plain-ASCII typing, to Cyrillic.
_LATIN_DIGRAPHS = (("sh", "ш"), ("ch", "ч"), ("ts", "ц"), ("ia", "я"), ("iu", "ю"), ("ya", "я"), ("yu", "ю"))
_LATIN = str.maketrans({
    "a": "а", "ä": "ә", "b": "б", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ", "h": "х",
    "ı": "і", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "o": "о", "ö": "ө",
    "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ", "ü": "ү", "v": "в",
    "w": "у", "x": "х", "y": "ы", "z": "з",
})
_LATIN_WORD = re.compile(r"^[a-zäğıñöşūü]+$")
_KAZAKH_LETTERS = frozenset("әғқңөұүһі")


class Lexicon(Protocol):
    """One view of an index's words: which commit it shows, and the words a field holds (as bytes)."""

    def generation(self) -> int: ...

    def lexicon(self, fieldname: str) -> Iterable[bytes]: ...


class LexiconView(Protocol):
    """What a search holds (whoosh's searcher): its view of the index's words."""

    def reader(self) -> Lexicon: ...


class LexiconSource(Protocol):
    """The index itself (whoosh's Index): a fresh view of its latest words, closed after use."""

    def reader(self) -> AbstractContextManager[Lexicon]: ...


# The file in an index's folder that keeps the map of its generation (SkeletonIndex).
SKELETONS_FILE = "muragat-skeletons.json"


def skeleton(word: str) -> str:
    """The word as a Russian keyboard would type it (қазақстан → казакстан)."""
    return word.translate(_SKELETON)


def from_latin(word: str) -> str:
    """A lowercased word in the Kazakh Latin alphabet (or its ASCII typing) in Cyrillic."""
    for latin, cyrillic in _LATIN_DIGRAPHS:
        word = word.replace(latin, cyrillic)
    return word.translate(_LATIN)


def is_latin(word: str) -> bool:
    return bool(_LATIN_WORD.match(word))


def lacks_kazakh_letters(word: str) -> bool:
    """True for a Cyrillic word typed without any of the nine Kazakh-specific letters."""
    return not _KAZAKH_LETTERS.intersection(word)


class SkeletonIndex:
    """Stems of the indexed word forms, grouped by the skeleton of the form and of the stem.

    Built once per index generation; while an ingest commits often, a map at most
    REFRESH_SECONDS old is used rather than rebuilding it for every commit. The first map is
    built by the query that needs it (a first Latin-script query must not come back empty);
    given the index itself (`source`), later maps are rebuilt in a background thread so that
    no query waits for a refresh.
    """

    REFRESH_SECONDS = 60.0

    def __init__(self, source: LexiconSource | None = None, cache: Path | None = None) -> None:
        """`cache`: a file in the index's folder where the map of each generation is kept for the next process (a
        `muragat search` from the command line would otherwise stem every indexed word again: 3 s at 200k
        passages)."""
        self._source = source
        self._cache = cache
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._built_at = 0.0
        self._building = False
        self._stems: dict[str, frozenset[str]] = {}

    def stems_like(self, searcher: LexiconView, word: str) -> frozenset[str]:
        """Stems of the indexed words that a Russian keyboard would type as `word` types."""
        return self._map(searcher).get(skeleton(word), frozenset())

    def wait(self, searcher: LexiconView, timeout: float = 60.0) -> None:
        """Block until a map for the searcher's generation is ready (for tests and warm-up)."""
        deadline = time.monotonic() + timeout
        while self._generation != searcher.reader().generation() and time.monotonic() < deadline:
            self._map(searcher)
            time.sleep(0.01)

    def _map(self, searcher: LexiconView) -> dict[str, frozenset[str]]:
        generation = searcher.reader().generation()
        with self._lock:
            current = self._generation == generation or (
                self._generation is not None and time.monotonic() - self._built_at <= self.REFRESH_SECONDS)
            if current or self._building:
                return self._stems
            if self._source is not None and self._generation is not None:
                self._building = True
                threading.Thread(target=self._build_in_background, daemon=True, name="muragat-skeletons").start()
                return self._stems
            self._stems = self._kept(generation)
            if self._stems is None:
                self._stems = _group_by_skeleton(searcher.reader())
                self._keep(generation, self._stems)
            self._generation, self._built_at = generation, time.monotonic()
            return self._stems

    def _build_in_background(self) -> None:
        try:
            with self._source.reader() as reader:
                stems, generation = _group_by_skeleton(reader), reader.generation()
            self._keep(generation, stems)
            with self._lock:
                self._stems, self._generation, self._built_at = stems, generation, time.monotonic()
        finally:
            self._building = False


    def _kept(self, generation: int) -> dict[str, frozenset[str]] | None:
        """The map kept for this generation, if the cache holds it."""
        try:
            kept = json.loads(self._cache.read_text(encoding="utf-8")) if self._cache else None
        except (OSError, ValueError):
            return None
        if not isinstance(kept, dict) or kept.get("generation") != generation:
            return None
        return {key: frozenset(stems) for key, stems in kept["stems"].items()}

    def _keep(self, generation: int, stems: dict[str, frozenset[str]]) -> None:
        """Write the map for the next process (atomically; an archive read from a read-only folder keeps none)."""
        if self._cache is None:
            return
        try:
            partial = self._cache.with_name(self._cache.name + ".partial")
            partial.write_text(json.dumps({"generation": generation,
                                           "stems": {key: sorted(values) for key, values in stems.items()}},
                                          ensure_ascii=False), encoding="utf-8")
            os.replace(partial, self._cache)
        except OSError:
            pass


def _group_by_skeleton(reader: Lexicon) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for term in reader.lexicon("exact"):
        word = term.decode("utf-8")
        word_stem = stem(word)
        grouped[skeleton(word)].add(word_stem)
        grouped[skeleton(word_stem)].add(word_stem)
    return {key: frozenset(stems) for key, stems in grouped.items()}


def typed_variants(words: list[str], searcher: LexiconView, skeletons: SkeletonIndex) -> dict[str, frozenset[str]]:
    """For each typed word lacking Kazakh letters: its stem → the indexed stems it may stand for."""
    variants: dict[str, frozenset[str]] = {}
    for word in words:
        if is_latin(word):
            candidates = skeletons.stems_like(searcher, from_latin(word))
        elif lacks_kazakh_letters(word):
            candidates = skeletons.stems_like(searcher, word)
        else:
            continue
        own = stem(word)
        if candidates - {own}:
            variants[own] = candidates - {own}
    return variants


def with_variants(query: Query, variants: dict[str, frozenset[str]]) -> Query:
    """Each text/title term of a typed word ORed with its variant stems at a lower boost."""
    if not variants:
        return query

    def expand(node: Query) -> Query:
        if not isinstance(node, Term) or node.fieldname not in VARIANT_FIELDS or node.text not in variants:
            return node
        others = [Term(node.fieldname, other, boost=node.boost * VARIANT_BOOST) for other in sorted(variants[node.text])]
        return Or([node, *others])

    return query.accept(expand)
