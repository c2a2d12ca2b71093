"""Fixtures that build real data: real PDFs, a real archive on disk, a real whoosh index."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main as muragat
from archive.home import Archive
from archive.ingestion import ingest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PDF = ROOT / "samples" / "rogov_strasbourg_2012.pdf"
SAMPLE_TEXT = Path(__file__).resolve().parent / "data" / "rogov_strasbourg_2012.txt"


@pytest.fixture(scope="session")
def sample_pdf() -> Path:
    return SAMPLE_PDF


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_archive_dir(tmp_path_factory) -> Path:
    """An archive holding the sample document, built once; tests must not change it."""
    root = tmp_path_factory.mktemp("sample-archive")
    report = ingest(Archive.create(root), [SAMPLE_PDF])
    assert report.ok and len(report.ingested) == 1
    return root


@pytest.fixture
def sample_archive(sample_archive_dir) -> Archive:
    return Archive.existing(sample_archive_dir)


@pytest.fixture
def own_archive_dir(tmp_path, sample_archive_dir) -> Path:
    """A private copy of the sample archive, for tests that change it."""
    root = tmp_path / "archive"
    shutil.copytree(sample_archive_dir, root)
    return root


@pytest.fixture
def run_cli():
    """Run `muragat ARGS...` in-process; returns click's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(muragat, [str(arg) for arg in args], catch_exceptions=False)

    return run
