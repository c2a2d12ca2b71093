"""Queries with relevance judgments, and matching judged text against retrieved passages.

A judgment is (document key, a distinctive piece of the relevant text). A retrieved passage is
relevant to it when the passage lies in that document and overlaps an occurrence of the piece,
so the judgments survive any change to how pages are split into passages. An empty piece
stands for the whole document (title searches, where any passage of the document will do).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from collection import Document, LocatedPassage

QUERIES_FILE = Path(__file__).resolve().parent / "queries.json"


@dataclass(frozen=True)
class Judgment:
    """One relevant piece of text: the document it is in and a distinctive substring of it."""

    document: str
    text: str


@dataclass(frozen=True)
class EvalQuery:
    """A query as a researcher would type it, its kind, and what they would want back."""

    query_id: str
    kind: str
    text: str
    relevant: tuple[Judgment, ...]


@dataclass(frozen=True)
class Occurrence:
    """Where a judged piece of text lies: page and character span in the page text."""

    judgment: int
    document: str
    page: int
    start: int
    end: int


def load_queries(path: Path = QUERIES_FILE) -> list[EvalQuery]:
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [EvalQuery(entry["id"], entry["kind"], entry["query"],
                      tuple(Judgment(doc, text) for doc, text in entry["relevant"]))
            for entry in entries]


def _pattern(text: str) -> re.Pattern[str]:
    """The judged text with any run of whitespace matching any other (PDF line breaks vary)."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _spans(judgment: Judgment, page_text: str) -> list[tuple[int, int]]:
    """Where the judged piece lies in one page; the whole page when the piece is empty."""
    if not judgment.text:
        return [(0, len(page_text))] if page_text else []
    return [match.span() for match in _pattern(judgment.text).finditer(page_text)]


def locate(query: EvalQuery, documents: dict[str, Document]) -> list[Occurrence]:
    """Every occurrence of every judged piece; a piece found nowhere is an error in the set."""
    occurrences: list[Occurrence] = []
    for number, judgment in enumerate(query.relevant):
        found = [Occurrence(number, judgment.document, page, start, end)
                 for page, text in enumerate(documents[judgment.document].pages, start=1)
                 for start, end in _spans(judgment, text)]
        if not found:
            raise ValueError(f"{query.query_id}: «{judgment.text}» is not in {judgment.document}")
        occurrences.extend(found)
    return occurrences


def judgments_met(passage: LocatedPassage, occurrences: list[Occurrence]) -> set[int]:
    """The judgments a retrieved passage satisfies (same document, overlapping span)."""
    indexed = passage.passage
    return {occurrence.judgment for occurrence in occurrences
            if occurrence.document == indexed.document_id and occurrence.page == indexed.page
            and occurrence.start < passage.end and passage.start < occurrence.end}
