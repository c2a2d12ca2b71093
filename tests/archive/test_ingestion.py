"""Bulk ingest as an archivist uses it: dedupe, metadata, text files, progress and summary, migration."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest

from archive.catalog import SCHEMA_VERSION, Catalog
from archive.originals import sha256_of
from index.seam import ENGINES
from tests.pdfs import write_pdf


def _search(run_cli, archive, query: str) -> dict:
    result = run_cli("search", query, "--json", "--limit", "50", "--archive", archive)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_one_file_under_two_paths_is_one_document_knowing_both(tmp_path, run_cli):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = write_pdf(tmp_path / "one" / "decree.pdf", [["Жарлық мәтіні: мемлекеттік тіл туралы."]])
    second = tmp_path / "two" / "copy of decree.pdf"
    shutil.copy(first, second)
    archive = tmp_path / "a"
    result = run_cli("ingest", tmp_path / "one", tmp_path / "two", "--archive", archive, "--silent")
    assert result.exit_code == 0 and "ingested 1, already present 1" in result.stdout
    with sqlite3.connect(archive / "catalog.sqlite") as db:
        paths = [row[0] for row in db.execute("SELECT path FROM document_paths ORDER BY path")]
    assert paths == [str(first.resolve()), str(second.resolve())]
    assert _search(run_cli, archive, "жарлық")["total"] == 1


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_two_copies_in_one_batch_the_second_bringing_the_manifests_details_are_indexed_once(tmp_path, run_cli,
                                                                                            engine):
    folder = tmp_path / "batch"
    folder.mkdir()
    original = write_pdf(folder / "b хабарлама.pdf", [["Достастығы туралы хабарлама."]])
    shutil.copy(original, folder / "a көшірме.pdf")  # first in the batch, no row of its own
    (folder / "manifest.csv").write_text("path,title,date,collection\nb хабарлама.pdf,Хабарлама,1994-10-09,Баспасөз\n",
                                         encoding="utf-8")
    archive = tmp_path / "a"
    result = run_cli("ingest", folder, "--metadata", folder / "manifest.csv", "--archive", archive, "--silent",
                     "--workers", "1", "--engine", engine)
    assert result.exit_code == 0, result.output
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["index_agrees"] and status["indexed_passages"] == status["passages"] == 1
    hit, = _search(run_cli, archive, "достастығы")["results"]
    assert hit["title"] == "Хабарлама"  # the manifest's details, not the first copy's file name
    assert _search(run_cli, archive, "collection:Баспасөз достастығы")["total"] == 1


def test_manifest_then_pdf_info_then_file_name(tmp_path, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    write_pdf(folder / "from_manifest.pdf", [["Конституция мәтіні."]], title="Ішкі атау")
    write_pdf(folder / "from_info.pdf", [["Кодекс мәтіні."]], title="Азаматтық кодекс", author="Парламент")
    write_pdf(folder / "Абай_өлеңдері.pdf", [["Өлең сөздің патшасы."]])
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,title,author,date,collection,language,source\n"
                        "in/from_manifest.pdf,Қазақстан Конституциясы,Халық,1995-08-30,laws,kk,Әділет\n",
                        encoding="utf-8")
    archive = tmp_path / "a"
    result = run_cli("ingest", folder, "--metadata", manifest, "--collection", "library", "--archive", archive,
                     "--silent")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(archive / "catalog.sqlite") as db:
        db.row_factory = sqlite3.Row
        rows = {row["title"]: dict(row) for row in db.execute("SELECT * FROM documents")}
    constitution = rows["Қазақстан Конституциясы"]
    assert (constitution["author"], constitution["date"], constitution["year"], constitution["collection"],
            constitution["language"], constitution["source"]) == ("Халық", "1995-08-30", 1995, "laws", "kk", "Әділет")
    assert rows["Азаматтық кодекс"]["author"] == "Парламент" and rows["Азаматтық кодекс"]["collection"] == "library"
    assert "Абай өлеңдері" in rows

    assert _search(run_cli, archive, "мәтіні collection:laws")["total"] == 1
    assert _search(run_cli, archive, "мәтіні year:1990..1999")["total"] == 1
    assert _search(run_cli, archive, "title:конституция")["total"] == 1
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["collections"] == {"laws": 1, "library": 2}


def test_a_json_manifest_by_sha256_applies_to_documents_already_in(tmp_path, run_cli):
    pdf = write_pdf(tmp_path / "scan.pdf", [["Хаттама мәтіні."]])
    archive = tmp_path / "a"
    assert run_cli("ingest", pdf, "--archive", archive, "--silent").exit_code == 0
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps([{"sha256": sha256_of(pdf), "title": "Хаттама №1", "date": "12.03.1937",
                                     "collection": "minutes"}], ensure_ascii=False), encoding="utf-8")
    again = run_cli("ingest", pdf, "--metadata", manifest, "--archive", archive, "--silent")
    assert again.exit_code == 0 and "already present 1" in again.stdout
    hits = _search(run_cli, archive, "хаттама collection:minutes year:1937")
    assert hits["total"] == 1 and hits["results"][0]["title"] == "Хаттама №1"
    assert json.loads(run_cli("status", "--json", "--archive", archive).stdout)["index_agrees"]


def test_a_bad_manifest_is_one_line_and_nothing_is_ingested(tmp_path, run_cli):
    pdf = write_pdf(tmp_path / "doc.pdf", [["Мәтін."]])
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,titel\ndoc.pdf,Атау\n", encoding="utf-8")
    result = run_cli("ingest", pdf, "--metadata", manifest, "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "m.csv: line 1: unknown column 'titel'" in result.stderr
    assert not (tmp_path / "a" / "originals").exists()


def test_a_manifest_row_naming_no_file_is_named_and_the_rest_goes_in(tmp_path, run_cli):
    write_pdf(tmp_path / "хат 2.pdf", [["Хат мәтіні."]])
    manifest = tmp_path / "m.csv"
    manifest.write_text("path,title,date\nхат2.pdf,Екінші хат,1931\nхат 2.pdf,Хат,1930\n", encoding="utf-8")
    result = run_cli("ingest", tmp_path, "--metadata", manifest, "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 0 and "ingested 1," in result.stdout
    assert "m.csv: line 2: no file хат2.pdf: the row is not applied; check its path" in result.stderr
    assert _search(run_cli, tmp_path / "a", "хат")["results"][0]["title"] == "Хат"


def test_plain_text_files_are_ingested_page_by_page(tmp_path, run_cli):
    text = tmp_path / "letters.txt"
    text.write_text("Бірінші бет. Мемлекеттік қағидала-\nры бекітілді.\n\fЕкінші бет: Қарағанды облысы.\n",
                    encoding="utf-8")
    archive = tmp_path / "a"
    result = run_cli("ingest", tmp_path, "--archive", archive, "--silent")
    assert result.exit_code == 0 and "ingested 1," in result.stdout and "2 pages" in result.stdout
    hits = _search(run_cli, archive, "=қағидалары")["results"]
    assert [(hit["title"], hit["page"]) for hit in hits] == [("letters", 1)]
    assert _search(run_cli, archive, "Қарағанды")["results"][0]["page"] == 2


def test_progress_bar_and_summary_then_silent(tmp_path, run_cli):
    write_pdf(tmp_path / "a.pdf", [["Бірінші құжат."], ["Екінші бет."]])
    (tmp_path / "scan.pdf").write_bytes(b"")
    loud = run_cli("ingest", tmp_path, "--archive", tmp_path / "arch")
    assert loud.stderr.startswith("ingesting")  # the bar itself is drawn only on a terminal
    assert "ingested 1, already present 0, failed 1, skipped 0, with no text 0; 2 pages" in loud.stdout
    assert loud.exit_code == 1
    quiet = run_cli("ingest", tmp_path / "a.pdf", "--archive", tmp_path / "arch", "--silent")
    assert quiet.stderr == "" and "already present 1" in quiet.stdout


def test_an_ingest_logged_to_a_file_says_how_far_it_is_every_so_often(tmp_path, run_cli, monkeypatch):
    from archive import cli

    monkeypatch.setattr(cli, "PROGRESS_LINE_SECONDS", 0.0)  # a line for every file
    for number in range(3):
        write_pdf(tmp_path / f"{number}.pdf", [[f"Құжат {number}."]])
    logged = run_cli("ingest", tmp_path, "--archive", tmp_path / "arch", "--workers", "1")
    lines = [line for line in logged.stderr.splitlines() if line.startswith("ingesting: ")]
    assert lines[-1].startswith("ingesting: 3 of 3 files, 3 pages, 0 failed, ")


def test_remove_takes_a_document_out_everywhere(tmp_path, run_cli):
    pdf = write_pdf(tmp_path / "doc.pdf", [["Алаш қозғалысы туралы."]])
    archive = tmp_path / "a"
    run_cli("ingest", pdf, "--archive", archive, "--silent")
    document_id = _search(run_cli, archive, "Алаш")["results"][0]["document_id"]
    removed = run_cli("remove", document_id, "--archive", archive)
    assert removed.exit_code == 0 and "later ingests leave its file out unless --readd-removed" in removed.stdout
    assert _search(run_cli, archive, "Алаш")["total"] == 0
    assert not list((archive / "originals").rglob("*.pdf"))
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["documents"] == 0 and status["index_agrees"]
    # The folder ingested again, as archivists do: the removed document stays out, and the run says so.
    copy = shutil.copy(pdf, tmp_path / "elsewhere.pdf")  # its content, wherever it lies
    again = run_cli("ingest", pdf, copy, "--archive", archive, "--silent")
    assert again.exit_code == 0 and "ingested 0, already present 0, failed 0" in again.stdout
    assert (f"2 files of removed documents left out (doc.pdf: {document_id} (doc), elsewhere.pdf: {document_id} "
            f"(doc))") in again.stderr and "nothing new" not in again.stdout
    assert "--readd-removed" in again.stderr and _search(run_cli, archive, "Алаш")["total"] == 0
    back = run_cli("ingest", pdf, "--readd-removed", "--archive", archive, "--silent")
    assert "ingested 1," in back.stdout and _search(run_cli, archive, "Алаш")["total"] == 1
    assert "removed" not in run_cli("ingest", copy, "--archive", archive, "--silent").stderr  # back for good


# The catalog as the first Muragat wrote it (schema version 1, no user_version set).
FOUNDATION_SCHEMA = """
CREATE TABLE documents (id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '', date TEXT NOT NULL DEFAULT '', year INTEGER,
    collection TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, size INTEGER NOT NULL, page_count INTEGER NOT NULL,
    stored_name TEXT NOT NULL, added_at TEXT NOT NULL, indexed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE document_paths (document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    path TEXT NOT NULL, PRIMARY KEY (document_id, path));
CREATE TABLE pages (document_id TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL,
    PRIMARY KEY (document_id, number));
CREATE TABLE passages (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, page INTEGER NOT NULL, seq INTEGER NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE failures (path TEXT PRIMARY KEY, sha256 TEXT, reason TEXT NOT NULL, failed_at TEXT NOT NULL);
INSERT INTO documents VALUES ('abc', 'abc123', 'Ескі құжат', '', '', NULL, '', 'pdf', 10, 1, 'ab/abc.pdf',
    '2025-01-01T00:00:00+00:00', 1);
INSERT INTO document_paths VALUES ('abc', '/old/path.pdf');
INSERT INTO pages VALUES ('abc', 1, 'Ескі мәтін', 'text');
"""


def test_a_catalog_from_the_first_version_is_migrated_in_place(tmp_path, run_cli):
    path = tmp_path / "catalog.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(FOUNDATION_SCHEMA)
    catalog = Catalog(path)
    document = catalog.document("abc")
    assert document.title == "Ескі құжат" and document.language == "" and document.source == ""
    assert catalog.paths("abc") == ["/old/path.pdf"]
    assert catalog.last_run() is None
    assert catalog.page("abc", 1).text_with_lines == "Ескі мәтін"  # no line ends recorded: the text as it was
    catalog.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer = run_cli("status", "--archive", tmp_path)
    assert newer.exit_code == 1 and "upgrade Muragat" in newer.stderr and "Traceback" not in newer.stderr


def test_a_catalog_of_version_5_keeps_its_ingest_runs_with_the_counts_added_since(tmp_path):
    path = tmp_path / "catalog.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(FOUNDATION_SCHEMA + """
            CREATE TABLE ingest_runs (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
                paths TEXT NOT NULL, ingested INTEGER NOT NULL DEFAULT 0, already_present INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0, pages INTEGER NOT NULL DEFAULT 0);
            INSERT INTO ingest_runs VALUES (1, '2026-01-01', '2026-01-02', '["/old"]', 3, 1, 2, 9);
            PRAGMA user_version = 5;""")
    catalog = Catalog(path)
    last = catalog.last_run()
    assert (last.ingested, last.already_present, last.failed, last.pages, last.skipped, last.without_text) == \
        (3, 1, 2, 9, 0, 0)
    catalog.finish_run(catalog.start_run(["/new"]), 1, 0, 0, 2, skipped=4, without_text=1)
    assert (catalog.last_run().skipped, catalog.last_run().without_text) == (4, 1)
    catalog.close()


def test_adding_a_document_whose_content_is_catalogued_already_adds_nothing(own_archive_dir):
    first, second = Catalog(own_archive_dir / "catalog.sqlite"), Catalog(own_archive_dir / "catalog.sqlite")
    document = first.documents()[0]
    assert second.add_document(document, "/elsewhere/copy.pdf", [], []) is False
    assert first.paths(document.id) != [] and "/elsewhere/copy.pdf" not in first.paths(document.id)
    assert len(first.pages(document.id)) == document.page_count


def test_a_file_catalogued_by_another_ingest_after_this_one_looked_is_present(own_archive_dir, sample_pdf,
                                                                              tmp_path, monkeypatch):
    from archive.home import Archive
    from archive.ingestion import ingest

    copy = tmp_path / "copy.pdf"  # a path the catalog has not seen: its content must be looked up
    shutil.copy(sample_pdf, copy)
    looked = []
    real = Catalog.document_by_sha256

    def not_yet(self, sha256):  # the plan's look and the writer's look both come before the other ingest's insert
        looked.append(sha256)
        return None if len(looked) <= 2 else real(self, sha256)

    monkeypatch.setattr(Catalog, "document_by_sha256", not_yet)
    report = ingest(Archive.existing(own_archive_dir), [copy])
    assert report.ingested == [] and report.already_present == [str(copy.resolve())] and not report.failed
    catalog = Archive.existing(own_archive_dir).catalog
    assert str(copy.resolve()) in catalog.paths(catalog.documents()[0].id)


def test_verify_catches_a_file_rewritten_with_the_same_size_and_mtime(tmp_path, run_cli):
    notes = tmp_path / "notes.txt"
    notes.write_text("Бірінші нұсқа: бидай егісі.", encoding="utf-8")
    archive = tmp_path / "a"
    assert run_cli("ingest", notes, "--archive", archive, "--silent").exit_code == 0
    stamp = notes.stat()
    notes.write_text("Екінші нұсқа: жүгері егісі.", encoding="utf-8")  # as cp -p or rsync -t leave it
    os.utime(notes, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert notes.stat().st_size == stamp.st_size

    trusting = run_cli("ingest", notes, "--archive", archive, "--silent")
    assert "ingested 0, already present 1" in trusting.stdout  # path, size and mtime say nothing changed
    verified = run_cli("ingest", notes, "--verify", "--archive", archive, "--silent")
    assert verified.exit_code == 0 and "ingested 1, already present 0" in verified.stdout
    assert _search(run_cli, archive, "жүгері")["total"] == 1


def test_a_file_whose_name_is_not_utf8_fails_alone_and_the_batch_goes_in(tmp_path, run_cli):
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "good.txt").write_text("Салық туралы заң қабылданды.", encoding="utf-8")
    with open(os.fsencode(folder) + b"/bad\xff\xfe.txt", "wb") as named_in_bytes:
        named_in_bytes.write("Құқық туралы заң.".encode())
    archive = tmp_path / "a"
    result = run_cli("ingest", folder, "--archive", archive, "--silent")
    assert result.exit_code == 1 and "bad\\xff\\xfe.txt: the file name is not valid UTF-8; rename the file" in result.output
    assert "ingested 1" in result.stdout and _search(run_cli, archive, "салық")["total"] == 1
    assert "bad\\xff\\xfe.txt" in run_cli("failures", "--archive", archive).stdout


def test_stored_originals_are_readable_as_the_umask_allows(tmp_path, run_cli):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "note.txt").write_text("Салық туралы заң.", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        assert run_cli("ingest", tmp_path / "files", "--archive", tmp_path / "a", "--silent").exit_code == 0
    finally:
        os.umask(previous)
    stored = [path for path in (tmp_path / "a" / "originals").rglob("*") if path.is_file()]
    assert stored and all(path.stat().st_mode & 0o777 == 0o644 for path in stored)
