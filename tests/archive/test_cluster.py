"""Extraction on a Dask cluster: the same catalog, search results, ledger and limits as a local run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
from pathlib import Path

import dask
import pytest

from archive import cluster as cluster_module
from archive.cluster import start_local_cluster
from archive.home import Archive
from archive.ingestion import IngestOptions, ingest
from archive.workers import Limits
from distributed import Client, LocalCluster
from tests.archive.hostile import decompression_bomb, many_pages
from tests.pdfs import write_pdf

NAMES = ["Абай", "Шоқан", "Ыбырай", "Мұхтар", "Сәкен", "Ілияс", "Бейімбет", "Жамбыл"]
QUERIES = ["Абай", "=Жамбыл", "тарих мәдениет", '"әдебиет туралы"', "Ілияс OR Сәкен"]


@pytest.fixture(scope="module")
def dask_cluster():
    """Two single-threaded worker processes on loopback, and a client to watch and kill them."""
    local = start_local_cluster(2)
    client = Client(local, set_as_default=False)
    yield local.scheduler_address, client
    client.close()
    local.close()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Documents naming their own person, a copy of one (dedupe), a text file and an empty file (ledger)."""
    folder = tmp_path_factory.mktemp("in")
    for number, name in enumerate(NAMES):
        lines = [f"{name} туралы құжаттың {line}-жолы: тарих, мәдениет және әдебиет туралы." for line in range(40)]
        write_pdf(folder / f"doc-{number}.pdf", [lines] * 6)
    shutil.copy(folder / "doc-0.pdf", folder / "copy of doc-0.pdf")
    (folder / "notes.txt").write_text("Мағжан жырлары.\fАхмет мақалалары.", encoding="utf-8")
    (folder / "zero.pdf").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def local_run(folder, tmp_path_factory) -> dict:
    """What the plain worker pool makes of the folder."""
    root = tmp_path_factory.mktemp("local")
    ingest(Archive.create(root), [folder], options=IngestOptions(workers=2))
    return _snapshot(root)


def _snapshot(root: Path) -> dict:
    """What a user can see of an archive: catalog rows (without times), the ledger, search results."""
    with sqlite3.connect(root / "catalog.sqlite") as db:
        catalog = {
            "documents": sorted(db.execute("SELECT id, sha256, title, kind, size, page_count, stored_name, indexed "
                                           "FROM documents")),
            "paths": sorted(db.execute("SELECT document_id, path FROM document_paths")),
            "pages": sorted(db.execute("SELECT document_id, number, text, status, source FROM pages")),
            "passages": sorted(db.execute("SELECT id, document_id, page, seq, start, end, text FROM passages")),
            "failures": sorted(db.execute("SELECT path, sha256, reason FROM failures")),
        }
    archive = Archive.existing(root)
    searches = {}
    for query in QUERIES:
        results = archive.search(query, limit=500)
        searches[query] = (results.total, sorted((round(hit.score, 4), hit.passage_id) for hit in results.hits))
    return {"catalog": catalog, "searches": searches}


def test_a_folder_through_a_cluster_gives_the_catalog_and_search_results_of_a_local_run(
        dask_cluster, folder, local_run, tmp_path):
    address, _ = dask_cluster
    report = ingest(Archive.create(tmp_path / "a"), [folder], options=IngestOptions(cluster=address))
    assert len(report.ingested) == len(NAMES) + 1 and len(report.already_present) == 1
    assert [Path(path).name for path, _ in report.failed] == ["zero.pdf"]
    snapshot = _snapshot(tmp_path / "a")
    assert snapshot == local_run
    assert all(total > 0 for total, _ in snapshot["searches"].values())


def test_a_worker_killed_mid_file_is_a_retried_task_not_a_lost_file(dask_cluster, folder, local_run, tmp_path):
    address, client = dask_cluster
    killed: list[int] = []

    def kill_a_busy_worker(event) -> None:
        if killed:
            return
        pids = client.run(os.getpid)
        busy = [worker for worker, keys in client.processing().items() if keys]
        assert busy, "no file was in flight when the first one came back"
        killed.append(pids[busy[0]])
        os.kill(pids[busy[0]], signal.SIGKILL)

    report = ingest(Archive.create(tmp_path / "a"), [folder], on_file=kill_a_busy_worker,
                    options=IngestOptions(cluster=address))

    assert killed
    assert killed[0] not in client.run(os.getpid).values()  # it really died (its nanny started another)
    assert [Path(path).name for path, _ in report.failed] == ["zero.pdf"]
    assert _snapshot(tmp_path / "a") == local_run


def test_per_file_limits_hold_on_the_cluster_and_its_workers_survive_them(dask_cluster, tmp_path):
    address, client = dask_cluster
    folder = tmp_path / "in"
    folder.mkdir()
    many_pages(folder / "thousands.pdf", 3000)
    decompression_bomb(folder / "bomb.pdf", 400)
    write_pdf(folder / "good.pdf", [["Абай Құнанбайұлы қазақтың ұлы ақыны болған."]])
    workers_before = client.run(os.getpid)

    report = ingest(Archive.create(tmp_path / "a"), [folder],
                    options=IngestOptions(cluster=address, limits=Limits(timeout=2, memory_mib=200)))

    reasons = {Path(path).name: reason for path, reason in report.failed}
    assert [Path(path).name for path in report.ingested] == ["good.pdf"]
    assert "--timeout" in reasons["thousands.pdf"] and "--memory" in reasons["bomb.pdf"]
    assert client.run(os.getpid) == workers_before


def test_cluster_local_from_the_command_line_then_a_rerun_finds_nothing_new(folder, local_run, tmp_path, run_cli):
    command = ["ingest", folder, "--cluster", "local", "--workers", "2", "--archive", tmp_path / "a", "--silent"]
    first = run_cli(*command)
    assert first.exit_code == 1 and "ingested 9, already present 1, failed 1," in first.stdout, first.output
    assert _snapshot(tmp_path / "a") == local_run

    again = run_cli(*command)
    assert "ingested 0, already present 10, failed 0, skipped 1," in again.stdout, again.output
    assert _snapshot(tmp_path / "a") == local_run


def test_an_unreachable_scheduler_is_one_line_and_an_exit_code(folder, tmp_path, run_cli, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 1)
    result = run_cli("ingest", folder, "--cluster", "tcp://127.0.0.1:9", "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1
    assert result.stderr.startswith("muragat: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert json.loads(run_cli("status", "--json", "--archive", tmp_path / "a").stdout)["documents"] == 0


def test_workers_that_cannot_start_processes_are_refused_with_the_setting_to_change(folder, tmp_path, run_cli):
    with dask.config.set({"distributed.worker.daemon": True}):  # Dask's default, which start_local_cluster changes
        default = LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                               scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})
    try:
        result = run_cli("ingest", folder, "--cluster", default.scheduler_address, "--archive", tmp_path / "a",
                         "--silent")
    finally:
        default.close()
    assert result.exit_code == 1 and "DASK_DISTRIBUTED__WORKER__DAEMON=False" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
