"""Grow the shared corpus into a large, deterministic set of plain-text documents with a metadata manifest.

Plain copies would give identical passages and skew ranking, so every document is new:
paragraphs and freshly recombined sentences of one source register, laid out as pages of
wrapped lines separated by form feeds (the plain-text ingestion format), with a year,
a collection, an author and a title in `manifest.csv` (path,title,author,date,collection,
language,source).

    .venv/bin/python -m bench.search.generate --passages 210000
"""
from __future__ import annotations

import argparse
import csv
import random
import shutil
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.search.common import CORPUS, CORPUS_MANIFEST, GENERATED, MANIFEST
from ingest.passages import sentence_spans, split_page

SEED = 20260112
EXCLUDED_SOURCES = ("ud_kazakh_ktb", "apertium_kaz_texts", "kazqad_")
# Source registers → the collection their documents go into.
COLLECTIONS = {
    "akorda_news_apertium_eng_kaz": "Ақорда",
    "gov_kz_nlp_kaznu": "Үкімет",
    "kaznerd_tv_news": "Теледидар",
    "ntrex128_news": "Баспасөз",
    "sib200_flores_kaz": "Баспасөз",
    "xwmt_til_news": "Баспасөз",
    "udhr_kaz": "Баспасөз",
}
MIXED_COLLECTION = "Аралас"
YEARS = (1991, 2024)
AUTHORS = ("Ә. Сейітов", "Г. Нұрланова", "Б. Жақыпов", "Д. Әбілова", "Қ. Омаров", "С. Төлеуова",
           "Ж. Серікбаев", "А. Құдайбергенова", "Е. Мұқанов", "Н. Ысқақова", "")
DOCUMENTS_PER_FOLDER = 500
LINE_WIDTH = 90


@dataclass(frozen=True)
class SourceText:
    """One register's material: its paragraphs (kept whole) and its sentences (recombined)."""

    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]
    titles: tuple[str, ...]


def corpus_blocks(include_excluded: bool = False) -> list[tuple[str, list[str]]]:
    """(source key, paragraphs) for each corpus document, the excluded sources left out unless asked for."""
    with CORPUS_MANIFEST.open(encoding="utf-8") as handle:
        sources = [row["source"] for row in csv.DictReader(handle, delimiter="\t")]
    blocks = CORPUS.read_text(encoding="utf-8").strip().split("\n\n")
    if len(blocks) != len(sources):
        raise SystemExit(f"{CORPUS}: {len(blocks)} documents but {len(sources)} manifest rows")
    return [(source, block.splitlines()) for source, block in zip(sources, blocks)
            if include_excluded or not source.startswith(EXCLUDED_SOURCES)]


def source_texts(blocks: list[tuple[str, list[str]]]) -> dict[str, SourceText]:
    """Paragraphs, sentences and title candidates, grouped by collection."""
    paragraphs: dict[str, list[str]] = defaultdict(list)
    sentences: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, list[str]] = defaultdict(list)
    for source, lines in blocks:
        collection = COLLECTIONS[source]
        for line in lines:
            paragraphs[collection].append(line)
            for start, end in sentence_spans(line):
                sentence = line[start:end].strip()
                sentences[collection].append(sentence)
                if 20 <= len(sentence) <= 90:
                    titles[collection].append(sentence.rstrip("."))
    return {name: SourceText(tuple(paragraphs[name]), tuple(sentences[name]), tuple(titles[name]))
            for name in paragraphs}


def new_paragraph(rng: random.Random, source: SourceText) -> str:
    """A corpus paragraph (a third of the time) or 2–8 sentences of the register, recombined."""
    if rng.random() < 0.33:
        return rng.choice(source.paragraphs)
    return " ".join(rng.choice(source.sentences) for _ in range(rng.randint(2, 8)))


def new_page(rng: random.Random, sources: list[SourceText]) -> str:
    """About 2,000–4,000 characters of paragraphs, wrapped like extracted text."""
    target = rng.randint(2000, 4000)
    paragraphs, length = [], 0
    while length < target:
        paragraph = new_paragraph(rng, rng.choice(sources))
        paragraphs.append(paragraph)
        length += len(paragraph)
    return "\n\n".join(textwrap.fill(paragraph, LINE_WIDTH, break_long_words=False, break_on_hyphens=False)
                       for paragraph in paragraphs)


def estimated_passages(pages: list[str]) -> int:
    """Passages the ingest will cut from these pages (split without the cleaning steps)."""
    return sum(1 for number, page in enumerate(pages, 1) for _ in split_page(number, page))


def generate(target_passages: int, out: Path = GENERATED) -> tuple[int, int]:
    """Write documents until about `target_passages` passages; returns (documents, estimated passages)."""
    rng = random.Random(SEED)
    texts = source_texts(corpus_blocks())
    names = sorted(texts)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    rows, passages = [], 0
    while passages < target_passages:
        number = len(rows)
        collection = rng.choice(names + [MIXED_COLLECTION])
        sources = [texts[name] for name in names] if collection == MIXED_COLLECTION else [texts[collection]]
        pages = [new_page(rng, sources) for _ in range(rng.randint(3, 12))]
        relative = Path(f"{number // DOCUMENTS_PER_FOLDER:03d}") / f"doc-{number:06d}.txt"
        (out / relative).parent.mkdir(exist_ok=True)
        (out / relative).write_text("\f".join(pages) + "\n", encoding="utf-8")
        passages += estimated_passages(pages)
        rows.append(manifest_row(rng, relative, collection, rng.choice(sources)))
    write_manifest(out / MANIFEST.name, rows)
    return len(rows), passages


def manifest_row(rng: random.Random, relative: Path, collection: str, source: SourceText) -> dict[str, str]:
    """Title, author, a date in YEARS, the collection, and where the text came from."""
    year = rng.randint(*YEARS)
    return {
        "path": relative.as_posix(),
        "title": rng.choice(source.titles),
        "author": rng.choice(AUTHORS),
        "date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "collection": collection,
        "language": "kk",
        "source": "recombined from ../shared/corpus/kk_corpus.txt",
    }


def write_manifest(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=210_000, help="about how many passages to generate")
    parser.add_argument("--out", type=Path, default=GENERATED)
    args = parser.parse_args()
    documents, passages = generate(args.passages, args.out)
    print(f"{documents} documents, about {passages} passages, in {args.out}")


if __name__ == "__main__":
    main()
