"""Each passage's language: decided on ingest from its text (the manifest a hint), filtered, counted, rebuilt."""
from __future__ import annotations

import json

import pytest

from archive.home import Archive
from archive.metadata import language_hint
from index.whoosh_engine.writer import VERSION_FILE
from tests import bilingual


@pytest.fixture
def archive_dir(tmp_path):
    return bilingual.build(tmp_path / "files", tmp_path / "archive")


def languages_by_title(archive: Archive, query: str) -> dict[str, str]:
    return {hit.title: hit.language for hit in archive.search(query, limit=50).hits}


def test_each_passage_gets_the_language_its_text_says_the_manifest_only_where_it_cannot(archive_dir):
    found = languages_by_title(Archive.existing(archive_dir), "2024")
    assert found == {name.removesuffix(".txt"): decided for name, (_hint, _text, decided) in bilingual.FILES.items()}


def test_lang_in_the_query_keeps_only_that_language(archive_dir, run_cli):
    archive = Archive.existing(archive_dir)
    assert languages_by_title(archive, "2024 lang:ru") == {"russian": "ru", "protocol_ru": "ru"}
    assert languages_by_title(archive, "lang:other") == {"notes": "other"}
    results = archive.search("2024 lang:KK")
    assert results.total == 2 and results.facets["language"] == {"kk": 2}
    refused = run_cli("search", "2024 lang:de", "--archive", archive_dir)
    assert refused.exit_code == 1 and "lang:kk (Kazakh), lang:ru (Russian) or lang:other" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_search_output_says_each_passage_language(archive_dir, run_cli):
    payload = json.loads(run_cli("search", "школа", "--json", "--archive", archive_dir).stdout)
    assert [(hit["title"], hit["language"]) for hit in payload["results"]] == [("russian", "ru")]
    assert "russian — page 1, ru" in run_cli("search", "школа", "--archive", archive_dir).stdout


def test_status_counts_passages_per_language(archive_dir, run_cli):
    status = json.loads(run_cli("status", "--json", "--archive", archive_dir).stdout)
    assert status["passages_by_language"] == bilingual.EXPECTED
    text = run_cli("status", "--archive", archive_dir).stdout
    assert "language: ru: 2 passages" in text and "language: other: 1 passage" in text


def test_an_index_from_before_languages_asks_for_a_reindex_which_fills_them(archive_dir, run_cli):
    (archive_dir / "index" / VERSION_FILE).write_text("6.older\n")
    before = json.loads(run_cli("status", "--json", "--archive", archive_dir).stdout)
    assert before["needs_reindex"] is True and before["passages_by_language"] == {}
    assert "muragat reindex" in run_cli("search", "lang:ru", "--archive", archive_dir).stderr

    assert run_cli("reindex", "--archive", archive_dir).exit_code == 0
    after = json.loads(run_cli("status", "--json", "--archive", archive_dir).stdout)
    assert after["needs_reindex"] is False and after["passages_by_language"] == bilingual.EXPECTED
    assert languages_by_title(Archive.existing(archive_dir), "2024 lang:ru") == {"russian": "ru", "protocol_ru": "ru"}


def test_a_manifest_given_again_with_another_language_decides_the_passages_anew(archive_dir, tmp_path, run_cli):
    folder = tmp_path / "files"
    manifest = (folder / "manifest.csv").read_text(encoding="utf-8")
    (folder / "manifest.csv").write_text(manifest.replace("protocol.txt,protocol,", "protocol.txt,protocol,орысша"),
                                         encoding="utf-8")
    again = run_cli("ingest", folder, "--metadata", folder / "manifest.csv", "--archive", archive_dir,
                    "--silent", "--workers", "1")
    assert again.exit_code == 0, again.output
    assert languages_by_title(Archive.existing(archive_dir), "Протокол") == {"protocol": "ru", "protocol_ru": "ru"}


@pytest.mark.parametrize(("value", "hint"), [
    ("kk", "kk"), ("KZ", "kk"), ("kaz", "kk"), ("Kazakh", "kk"), ("қазақ", "kk"), ("Қазақ тілі", "kk"),
    ("казахский", "kk"), ("kk-KZ", "kk"),
    ("ru", "ru"), ("rus", "ru"), ("Russian", "ru"), ("русский", "ru"), ("орысша", "ru"), ("ru_RU", "ru"),
    ("", ""), ("en", ""), ("kk/ru", ""), ("klingon", ""),
])
def test_the_manifest_language_is_understood_in_its_usual_spellings(value, hint):
    assert language_hint(value) == hint
