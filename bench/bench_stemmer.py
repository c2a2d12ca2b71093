#!/usr/bin/env python3
"""Kazakh stemmer throughput on real text, cold and behind an lru_cache, plus its gold figures.

Run from the project root:
    python bench/bench_stemmer.py                 # first 2 MB of ../shared/corpus/kk_corpus.txt
    python bench/bench_stemmer.py --mb 10 --stem index.kazakh:stem
Prints figures only; it asserts nothing.
"""
from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
import time
import unicodedata
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "kk_corpus.txt"
EVAL = ROOT.parent / "shared" / "tools" / "eval_stemmer.py"
WORD = re.compile(r"[\w-]+")


def corpus_words(path: Path, megabytes: float) -> list[str]:
    """Lowercased NFC words of the first N MB of the corpus, in text order."""
    with path.open("rb") as f:
        text = f.read(int(megabytes * 1_000_000)).decode("utf-8", errors="ignore")
    return WORD.findall(unicodedata.normalize("NFC", text).lower())


def load_stem(spec: str):
    """Import `module:function` from the project root."""
    sys.path.insert(0, str(ROOT))
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)


def throughput(stem, words: list[str]) -> float:
    """Words per second of one pass over the words."""
    start = time.perf_counter()
    for word in words:
        stem(word)
    return len(words) / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=2.0, help="megabytes of corpus to read")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--stem", default="index.kazakh:stem", help="module:function to measure")
    ap.add_argument("--no-eval", action="store_true", help="skip the gold-file figures")
    a = ap.parse_args()

    words = corpus_words(a.corpus, a.mb)
    cached = load_stem(a.stem)
    stem = getattr(cached, "__wrapped__", cached)  # the rules alone, without the module's cache
    start = time.perf_counter()
    stem("қазақстан")                       # loads the lexicon and the suffix tables
    print(f"first call (tables + lexicon): {1000 * (time.perf_counter() - start):.0f} ms")
    print(f"corpus: {a.mb:g} MB, {len(words):,} words, {len(set(words)):,} distinct")
    print(f"cold (no cache):   {throughput(stem, words):>12,.0f} words/s")
    if cached is stem:
        cached = lru_cache(maxsize=200_000)(stem)
    print(f"lru_cache, 1st:    {throughput(cached, words):>12,.0f} words/s")
    print(f"lru_cache, warm:   {throughput(cached, words):>12,.0f} words/s")
    if not a.no_eval:
        subprocess.run([sys.executable, str(EVAL), "--stem", a.stem], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
