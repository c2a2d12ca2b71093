"""The import rules of DESIGN.md, checked on the code: each package keeps to its own concern."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from index.seam import ENGINES

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


# Each engine's folder is the only importer of its engine's library.
ENGINE_FOLDERS = {"whoosh": ROOT / "index" / "whoosh_engine", "tantivy": ROOT / "index" / "tantivy_engine"}
# Shared by every engine, yet written on whoosh's text-analysis toolkit and query parser (not its index, reading,
# searching or writing): the analyzer chain is whoosh.analysis Tokenizer and Filter classes, the query language is
# whoosh's qparser with plugins, parsing against whoosh field declarations into whoosh's query tree, which an engine
# walks; the ranking model's decisions on that tree and the typed-word variants added to it build whoosh.query nodes.
# Working code, not rewritten for form's sake; no other shared module may import whoosh.
SHARED_WHOOSH = {
    ROOT / "index" / "analysis.py": ("whoosh.analysis",),
    ROOT / "index" / "query.py": ("whoosh.qparser", "whoosh.query", "whoosh.fields"),
    ROOT / "index" / "ranking.py": ("whoosh.query",),
    ROOT / "index" / "variants.py": ("whoosh.query",),
    ROOT / "index" / "backends.py": ("whoosh.query",),  # the words a snippet marks, read off the parsed query
}
# Another engine walks the parsed query (whoosh's query tree, index.query) into its own queries: of whoosh, it may
# read those node classes and nothing else.
PARSED_QUERY = ("whoosh.query",)
# What archive/ may import of index/: the seam, and the pure shared modules it needs.
SEAM_AND_PURE = ("index.seam", "index.language", "index.kazakh", "index.snippets")


def inside(path: Path, folder: Path) -> bool:
    return folder in path.parents


def under(name: str, modules: tuple[str, ...]) -> bool:
    """Whether a dotted import name is one of `modules` or something inside one."""
    return any(name == module or name.startswith(module + ".") for module in modules)


@pytest.mark.parametrize("engine", sorted(ENGINE_FOLDERS))
def test_only_an_engines_folder_imports_its_engine(engine):
    for package in PACKAGES:
        for path in modules(package):
            if inside(path, ENGINE_FOLDERS[engine]):
                continue
            found = {name for name in imports(path) if root(name) == engine}
            allowed = SHARED_WHOOSH.get(path, ()) if engine == "whoosh" else ()
            if engine == "whoosh" and any(inside(path, folder) for folder in ENGINE_FOLDERS.values()):
                allowed = PARSED_QUERY
            assert all(under(name, allowed) for name in found), f"{path.relative_to(ROOT)} imports {found}"


def test_every_engine_folder_is_registered_and_imports_its_engine():
    """The rule above is no empty one: each engine named in ENGINES lives in its folder, which uses its library."""
    assert set(ENGINES) == set(ENGINE_FOLDERS)
    for engine, folder in ENGINE_FOLDERS.items():
        assert ENGINES[engine].startswith(f"index.{folder.name}."), engine
        assert any(root(name) == engine for path in folder.rglob("*.py") for name in imports(path)), engine


def test_an_engine_imports_no_other_engine_and_shared_modules_import_none():
    folders = {f"index.{folder.name}": folder for folder in ENGINE_FOLDERS.values()}
    for path in modules("index"):
        own = next((name for name, folder in folders.items() if inside(path, folder)), None)
        crossing = {name for name in imports(path) if under(name, tuple(folders)) and not under(name, (own or "-",))}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"


def test_the_application_reaches_search_only_through_the_seam():
    for path in modules("archive"):
        crossing = {name for name in imports(path) if root(name) == "index" and not under(name, SEAM_AND_PURE)}
        assert not crossing, f"{path.relative_to(ROOT)} imports {crossing}"


def test_the_seam_and_the_application_load_no_engine_until_an_archive_opens_its_index():
    """The engine registry imports an engine when an archive opens one: the others' import is never paid."""
    program = ("import sys, archive.cli, archive.ingestion, webui; "
               "print(sorted({name for name in sys.modules if name.split('.')[0] in ('whoosh', 'tantivy')"
               " or name.startswith('index.') and name.endswith('_engine')}))")
    loaded = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_only_the_extract_module_imports_pdfminer():
    for package in PACKAGES:
        for path in modules(package):
            if path != ROOT / "ingest" / "extract.py":
                assert "pdfminer" not in {root(name) for name in imports(path)}, path.relative_to(ROOT)


def test_webui_reaches_neither_ingest_nor_storage_directly():
    for path in modules("webui"):
        roots = {root(name) for name in imports(path)}
        assert not roots & {"ingest", "pdfminer", "whoosh", "sqlite3", "index"}, path.relative_to(ROOT)


@pytest.mark.parametrize("module", ["kazakh.py", "language.py", "schema.py", "snippets.py", "seam.py"])
def test_the_pure_shared_modules_import_no_whoosh(module):
    assert "whoosh" not in {root(name) for name in imports(ROOT / "index" / module)}
