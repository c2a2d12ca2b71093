"""Modules using private internals of whoosh or pdfminer, or tantivy's index format, refuse any other release."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive import pins

ROOT = Path(__file__).resolve().parent.parent.parent
GUARDED = {
    "index/whoosh_engine/postings.py": "Whoosh-Reloaded",
    "index/whoosh_engine/segments.py": "Whoosh-Reloaded",
    "index/whoosh_engine/writer.py": "Whoosh-Reloaded",
    "index/whoosh_engine/storage.py": "Whoosh-Reloaded",
    "ingest/extract.py": "pdfminer.six",
    "index/tantivy_engine/schema.py": "tantivy",
}
# What each guarded distribution's modules use of it, as the refusal names it.
USES = {"Whoosh-Reloaded": "private internals", "pdfminer.six": "private internals",
        "tantivy": "the index format and the Python API"}


def pinned_in_requirements() -> dict[str, str]:
    pins_found = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip()):
            pins_found[match[1].lower()] = match[2]
    return pins_found


def import_afresh(relative: str):
    """Execute a module's file as a new module of its own name, leaving the one already imported alone."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(relative.removesuffix(".py").replace("/", "."), path)
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up by name: stand in for it when it is not imported yet (engines load lazily)
    standing_in = sys.modules.setdefault(spec.name, module) is module
    try:
        spec.loader.exec_module(module)
    finally:
        if standing_in:
            del sys.modules[spec.name]
    return module


def other_version(of: str, version: str):
    """A version lookup that finds `version` of one distribution and the real ones of the rest."""
    real = pins.installed_version
    return lambda distribution: version if distribution == of else real(distribution)


def test_the_versions_written_for_are_the_ones_requirements_pins():
    pinned = pinned_in_requirements()
    for distribution, version in pins.WRITTEN_FOR.items():
        assert pinned[distribution.lower()] == version, distribution


def test_the_modules_using_private_internals_call_the_check_before_importing_them():
    for relative, distribution in GUARDED.items():
        source = (ROOT / relative).read_text(encoding="utf-8")
        check = source.index(f'require("{distribution}", __name__')
        first_import = re.search(r"^(from|import) (whoosh|pdfminer|tantivy)", source, re.MULTILINE).start()
        assert check < first_import, relative


def test_the_installed_releases_pass():
    for distribution, version in pins.WRITTEN_FOR.items():
        assert pins.installed_version(distribution) == version
        pins.require(distribution, "a module")
    for relative in GUARDED:
        import_afresh(relative)


@pytest.mark.parametrize("relative", sorted(GUARDED))
def test_another_release_is_refused_in_one_line(relative, monkeypatch):
    distribution = GUARDED[relative]
    monkeypatch.setattr(pins, "installed_version", other_version(distribution, "2.7.6"))
    with pytest.raises(pins.WrongVersion) as refused:
        import_afresh(relative)
    module = relative.removesuffix(".py").replace("/", ".")
    needed = pins.WRITTEN_FOR[distribution]
    assert str(refused.value) == (f"{module} uses {USES[distribution]} of {distribution} {needed}, but 2.7.6 is "
                                  f"installed: run `pip install -r requirements.txt` in Muragat's virtualenv")
    assert isinstance(refused.value, ImportError)


def test_a_missing_distribution_is_refused_too(monkeypatch):
    monkeypatch.setattr(pins, "installed_version", other_version("pdfminer.six", None))
    with pytest.raises(pins.WrongVersion, match=r"^ingest\.extract uses private internals of pdfminer\.six "
                                                r"20260107, but it is not installed: run `pip install -r "):
        import_afresh("ingest/extract.py")


def test_the_lookup_reads_the_installed_metadata(monkeypatch):
    seen = []
    monkeypatch.setattr(pins.metadata, "version", lambda distribution: seen.append(distribution) or "1.0")
    with pytest.raises(pins.WrongVersion, match="but 1.0 is installed"):
        pins.require("Whoosh-Reloaded", "index.whoosh_engine.writer")
    assert seen == ["Whoosh-Reloaded"]


def test_the_command_says_the_refusal_in_one_line_without_a_traceback(sample_archive_dir):
    """`muragat` (archive/__main__.py, the console script's entry) with another whoosh release installed: the
    whoosh engine is imported when an archive's index is opened, and refuses then; `--help` needs no engine."""
    program = ("import sys, archive.pins as pins; "
               "real = pins.installed_version; "
               "pins.installed_version = lambda name: '2.7.6' if name == 'Whoosh-Reloaded' else real(name); "
               "sys.argv = ['muragat'] + sys.argv[1:]; "
               "from archive.__main__ import main; main()")
    for arguments, code in ((["--help"], 0), (["status", "--archive", str(sample_archive_dir)], 1)):
        result = subprocess.run([sys.executable, "-c", program, *arguments], cwd=ROOT, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == code, arguments
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "muragat: index.whoosh_engine.postings uses private internals of Whoosh-Reloaded 2.7.5, but 2.7.6 is "
        "installed: run `pip install -r requirements.txt` in Muragat's virtualenv"]


def test_the_command_runs_with_the_installed_releases():
    result = subprocess.run([sys.executable, "-m", "archive", "--help"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage: muragat" in result.stdout


def test_an_archive_on_tantivy_is_refused_in_one_line_with_another_tantivy_release(own_archive_dir, run_cli):
    """The tantivy engine is imported only when an archive on it opens its index, and refuses then."""
    assert run_cli("reindex", "--engine", "tantivy", "--archive", own_archive_dir).exit_code == 0
    program = ("import sys, archive.pins as pins; "
               "real = pins.installed_version; "
               "pins.installed_version = lambda name: '0.26.0' if name == 'tantivy' else real(name); "
               "sys.argv = ['muragat'] + sys.argv[1:]; "
               "from archive.__main__ import main; main()")
    result = subprocess.run([sys.executable, "-c", program, "status", "--archive", str(own_archive_dir)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "muragat: index.tantivy_engine.schema uses the index format and the Python API of tantivy 0.27.0, but "
        "0.26.0 is installed: run `pip install -r requirements.txt` in Muragat's virtualenv"]
