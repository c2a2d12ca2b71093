"""What an install carries: the licence, and dask only for those who ask for `--cluster`."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def requirement_names(file: str) -> set[str]:
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    return {line.split("==")[0].lower() for line in lines if "==" in line and not line.startswith("#")}


def test_the_licence_is_the_gpl_3_or_later():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "GPL-3.0-or-later"
    assert "LICENSE" in project["license-files"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in licence and "Version 3, 29 June 2007" in licence
    assert "END OF TERMS AND CONDITIONS" in licence


def test_dask_is_an_optional_extra_that_the_tests_install():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "optional-dependencies" in pyproject["project"]["dynamic"]
    extras = pyproject["tool"]["setuptools"]["dynamic"]["optional-dependencies"]
    assert extras["cluster"]["file"] == ["requirements-cluster.txt"]
    assert {"dask", "distributed"} <= requirement_names("requirements-cluster.txt")
    assert not {"dask", "distributed"} & requirement_names("requirements.txt")
    assert "-r requirements-cluster.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()


def test_the_command_line_and_the_ingest_import_no_dask():
    program = ("import sys, archive.__main__, archive.cli, archive.ingestion, webui; "
               "print(sorted(name for name in sys.modules if name.split('.')[0] in ('dask', 'distributed')))")
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_cluster_without_dask_says_how_to_install_it(tmp_path, sample_pdf, run_cli, monkeypatch):
    for name in ("dask", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # `import dask` now fails as if it were not installed
    monkeypatch.delitem(sys.modules, "archive.cluster", raising=False)
    result = run_cli("ingest", sample_pdf, "--cluster", "local", "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "muragat: --cluster needs dask and distributed, the optional `cluster` extra (dask is not installed): "
        "run `pip install -r requirements-cluster.txt` in Muragat's virtualenv, or `pip install 'muragat[cluster]'`"]
    assert not (tmp_path / "a").exists()  # refused before the archive was touched
