"""The fixed evaluation collection: the sample PDF plus a deterministic slice of the corpus, as passages.

The judgments in queries.json name a document key and a piece of its text, never a passage id,
so the collection can be re-split into passages without invalidating them.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from index.schema import IndexedPassage
from ingest.document import extract_document
from ingest.passages import split_page

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PDF = ROOT / "samples" / "rogov_strasbourg_2012.pdf"
SAMPLE_KEY = "sample:rogov_strasbourg_2012"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "kk_corpus.txt"

# Sources left out: two overlap the stemmer's gold treebank, KazQAD is kept for independent measurement.
EXCLUDED_SOURCES = re.compile(r"^(ud_kazakh_ktb|apertium_kaz_texts|kazqad_.*)$")
# Longer documents are sentence-shuffled government corpora: unjudgeable as documents.
MAX_DOCUMENT_CHARS = 40_000
CORPUS_DOCUMENTS = 250
# Always included: the one statutory text, for the rights and freedoms queries.
ALWAYS_INCLUDED_SOURCES = frozenset({"udhr_kaz"})
PAGE_CHARS = 3000
TITLE_CHARS = 120


@dataclass(frozen=True)
class Document:
    """One document of the collection, already paged."""

    key: str
    title: str
    source: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class LocatedPassage:
    """A passage and where it lies, so that a judged piece of text can be matched against it."""

    passage: IndexedPassage
    start: int
    end: int


def corpus_key(doc_no: int) -> str:
    return f"corpus:{doc_no}"


def read_corpus(corpus: Path) -> dict[int, list[str]]:
    """Paragraphs of every corpus document, by doc_no (1-based, in file order)."""
    blocks = corpus.read_text(encoding="utf-8").split("\n\n")
    return {number: block.strip("\n").split("\n") for number, block in enumerate(blocks, start=1) if block.strip()}


def read_manifest(corpus: Path) -> list[dict[str, str]]:
    manifest = corpus.with_name(corpus.stem + "_manifest.tsv")
    with manifest.open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE))


def selected_doc_numbers(manifest: list[dict[str, str]]) -> list[tuple[int, str]]:
    """(doc_no, source) of the first CORPUS_DOCUMENTS eligible documents, plus the always-included ones."""
    eligible = [row for row in manifest
                if not EXCLUDED_SOURCES.match(row["source"]) and int(row["chars"]) <= MAX_DOCUMENT_CHARS]
    chosen = eligible[:CORPUS_DOCUMENTS]
    chosen += [row for row in eligible[CORPUS_DOCUMENTS:] if row["source"] in ALWAYS_INCLUDED_SOURCES]
    return [(int(row["doc_no"]), row["source"]) for row in chosen]


def paginate(paragraphs: list[str], page_chars: int = PAGE_CHARS) -> tuple[str, ...]:
    """Group paragraphs into pages of about `page_chars`, breaking only between paragraphs."""
    pages: list[str] = []
    current: list[str] = []
    for paragraph in paragraphs:
        if current and sum(len(p) + 2 for p in current) + len(paragraph) > page_chars:
            pages.append("\n\n".join(current))
            current = []
        current.append(paragraph)
    if current:
        pages.append("\n\n".join(current))
    return tuple(pages)


def title_of(paragraphs: list[str]) -> str:
    """The first paragraph (a headline in news items), cut at a word boundary when long."""
    first = paragraphs[0]
    if len(first) <= TITLE_CHARS:
        return first
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def corpus_documents(corpus: Path) -> list[Document]:
    texts = read_corpus(corpus)
    return [Document(corpus_key(number), title_of(texts[number]), source, paginate(texts[number]))
            for number, source in selected_doc_numbers(read_manifest(corpus))]


def sample_document() -> Document:
    """The founding sample PDF, through the project's own extraction and cleaning."""
    extracted = extract_document(SAMPLE_PDF)
    pages = tuple(page.text for page in extracted.pages)
    return Document(SAMPLE_KEY, extracted.info.get("Title", SAMPLE_PDF.stem), "sample", pages)


def build_collection(corpus: Path = DEFAULT_CORPUS) -> list[Document]:
    """The whole evaluation collection, in a fixed order."""
    return [sample_document(), *corpus_documents(corpus)]


def located_passages(document: Document) -> list[LocatedPassage]:
    """The document's pages split with the project's passage splitter."""
    located: list[LocatedPassage] = []
    for number, text in enumerate(document.pages, start=1):
        for passage in split_page(number, text, first_seq=len(located)):
            indexed = IndexedPassage(
                passage_id=f"{document.key}-{passage.seq}", document_id=document.key, title=document.title,
                page=number, text=passage.text, collection=document.source,
            )
            located.append(LocatedPassage(indexed, passage.start, passage.end))
    return located
