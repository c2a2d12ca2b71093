"""The search engine is chosen per archive: recorded in the catalog, shown by `status`, moved by `reindex --engine`."""
from __future__ import annotations

import json
import sqlite3

import pytest

from archive.home import Archive
from index.seam import DEFAULT_ENGINE, ENGINES


def files_of(folder) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}


def status(run_cli, archive_dir) -> dict:
    return json.loads(run_cli("status", "--json", "--archive", archive_dir).stdout)


def found(run_cli, archive_dir, query: str = "Страсбург") -> list[str]:
    results = json.loads(run_cli("search", query, "--json", "--limit", "50", "--archive", archive_dir).stdout)
    return [hit["passage_id"] for hit in results["results"]]


def test_a_new_archive_records_the_default_engine_and_status_shows_it(sample_archive_dir, run_cli):
    assert DEFAULT_ENGINE == "whoosh"
    assert Archive.existing(sample_archive_dir, read_only=True).catalog.engine() == "whoosh"
    assert status(run_cli, sample_archive_dir)["engine"] == "whoosh"
    shown = run_cli("status", "--archive", sample_archive_dir).stdout
    assert "engine: whoosh" in shown.splitlines()[1]


def test_an_archive_made_before_engines_were_recorded_is_a_whoosh_one(own_archive_dir, run_cli):
    with sqlite3.connect(own_archive_dir / "catalog.sqlite") as db:
        db.execute("DELETE FROM settings WHERE key = 'engine'")
    assert status(run_cli, own_archive_dir)["engine"] == "whoosh"
    assert found(run_cli, own_archive_dir)


def test_reindex_into_the_same_engine_rebuilds_the_index(own_archive_dir, run_cli):
    before = found(run_cli, own_archive_dir)
    result = run_cli("reindex", "--engine", "Whoosh", "--archive", own_archive_dir)
    assert result.exit_code == 0 and result.stdout.startswith("reindexed ") and "whoosh engine" in result.stdout
    after = status(run_cli, own_archive_dir)
    assert after["engine"] == "whoosh" and after["index_agrees"] and not after["needs_reindex"]
    assert found(run_cli, own_archive_dir) == before


def test_an_unknown_engine_is_refused_in_one_line_and_nothing_changes(own_archive_dir, run_cli):
    before, index_files = status(run_cli, own_archive_dir), files_of(own_archive_dir / "index")
    result = run_cli("reindex", "--engine", "lucene", "--archive", own_archive_dir)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"muragat: unknown search engine 'lucene'; known: {', '.join(sorted(ENGINES))}"]
    assert status(run_cli, own_archive_dir) == before and files_of(own_archive_dir / "index") == index_files
    assert sorted(path.name for path in own_archive_dir.iterdir() if path.name.startswith("index")) == ["index"]


@pytest.fixture
def second_engine() -> str:
    """The engine an archive moves to and back from."""
    assert "tantivy" in ENGINES
    return "tantivy"


def test_reindex_moves_an_archive_to_another_engine_and_back(own_archive_dir, run_cli, second_engine):
    server = Archive.existing(own_archive_dir, read_only=True)  # a server opened before the move
    server.pin_searcher()
    before = [hit.passage_id for hit in server.search("Страсбург", limit=50).hits]
    server.release_searcher()

    assert run_cli("reindex", "--engine", second_engine, "--archive", own_archive_dir).exit_code == 0
    moved = status(run_cli, own_archive_dir)
    assert moved["engine"] == second_engine and moved["index_agrees"]
    assert not (own_archive_dir / "index").exists() and (own_archive_dir / f"index-{second_engine}").is_dir()
    assert found(run_cli, own_archive_dir) == before
    server.pin_searcher()  # its next request reads the new engine's index
    assert [hit.passage_id for hit in server.search("Страсбург", limit=50).hits] == before
    server.release_searcher()

    assert run_cli("reindex", "--engine", "whoosh", "--archive", own_archive_dir).exit_code == 0
    assert status(run_cli, own_archive_dir)["engine"] == "whoosh"
    assert not (own_archive_dir / f"index-{second_engine}").exists() and found(run_cli, own_archive_dir) == before


def test_status_suggests_tantivy_once_a_whoosh_archive_outgrows_it(own_archive_dir, run_cli, monkeypatch):
    import archive.home

    suggestion = ("more than the whoosh engine serves well: move it with "
                  f"`muragat reindex --engine tantivy --archive {own_archive_dir}`")
    assert not status(run_cli, own_archive_dir)["engine_outgrown"]
    assert suggestion not in run_cli("status", "--archive", own_archive_dir).stdout
    monkeypatch.setattr(archive.home, "WHOOSH_PASSAGES_SERVED_WELL", 10)  # the sample holds 33 passages
    assert status(run_cli, own_archive_dir)["engine_outgrown"]
    assert suggestion in run_cli("status", "--archive", own_archive_dir).stdout
    assert run_cli("reindex", "--engine", "tantivy", "--archive", own_archive_dir).exit_code == 0
    assert not status(run_cli, own_archive_dir)["engine_outgrown"]


@pytest.mark.parametrize("name", ["", "lucene"])
def test_ingest_refuses_an_engine_it_does_not_have_and_makes_nothing(tmp_path, sample_pdf, run_cli, name):
    result = run_cli("ingest", sample_pdf, "--engine", name, "--archive", tmp_path / "a", "--silent")
    assert result.exit_code == 1 and f"unknown search engine {name!r}" in result.stderr
    assert not (tmp_path / "a").exists()


def test_optimize_says_what_it_did_on_each_engine(own_archive_dir, run_cli):
    assert run_cli("optimize", "--archive", own_archive_dir).stdout.startswith(("merged ", "the index is in 1 segment"))
    assert run_cli("reindex", "--engine", "tantivy", "--archive", own_archive_dir).exit_code == 0
    shown = run_cli("optimize", "--archive", own_archive_dir).stdout
    assert "the tantivy engine merges them itself" in shown and "merged" not in shown
