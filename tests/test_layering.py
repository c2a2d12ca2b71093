"""The import rules of DESIGN.md, checked on the code: each package keeps to its own concern."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "ingest", "index", "webui")


def imports(path: Path) -> set[str]:
    """Top-level module names a file imports, and dotted names for the project's own modules."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def root(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("package, forbidden", [("ingest", "index"), ("index", "ingest")])
def test_ingest_and_index_do_not_import_each_other(package, forbidden):
    for path in modules(package):
        crossing = {name for name in imports(path) if root(name) == forbidden and not name.startswith("index.kazakh")}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"


@pytest.mark.parametrize("package", ["ingest", "index"])
def test_ingest_and_index_take_from_the_application_only_its_version_pins(package):
    for path in modules(package):
        crossing = {name for name in imports(path) if root(name) == "archive" and not name.startswith("archive.pins")}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"


def test_the_version_pins_import_nothing_of_the_project():
    assert not {root(name) for name in imports(ROOT / "archive" / "pins.py")} & set(PACKAGES)


def test_only_index_imports_whoosh():
    for package in PACKAGES:
        for path in modules(package):
            if package != "index":
                assert "whoosh" not in {root(name) for name in imports(path)}, path.relative_to(ROOT)


def test_only_the_extract_module_imports_pdfminer():
    for package in PACKAGES:
        for path in modules(package):
            if path != ROOT / "ingest" / "extract.py":
                assert "pdfminer" not in {root(name) for name in imports(path)}, path.relative_to(ROOT)


def test_webui_reaches_neither_ingest_nor_storage_directly():
    for path in modules("webui"):
        roots = {root(name) for name in imports(path)}
        assert not roots & {"ingest", "pdfminer", "whoosh", "sqlite3", "index"}, path.relative_to(ROOT)


def test_the_kazakh_rules_module_imports_no_whoosh():
    assert "whoosh" not in {root(name) for name in imports(ROOT / "index" / "kazakh.py")}
