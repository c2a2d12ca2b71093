"""A researcher's word finds its other forms in a real archive: agent nouns in -шы, loans with и."""
from __future__ import annotations

import pytest

from archive.home import Archive
from archive.ingestion import IngestOptions, ingest

FILES = {
    "archivists.txt": "Мұрағатшылардың жиналысы қазан айында өтті. Олар қорды тізімдеп шықты.",
    "brigade.txt": "Құрылыс алаңында бригадир жұмысты таңертең бастады.",
    "unrelated.txt": "Бақтағы ағаштар көктемде гүлдеді. Ағашы биік емес.",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Archive:
    folder = tmp_path_factory.mktemp("files")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    root = tmp_path_factory.mktemp("archive")
    report = ingest(Archive.create(root), [folder], options=IngestOptions(workers=1))
    assert report.ok and len(report.ingested) == len(FILES)
    return Archive.existing(root)


def found(archive: Archive, query: str) -> dict[str, list[str]]:
    """Title of each document found -> the words marked in its snippet."""
    return {hit.title: [text for text, is_match in hit.snippet if is_match]
            for hit in archive.search(query, limit=10).hits}


def test_the_dictionary_form_of_an_agent_noun_finds_its_inflected_form(archive):
    assert found(archive, "мұрағатшы") == {"archivists": ["Мұрағатшылардың"]}


def test_a_loans_front_plural_finds_its_bare_form(archive):
    assert found(archive, "бригадирлер") == {"brigade": ["бригадир"]}
