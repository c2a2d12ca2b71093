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


# Copies of one law (the 1995 original, its 2007 reprint with a page added) and a newspaper quoting it:
# the same passages stand in several documents, and are listed once.
LAW = ["Әр адамның құқығы мен бостандығы заңмен қорғалады.", "Азаматтың құқығы шектелмейді."]
COPIES = {
    "law_1995.pdf": ({"title": "Заң 1995", "date": "1995-08-30", "collection": "laws"}, [[LAW[0]], [LAW[1]]]),
    "law_2007.pdf": ({"title": "Заң, 2007 жылғы басылым", "date": "2007-01-10", "collection": "laws"},
                     [[LAW[0]], [LAW[1]], ["Өзгерістер енгізілді: құқығы туралы жаңа бап."]]),
    "news_2008.pdf": ({"title": "Газет 2008", "date": "2008-05-05", "collection": "news"},
                      [[LAW[0]], ["Редакция құқығы туралы мақала жариялады."]]),
}


def ingest_library(tmp_path_factory, files: dict) -> Path:
    """An archive of these files (name -> (manifest row, pages of lines)), ingested with `muragat ingest --metadata`."""
    folder = tmp_path_factory.mktemp("library-files")
    manifest = []
    for name, (row, pages) in files.items():
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


@pytest.fixture(scope="session")
def library_dir(tmp_path_factory) -> Path:
    """An archive of three small PDFs and a text file; tests must not change it."""
    return ingest_library(tmp_path_factory, LIBRARY)


@pytest.fixture(scope="session")
def copies_dir(tmp_path_factory) -> Path:
    """An archive whose documents share passages (COPIES); tests must not change it."""
    return ingest_library(tmp_path_factory, COPIES)


@pytest.fixture
def copies(copies_dir):
    return create_app({"ARCHIVE": str(copies_dir), "TESTING": True, "RESULTS_PER_PAGE": 2}).test_client()


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
