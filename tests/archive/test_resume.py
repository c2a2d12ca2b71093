"""Nothing lost: an ingest killed at any moment is finished by running it again; search works meanwhile."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from archive.home import Archive
from archive.ingestion import ingest
from tests.pdfs import write_pdf
from webui import create_app

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
WORDS = ["Абай", "Шоқан", "Ыбырай", "Мұхтар", "Сәкен", "Ілияс", "Бейімбет", "Жамбыл", "Мағжан", "Ахмет",
         "Міржақып", "Әлихан", "Тұрар", "Қаныш", "Сұлтанмахмұт", "Шәкәрім"]


def _folder_of_documents(folder: Path, count: int, pages: int = 6) -> Path:
    """`count` PDFs, each naming its own person on every line so that every document can be found."""
    folder.mkdir(parents=True)
    for number in range(count):
        name = WORDS[number]
        lines = [f"{name} туралы құжаттың {line}-жолы: тарих, мәдениет және әдебиет." for line in range(40)]
        write_pdf(folder / f"doc-{number:02d}.pdf", [lines] * pages)
    return folder


def _catalogued(archive: Path) -> int:
    try:
        with sqlite3.connect(archive / "catalog.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def _every_document_found_once(run_cli, archive: Path, count: int) -> None:
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["documents"] == count
    assert status["index_agrees"], status
    assert status["indexed_passages"] == status["passages"]
    for name in WORDS[:count]:
        found = json.loads(run_cli("search", f"={name}", "--json", "--limit", "100", "--archive", archive).stdout)
        assert found["total"] == len(found["results"]) > 0, name
        assert len({hit["document_id"] for hit in found["results"]}) == 1, name
        assert len({hit["passage_id"] for hit in found["results"]}) == len(found["results"]), name


def _interrupted_ingest(folder: Path, archive: Path, workers: int, sent: signal.Signals) -> tuple[list[str], int, str]:
    """`muragat ingest` started in a process group of its own and sent `sent` once three documents are catalogued:
    (the command, its exit code, what it wrote on stderr)."""
    command = [sys.executable, "-m", "archive", "ingest", str(folder), "--archive", str(archive), "--workers",
               str(workers), "--silent"]
    victim = subprocess.Popen(command, env=ENV, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):
            if _catalogued(archive) >= 3 or victim.poll() is not None:
                break
            time.sleep(0.05)
        assert victim.poll() is None, "the ingest finished before it could be stopped"
        os.killpg(victim.pid, sent)  # the command, its fork server and its workers, as a terminal signals them
        _, stderr = victim.communicate(timeout=60)
    finally:
        if victim.poll() is None:
            os.killpg(victim.pid, signal.SIGKILL)
    return command, victim.returncode, stderr


def test_sigkill_in_the_middle_then_the_same_command_finishes_the_job(tmp_path, run_cli):
    count = 12
    folder = _folder_of_documents(tmp_path / "in", count)
    archive = tmp_path / "a"
    command, _, _ = _interrupted_ingest(folder, archive, 2, signal.SIGKILL)
    assert 0 < _catalogued(archive) < count

    interrupted = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert interrupted["last_ingest"]["finished_at"] is None

    again = subprocess.run(command, env=ENV, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "failed 0" in again.stdout
    _every_document_found_once(run_cli, archive, count)


def test_ctrl_c_says_what_the_run_did_and_status_keeps_it(tmp_path, run_cli):
    archive = tmp_path / "a"
    _, code, stderr = _interrupted_ingest(_folder_of_documents(tmp_path / "in", 12), archive, 1, signal.SIGINT)
    assert code == 130
    last = json.loads(run_cli("status", "--json", "--archive", archive).stdout)["last_ingest"]
    assert last["finished_at"] is None and last["ingested"] >= 3
    assert stderr.strip().endswith(f"interrupted after {last['ingested']} files ingested, 0 already present, 0 failed; "
                                   f"run the same command again to finish the job"), stderr
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["index_agrees"] and status["indexed_passages"] == status["passages"] > 0  # what is in, is found


def test_documents_indexed_but_not_flagged_are_not_indexed_twice(tmp_path, run_cli):
    """The narrowest window: the index commit made it to disk, the `indexed` flag did not."""
    folder = _folder_of_documents(tmp_path / "in", 3, pages=2)
    archive = Archive.create(tmp_path / "a")
    ingest(archive, [folder])
    ids = [document.id for document in archive.catalog.documents()]
    archive.catalog.mark_indexed(ids, indexed=False)
    assert json.loads(run_cli("status", "--json", "--archive", tmp_path / "a").stdout)["index_agrees"] is False

    report = ingest(Archive.existing(tmp_path / "a"), [folder])
    assert len(report.already_present) == 3 and not report.ingested and report.finished_for_earlier_run == 3
    _every_document_found_once(run_cli, tmp_path / "a", 3)


def test_search_keeps_answering_while_an_ingest_writes(tmp_path, sample_pdf):
    archive = tmp_path / "a"
    ingest(Archive.create(archive), [sample_pdf])
    client = create_app({"ARCHIVE": str(archive), "TESTING": True}).test_client()
    folder = _folder_of_documents(tmp_path / "in", 8)
    writer = subprocess.Popen(
        [sys.executable, "-m", "archive", "ingest", str(folder), "--archive", str(archive), "--silent"],
        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    answers = []
    try:
        while writer.poll() is None:
            response = client.get("/api/search?q=құқық")
            answers.append((response.status_code, response.get_json()["total"]))
            time.sleep(0.05)
    finally:
        writer.wait(timeout=300)
    assert writer.returncode == 0
    assert answers and all(status == 200 and total > 0 for status, total in answers)
    after = client.get(f"/api/search?q=={WORDS[7]}").get_json()
    assert after["total"] > 0  # what the ingest committed is visible without restarting the UI
