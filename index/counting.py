"""The page of hits, the total and the facet counts of a query's matches, from the column arrays.

Shared by every engine: `generation` is an engine's per-passage arrays (index.matches.Columns), `searcher`
the view of the index they belong to, handed back to it as is.

Passages whose text is the same (boilerplate repeated across documents) are shown once,
the best-scored, and counted once.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from index.matches import Columns, Matches, undated
from index.schema import NO_YEAR

FACETS = ("collection", "year", "language", "document_id")
COLLAPSE_COLUMN = "fingerprint"
# A text standing in thousands of documents (boilerplate) names the first so many of them.
COPIES_NAMED = 10


def top(searcher: object, generation: Columns, matches: Matches, limit: int,
        sort: str = "relevance", per_document: int = 0) -> list[tuple[int, float]]:
    """(passage number, score) of the best `limit` matches, one per text (and at most `per_document` of each
    document, when given); by score, or by year then score."""
    if not len(matches) or limit <= 0:
        return []
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes
    documents = generation.column(searcher, "document_id").codes if per_document else None
    if sort == "relevance":
        places = generation.places(searcher)[matches.docnums]  # ties: by document id, page, passage
        candidates = min(len(matches), 2 * limit + 16)
        while True:
            order = _best_first(matches, places, candidates)
            chosen = _one_per_text(matches, order, fingerprints, limit, documents, per_document)
            if len(chosen) == limit or len(order) == len(matches):
                return chosen
            candidates = min(len(matches), candidates * 4)
    return _one_per_text(matches, listing_order(searcher, generation, matches, sort), fingerprints, limit, documents,
                         per_document)


def listing_order(searcher: object, generation: Columns, matches: Matches, sort: str) -> np.ndarray:
    """Indexes of all the matches in the order a listing shows them: by score, or by year (undated last) then
    score; ties by document id, page, passage."""
    places = generation.places(searcher)[matches.docnums]
    if sort == "relevance":
        return np.lexsort((places, -matches.scores))
    year = generation.years(searcher)[matches.docnums]
    return np.lexsort((places, -matches.scores, year if sort == "oldest" else -year, year == NO_YEAR))


def _best_first(matches: Matches, places: np.ndarray, candidates: int) -> np.ndarray:
    """Indexes of at least the `candidates` best scores (all those tied with the last), best first, ties by place."""
    scores = matches.scores
    if candidates < len(scores):
        threshold = np.partition(scores, len(scores) - candidates)[len(scores) - candidates]
        chosen = np.flatnonzero(scores >= threshold)
    else:
        chosen = np.arange(len(scores))
    return chosen[np.lexsort((places[chosen], -scores[chosen]))]


def _one_per_text(matches: Matches, order: np.ndarray, fingerprints: np.ndarray, limit: int,
                  documents: np.ndarray | None = None, per_document: int = 0) -> list[tuple[int, float]]:
    chosen: list[tuple[int, float]] = []
    seen: set[int] = set()
    listed: Counter = Counter()  # passages taken from each document
    for index in order:
        docnum = int(matches.docnums[index])
        text = int(fingerprints[docnum])
        if text in seen:
            continue
        seen.add(text)
        if documents is not None:
            if listed[documents[docnum]] == per_document:
                continue
            listed[documents[docnum]] += 1
        chosen.append((docnum, float(matches.scores[index])))
        if len(chosen) == limit:
            break
    return chosen


def count(searcher: object, generation: Columns, docnums: np.ndarray) -> tuple[int, dict[str, dict]]:
    """(texts, {facet: {value: texts}}): the distinct texts among the matched passages, and for each facet value
    the distinct texts among the matches with that value.

    A facet value's count is what the listing narrowed to it shows: a text standing in two documents
    (copies of one file) is listed once, but under either document's filter, so it counts for both.
    """
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes[docnums]
    _, inverse, repeats = np.unique(fingerprints, return_inverse=True, return_counts=True)
    copied = repeats[inverse] > 1
    alone, copies, copy_texts = docnums[~copied], docnums[copied], fingerprints[copied].astype(np.int64)
    texts = int(copy_texts.max(initial=0)) + 1
    facets = {}
    for name in FACETS:
        column = generation.column(searcher, name)
        counts = np.bincount(column.codes[alone], minlength=len(column.values))
        if len(copies):  # each (value, text) pair once
            pairs = np.unique(column.codes[copies].astype(np.int64) * texts + copy_texts)
            counts += np.bincount(pairs // texts, minlength=len(column.values))
        facets[name] = {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)
                        if shown_value(name, column.values[code])}
    return len(repeats), facets


def copies(searcher: object, generation: Columns, docnums: np.ndarray,
           shown: list[int]) -> dict[int, tuple[int, list[tuple[str, int]]]]:
    """For each shown passage, how many other documents' matched passages have its text, and the first
    COPIES_NAMED of them (in index order): (document id, page)."""
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes
    documents, page_numbers = generation.column(searcher, "document_id"), generation.column(searcher, "page")
    matched = fingerprints[docnums]
    found = {}
    for docnum in shown:
        same = docnums[matched == fingerprints[docnum]]
        same = same[documents.codes[same] != documents.codes[docnum]]
        _, first = np.unique(documents.codes[same], return_index=True)  # each other document's first passage
        named = [int(same[index]) for index in np.sort(first)[:COPIES_NAMED]]
        found[docnum] = (len(first), [(documents.values[documents.codes[other]],
                                       page_numbers.values[page_numbers.codes[other]]) for other in named])
    return found


def charged_documents(searcher: object, generation: Columns, matches: Matches, sort: str,
                      texts: dict[str, int]) -> dict[str, int]:
    """{document: the texts a listing of at most so many passages a document charges to it}: the document facet
    (`texts`, which counts a text standing in several documents under each of them) with each such text under the
    document of its first passage in the listing's order only (as `top` lists it: the others are passed over).
    `matches`: matched passages, among them every copy of a text, with the scores the listing orders them by."""
    fingerprints = generation.column(searcher, COLLAPSE_COLUMN).codes[matches.docnums].astype(np.int64)
    _, inverse, repeats = np.unique(fingerprints, return_inverse=True, return_counts=True)
    copied = repeats[inverse] > 1
    if not copied.any():
        return texts
    documents = generation.column(searcher, "document_id")
    copy_documents, copy_texts = documents.codes[matches.docnums[copied]].astype(np.int64), fingerprints[copied]
    order = listing_order(searcher, generation, matches.where(copied), sort)
    first = order[np.unique(copy_texts[order], return_index=True)[1]]  # each text's first passage listed
    width = int(copy_texts.max()) + 1
    held = np.unique(copy_documents * width + copy_texts) // width  # each (document, text) once
    charged = dict(texts)
    for codes, change in ((held, -1), (copy_documents[first], 1)):
        for code, count in zip(*np.unique(codes, return_counts=True)):
            value = documents.values[code]
            charged[value] = charged.get(value, 0) + change * int(count)
    return {value: count for value, count in charged.items() if count}


def listed_texts(charged: dict[str, int], per_document: int) -> int:
    """How many passages a listing of at most `per_document` a document holds (`charged`: charged_documents)."""
    return sum(min(per_document, count) for count in charged.values())


def more_in_documents(searcher: object, generation: Columns, ranked: list[tuple[int, float]], offset: int,
                      per_document: int, texts: dict[str, int]) -> dict[int, int]:
    """{passage: more passages of its document} for the listed passages that are their document's last (`texts`:
    charged_documents, how many texts each document's listing shows)."""
    if not per_document:
        return {}
    documents = generation.column(searcher, "document_id")
    listed: Counter = Counter()
    more = {}
    for position, (docnum, _) in enumerate(ranked):
        document_id = documents.values[documents.codes[docnum]]
        listed[document_id] += 1
        if position >= offset and listed[document_id] == per_document and texts.get(document_id, 0) > per_document:
            more[docnum] = texts[document_id] - per_document
    return more


def live_counts(searcher: object, generation: Columns, name: str) -> dict:
    """How many of the index's passages (deleted ones aside) have each value of a column: for `status`."""
    column = generation.column(searcher, name)
    counts = np.bincount(column.codes[generation.live(searcher)], minlength=len(column.values))
    return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}


def languages_by_document(searcher: object, generation: Columns) -> dict[str, set[str]]:
    """The languages each document's passages (deleted ones aside) are in: for listing documents by language."""
    live = generation.live(searcher)
    documents, languages = generation.column(searcher, "document_id"), generation.column(searcher, "language")
    width = len(languages.values)
    found: dict[str, set[str]] = {}
    for pair in np.unique(documents.codes[live].astype(np.int64) * width + languages.codes[live]):
        found.setdefault(documents.values[pair // width], set()).add(languages.values[pair % width])
    return found


def pages(searcher: object, generation: Columns, docnums: np.ndarray) -> dict[int, int]:
    """How many of the matched passages are on each page."""
    column = generation.column(searcher, "page")
    counts = np.bincount(column.codes[docnums], minlength=len(column.values))
    return {column.values[code]: int(counts[code]) for code in np.flatnonzero(counts)}


def shown_value(name: str, value) -> bool:
    """Whether a facet lists the value: not an empty one, nor the year of undated passages."""
    return value not in (None, "") and not (name == "year" and undated(value))

