"""Apps over real archives: the sample document, and a small library with collections, dates and hostile titles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main as muragat
from tests.pdfs import write_pdf
from webui import create_app

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_AUTHOR = '<img src=x onerror="alert(2)">'
HOSTILE_COLLECTION = "<i>Жинақ</i>"

# file name -> (manifest row, pages); every page is a list of lines.
LIBRARY = {
    "decree_1995.pdf": (
        {"title": "Президент жарлығы", "author": "Н. Назарбаев", "date": "1995-03-01", "collection": "Жарлықтар"},
        [["Азаматтардың құқығы мен бостандықтары заңмен қорғалады.", "Әр адамның құқығы бар."],
         ["Жарлық жарияланған күнінен бастап күшіне енеді."]],
    ),
    "newspaper_2008.pdf": (
        {"title": "Егемен Қазақстан", "author": "Редакция", "date": "2008-06-12", "collection": "Газеттер"},
        [["Адам құқықтары туралы халықаралық конференция өтті."],
         ["Астанада жаңа саябақ ашылды. Балалар ойнайды."],
         ["Конференцияда адам құқықтарын қорғау мәселесі талқыланды."]],
    ),
    "undated_notes.txt": (
        {"title": "Күнделік жазбалары", "collection": "Газеттер"},
        [["Бұл жазбаларда құқық туралы ой бар."]],
    ),
    "hostile.pdf": (
        {"author": HOSTILE_AUTHOR, "date": "2015", "collection": HOSTILE_COLLECTION},
        [["Мұнда <b>тег</b> мен құқық сөзі бар."]],
    ),
}


@pytest.fixture
def app(sample_archive_dir):
    return create_app({"ARCHIVE": str(sample_archive_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def library_dir(tmp_path_factory) -> Path:
    """An archive of three small PDFs and a text file ingested with `muragat ingest --metadata manifest.json`; tests must not change it."""
    folder = tmp_path_factory.mktemp("library-files")
    manifest = []
    for name, (row, pages) in LIBRARY.items():
        if name.endswith(".txt"):  # a text file has no info dictionary, hence no date: an undated document
            (folder / name).write_text("\f".join("\n".join(lines) for lines in pages), encoding="utf-8")
        else:
            write_pdf(folder / name, pages, title=HOSTILE_TITLE if name == "hostile.pdf" else None)
        manifest.append({"path": name, **row})
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    root = tmp_path_factory.mktemp("library-archive")
    result = CliRunner().invoke(muragat, ["ingest", str(folder), "--metadata", str(folder / "manifest.json"),
                                          "--archive", str(root), "--silent", "--workers", "1"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def library(library_dir):
    return create_app({"ARCHIVE": str(library_dir), "TESTING": True, "RESULTS_PER_PAGE": 2}).test_client()


@pytest.fixture
def library_ids(library) -> dict[str, str]:
    """Document id by file name, found through the API."""
    ids = {}
    for hit in library.get("/api/search", query_string={"q": "құқық", "limit": 50}).get_json()["results"]:
        document = library.get(f"/api/documents/{hit['document_id']}").get_json()
        ids[document["file_names"][0]] = document["id"]
    return ids
