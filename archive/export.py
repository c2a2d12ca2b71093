"""Search results as a CSV file a spreadsheet opens: one row a passage, with where to find it."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping

from archive.catalog import Document
from index.seam import Hit

CSV_COLUMNS = ("title", "author", "date", "collection", "language", "page", "passage", "link")
# A cell starting so is a formula to a spreadsheet (=HYPERLINK…): such text is kept as text with a leading '.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def results_csv(hits: Iterable[Hit], documents: Mapping[str, Document], link: Callable[[Hit], str]) -> str:
    """The hits as CSV (a header row, then title, author, date, collection, language, page, passage, link), with a
    BOM so that spreadsheets read the Kazakh letters as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        document = documents.get(hit.document_id)
        date = (document.date if document else "") or (str(hit.year) if hit.year is not None else "")
        row = [hit.title, document.author if document else "", date, hit.collection, hit.language, hit.page, hit.text,
               link(hit)]
        writer.writerow([_as_text(value) for value in row])
    return "\ufeff" + out.getvalue()


def _as_text(value: object) -> object:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value
