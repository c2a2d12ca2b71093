"""Index files are mapped once per process and read through views, never copied per searcher."""
from __future__ import annotations

from whoosh.query import Term

from index.schema import IndexedPassage
from index.whoosh_engine.storage import MappedFile
from index.whoosh_engine.writer import create_index, open_index, write_passages


def test_searchers_read_the_same_map_of_each_file(tmp_path):
    write_passages(create_index(tmp_path), [IndexedPassage(f"p{n}", "d", "Құжат", n, f"Құқық туралы {n}.")
                                            for n in range(3)])
    ix = open_index(tmp_path)
    first, second = ix.storage.open_file(ix.storage.list()[0]), ix.storage.open_file(ix.storage.list()[0])
    assert isinstance(first, MappedFile) and first.file.mapped is second.file.mapped
    with ix.searcher() as one, ix.searcher() as other:
        assert len(one.search(Term("text", "құқық"))) == len(other.search(Term("text", "құқық"))) == 3


def test_a_view_keeps_its_own_position(tmp_path):
    write_passages(create_index(tmp_path), [IndexedPassage("p", "d", "Құжат", 1, "Құқық туралы.")])
    storage = open_index(tmp_path).storage
    name = max(storage.list(), key=storage.file_length)
    first, second = storage.open_file(name), storage.open_file(name)
    first.seek(5)
    assert second.tell() == 0 and first.read(3) == second.get(5, 3)
    assert first.subset(5, 3).read() == second.get(5, 3)
