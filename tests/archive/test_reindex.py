"""A reindex (the index rebuilt from the catalog, in parallel parts) answers as the ingested index did."""
from __future__ import annotations

import pytest

from archive.home import Archive
from archive.ingestion import IngestOptions, ingest
from archive.metadata import load_manifest

QUERIES = [
    "Страсбург", "демократия форум", "Конституциялық Кеңестің Төрағасы", '"Еуропа Кеңесінің"', "демокр*",
    "=БҰҰ", "құқық collection:east", "year:2001..2010 демократия", "title:форум", "author:Рогов", "демократия -Страсбург",
    "құқық lang:kk",
]


@pytest.fixture
def ingested(tmp_path, sample_text) -> Archive:
    """Four text documents cut from the sample, with collections and years, ingested the usual way."""
    folder = tmp_path / "in"
    folder.mkdir()
    lines = sample_text.splitlines()
    rows = ["path,title,author,date,collection,language,source"]
    for number in range(4):
        pages = ["\n".join(lines[start:start + 30]) for start in range(30 * number, len(lines), 120)]
        (folder / f"doc{number}.txt").write_text("\f".join(pages), encoding="utf-8")
        rows.append(f"doc{number}.txt,Форум {number},Рогов,{1999 + 3 * number}-01-01,"
                    f"{'east' if number % 2 else 'west'},kk,")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    archive = Archive.create(tmp_path / "archive")
    report = ingest(archive, [folder], options=IngestOptions(manifest=load_manifest(folder / "manifest.csv"),
                                                            workers=1))
    assert report.ok and len(report.ingested) == 4
    return archive


def answers(archive: Archive) -> list[tuple]:
    """Each query's total, facets and every hit with its score (ties in any order)."""
    found = []
    for query in QUERIES:
        results = archive.search(query, limit=500)
        assert not results.partial
        hits = sorted((round(hit.score, 6), hit.text, hit.document_id, hit.page, hit.language) for hit in results.hits)
        found.append((query, results.total, results.facets, hits))
    return found


@pytest.mark.parametrize("processes", [1, 3])
def test_a_reindexed_archive_answers_as_the_ingested_one(ingested, monkeypatch, processes):
    import archive.home

    before = answers(ingested)
    assert all(total for _query, total, _facets, _hits in before)
    monkeypatch.setattr(archive.home, "REINDEX_PROCESSES", processes)
    assert ingested.reindex() == ingested.catalog.counts()["passages"]
    status = ingested.status()
    assert status["index_agrees"] and status["index_segments"] == processes
    assert answers(ingested) == before


def test_a_running_server_sees_the_reindexed_index_even_at_the_same_generation_number(ingested, tmp_path):
    def generation() -> int:
        return Archive.existing(ingested.root).backend._searcher().reader().generation()

    def add(name: str) -> None:
        (tmp_path / name).write_text(f"Жаңа құжат {name}: Көкшетау.", encoding="utf-8")
        ingest(Archive.existing(ingested.root), [tmp_path / name], options=IngestOptions(workers=1))

    add("before-1.txt")
    add("before-2.txt")  # a few commits: the served index's generation number is past a fresh one's
    server = Archive.existing(ingested.root)  # as `muragat serve` holds it, while the CLI reindexes
    assert server.search("Көкшетау").total == 2
    served = generation()
    ingested.reindex()
    added = 0
    while generation() < served:  # the new index's commits until its number is the one the server read
        add(f"after-{added}.txt")
        added += 1
    assert generation() == served and added
    assert server.search("Көкшетау").total == 2 + added
    assert server.search("Страсбург").total
