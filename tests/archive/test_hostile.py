"""Bad input never stops the batch: every broken or hostile file gets a recorded reason."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.archive.hostile import decompression_bomb, deeply_nested, encrypted, many_pages, truncated
from tests.pdfs import write_pdf

ROOT = Path(__file__).resolve().parents[2]
GOOD_LINES = [["Абай Құнанбайұлы қазақтың ұлы ақыны болған."]]


def _failures(run_cli, archive) -> dict[str, str]:
    listed = json.loads(run_cli("failures", "--json", "--archive", archive).stdout)["failures"]
    return {Path(item["path"]).name: item["reason"] for item in listed}


def test_every_kind_of_bad_file_is_recorded_and_the_good_one_goes_in(tmp_path, run_cli):
    folder = tmp_path / "batch"
    folder.mkdir()
    write_pdf(folder / "good.pdf", GOOD_LINES)
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    truncated(folder / "truncated.pdf", [["Құжаттың басы ғана қалды."] * 40] * 4)
    encrypted(folder / "locked.pdf")
    deeply_nested(folder / "nested.pdf", 5000)
    decompression_bomb(folder / "bomb.pdf", 400)
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))

    result = run_cli("ingest", folder, "--archive", tmp_path / "a", "--memory", "200", "--workers", "2", "--silent")

    assert result.exit_code == 1
    assert "ingested 1," in result.stdout and "failed 7," in result.stdout
    assert "Traceback" not in result.stderr
    reasons = _failures(run_cli, tmp_path / "a")
    assert set(reasons) == {"zero.pdf", "photo.pdf", "truncated.pdf", "locked.pdf", "nested.pdf", "bomb.pdf",
                            "latin1.txt"}
    assert "empty (0 bytes)" in reasons["zero.pdf"]
    assert "not a PDF at all (it does not begin with %PDF); check what the file is" in reasons["photo.pdf"]
    assert "check that the file is complete" in reasons["truncated.pdf"]
    assert "encrypted" in reasons["locked.pdf"]
    assert "nested too deeply" in reasons["nested.pdf"]
    assert "--memory" in reasons["bomb.pdf"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert all(reason.startswith(name + ":") and "\n" not in reason for name, reason in reasons.items())
    found = json.loads(run_cli("search", "ақыны", "--json", "--archive", tmp_path / "a").stdout)
    assert found["total"] == 1


def test_a_file_over_the_time_limit_is_given_up_and_the_batch_goes_on(tmp_path, run_cli):
    slow = many_pages(tmp_path / "thousands.pdf", 3000)
    good = write_pdf(tmp_path / "good.pdf", GOOD_LINES)
    result = run_cli("ingest", slow, good, "--archive", tmp_path / "a", "--timeout", "1", "--silent")
    assert result.exit_code == 1 and "ingested 1," in result.stdout
    reason = _failures(run_cli, tmp_path / "a")["thousands.pdf"]
    assert "gave up after 1 s" in reason and "--timeout" in reason


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent(entry) == pid]


def _parent(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _descendants(pid: int) -> list[int]:
    """Every process under `pid` (workers are grandchildren: they come from the fork server)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (parent := _parent(entry)) is not None:
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _busy_worker(pid: int) -> int | None:
    """The worker process: a grandchild using the CPU (workers come from the fork server, a child, which
    itself spends CPU importing before it forks one: killing it instead would test something else)."""
    for child in (worker for server in _children(pid) for worker in _descendants(server)):
        try:
            ticks = sum(int(value) for value in (Path("/proc") / str(child) / "stat").read_text()
                        .rsplit(")", 1)[1].split()[11:13])
        except (OSError, ValueError):
            continue
        if ticks > 20 and not _descendants(child):
            return child
    return None


def test_a_worker_killed_from_outside_fails_its_file_not_the_run(tmp_path, run_cli):
    slow = many_pages(tmp_path / "thousands.pdf", 3000)
    good = write_pdf(tmp_path / "good.pdf", GOOD_LINES)
    archive = tmp_path / "a"
    ingest = subprocess.Popen(
        [sys.executable, "-m", "archive", "ingest", str(slow), str(good), "--archive", str(archive),
         "--workers", "1", "--timeout", "600", "--silent"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        worker = None
        for _ in range(300):
            worker = _busy_worker(ingest.pid)
            if worker:
                break
            time.sleep(0.1)
        assert worker, "no worker started"
        os.kill(worker, signal.SIGKILL)  # what the kernel's OOM killer does
        stdout, stderr = ingest.communicate(timeout=120)
    finally:
        ingest.kill()
    assert ingest.returncode == 1 and "Traceback" not in stderr
    assert "ingested 1," in stdout and "failed 1," in stdout
    assert "killed (SIGKILL" in _failures(run_cli, archive)["thousands.pdf"]


@pytest.mark.parametrize("name, text", [("manifest.csv", "path,title\nreport.pdf,Есеп\n"),
                                        ("manifest.JSON", '[{"path": "report.pdf", "title": "Есеп"}]')])
def test_a_manifest_given_as_a_document_is_refused_with_the_option_to_use(tmp_path, run_cli, name, text):
    manifest = tmp_path / name
    manifest.write_text(text, encoding="utf-8")
    result = run_cli("ingest", manifest, "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1 and f"--metadata {manifest}" in result.output
    assert "not a readable PDF" not in result.output  # refused before it is tried, and kept out of the ledger


def broken_batch(tmp_path, broken: str, good: str = "good.pdf"):
    """A folder of a PDF cut short (named `broken`) and a good one."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / broken).write_bytes(b"%PDF-1.4\n cut short")
    write_pdf(folder / good, GOOD_LINES)
    return folder


def test_a_failed_file_deleted_since_is_taken_off_the_ledger_by_a_retry(tmp_path, run_cli):
    folder = broken_batch(tmp_path, "cut.pdf")
    archive = tmp_path / "a"
    assert run_cli("ingest", folder, "--archive", archive, "--silent").exit_code == 1
    (folder / "cut.pdf").unlink()
    os.mkfifo(folder / "cut.pdf")  # in its place a pipe, which nobody writes: reading it would wait for ever
    retried = run_cli("ingest", "--retry-failed", "--archive", archive, "--silent")
    assert retried.exit_code == 0, retried.output
    assert f"1 failed file no longer there, taken off the list of failures: {folder / 'cut.pdf'}" in retried.stderr
    assert _failures(run_cli, archive) == {}
    assert json.loads(run_cli("status", "--json", "--archive", archive).stdout)["documents"] == 1


def test_a_file_name_holding_a_line_break_cannot_forge_a_line_of_output(tmp_path, run_cli):
    folder = broken_batch(tmp_path, "evil\nmuragat: failed: fake.pdf", "Жылдық\nесеп.pdf")
    archive = tmp_path / "a"
    result = run_cli("ingest", folder, "--archive", archive, "--silent")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("muragat: failed:")] == [
        line for line in result.stderr.splitlines() if "evil\\nmuragat: failed: fake.pdf" in line]
    failures = run_cli("failures", "--archive", archive).stdout.splitlines()
    assert len(failures) == 2 and "evil\\nmuragat" in failures[0]  # the ledger's line, then how to retry
    assert "Жылдық есеп" in run_cli("list", "--archive", archive).stdout  # a title from the name: one line


def test_a_file_that_vanishes_while_it_is_copied_is_unreadable_and_tried_again_by_the_next_run(tmp_path, run_cli,
                                                                                              monkeypatch):
    import errno

    from archive import ingestion

    folder = tmp_path / "batch"
    folder.mkdir()
    document = write_pdf(folder / "report.pdf", GOOD_LINES)
    kept = document.read_bytes()

    def vanished(originals, path, sha256):
        path.unlink()  # the folder deleted or moved in the middle of the run
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))

    monkeypatch.setattr(ingestion, "store", vanished)
    archive = tmp_path / "a"
    result = run_cli("ingest", folder, "--archive", archive, "--silent")
    assert result.exit_code == 1 and "report.pdf: cannot read the file (No such file or directory)" in result.stderr
    assert "check the disk" not in result.stderr  # the archive's disk is not to blame
    monkeypatch.undo()
    document.write_bytes(kept)  # the folder is back
    again = run_cli("ingest", folder, "--archive", archive, "--silent")
    assert again.exit_code == 0 and "ingested 1," in again.stdout  # not skipped as a file that failed before


def test_a_path_that_is_not_there_is_one_line_and_makes_no_archive(tmp_path, run_cli):
    result = run_cli("ingest", tmp_path / "nonexistent.pdf", "--archive", tmp_path / "new")
    missing = tmp_path / "nonexistent.pdf"
    assert result.exit_code == 1 and result.stderr == f"muragat: {missing}: no such file or folder\n"
    assert not (tmp_path / "new").exists()


def test_failed_files_are_skipped_on_the_next_run_until_retried(tmp_path, run_cli):
    folder = broken_batch(tmp_path, "report.pdf")
    broken = folder / "report.pdf"
    archive = tmp_path / "a"
    assert run_cli("ingest", folder, "--archive", archive, "--silent").exit_code == 1

    again = run_cli("ingest", folder, "--archive", archive, "--silent")
    assert again.exit_code == 0  # reported by the first run: nothing failed anew
    assert "already present 1, failed 0, skipped 1" in again.stdout and "--retry-failed" in again.stderr
    last = json.loads(run_cli("status", "--json", "--archive", archive).stdout)["last_ingest"]
    assert (last["already_present"], last["failed"], last["skipped"]) == (1, 0, 1)  # what a later `status` says too
    assert "failed 0, skipped 1, with no text 0" in run_cli("status", "--archive", archive).stdout

    write_pdf(tmp_path / "fixed.pdf", [["Қайта көшірілген есеп."]])
    broken.write_bytes((tmp_path / "fixed.pdf").read_bytes())
    retried = run_cli("ingest", "--retry-failed", "--archive", archive, "--silent")
    assert retried.exit_code == 0, retried.output
    assert "ingested 1," in retried.stdout
    assert _failures(run_cli, archive) == {}
    status = json.loads(run_cli("status", "--json", "--archive", archive).stdout)
    assert status["documents"] == 2 and status["failures"] == 0 and status["index_agrees"]
