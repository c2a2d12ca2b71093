"""The catalog's browsing queries, on a real catalog file."""
from __future__ import annotations

import pytest

from archive.catalog import Catalog, Document


def document(id: str, title: str, year: int | None, date: str = "", collection: str = "") -> Document:
    return Document(id, id * 4, title, "", date, year, collection, "pdf", 1, 1, f"{id}.pdf",
                    f"2026-01-0{id}T00:00:00+00:00", True)


@pytest.fixture
def catalog(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite")
    for item in [document("1", "Бұйрық", 1995, "1995-08-30", "laws"), document("2", "ақпарат", 2007, "2007-01-10", "laws"),
                 document("3", "Газет", 2008, "2008-05-05", "news"), document("4", "Жазба", None, collection="news"),
                 document("5", "Әліпби", 1995, "1995-01-02", "laws")]:
        catalog.add_document(item, f"/scans/{item.id}.pdf", [], [])
    yield catalog
    catalog.close()


def ids(listing) -> list[str]:
    return [document.id for document in listing.documents]


def test_sorted_by_title_in_the_kazakh_alphabet_date_or_when_added_undated_last_either_way(catalog):
    assert ids(catalog.list_documents(sort="title")) == ["2", "5", "1", "3", "4"]  # а ә б г ж
    assert ids(catalog.list_documents(sort="newest")) == ["3", "2", "1", "5", "4"]
    assert ids(catalog.list_documents(sort="oldest")) == ["5", "1", "2", "3", "4"]
    assert ids(catalog.list_documents(sort="added")) == ["5", "4", "3", "2", "1"]


def test_filters_and_paging(catalog):
    laws = catalog.list_documents(collection="laws", sort="oldest", limit=2, offset=1)
    assert laws.total == 3 and ids(laws) == ["1", "2"]
    assert ids(catalog.list_documents(year_from=2000, sort="oldest")) == ["2", "3"]
    assert ids(catalog.list_documents(year_to=1999, sort="oldest")) == ["5", "1"]  # undated fall outside
    assert ids(catalog.list_documents(ids={"3", "4", "nope"})) == ["3", "4"]
    assert catalog.list_documents(ids=set()).total == 0


def test_documents_per_year_for_the_timeline(catalog):
    assert catalog.documents_per_year() == {1995: 2, 2007: 1, 2008: 1}
