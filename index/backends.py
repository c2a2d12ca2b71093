"""What the engines' backends share beyond the seam: a write in one commit, the analysis-version check read
again only after a reindex, and a hit made from a passage's stored fields with its snippet."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from index.analysis import term_spans
from index.approximate import NearForms
from index.schema import NO_YEAR, OCR, IndexedPassage
from index.seam import Hit, PassageWriter
from index.snippets import match_spans, snippet


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


def marked_spans(text: str, terms: dict[str, set[str]]) -> list[tuple[int, int]]:
    """Where the text holds the query's terms (`terms` by field): stemmed words, then exact forms."""
    return [span for field, exact in (("text", False), ("exact", True)) if terms[field]
            for span in match_spans(term_spans(text, exact, among=terms[field]), terms[field])]


def stored_hit(fields: dict, score: float, terms: dict[str, set[str]], elsewhere: tuple[int, list[tuple[str, int]]],
               more_in_document: int, near: NearForms = NearForms(), number: int = -1) -> Hit:
    """A ranked passage from its stored fields, its snippet marking the query's `terms` (and in recognised text the
    `near` forms searched); `elsewhere` is (how many other documents hold its text, the first of them). The passage
    is `approximate` when its `number` is among those the near forms alone found."""
    text = fields.get("text", "")
    if near.words and fields.get("source") == OCR:
        terms = {**terms, "exact": terms["exact"] | near.words}
    year = fields.get("year")
    return Hit(
        passage_id=fields["passage_id"],
        document_id=fields["document_id"],
        title=fields.get("title", ""),
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
    )
