"""The fixed, mixed query set: words picked by document frequency from the corpus, phrases, prefixes, filters, questions.

Every query is written once per system: as a person types it (Muragat), in plain whoosh
syntax (filters joined with AND, `year:[2001 TO 2010]`), and as an FTS5 MATCH expression
with the filters as columns for a WHERE clause. Saved as bench/search/queries.tsv so that
every run and every system sees the same queries.

    .venv/bin/python -m bench.search.queries          # writes bench/search/queries.tsv
"""
from __future__ import annotations

import argparse
import csv
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.search.common import QUERIES
from bench.search.generate import COLLECTIONS, MIXED_COLLECTION, corpus_blocks
from index.analysis import STOP_WORDS
from index.kazakh import stem
from ingest.passages import sentence_spans

SEED = 12
# Queries hold quotes and no tabs: no quoting at all keeps the TSV readable.
NO_QUOTE = "\x01"
PER_KIND = 16
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
QUESTION_SOURCE = "kazqad_unt_questions"
HAND_WRITTEN_QUESTIONS = (
    "Абай қай жылы туған?",
    "Қазақстан Республикасының Конституциясы қашан қабылданды?",
    "Елбасы қандай жарлыққа қол қойды?",
)


@dataclass(frozen=True)
class BenchQuery:
    """One query of the set, in each system's syntax."""

    kind: str
    muragat: str
    whoosh: str
    fts5_match: str
    collection: str = ""
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True)
class CorpusStats:
    """What the query picker needs: words by paragraph frequency of their stem, sentences, common bigrams."""

    stem_df: Counter
    forms: dict[str, Counter]
    word_count: Counter
    sentences: list[str]
    bigrams: Counter


def corpus_stats() -> CorpusStats:
    stem_df: Counter = Counter()
    forms: dict[str, Counter] = {}
    word_count: Counter = Counter()
    bigrams: Counter = Counter()
    sentences: list[str] = []
    for _, paragraphs in corpus_blocks():
        for paragraph in paragraphs:
            words = [word.lower() for word in WORD.findall(paragraph)]
            word_count.update(words)
            bigrams.update(zip(words, words[1:]))
            stems = set()
            for word in words:
                word_stem = stem(word)
                stems.add(word_stem)
                forms.setdefault(word_stem, Counter())[word] += 1
            stem_df.update(stems)
            sentences.extend(paragraph[start:end] for start, end in sentence_spans(paragraph))
    return CorpusStats(stem_df, forms, word_count, sentences, bigrams)


def is_content_word(word: str) -> bool:
    return len(word) >= 4 and word not in STOP_WORDS and word.isalpha()


def words_by_frequency(stats: CorpusStats, low: int, high: int) -> list[str]:
    """The most common surface form of each stem whose paragraph frequency is in [low, high]."""
    return sorted(stats.forms[word_stem].most_common(1)[0][0] for word_stem, df in stats.stem_df.items()
                  if low <= df <= high and is_content_word(word_stem))


def one_word(rng: random.Random, stats: CorpusStats) -> list[BenchQuery]:
    common = sorted(stats.stem_df, key=stats.stem_df.get, reverse=True)
    common_forms = [stats.forms[s].most_common(1)[0][0] for s in common if is_content_word(s)][:60]
    picks = {"word_rare": rng.sample(words_by_frequency(stats, 2, 3), PER_KIND),
             "word_mid": rng.sample(words_by_frequency(stats, 30, 80), PER_KIND),
             "word_common": rng.sample(common_forms, PER_KIND)}
    return [plain(kind, word) for kind, words in picks.items() for word in words]


def inflected(rng: random.Random, stats: CorpusStats) -> list[BenchQuery]:
    """Inflected forms as typed: lower case, a capital first letter, or a Latin `i` for `і`."""
    forms = sorted(word for word, count in stats.word_count.items()
                   if count >= 3 and is_content_word(word) and len(word) - len(stem(word)) >= 2)
    typed = []
    for number, word in enumerate(rng.sample(forms, PER_KIND + 2)):
        if number % 3 == 1:
            word = word.capitalize()
        elif number % 3 == 2 and "і" in word:
            word = word.replace("і", "i")
        typed.append(plain("inflected", word))
    return typed


def content_words(sentence: str) -> list[str]:
    return [word.lower() for word in WORD.findall(sentence) if is_content_word(word.lower())]


def multi_word(rng: random.Random, stats: CorpusStats, size: int, kind: str) -> list[BenchQuery]:
    """`size` neighbouring content words of one sentence, lower case, as people type topics."""
    queries: list[BenchQuery] = []
    while len(queries) < PER_KIND:
        words = content_words(rng.choice(stats.sentences))
        if len(words) >= size:
            start = rng.randrange(len(words) - size + 1)
            queries.append(plain(kind, " ".join(words[start:start + size])))
    return queries


def phrases(rng: random.Random, stats: CorpusStats) -> list[BenchQuery]:
    """Quoted two- and three-word stretches of sentences, and quoted bigrams of the most common words."""
    found: list[BenchQuery] = []
    while len(found) < PER_KIND:
        words = [word.lower() for word in WORD.findall(rng.choice(stats.sentences))]
        size = 2 + len(found) % 2
        if len(words) >= size + 2:
            start = rng.randrange(1, len(words) - size)
            found.append(phrase("phrase", words[start:start + size]))
    common_words = {word for word, _ in stats.word_count.most_common(150)}
    common_pairs = [pair for pair, _ in stats.bigrams.most_common(400) if set(pair) <= common_words][:40]
    found += [phrase("phrase_common", list(pair)) for pair in rng.sample(common_pairs, PER_KIND)]
    return found


def prefixes(rng: random.Random, stats: CorpusStats) -> list[BenchQuery]:
    """Three-letter prefixes of common words (`қаз*`), and longer ones of mid-frequency words."""
    starts = Counter(word[:3] for word in stats.word_count.elements() if is_content_word(word))
    short = [start for start, _ in starts.most_common(30)]
    longer = [word[:rng.randint(5, 8)] for word in words_by_frequency(stats, 10, 200) if len(word) >= 9]
    chosen = rng.sample(short, PER_KIND // 2) + rng.sample(longer, PER_KIND - PER_KIND // 2)
    return [BenchQuery("prefix", f"{start}*", f"{start}*", f'"{start}"*') for start in chosen]


def filters(rng: random.Random, stats: CorpusStats) -> list[BenchQuery]:
    """`collection:NAME`, `year:2001`, `year:2001..2010`: alone, and with one or two words."""
    collections = sorted(set(COLLECTIONS.values()) | {MIXED_COLLECTION})
    mid_words = words_by_frequency(stats, 10, 300)
    queries = []
    for number in range(PER_KIND):
        words = " ".join(rng.sample(mid_words, 1 + number % 2)) if number >= 2 else ""
        name = rng.choice(collections)
        year = rng.randint(1991, 2024)
        first = rng.randint(1991, 2014)
        queries += [filtered("filter_collection", f"collection:{name}", f"collection:{name}", words, collection=name),
                    filtered("filter_year", f"year:{year}", f"year:{year}", words, year_from=year, year_to=year),
                    filtered("filter_years", f"year:{first}..{first + 9}", f"year:[{first} TO {first + 9}]", words,
                             year_from=first, year_to=first + 9)]
    return queries


def questions(rng: random.Random) -> list[BenchQuery]:
    """Exam questions (a source kept out of the generated documents) pasted whole, with punctuation."""
    asked = sorted({sentence.strip() for source, paragraphs in corpus_blocks(include_excluded=True)
                    if source == QUESTION_SOURCE for paragraph in paragraphs
                    for sentence in re.split(r"(?<=\?)\s+", paragraph)
                    if sentence.strip().endswith("?") and 25 <= len(sentence.strip()) <= 160})
    chosen = list(HAND_WRITTEN_QUESTIONS) + rng.sample(asked, PER_KIND - len(HAND_WRITTEN_QUESTIONS))
    return [plain("question", question) for question in chosen]


def plain(kind: str, text: str) -> BenchQuery:
    """Typed words: the same text for whoosh; for FTS5 each word quoted and OR-ed (as Muragat and whoosh OR them)."""
    return BenchQuery(kind, text, text, fts5_words(text))


def phrase(kind: str, words: list[str]) -> BenchQuery:
    quoted = '"' + " ".join(words) + '"'
    return BenchQuery(kind, quoted, quoted, quoted)


def filtered(kind: str, typed: str, whoosh: str, words: str, **columns) -> BenchQuery:
    """A filter and optional words: in whoosh an AND (OrGroup would OR the filter), in FTS5 a WHERE clause."""
    return BenchQuery(kind, f"{typed} {words}".strip(), f"{whoosh} AND ({words})" if words else whoosh,
                      fts5_words(words), **columns)


def fts5_words(text: str) -> str:
    """Each word of the text quoted (no FTS5 syntax can leak in) and OR-ed."""
    return " OR ".join(f'"{word}"' for word in WORD.findall(text))


def build_queries() -> list[BenchQuery]:
    rng = random.Random(SEED)
    stats = corpus_stats()
    return (one_word(rng, stats) + inflected(rng, stats) + multi_word(rng, stats, 2, "two_words")
            + multi_word(rng, stats, 3, "three_words") + phrases(rng, stats) + prefixes(rng, stats)
            + filters(rng, stats) + questions(rng))


def write_queries(queries: list[BenchQuery], path: Path = QUERIES) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(queries[0])), delimiter="\t",
                                quoting=csv.QUOTE_NONE, quotechar=NO_QUOTE)
        writer.writeheader()
        writer.writerows(asdict(query) for query in queries)


def load_queries(path: Path = QUERIES) -> list[BenchQuery]:
    """The saved query set, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=NO_QUOTE)
        return [BenchQuery(row["kind"], row["muragat"], row["whoosh"], row["fts5_match"], row["collection"],
                           int(row["year_from"]) if row["year_from"] else None,
                           int(row["year_to"]) if row["year_to"] else None) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=QUERIES)
    args = parser.parse_args()
    queries = build_queries()
    write_queries(queries, args.out)
    kinds = Counter(query.kind for query in queries)
    print(f"{len(queries)} queries in {args.out}: " + ", ".join(f"{kind} {count}" for kind, count in kinds.items()))


if __name__ == "__main__":
    main()
