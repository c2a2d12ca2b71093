"""What one viewer may see of an index generation: its passages, and the vocabulary counted over them.

Restricted documents' passages stand in the index beside everyone else's. For a viewer who may not see
them, a search must answer as an index without them would: not only the matches (the `allowed` bitmap
the filters use) but every decision taken from the vocabulary — which words a prefix stands for, which
words are too common to search for, which words a misspelling or a Latin-script word is corrected to —
counts only the passages the viewer may see. A word found only in hidden passages is then not a word
of the archive at all.
"""
from __future__ import annotations

import math

import numpy as np
from whoosh.query import Query
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from index.whoosh_engine.postings import Generation


class Visibility:
    """The index's counts over the passages a viewer may see (`passages`: a bool each; None: all of them)."""

    def __init__(self, searcher: Searcher, generation: Generation, passages: np.ndarray | None = None) -> None:
        self.searcher = searcher
        self.generation = generation
        self.passages = passages

    @property
    def restricted(self) -> bool:
        return self.passages is not None

    def doc_count(self) -> int:
        """Passages (deleted ones aside)."""
        if self.passages is None:
            return self.searcher.reader().doc_count()
        return int(np.count_nonzero(self.passages & self.generation.live(self.searcher)))

    def doc_frequency(self, field: str, text: str) -> int:
        """Passages holding the term."""
        if self.passages is None:
            return self.searcher.reader().doc_frequency(field, text)
        return int(np.count_nonzero(self.passages[self._postings(field, text).docnums]))

    def frequency(self, field: str, text: str) -> float:
        """Times the term stands in the passages (its weights summed)."""
        if self.passages is None:
            return self.searcher.reader().frequency(field, text)
        postings = self._postings(field, text)
        return float(postings.weights[self.passages[postings.docnums]].sum())

    def holds(self, field: str, text: str) -> bool:
        """Whether some passage holds the term."""
        return self.doc_frequency(field, text) > 0

    def _postings(self, field: str, text: str):
        return self.generation.postings(self.searcher, field, text, math.inf)


def visible_passages(generation: Generation, searcher: Searcher, hidden: frozenset[str]) -> np.ndarray:
    """A bool per passage: False for those of the `hidden` documents and for deleted ones."""
    documents = generation.column(searcher, "document_id")
    shown = np.fromiter((value not in hidden for value in documents.values), dtype=bool, count=len(documents.values))
    return shown[documents.codes] & generation.live(searcher)


def existing_terms(query: Query, reader: IndexReader, view: Visibility | None = None) -> set[tuple[str, str]]:
    """(field, text) of the query's terms the index holds (prefixes expanded, the words of phrases); of a
    restricted view, those its passages hold.

    Whoosh's own Query.existing_terms stops looking at other fields after the first term it finds (its loop
    variable overwrites its `fieldname` argument): a prefix expanded in `exact` before `text` words hid the
    words, and what it found depended on words of passages the viewer may not see.
    """
    found = set()
    for leaf in query.leaves():
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field not in reader.schema:
                continue
            try:
                encoded = reader.schema[field].to_bytes(text)
            except ValueError:
                continue
            if (field, encoded) in reader:
                found.add((field, encoded.decode("utf-8") if isinstance(encoded, bytes) else encoded))
    if view is not None and view.restricted:
        found = {(field, text) for field, text in found if view.holds(field, text)}
    return found
