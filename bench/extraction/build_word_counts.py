"""Count how often Kazakh text writes each word and compound whole: `ingest/data/kazakh_word_counts.tsv.gz`.

    PYTHONPATH=. .venv/bin/python bench/extraction/build_word_counts.py [--corpus ../shared/corpus/kk_corpus.txt]

Ingest consults the counts for a line-end hyphen its document does not settle (`ingest.hyphens.decide_break`):
`бере-` / `шегі` is joined because `берешегі` is written whole, `конференц-` / `зал` keeps its hyphen because
`конференц-залы` is written so. They are counted on the shared corpus (`../shared/corpus/SOURCES.md`),
without

- its first `BENCH_DOCUMENTS` documents, from which the extraction bench (`generate.py`) draws its text,
  so the bench measures words the counts never saw;
- the sources that are the treebank's text or the question sets' (`ud_kazakh_ktb`, `apertium_kaz_texts`,
  `kazqad_*`): they are measurement data elsewhere in the project.

Words are the ingest's own (`Vocabulary.from_lines`: lowercased, hyphenated compounds kept as pairs of
parts); words with digits are left out (numbers are decided before the counts are asked). The file's first
line records the corpus's sha256 and what was counted. Licences of the sources: `ingest/data/WORD_COUNTS.md`.
"""
from __future__ import annotations

import argparse
import hashlib
from collections import Counter
from pathlib import Path

from bench.extraction.generate import BENCH_DOCUMENTS, CORPUS
from ingest.hyphens import WORD_COUNTS, Vocabulary

# Sources left out (prefixes of the manifest's source keys): the UD treebank's sentences and the apertium
# texts it was made from, and KazQAD, whose questions and passages are the retrieval dev sets.
EXCLUDED_SOURCES = ("ud_kazakh_ktb", "apertium_kaz_texts", "kazqad_")


def counted_paragraphs(corpus: Path, manifest: Path) -> tuple[list[str], Counter]:
    """The paragraphs counted (documents after the bench's, sources not excluded) and documents per source."""
    with manifest.open(encoding="utf-8") as rows:
        next(rows)
        sources = {int(number): source for number, source, *_ in (row.split("\t") for row in rows)}
    counted = {number for number, source in sources.items()
               if number > BENCH_DOCUMENTS and not source.startswith(EXCLUDED_SOURCES)}
    paragraphs = []
    number = 1
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                number += 1
            elif number in counted:
                paragraphs.append(line)
    return paragraphs, Counter(sources[number] for number in counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=WORD_COUNTS)
    args = parser.parse_args()
    paragraphs, documents = counted_paragraphs(args.corpus, args.corpus.with_name("kk_corpus_manifest.tsv"))
    counted = Vocabulary.from_lines(paragraphs)
    vocabulary = Vocabulary(
        words=Counter({word: n for word, n in counted.words.items() if not any(ch.isdigit() for ch in word)}),
        compound_forms=Counter({pair: n for pair, n in counted.compound_forms.items()
                                if not any(ch.isdigit() for part in pair for ch in part)}))
    digest = hashlib.sha256(args.corpus.read_bytes()).hexdigest()
    tokens = sum(vocabulary.words.values()) + sum(vocabulary.compound_forms.values())
    header = (f"kk_corpus.txt sha256 {digest}: documents after the first {BENCH_DOCUMENTS}, without "
              f"{', '.join(EXCLUDED_SOURCES)}*; {tokens} words and compound pairs from "
              + ", ".join(f"{source} ({n} documents)" for source, n in sorted(documents.items())))
    vocabulary.write(args.out, header)
    print(f"{args.out}: {len(vocabulary.words)} words, {len(vocabulary.compound_forms)} compound pairs, "
          f"{args.out.stat().st_size} bytes")
    print(header)


if __name__ == "__main__":
    main()
