"""What the engines' backends share beyond the seam: a write in one commit, the analysis-version check read
again only after a reindex, and a hit made from a passage's stored fields with its snippet."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.query import Phrase, Query, Term

from index.analysis import RUSSIAN_STOP_WORDS, STOP_WORDS, term_spans
from index.approximate import NearForms
from index.schema import NO_YEAR, OCR, IndexedPassage
from index.seam import Hit, PassageWriter
from index.snippets import fragments, match_spans, snippet


def write_committed(writer: PassageWriter, passages: Iterable[IndexedPassage],
                    replace_documents: Iterable[str] = ()) -> int:
    """Add passages through `writer` in one commit, first deleting every passage of `replace_documents`; on any
    failure nothing is committed."""
    try:
        count = writer.add(passages, replace_documents)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return count


class VersionCheck:
    """Whether an index needs a rebuild, read again only when its version file changed (a reindex by another
    process), not per query."""

    def __init__(self, marker: Path, outdated: Callable[[], bool]) -> None:
        self._marker, self._outdated = marker, outdated
        self._seen: tuple[int, bool] | None = None

    def __call__(self) -> bool:
        stamp = self._marker.stat().st_mtime_ns if self._marker.exists() else 0
        if self._seen is None or self._seen[0] != stamp:
            self._seen = (stamp, self._outdated())
        return self._seen[1]


def marked_spans(text: str, terms: dict) -> list[tuple[int, int]]:
    """Where the text holds the query's terms (`terms` by field, as `marked_terms` gives them): stemmed words, then
    exact forms, then the words of its phrases where they stand as the phrase (a phrase's word standing alone elsewhere
    is not what was asked for)."""
    spans = [span for field, exact in (("text", False), ("exact", True)) if terms[field]
             for span in match_spans(term_spans(text, exact, among=terms[field]), terms[field])]
    for field, phrases in terms.get("phrases", {}).items():
        words = _words(term_spans(text, field == "exact"), skip_stop_words=field != "exact")
        for phrase in phrases:
            spans += [span for start in range(len(words) - len(phrase) + 1)
                      if all(term in words[start + offset][0] for offset, term in enumerate(phrase))
                      for offset in range(len(phrase)) for span in [words[start + offset][1]]]
    return spans


def marked_terms(query: Query, held: Iterable[tuple[str, str]]) -> dict:
    """The terms a snippet marks, by field (`held`: the query's (field, term) pairs the index holds, prefixes
    expanded): `text` (stems, any field but exact), `exact`, and `phrases` ({field: [its words' terms]}: a word only a
    phrase holds is marked where the phrase stands, not alone)."""
    marks: dict = {"text": set(), "exact": set(), "phrases": {"text": set(), "exact": set()}}
    for field, term in held:
        marks["exact" if field == "exact" else "text"].add(term)
    alone = {("exact" if leaf.fieldname == "exact" else "text", leaf.text) for leaf in query.leaves()
             if isinstance(leaf, Term)}
    for leaf in query.leaves():
        if isinstance(leaf, Phrase):
            field = "exact" if leaf.fieldname == "exact" else "text"
            if all(word in marks[field] for word in leaf.words):
                marks["phrases"][field].add(tuple(leaf.words))
    for field, phrases in marks["phrases"].items():
        marks[field] -= {word for phrase in phrases for word in phrase if (field, word) not in alone}
    return marks


def _words(tokens: list[tuple[str, int, int]], skip_stop_words: bool) -> list[tuple[set[str], tuple[int, int]]]:
    """A text's words in order, each with its terms (a compound's parts and whole are one word) and its span; without
    the stop words, which a phrase of stems leaves out too (`құқықтары мен бостандықтарын`: құқық бостандық)."""
    words: list[tuple[set[str], tuple[int, int]]] = []
    for term, start, end in tokens:
        if skip_stop_words and (term in STOP_WORDS or term in RUSSIAN_STOP_WORDS):
            continue
        if words and start < words[-1][1][1]:  # inside the last word: a part of a compound
            words[-1][0].add(term)
        else:
            words.append(({term}, (start, end)))
    return words


def stored_hit(fields: dict, score: float, terms: dict[str, set[str]], elsewhere: tuple[int, list[tuple[str, int]]],
               more_in_document: int, near: NearForms = NearForms(), number: int = -1) -> Hit:
    """A ranked passage from its stored fields, its snippet and title marking the query's `terms` (and in recognised
    text the `near` forms searched); `elsewhere` is (how many other documents hold its text, the first of them).
    The passage is `approximate` when its `number` is among those the near forms alone found."""
    text = fields.get("text", "")
    if near.words and fields.get("source") == OCR:
        terms = {**terms, "exact": terms["exact"] | near.words}
    year = fields.get("year")
    title = fields.get("title", "")
    return Hit(
        passage_id=fields["passage_id"],
        document_id=fields["document_id"],
        title=title,
        page=fields["page"],
        text=text,
        score=float(score),
        snippet=snippet(text, marked_spans(text, terms)),
        collection=fields.get("collection", ""),
        year=None if year is None or year == NO_YEAR else year,
        language=fields.get("language", ""),
        copy_count=elsewhere[0],
        copies=tuple(elsewhere[1]),
        more_in_document=more_in_document,
        approximate=number in near.approximate,
        title_marks=fragments(title, marked_spans(title, terms)),
    )
