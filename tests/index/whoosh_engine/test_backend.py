"""The backend seam: the whoosh backend does everything the archive asks through the protocol."""
from __future__ import annotations

import inspect

import pytest

from index.whoosh_engine.backend import WhooshBackend
from index.seam import PassageWriter, SearchBackend
from index.schema import IndexedPassage
from index.whoosh_engine.writer import VERSION_FILE, create_index, write_parts, write_passages


def passage(number: int, document: str = "doc", text: str = "Мемлекеттің құқықтары туралы.") -> IndexedPassage:
    return IndexedPassage(f"{document}-{number}", document, "Құжат", number, text, "laws", 2001)


def test_whoosh_backend_implements_every_method_of_the_protocol():
    wanted = {name for name, _ in inspect.getmembers(SearchBackend, inspect.isfunction) if not name.startswith("_")}
    for name in wanted:
        assert inspect.signature(getattr(WhooshBackend, name)).parameters.keys() == \
            inspect.signature(getattr(SearchBackend, name)).parameters.keys(), name


def test_whoosh_writer_implements_the_writer_protocol(tmp_path):
    writer = WhooshBackend(tmp_path).writer()
    for name, method in inspect.getmembers(PassageWriter, inspect.isfunction):
        if not name.startswith("_"):
            assert inspect.signature(getattr(writer, name)).parameters.keys() == \
                inspect.signature(method).parameters.keys() - {"self"}, name
    assert writer.uncommitted == 0


def test_write_search_replace_delete_rebuild(tmp_path):
    backend = WhooshBackend(tmp_path)
    assert backend.write([passage(1), passage(2, text="Басқа мәтін.")]) == 2
    assert [hit.passage_id for hit in backend.search("құқық").hits] == ["doc-1"]
    backend.write([passage(1, text="Жаңа мәтін, құқық жоқ.")], replace_documents=["doc"])
    assert backend.passage_count() == 1 and backend.document_ids() == {"doc"}
    backend.delete(["doc"])
    assert backend.passage_count() == 0 and backend.document_ids() == set()
    backend.write([passage(1)])
    backend.rebuild()
    assert backend.passage_count() == 0 and backend.size_on_disk() > 0


def test_an_index_built_by_older_rules_asks_for_a_rebuild(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.write([passage(1)])
    assert not backend.needs_rebuild()
    (tmp_path / VERSION_FILE).write_text("0.old\n")
    assert backend.needs_rebuild()
    backend.rebuild()
    assert not backend.needs_rebuild()


def test_a_pinned_view_does_not_see_later_commits_until_released(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.write([passage(1)])
    backend.pin()
    backend.write([passage(2, document="other", text="Азаматтың құқығы қорғалады.")])
    assert backend.search("құқық").total == 1
    backend.release()
    assert backend.search("құқық").total == 2


def test_commits_merge_small_segments_by_tier_and_optimize_merges_all(tmp_path, monkeypatch):
    import index.whoosh_engine.writer

    monkeypatch.setattr(index.whoosh_engine.writer, "MERGE_FACTOR", 3)
    backend = WhooshBackend(tmp_path)
    for number in range(5):
        backend.write([passage(number, document=f"d{number}", text=f"Құқық туралы {number}-мәтін.")])
    assert backend.segment_count() < 5  # the first three one-passage segments were merged
    assert backend.passage_count() == 5
    backend.optimize()
    assert backend.segment_count() == 1 and backend.passage_count() == 5
    assert backend.search("құқық").total == 5


def test_large_segments_are_left_alone_by_upload_commits(tmp_path, monkeypatch):
    import index.whoosh_engine.writer

    monkeypatch.setattr(index.whoosh_engine.writer, "MERGE_FACTOR", 2)
    monkeypatch.setattr(index.whoosh_engine.writer, "MAX_MERGED_PASSAGES", 3)
    backend = WhooshBackend(tmp_path)
    backend.write([passage(n, document="big", text=f"Үлкен бөлім {n}.") for n in range(3)])
    backend.write([passage(n, document="big-2", text=f"Тағы бір үлкен бөлім {n}.") for n in range(3)])
    backend.write([passage(9, document="small")])
    assert backend.segment_count() == 3


def test_counts_and_year_filters_span_segments_written_with_and_without_years(tmp_path):
    backend = WhooshBackend(tmp_path)
    backend.write([IndexedPassage("p", "doc", "Хаттама", 1, "Хаттама мәтіні.")])  # undated, no collection
    assert backend.search("хаттама").total == 1
    backend.write([IndexedPassage("p", "doc", "Хаттама", 1, "Хаттама мәтіні.", "minutes", 1937)],
                  replace_documents=["doc"])
    found = backend.search("хаттама collection:minutes year:1937")
    assert found.total == 1 and found.facets["year"] == {1937: 1} and found.facets["collection"] == {"minutes": 1}


def index_contents(ix) -> tuple:
    """Everything searches read: each term's statistics and postings, stored fields, lengths, columns."""
    with ix.reader() as reader:
        postings = {}
        for fieldname, btext in reader.all_terms():
            info = reader.term_info(fieldname, btext)
            matcher = reader.postings(fieldname, btext)
            found = []
            while matcher.is_active():
                found.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[fieldname, btext] = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
                                          info.max_weight(), found)
        scored = ("text", "exact", "title", "author")
        lengths = {name: [reader.doc_field_length(n, name) for n in range(reader.doc_count_all())] for name in scored}
        columns = {name: list(reader.column_reader(name)) for name in ("document_id", "page", "collection", "year",
                                                                       "fingerprint")}
        return (postings, list(reader.iter_docs()), lengths, columns, [reader.field_length(name) for name in scored],
                reader.doc_count_all(), reader.doc_count())


def varied_passages(document: str, count: int) -> list[IndexedPassage]:
    words = "БҰҰ-ның іс-қимыл 91-бабы мемлекеттің құқықтары және азаматтың міндеті туралы заң".split()
    return [IndexedPassage(f"{document}-{n}", document, f"Құжат {document}", n,
                           " ".join(words[(n + k) % len(words)] for k in range(3 + n % 7)),
                           "laws" if n % 2 else "", None if n % 3 else 1990 + n, "Автор" if n % 4 else "")
            for n in range(count)]


def build_with_commits(directory, monkeypatch) -> object:
    """Several commits, a replaced document and merges (MERGE_FACTOR 3): every path of the writer."""
    import index.whoosh_engine.writer

    monkeypatch.setattr(index.whoosh_engine.writer, "MERGE_FACTOR", 3)
    ix = index.whoosh_engine.writer.create_index(directory)
    for number in range(5):
        index.whoosh_engine.writer.write_passages(ix, varied_passages(f"d{number}", 12 + number))
    index.whoosh_engine.writer.write_passages(ix, varied_passages("d1", 4), replace_documents=["d1"])
    index.whoosh_engine.writer.optimize(ix)
    return ix


def test_pooled_writer_writes_what_whoosh_writer_writes(tmp_path, monkeypatch):
    from whoosh.writing import SegmentWriter

    import index.whoosh_engine.segments
    import index.whoosh_engine.writer

    pooled = index_contents(build_with_commits(tmp_path / "pooled", monkeypatch))
    monkeypatch.setattr(index.whoosh_engine.segments, "POOL_LIMIT_MB", 0.005)  # spill runs to disk every few passages
    spilled = index_contents(build_with_commits(tmp_path / "spilled", monkeypatch))
    monkeypatch.setattr(index.whoosh_engine.writer, "_writer", lambda ix: SegmentWriter(ix, timeout=60.0))
    assert pooled == spilled == index_contents(build_with_commits(tmp_path / "whoosh", monkeypatch))


def test_parts_written_in_parallel_make_the_index_one_writer_makes(tmp_path):
    parts = [varied_passages("a", 30), [], varied_passages("b", 5), varied_passages("c", 17)]
    serial = create_index(tmp_path / "serial")
    write_passages(serial, [passage for part in parts for passage in part])
    parallel = create_index(tmp_path / "parallel")
    assert write_parts(parallel, [lambda part=part: iter(part) for part in parts]) == 52
    assert index_contents(parallel) == index_contents(serial)
    assert WhooshBackend(tmp_path / "parallel").segment_count() == 3


def test_a_failing_part_commits_nothing(tmp_path):
    def broken():
        yield from varied_passages("b", 3)
        raise OSError("catalog unreadable")

    ix = create_index(tmp_path)
    with pytest.raises(RuntimeError, match="catalog unreadable"):
        write_parts(ix, [lambda: iter(varied_passages("a", 3)), broken])
    backend = WhooshBackend(tmp_path)
    assert backend.passage_count() == 0
    assert backend.write(varied_passages("a", 2)) == 2  # the lock was released
