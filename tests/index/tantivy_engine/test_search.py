"""What the tantivy engine reads to answer: a page of hits from tantivy's best few, facets from its aggregations.
However few passages it reads at a time, and in however small ranges it aggregates, the answers are the same."""
from __future__ import annotations

import pytest

from index.schema import IndexedPassage
from index.seam import SORTS
from index.tantivy_engine import aggregates, approximate, columns, ranking, search
from index.tantivy_engine.backend import TantivyBackend

COPIED = "Барлық құқықтар қорғалған: мемлекет туралы мәтінді көшіруге тыйым салынады."
QUERIES = ("мемлекет", "мемлекет заң", "құқықтар", '"мемлекет туралы"')


def document(name: str, year: int | None, count: int) -> list[IndexedPassage]:
    """A document of `count` passages on the state and its laws, the last one the copied notice."""
    texts = [f"Мемлекеттің {number}-бабы: заң {name} құжатында {number * 3} рет аталады." for number in range(count)]
    return [IndexedPassage(f"{name}-{number}", name, f"Құжат {name}", number + 1, text, "laws", year)
            for number, text in enumerate(texts + [COPIED])]


@pytest.fixture(scope="module")
def backend(tmp_path_factory) -> TantivyBackend:
    backend = TantivyBackend(tmp_path_factory.mktemp("tantivy-reading"))
    for name, year, count in (("a", 1995, 6), ("b", 2001, 2), ("c", None, 4), ("d", 2001, 1), ("e", 2010, 3)):
        backend.write(document(name, year, count))
    return backend


def every_page(backend: TantivyBackend, query: str, sort: str, per_document: int) -> tuple:
    """The passages of every page of one hit, the total, the facets and the copies."""
    first = backend.search(query, limit=1, sort=sort, per_document=per_document)
    pages = [backend.search(query, limit=1, offset=offset, sort=sort, per_document=per_document)
             for offset in range(first.listed + 1)]
    hits = [hit for page in pages for hit in page.hits]
    assert len(hits) == first.listed  # the pages a listing offers hold what it says
    return ([(hit.passage_id, hit.copy_count, hit.more_in_document) for hit in hits], first.total, first.facets,
            first.listed)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("per_document", [0, 1])
def test_reading_a_few_passages_at_a_time_lists_the_same_pages(backend, monkeypatch, query, sort, per_document):
    for module in (search, ranking, approximate):  # one passage rescored by the model, the rest in tantivy's order
        monkeypatch.setattr(module, "RESCORE_DEPTH", 1)
    monkeypatch.setattr(search, "READ_MARGIN", 1000)
    whole = every_page(backend, query, sort, per_document)  # every match read at once
    monkeypatch.setattr(search, "READ_MARGIN", 0)
    assert every_page(backend, query, sort, per_document) == whole  # two passages read for one, four times more...
    listed, total, facets, _ = whole
    assert len({passage for passage, _, _ in listed}) == len(listed) > 0
    if per_document:
        assert len({passage.split("-")[0] for passage, _, _ in listed}) == len(listed)
    if sort != "relevance":  # by year, the undated document last
        order = {"oldest": {"a": 0, "b": 1, "d": 1, "e": 2, "c": 3}, "newest": {"e": 0, "b": 1, "d": 1, "a": 2, "c": 3}}
        years = [order[sort][passage[0]] for passage, _, _ in listed]
        assert years == sorted(years)


def test_the_copied_notice_is_one_text_counted_under_each_document(backend):
    results = backend.search("көшіруге тыйым")
    assert results.total == 1 and results.hits[0].copy_count == 4
    assert results.facets["document_id"] == {name: 1 for name in "abcde"}
    assert results.facets["year"] == {1995: 1, 2001: 1, 2010: 1}  # two documents of 2001 hold one text


@pytest.mark.parametrize("query", QUERIES + ("көшіруге тыйым",))
def test_matches_counted_by_aggregations_are_counted_as_when_read(backend, monkeypatch, query):
    read = backend.search(query, limit=100, per_document=1)
    monkeypatch.setattr(aggregates, "READ_ALL_MATCHES", 0)
    reopened = TantivyBackend(backend.directory, read_only=True)
    aggregated = reopened.search(query, limit=100, per_document=1)
    assert (aggregated.total, aggregated.facets, aggregated.listed) == (read.total, read.facets, read.listed)
    assert [(hit.passage_id, hit.copy_count, hit.copies, hit.more_in_document) for hit in aggregated.hits] == \
        [(hit.passage_id, hit.copy_count, hit.copies, hit.more_in_document) for hit in read.hits]


def test_facets_aggregated_in_ranges_of_a_few_values_are_the_same(backend, monkeypatch):
    monkeypatch.setattr(aggregates, "READ_ALL_MATCHES", 0)
    whole = {query: backend.search(query).facets for query in QUERIES}
    monkeypatch.setattr(columns, "MAX_BUCKETS", 2)
    reopened = TantivyBackend(backend.directory, read_only=True)
    assert {query: reopened.search(query).facets for query in QUERIES} == whole
    assert len(reopened.view().arrays.value_ranges("document_id_code")) == 3  # five documents, two a range
