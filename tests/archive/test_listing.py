"""Browsing without a query: which documents a listing shows, in which order."""
from __future__ import annotations

from archive.catalog import Document
from archive.listing import documents_per_year, list_documents
from index.search import Filters


def document(id: str, title: str, year: int | None, date: str = "", collection: str = "", added: str = "") -> Document:
    return Document(id, id * 4, title, "", date, year, collection, "pdf", 1, 1, f"{id}.pdf",
                    added or f"2026-01-0{id}T00:00:00+00:00", True)


DOCUMENTS = [document("1", "Бұйрық", 1995, "1995-08-30", "laws"), document("2", "ақпарат", 2007, "2007-01-10", "laws"),
             document("3", "Газет", 2008, "2008-05-05", "news"), document("4", "Жазба", None, collection="news"),
             document("5", "Әліпби", 1995, "1995-01-02", "laws")]


def ids(listing) -> list[str]:
    return [document.id for document in listing.documents]


def test_sorted_by_title_in_the_kazakh_alphabet_date_or_when_added_undated_last_either_way():
    assert ids(list_documents(DOCUMENTS, Filters(), "title")) == ["2", "5", "1", "3", "4"]  # а ә б г ж
    assert ids(list_documents(DOCUMENTS, Filters(), "newest")) == ["3", "2", "1", "5", "4"]
    assert ids(list_documents(DOCUMENTS, Filters(), "oldest")) == ["5", "1", "2", "3", "4"]
    assert ids(list_documents(DOCUMENTS, Filters(), "added")) == ["5", "4", "3", "2", "1"]


def test_filters_and_paging():
    laws = list_documents(DOCUMENTS, Filters(collection="laws"), "oldest", limit=2, offset=1)
    assert laws.total == 3 and ids(laws) == ["1", "2"]
    assert ids(list_documents(DOCUMENTS, Filters(year_from=2000), "oldest")) == ["2", "3"]
    assert ids(list_documents(DOCUMENTS, Filters(year_to=1999), "oldest")) == ["5", "1"]  # undated fall outside
    russian = list_documents(DOCUMENTS, Filters(language="ru"), languages={"3": {"kk", "ru"}, "1": {"kk"}})
    assert ids(russian) == ["3"]


def test_documents_per_year_for_the_timeline():
    assert documents_per_year(DOCUMENTS) == {1995: 2, 2007: 1, 2008: 1}
