"""Every subcommand of `muragat`, run as a user would, on real files."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.pdfs import write_pdf


def test_ingest_stores_original_and_says_when_nothing_is_new(tmp_path, sample_pdf, run_cli):
    archive = tmp_path / "a"
    first = run_cli("ingest", sample_pdf, "--archive", archive, "--silent")
    assert first.exit_code == 0
    assert "ingested 1" in first.stdout
    stored = list((archive / "originals").rglob("*.pdf"))
    assert len(stored) == 1 and stored[0].read_bytes() == sample_pdf.read_bytes()

    again = run_cli("ingest", sample_pdf, "--archive", archive, "--silent")
    assert again.exit_code == 0
    assert "ingested 0, already present 1" in again.stdout
    assert "nothing new" in again.stdout
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["documents"] == 1 and status["index_agrees"]


def test_ingest_folder_recurses_and_takes_pdf_in_any_case(tmp_path, run_cli):
    folder = tmp_path / "in" / "deeper"
    folder.mkdir(parents=True)
    write_pdf(folder / "UPPER.PDF", [["Абай Құнанбайұлы ақын болған."]])
    write_pdf(tmp_path / "in" / "lower.pdf", [["Мұхтар Әуезов жазушы болған."]])
    (tmp_path / "in" / "notes.docx").write_bytes(b"ignored")
    result = run_cli("ingest", tmp_path / "in", "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 0, result.output
    assert "ingested 2" in result.stdout


def test_archive_defaults_to_environment_variable(tmp_path, sample_pdf, run_cli, monkeypatch):
    monkeypatch.setenv("MURAGAT_ARCHIVE", str(tmp_path / "from-env"))
    assert run_cli("ingest", sample_pdf, "--silent").exit_code == 0
    assert (tmp_path / "from-env" / "catalog.sqlite").exists()


def test_broken_pdf_fails_with_one_line_and_batch_goes_on(tmp_path, sample_pdf, run_cli):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n this is not really a pdf")
    (folder / "sample.pdf").write_bytes(sample_pdf.read_bytes())
    result = run_cli("ingest", folder, "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1
    assert "ingested 1" in result.stdout and "failed 1" in result.stdout
    assert "broken.pdf" in result.stderr and "Traceback" not in result.stderr
    listed = json.loads(run_cli("failures", "--json", "--archive", tmp_path / "a").stdout)["failures"]
    assert [Path(item["path"]).name for item in listed] == ["broken.pdf"]
    found = json.loads(run_cli("search", "құқық", "--json", "--archive", tmp_path / "a").stdout)
    assert found["total"] > 0


def test_extract_json_shape(sample_pdf, run_cli):
    result = run_cli("extract", sample_pdf, "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["file"] == str(sample_pdf)
    assert [page["number"] for page in payload["pages"]] == list(range(1, 9))
    assert all(isinstance(page["text"], str) and page["text"] for page in payload["pages"])
    assert "қағидалары" in payload["pages"][0]["text"]


def test_extract_missing_file_is_one_clear_line(tmp_path, run_cli):
    result = run_cli("extract", tmp_path / "nope.pdf")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "nope.pdf" in result.stderr


def test_search_json_marks_inflected_forms(sample_archive_dir, run_cli):
    result = run_cli("search", "құқық", "--json", "--limit", "20", "--archive", sample_archive_dir)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["query"] == "құқық" and payload["total"] >= 10
    first = payload["results"][0]
    assert set(first) == {"document_id", "title", "page", "passage_id", "text", "snippet", "title_marked", "score",
                          "language", "copy_count", "copies", "approximate"}
    assert first["language"] == "kk"
    assert first["title"] == "Демократия жөніндегі алғашқы әлемдік форум"
    marked = {word for result in payload["results"] for word in _marks(result["snippet"])}
    assert {"құқық", "құқығы", "құқықтары"} <= marked
    scores = [result["score"] for result in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def _marks(snippet: str) -> list[str]:
    return [part.split("</mark>")[0] for part in snippet.split("<mark>")[1:]]


def test_search_plain_output_and_empty_query(sample_archive_dir, run_cli):
    result = run_cli("search", "Страсбург", "--archive", sample_archive_dir)
    assert result.exit_code == 0 and "[Страсбург]" in result.stdout
    titled = run_cli("search", "форум", "--archive", sample_archive_dir).stdout  # in the title too: marked there
    assert "\nДемократия жөніндегі алғашқы әлемдік [форум] — page " in titled
    empty = run_cli("search", "   ", "--archive", sample_archive_dir)
    assert empty.exit_code == 1 and "empty" in empty.stderr
    misspelt = run_cli("search", "демокартия", "--archive", sample_archive_dir)
    assert misspelt.stdout.splitlines()[:2] == ["0 passages", "did you mean: демократия"]
    as_json = run_cli("search", "демокартия", "--json", "--archive", sample_archive_dir)
    assert json.loads(as_json.stdout)["suggestion"] == "демократия"


def test_search_without_archive_says_what_to_do(tmp_path, run_cli):
    result = run_cli("search", "құқық", "--archive", tmp_path / "none")
    assert result.exit_code == 1
    assert "muragat ingest" in result.stderr


def test_status_failures_reindex_remove(own_archive_dir, run_cli):
    status = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert status["documents"] == 1 and status["pages"] == 8
    assert status["passages"] == status["indexed_passages"] > 0
    assert status["index_bytes"] > 0 and status["index_agrees"] is True

    reindexed = run_cli("reindex", "--archive", own_archive_dir)
    assert reindexed.exit_code == 0 and f"reindexed {status['passages']}" in reindexed.stdout
    assert json.loads(run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir).stdout)["total"] > 0

    document_id = json.loads(run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir).stdout)[
        "results"][0]["document_id"]
    assert run_cli("remove", document_id, "--archive", own_archive_dir).exit_code == 0
    after = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert after["documents"] == 0 and after["indexed_passages"] == 0
    assert json.loads(run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir).stdout)["total"] == 0
    missing = run_cli("remove", document_id, "--archive", own_archive_dir)
    assert missing.exit_code == 1 and document_id in missing.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_on_localhost(sample_archive_dir):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    server = subprocess.Popen(
        [sys.executable, "-m", "archive", "serve", "--archive", str(sample_archive_dir), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%D2%9B%D2%B1%D2%9B%D1%8B%D2%9B") as r:
                    body = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "the server did not answer"
        assert body["total"] > 0 and "<mark>" in body["results"][0]["snippet"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_on_a_port_in_use_says_so_and_what_to_do(sample_archive_dir, run_cli):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--archive", sample_archive_dir, "--port", port)
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr and "--port" in result.stderr
    assert "disk" not in result.stderr and "http://" not in result.stderr


def test_author_from_the_pdf_is_searchable(sample_archive_dir, run_cli):
    payload = json.loads(run_cli("search", "author:Рогов", "--json", "--archive", sample_archive_dir).stdout)
    assert payload["total"] > 0
    assert {result["title"] for result in payload["results"]} == {"Демократия жөніндегі алғашқы әлемдік форум"}


def test_search_json_says_whether_results_are_partial(sample_archive_dir, run_cli):
    whole = json.loads(run_cli("search", "құқық", "--json", "--archive", sample_archive_dir).stdout)
    assert whole["partial"] is False and whole["total"] > 0


def test_reindex_refused_by_the_catalog_leaves_the_index_alone(own_archive_dir, run_cli):
    import sqlite3

    before = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)["indexed_passages"]
    with sqlite3.connect(own_archive_dir / "catalog.sqlite") as db:
        db.execute("PRAGMA user_version = 999")  # a catalog from a newer Muragat
    result = run_cli("reindex", "--archive", own_archive_dir)
    assert result.exit_code == 1 and "upgrade Muragat" in result.stderr
    assert not (own_archive_dir / "index-rebuilding").exists()
    from index.whoosh_engine.writer import open_index
    assert open_index(own_archive_dir / "index").doc_count() == before > 0


def test_a_reindex_stopped_between_the_two_renames_is_completed_on_open(own_archive_dir, run_cli):
    (own_archive_dir / "index").rename(own_archive_dir / "index-retired")
    found = json.loads(run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir).stdout)
    assert found["total"] > 0 and (own_archive_dir / "index").is_dir()


def test_list_browses_the_documents_without_a_query(sample_archive_dir, run_cli):
    listed = run_cli("list", "--archive", sample_archive_dir)
    assert listed.exit_code == 0 and listed.stdout.splitlines()[0] == "1 document"
    assert "Демократия жөніндегі алғашқы әлемдік форум" in listed.stdout
    payload = json.loads(run_cli("list", "--json", "--sort", "newest", "--archive", sample_archive_dir).stdout)
    assert payload["total"] == 1 and payload["documents"][0]["file_names"] == ["rogov_strasbourg_2012.pdf"]
    assert json.loads(run_cli("list", "--json", "--year-from", "2020", "--archive", sample_archive_dir).stdout)[
        "total"] == 0
    unknown = run_cli("list", "--collection", "nope", "--archive", sample_archive_dir)
    assert unknown.exit_code == 1 and "no collection 'nope'" in unknown.stderr


def test_output_cut_short_by_its_reader_ends_quietly(sample_archive_dir):
    """`muragat status | head -1`: the pipe closes before the command writes; no traceback, no advice about disks."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = subprocess.Popen([sys.executable, "-m", "archive", "status", "--archive", str(sample_archive_dir)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    command.stdout.close()  # long before the interpreter has started and written anything
    error = command.stderr.read()
    assert command.wait(timeout=60) == 1 and error == b""


def test_an_archive_whose_documents_gave_no_passages_answers_searches(tmp_path, run_cli):
    """A first document with no text layer (OCR off or not installed) leaves an index with no passages."""
    write_pdf(tmp_path / "blank.pdf", [[""]])
    archive = tmp_path / "archive"
    blank = run_cli("ingest", tmp_path / "blank.pdf", "--ocr", "never", "--archive", archive, "--silent")
    assert blank.exit_code == 0 and "with no text 1;" in blank.stdout
    assert "muragat: with no text (a scan waiting for OCR, blank pages): blank.pdf" in blank.stderr  # named
    found = run_cli("search", "мұрағат", "--json", "--archive", archive)
    assert found.exit_code == 0 and json.loads(found.stdout)["total"] == 0
    assert run_cli("search", "мұр*", "--archive", archive).stdout.startswith("0 passages")


def test_an_empty_folder_says_it_held_nothing_to_ingest(tmp_path, run_cli):
    (tmp_path / "inbox").mkdir()
    result = run_cli("ingest", tmp_path / "inbox", "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 0 and f"found no .pdf or .txt file in {tmp_path / 'inbox'}" in result.stderr


def test_a_reindex_after_one_stopped_mid_swap_keeps_the_complete_index(own_archive_dir, run_cli, monkeypatch):
    """A reindex stopped between its renames, then a second one stopped while building: the complete index of the
    first stays live, not the second's partial one; status says a rebuild was left over."""
    from archive import home

    before = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)["indexed_passages"]
    (own_archive_dir / "index").rename(own_archive_dir / "index-rebuilding")  # complete, not yet moved in
    (own_archive_dir / "index-retired").mkdir()  # the old index, moved away

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(home, "_consecutive_parts", stopped)
    with pytest.raises(KeyboardInterrupt):
        home.Archive.existing(own_archive_dir).reindex()
    status = run_cli("status", "--archive", own_archive_dir)
    assert "reindex is running or was interrupted" in status.stdout
    figures = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert figures["indexed_passages"] == before > 0 and figures["reindex_left_over"]
    assert json.loads(run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir).stdout)["total"] > 0


def test_an_engine_name_written_in_another_case_opens_the_index(own_archive_dir, run_cli):
    import sqlite3

    with sqlite3.connect(own_archive_dir / "catalog.sqlite") as db:
        db.execute("INSERT OR REPLACE INTO settings VALUES ('engine', 'Whoosh ')")
    figures = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert figures["engine"] == "whoosh" and figures["indexed_passages"] > 0


def test_search_says_when_other_documents_hold_the_same_text(tmp_path, run_cli):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("first", "second"):
        (inbox / f"{name}.txt").write_text("Мұрағат қорындағы құжаттар ғылыми сипаттамасы бойынша реттелді.\f"
                                           f"Екінші бет: {name}.\n", encoding="utf-8")
    assert run_cli("ingest", inbox, "--archive", tmp_path / "a", "--silent").exit_code == 0
    shown = run_cli("search", "сипаттамасы", "--archive", tmp_path / "a").stdout
    assert shown.startswith("1 passage") and "(the same text in 1 other document)" in shown


def test_status_lists_recognised_pages_read_with_little_confidence(own_archive_dir, run_cli):
    import sqlite3

    with sqlite3.connect(own_archive_dir / "catalog.sqlite") as db:
        document_id = db.execute("SELECT id FROM documents").fetchone()[0]
        db.execute("UPDATE pages SET source = 'ocr', confidence = 0.41 WHERE number = 3")
        db.execute("UPDATE pages SET source = 'ocr', confidence = 0.93 WHERE number = 4")
    figures = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert figures["uncertain_pages"] == [{"document_id": document_id, "page": 3, "confidence": 0.41}]
    shown = run_cli("status", "--archive", own_archive_dir).stdout
    assert "read with little confidence" in shown and f"{document_id} page 3 (confidence 0.41)" in shown


def test_status_sees_a_move_to_another_engine_left_unfinished(own_archive_dir, run_cli):
    (own_archive_dir / "index-tantivy-rebuilding").mkdir()  # a `reindex --engine tantivy` stopped while building
    assert json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)["reindex_left_over"]


def test_another_engines_index_left_by_a_stopped_move_is_seen_and_removed_by_the_next_reindex(own_archive_dir, run_cli):
    # `reindex --engine tantivy` stopped after building its index, before the catalog recorded the move
    stray = own_archive_dir / "index-tantivy"
    stray.mkdir()
    (stray / "meta.json").write_text("{}")
    half_built = own_archive_dir / "index-tantivy-rebuilding"  # and one stopped while building
    half_built.mkdir()
    assert json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)["reindex_left_over"]
    assert run_cli("reindex", "--archive", own_archive_dir).exit_code == 0
    figures = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert not stray.exists() and not half_built.exists()
    assert not figures["reindex_left_over"] and figures["engine"] == "whoosh"


@pytest.mark.parametrize("args", [("list", "--offset", str(2 ** 63)), ("ingest", ".", "--memory", str(2 ** 63))])
def test_numbers_past_what_the_archive_can_hold_are_refused_in_one_line(own_archive_dir, run_cli, args):
    result = run_cli(*args, "--archive", own_archive_dir)
    assert result.exit_code == 2 and "is not in the range" in result.stderr and "Traceback" not in result.output
