"""Faults from outside: an archive this user may not write, two writers at once, an archive that
vanishes or a disk that fills mid-run. After each, the archive still reads and a rerun finishes it."""
from __future__ import annotations

import ctypes
import json
import os
import random
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.pdfs import write_pdf

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3


def _without_permission_override() -> None:
    """In the child before exec: root keeps its uid (the interpreter may live in /root) but loses the
    capabilities that let it write files and folders whose mode says it may not."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def as_reader() -> dict:
    """subprocess arguments that run a command as a user the archive's modes do not let write."""
    return {"preexec_fn": _without_permission_override} if os.geteuid() == 0 else {}


def muragat(*args: object, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], env=ENV, capture_output=True,
                          text=True, timeout=300, **options)


def make_read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture(params=["wal files present", "catalog closed"])
def read_only_archive(own_archive_dir, request):
    """The sample archive with every file and folder read-only, as another user's archive or a mounted backup:
    with the catalog's -wal and -shm files of a writer still at work, or without (closed cleanly)."""
    if request.param == "catalog closed":
        with closing(sqlite3.connect(own_archive_dir / "catalog.sqlite")) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert not list(own_archive_dir.glob("catalog.sqlite-*"))
    make_read_only(own_archive_dir)
    try:
        probe = subprocess.run([sys.executable, "-c", f"open({str(own_archive_dir / 'probe')!r}, 'w')"],
                               capture_output=True, **as_reader())
    except subprocess.SubprocessError:  # prctl refused in the child
        probe = None
    if probe is None or probe.returncode == 0:
        pytest.skip("this user can write read-only files (root without CAP_SETPCAP to give that power up)")
    yield own_archive_dir
    for path in [own_archive_dir, *own_archive_dir.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)  # so that tmp_path can be cleaned


@pytest.mark.parametrize("args", [("status", "--json"), ("failures", "--json"), ("search", "Страсбург", "--json"),
                                  ("list", "--sort", "title", "--json")])
def test_reading_commands_work_on_an_archive_this_user_may_not_write(read_only_archive, args):
    before = {path: path.stat().st_mtime_ns for path in read_only_archive.rglob("*")}
    result = muragat(*args, "--archive", read_only_archive, **as_reader())
    assert result.returncode == 0, result.stderr
    assert {path: path.stat().st_mtime_ns for path in read_only_archive.rglob("*")} == before
    payload = json.loads(result.stdout)
    if args[0] == "status":
        assert payload["documents"] == 1 and payload["index_agrees"]
    if args[0] in ("search", "list"):
        assert payload["total"] > 0


def test_reading_an_archive_without_an_index_says_to_reindex_and_makes_none(own_archive_dir):
    shutil.rmtree(own_archive_dir / "index")
    for args in (("status",), ("search", "Страсбург")):
        result = muragat(*args, "--archive", own_archive_dir)
        assert result.returncode == 1 and result.stderr == (
            f"muragat: {own_archive_dir}: the archive has no search index; run `muragat reindex --archive "
            f"{own_archive_dir}` as a user who may write it\n")
    assert not (own_archive_dir / "index").exists()


@pytest.mark.parametrize("engine, damage", [("whoosh", "*.seg"), ("whoosh", "*.toc"), ("tantivy", "meta.json")])
def test_a_damaged_index_is_one_line_saying_to_reindex_and_a_reindex_mends_it(own_archive_dir, run_cli, engine,
                                                                              damage):
    from webui import create_app

    if engine != "whoosh":
        assert run_cli("reindex", "--engine", engine, "--archive", own_archive_dir).exit_code == 0
    folder = next(own_archive_dir.glob("index*"))
    for path in folder.glob(damage):
        path.write_bytes(path.read_bytes()[:10])  # cut short, as a copy interrupted or a disk error leaves it
    for args in (("status",), ("search", "Страсбург"), ("remove", "372de5891862daab")):
        result = muragat(*args, "--archive", own_archive_dir)
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"muragat: {folder}: the search index cannot be read (")
        assert result.stderr.endswith("`muragat reindex` to build it anew from the catalog, which holds everything\n")
    for args in (("list",), ("failures",)):  # the catalog alone: as if nothing were wrong
        assert muragat(*args, "--archive", own_archive_dir).returncode == 0
    page = create_app({"ARCHIVE": str(own_archive_dir), "TESTING": True}).test_client().get(
        "/api/search", query_string={"q": "Страсбург"})
    assert page.status_code == 503 and str(folder) not in page.get_data(as_text=True)  # no server path
    assert "muragat reindex" in page.get_json()["error"]["message"]
    assert run_cli("reindex", "--archive", own_archive_dir).exit_code == 0
    mended = run_cli("search", "Страсбург", "--json", "--archive", own_archive_dir)
    assert json.loads(mended.stdout)["total"] > 0


@pytest.mark.parametrize("args", [("ingest", ROOT / "tests" / "data"), ("reindex",), ("optimize",),
                                  ("remove", "372de5891862daab")])
def test_writing_commands_say_in_one_line_that_they_cannot_write(read_only_archive, args):
    quiet = ("--silent",) if args[0] == "ingest" else ()
    result = muragat(*args, "--archive", read_only_archive, *quiet, **as_reader())
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "cannot write to this archive" in result.stderr and str(read_only_archive) in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_from_an_archive_this_user_may_not_write(read_only_archive):
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--archive", str(read_only_archive),
                               "--port", str(port)], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              **as_reader())
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/api/search?q=%D0%A1%D1%82%D1%80%D0%B0%D1%81%D0%B1%D1%83%D1%80%D0%B3") as r:
                    found = json.load(r)
                break
            except urllib.error.HTTPError:
                raise
            except urllib.error.URLError:  # not listening yet
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert found["total"] > 0
        document = found["results"][0]["document_id"]
        for path in ("/?q=%D2%9B%D2%B1%D2%9B%D1%8B%D2%9B", f"/documents/{document}/pages/1",
                     f"/api/documents/{document}", f"/documents/{document}/original"):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
    finally:
        server.terminate()
        server.wait(timeout=10)


HOLD_THE_LOCK = """
import sys
from archive.lock import writing
with writing(sys.argv[1], "ingest"):
    print("held", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def held_lock(own_archive_dir):
    """Another process writing the archive: it holds the writer lock until its stdin closes."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(own_archive_dir)], env=ENV,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    yield holder
    holder.stdin.close()
    holder.wait(timeout=30)


@pytest.mark.parametrize("args", [("ingest", ROOT / "tests" / "data", "--silent"), ("reindex",), ("optimize",),
                                  ("remove", "372de5891862daab")])
def test_a_second_writer_refuses_in_one_line(own_archive_dir, held_lock, run_cli, args):
    result = run_cli(*args, "--archive", own_archive_dir)
    assert result.exit_code == 1
    assert result.stderr == (f"muragat: {own_archive_dir}: `muragat ingest` (process {held_lock.pid}) is writing "
                             f"this archive; run `muragat {args[0]}` again when it is done, or add --wait to wait "
                             f"for it\n")
    status = json.loads(run_cli("status", "--json", "--archive", own_archive_dir).stdout)
    assert status["documents"] == 1 and status["index_agrees"]


def _blocked_on(lock_file: Path) -> bool:
    """Whether some process waits for this file's flock (a `->` line in /proc/locks)."""
    inode = f":{lock_file.stat().st_ino} "
    return any(line.split()[1] == "->" and inode in line for line in Path("/proc/locks").read_text().splitlines())


def test_with_wait_a_second_writer_waits_for_the_first(own_archive_dir, held_lock):
    from archive.lock import LOCK_FILE

    waiter = subprocess.Popen([sys.executable, "-m", "archive", "reindex", "--wait", "--archive", str(own_archive_dir)],
                              env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):  # until it is queued behind the holder (or has failed)
        if _blocked_on(own_archive_dir / LOCK_FILE) or waiter.poll() is not None:
            break
        time.sleep(0.1)
    assert waiter.poll() is None, waiter.stderr.read()
    held_lock.stdin.close()
    out, err = waiter.communicate(timeout=300)
    assert waiter.returncode == 0, err
    assert out.startswith("reindexed 33 passages")


def test_two_ingests_at_once_reach_the_archive_one_run_would(tmp_path, sample_pdf, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(sample_pdf.read_bytes())
    write_pdf(folder / "b.pdf", [["Абай Құнанбайұлы ақын болған."]])
    archive = tmp_path / "archive"
    runs = [subprocess.Popen([sys.executable, "-m", "archive", "ingest", *files, "--archive", str(archive),
                              "--silent", "--wait"], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for files in ([str(folder / "a.pdf")], [str(folder / "a.pdf"), str(folder / "b.pdf")])]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["documents"] == 2 and status["index_agrees"] and status["failures"] == 0


def scans(folder: Path, count: int) -> Path:
    """`count` ten-page PDFs of distinct made-up words: each takes room in the store, the catalog and the index."""
    rng = random.Random(7)
    letters = "абвгдежзийклмнопрстуфхшыэюяәғқңөұүһі"
    folder.mkdir()
    for number in range(count):
        lines = [" ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(12))
                 for _ in range(45)]
        write_pdf(folder / f"scan_{number}.pdf", [lines] * 10)
    return folder


def test_an_archive_removed_mid_run_stops_the_ingest_in_one_line(tmp_path, run_cli, monkeypatch):
    from archive.cli import IngestProgress

    files = scans(tmp_path / "in", 3)
    archive = tmp_path / "archive"
    done = IngestProgress.file_done

    def remove_the_archive_after_the_first_file(self, event):
        done(self, event)
        shutil.rmtree(archive, ignore_errors=True)

    monkeypatch.setattr(IngestProgress, "file_done", remove_the_archive_after_the_first_file)
    result = run_cli("ingest", files, "--archive", archive, "--workers", "1", "--silent")
    assert result.exit_code == 1
    assert result.stderr == (f"muragat: {archive}: the archive was removed or unmounted while this command ran; "
                             f"nothing more is written: restore it, or run the command again to start it anew\n")
    assert not archive.exists(), "the run made the archive anew"

    monkeypatch.undo()
    again = run_cli("ingest", files, "--archive", archive, "--workers", "1", "--silent")
    assert again.exit_code == 0 and "ingested 3," in again.stdout
    assert json.loads(run_cli("status", "--json", "--archive", archive).stdout)["index_agrees"]


FILL_THE_DISK = """
set -e
mount -t tmpfs -o size=1m tmpfs "$1"
python -m archive ingest "$2" --archive "$1/a" --workers 1 --silent --engine "$4" 2>"$3/first.err" || echo $? >"$3/first.rc"
python -m archive status --json --archive "$1/a" >"$3/full.json"
mount -o remount,size=256m "$1"
python -m archive ingest "$2" --archive "$1/a" --workers 1 --silent >"$3/second.out"
python -m archive status --json --archive "$1/a" >"$3/after.json"
"""


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_a_disk_that_fills_mid_run_stops_the_ingest_in_one_line_and_a_rerun_finishes(tmp_path, run_cli, engine):
    """A 1 MiB tmpfs in a mount namespace of the test's own, grown once the first run has failed."""
    mount_point, results = tmp_path / "disk", tmp_path / "results"
    mount_point.mkdir()
    results.mkdir()
    probe = subprocess.run(["unshare", "--mount", "mount", "-t", "tmpfs", "tmpfs", str(mount_point)],
                           capture_output=True)
    if probe.returncode:
        pytest.skip(f"cannot mount a small filesystem here (unshare/mount: {probe.stderr.decode().strip()})")
    files = scans(tmp_path / "in", 8)
    env = {**ENV, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["unshare", "--mount", "sh", "-c", FILL_THE_DISK, "sh", str(mount_point), str(files), str(results),
                    engine], env=env, check=True, timeout=600)

    assert (results / "first.rc").read_text().strip() == "1"
    error = (results / "first.err").read_text()
    assert error.count("\n") == 1 and error.startswith("muragat: ") and "Traceback" not in error
    assert "full" in error or "No space left" in error, error
    assert error.endswith("run the same command again: what was committed is kept\n")
    full = json.loads((results / "full.json").read_text())
    assert 0 < full["documents"] < 8, "the disk should fill in the middle of the run"

    clean = tmp_path / "clean"
    assert run_cli("ingest", files, "--archive", clean, "--workers", "1", "--silent", "--engine", engine).exit_code == 0
    expected = json.loads(run_cli("status", "--json", "--archive", clean).stdout)
    after = json.loads((results / "after.json").read_text())
    assert after["index_agrees"] and after["failures"] == 0
    for key in ("documents", "pages", "passages", "indexed_passages", "passages_by_language"):
        assert after[key] == expected[key], key
