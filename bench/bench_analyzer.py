#!/usr/bin/env python3
"""Throughput of the whole Kazakh analyzer (tokenize, normalise, stop words, stem), in tokens/s.

Run from the project root:
    .venv/bin/python bench/bench_analyzer.py            # first 5 MB of ../shared/corpus/kk_corpus.txt
    .venv/bin/python bench/bench_analyzer.py --mb 10
Measures the analyzer as the index uses it (with its stem cache) and with the cache turned
off, and whoosh's StandardAnalyzer on the same text as a reference. Prints figures only.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh.analysis import StandardAnalyzer, StemFilter  # noqa: E402

from index.analysis import exact_analyzer, kazakh_analyzer  # noqa: E402
from index.kazakh import stem  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "kk_corpus.txt"


def paragraphs(path: Path, megabytes: float) -> list[str]:
    with path.open("rb") as handle:
        text = handle.read(int(megabytes * 1_000_000)).decode("utf-8", errors="ignore")
    return [line for line in text.splitlines() if line.strip()]


def measure(name: str, analyzer, texts: list[str]) -> None:
    started = time.perf_counter()
    tokens = sum(1 for text in texts for _ in analyzer(text, positions=True, chars=True))
    seconds = time.perf_counter() - started
    print(f"{name:<34} {tokens:>10,} tokens {seconds:8.2f} s {tokens / seconds:>12,.0f} tokens/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="megabytes of corpus text")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    texts = paragraphs(args.corpus, args.mb)
    stem.__wrapped__("қазақ")  # load the lexicon and suffix tables outside the timings
    print(f"{args.mb} MB of {args.corpus.name}, {len(texts):,} paragraphs")
    measure("Kazakh analyzer, stem cache", kazakh_analyzer(), texts)
    measure("Kazakh analyzer, no stem cache", exact_analyzer() | StemFilter(stemfn=stem.__wrapped__, cachesize=0), texts)
    measure("Kazakh analyzer without stemming", exact_analyzer(), texts)
    measure("whoosh StandardAnalyzer", StandardAnalyzer(), texts)


if __name__ == "__main__":
    main()
