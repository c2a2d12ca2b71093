"""The tantivy engine's own parts: the protocol, the writer, a rebuild in parallel, the analysis-version marker, the
refusal of another tantivy release. What it answers is the contract suite's (tests/archive/test_engine_contract.py)."""
from __future__ import annotations

import errno
import inspect

import pytest

from index.schema import IndexedPassage
from index.seam import PassageWriter, SearchBackend
from index.tantivy_engine.backend import TantivyBackend
from index.tantivy_engine.writer import VERSION_FILE, create_index, write_parts


def passages(document: str, count: int) -> list[IndexedPassage]:
    return [IndexedPassage(f"{document}-{number}", document, "Құжат", number,
                           f"Мемлекеттің құқықтары туралы {number}-бап. Заң {document} бойынша.", "laws", 2001)
            for number in range(1, count + 1)]


def test_the_tantivy_backend_implements_every_method_of_the_protocol():
    wanted = {name for name, _ in inspect.getmembers(SearchBackend, inspect.isfunction) if not name.startswith("_")}
    for name in wanted:
        assert inspect.signature(getattr(TantivyBackend, name)).parameters.keys() == \
            inspect.signature(getattr(SearchBackend, name)).parameters.keys(), name


def test_the_writer_commits_in_batches_and_cancels(tmp_path):
    backend = TantivyBackend(tmp_path)
    writer = backend.writer()
    wanted = {name for name, _ in inspect.getmembers(PassageWriter, inspect.isfunction) if not name.startswith("_")}
    assert all(callable(getattr(writer, name)) for name in wanted) and wanted == {"add", "commit", "cancel"}
    assert writer.add(passages("a", 3)) == 3 and writer.uncommitted == 3
    writer.commit()
    assert backend.passage_count() == 3 and writer.uncommitted == 0
    writer.add(passages("b", 2), replace_documents=["a"])
    writer.cancel()
    assert backend.document_ids() == {"a"}
    writer.add(passages("b", 2), replace_documents=["a"])
    writer.commit()
    assert backend.document_ids() == {"b"} and backend.passage_count() == 2


def test_a_rebuild_in_parts_holds_every_passage_once(tmp_path):
    index = create_index(tmp_path)
    parts = [passages(name, count) for name, count in (("a", 5), ("b", 450), ("c", 1))]
    assert write_parts(index, [lambda part=part: iter(part) for part in parts]) == 456
    backend = TantivyBackend(tmp_path)
    assert backend.passage_count() == 456 and backend.document_ids() == {"a", "b", "c"}
    assert backend.search("мемлекет", filters=None, limit=1).total == 456


def test_a_failing_part_commits_nothing(tmp_path):
    def broken():
        yield from passages("b", 3)
        raise OSError("catalog unreadable")

    index = create_index(tmp_path)
    with pytest.raises(RuntimeError, match="catalog unreadable"):
        write_parts(index, [lambda: iter(passages("a", 3)), broken])
    backend = TantivyBackend(tmp_path)
    assert backend.passage_count() == 0
    assert backend.write(passages("a", 2)) == 2  # the writer's lock was released


def test_an_index_built_with_other_analysis_rules_needs_a_rebuild(tmp_path):
    backend = TantivyBackend(tmp_path)
    backend.write(passages("a", 1))
    assert backend.exists() and not backend.needs_rebuild()
    (tmp_path / VERSION_FILE).write_text("0.0\n")
    assert TantivyBackend(tmp_path).needs_rebuild()
    rebuilt = TantivyBackend(tmp_path)
    rebuilt.rebuild()
    assert not rebuilt.needs_rebuild() and rebuilt.passage_count() == 0


def test_a_reader_does_not_make_an_index(tmp_path):
    assert not TantivyBackend(tmp_path / "none", read_only=True).exists()
    with pytest.raises(FileNotFoundError):
        TantivyBackend(tmp_path / "none", read_only=True).passage_count()


def test_an_index_on_a_disk_this_user_may_not_write_is_read_where_it_stands(tmp_path, monkeypatch):
    """tantivy takes a lock file even to read; on a read-only mount (a snapshot, a backup) it cannot."""
    import tantivy

    TantivyBackend(tmp_path).write(passages("a", 3))
    opening = tantivy.Index.open

    def read_only_disk(path):
        if path == str(tmp_path):
            raise ValueError('Failed to acquire Lockfile: IoError(Os { code: 30, kind: ReadOnlyFilesystem })')
        return opening(path)

    monkeypatch.setattr(tantivy.Index, "open", staticmethod(read_only_disk))
    reader = TantivyBackend(tmp_path, read_only=True)
    assert reader.passage_count() == 3 and reader.search("құқықтары").total == 3
    with pytest.raises(ValueError, match="Lockfile"):
        TantivyBackend(tmp_path).passage_count()  # a writer gets the refusal, not a copy


def test_tantivy_failing_to_write_its_files_is_an_os_error_the_commands_report_in_one_line(tmp_path, monkeypatch):
    """A full disk as tantivy reports it (a ValueError from its threads): found on a 16 MiB tmpfs by a trial."""
    from index.tantivy_engine import writer as tantivy_writer

    def killed(_analysed):
        raise ValueError("An error occurred in a thread: 'An index writer was killed.. A worker thread encountered "
                         "an error (io::Error most likely) or panicked.'")

    monkeypatch.setattr(tantivy_writer, "document", killed)
    with pytest.raises(OSError, match=r"the search index could not be written \(is the disk full\?") as error:
        TantivyBackend(tmp_path).writer().add(passages("doc", 1))
    assert error.value.errno == errno.EIO
    monkeypatch.setattr(tantivy_writer, "document", lambda _analysed: (_ for _ in ()).throw(ValueError("a bad query")))
    with pytest.raises(ValueError, match="a bad query"):  # anything else stays what it is
        TantivyBackend(tmp_path / "other").writer().add(passages("doc", 1))
