"""One contract, every search engine: the same archive in each engine of ENGINES answers every query with the same
passages, totals and facets (ranking order aside), through the Archive and the command line."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main as muragat
from archive.home import Archive
from index.seam import ENGINES, Filters

REFERENCE = "whoosh"
# file name -> (title, date, collection, language, pages separated by form feeds)
BOILERPLATE = "Барлық құқықтар қорғалған. Редакцияның рұқсатынсыз көшіруге тыйым салынады."
FILES = {
    "constitution.txt": ("Конституция туралы", "1995-08-30", "laws", "kk",
                         "Қазақстан Республикасының Конституциясы 1995 жылы бүкілхалықтық референдумда қабылданды. "
                         "Конституция адам құқықтары мен бостандықтарын ең қымбат қазына деп таниды.\f"
                         "Конституцияның бірінші бабы мемлекеттің демократиялық, зайырлы, құқықтық және әлеуметтік "
                         "екенін айтады.\f" + BOILERPLATE),
    "schools.txt": ("Жаңа мектептер", "2024-02-01", "news", "kk",
                    "Білім министрлігі 2024 жылы облыста жаңа мектептер салынатынын хабарлады. "
                    "Мектептерде шетелде оқыған мұғалімдер жұмыс істейді.\f"
                    "Жаңа мектептер Алматы мен Астанада ашылады. Мектеп құрылысы жылдың соңында аяқталады. "
                    + "\f" + BOILERPLATE),
    "shkoly.txt": ("Новые школы", "2024-03-01", "news", "ru",
                   "Министерство образования сообщило о строительстве новых школ в 2024 году. "
                   "В школах будут работать учителя, которые прошли обучение за рубежом.\f"
                   "Строительство школ завершится в конце года. Конституция гарантирует право на образование."),
    "history.txt": ("Тарих", "2003-05-10", "laws", "kk",
                    "Тәуелсіздік жылдарында Конституция екі рет өзгертілді. Парламент заңдарды қабылдайды. "
                    "Қазақстан халқы бейбітшілікті қалайды.\f" + BOILERPLATE),
    "undated.txt": ("Күнсіз", "", "", "kk",
                    "Мемлекеттік тіл қазақ тілі болып табылады. Орыс тілі ресми түрде қолданылады."),
}
QUERIES = [
    "конституция",  # stems: Конституциясы, Конституцияның
    "=Конституциясы",  # the exact form only
    '"жаңа мектептер"',  # a phrase
    '"мектептер салынатынын"',
    "консти*",  # a prefix
    "мект*",
    "школа",  # analysed as Kazakh and as Russian
    "конституция -референдум",  # a word left out
    "конституция -референ*",  # a prefix left out
    "конституция NOT референдум",  # NOT as -
    "конституция AND NOT референдум",
    "конституция -(референдум OR парламент)",  # a group left out
    "collection:laws -референдум",  # a filter's passages, less some
    "year:2000.. NOT мектеп",
    "конституция OR парламент",
    "конституция AND қабылданды",
    "title:мектептер",
    "title:мект*",  # a prefix of the titles' words
    "collection:laws конституция",
    "year:2001..2010",
    "year:2024 мектеп",
    "year:..2003 конституция",  # open ranges: the undated document in neither
    "year:2004.. конституция",
    "lang:ru школа",
    "редакцияның рұқсатынсыз",  # boilerplate in three documents: one text
    "конституция құқықтары",
    "Qazaqstan",  # Latin script: the Kazakh forms
    "казакстан",  # a Russian keyboard
    "тіл",
]
FILTERS = [
    Filters(collection="news"),
    Filters(year_from=2000, year_to=2010),
    Filters(language="ru"),
    Filters(document_id="__first__"),
]


def write_files(folder: Path) -> Path:
    """The fixture's text files and their manifest; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["path", "title", "date", "collection", "language"])
        for name, (title, date, collection, language, text) in FILES.items():
            (folder / name).write_text(text, encoding="utf-8")
            rows.writerow([name, title, date, collection, language])
    return manifest


def run(*args) -> object:
    return CliRunner().invoke(muragat, [str(arg) for arg in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def archive_dirs(tmp_path_factory) -> dict[str, Path]:
    """The fixture ingested with `muragat ingest --engine NAME` into an archive for each engine."""
    folder = tmp_path_factory.mktemp("contract-files")
    manifest = write_files(folder)
    roots = {}
    for engine in ENGINES:
        root = tmp_path_factory.mktemp(f"contract-{engine}")
        result = run("ingest", folder, "--metadata", manifest, "--archive", root, "--silent", "--workers", "1",
                     "--engine", engine)
        assert result.exit_code == 0, result.output
        roots[engine] = root
    return roots


@pytest.fixture(scope="module")
def archives(archive_dirs) -> dict[str, Archive]:
    return {engine: Archive.existing(root) for engine, root in archive_dirs.items()}


def answer(archive: Archive, query: str, **options) -> tuple:
    """What a search answers, ranking order aside: the passages, the total, the facets, the copies."""
    results = archive.search(query, limit=100, **options)
    return ({hit.passage_id: (hit.copy_count, hit.more_in_document, hit.page, hit.year, hit.language)
             for hit in results.hits}, results.total, results.facets, results.listed, results.narrowed_prefixes)


def engines() -> list[str]:
    return sorted(ENGINES)


@pytest.mark.parametrize("engine", engines())
def test_each_archive_records_its_engine_and_agrees_with_its_catalog(archive_dirs, engine):
    figures = json.loads(run("status", "--json", "--archive", archive_dirs[engine]).stdout)
    assert figures["engine"] == engine and figures["index_agrees"] and not figures["needs_reindex"]
    assert figures["indexed_passages"] == figures["passages"] > 0
    assert not figures["engine_outgrown"]


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("query", QUERIES)
def test_the_same_query_finds_the_same_passages(archives, engine, query):
    found = answer(archives[engine], query)
    assert found == answer(archives[REFERENCE], query)
    assert found[1] > 0, query  # every query of the fixture finds something


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("chosen", FILTERS, ids=repr)
def test_the_same_filters_let_the_same_passages_through(archives, engine, chosen):
    if chosen.document_id:
        chosen = Filters(document_id=sorted(archives[REFERENCE].backend.document_ids())[0])
    for query in ("конституция", "мектеп школа", "тіл OR школа"):
        assert answer(archives[engine], query, filters=chosen) == answer(archives[REFERENCE], query, filters=chosen)


@pytest.mark.parametrize("engine", engines())
def test_the_boilerplate_is_one_text_naming_its_other_documents(archives, engine):
    results = archives[engine].search("редакцияның рұқсатынсыз")
    assert results.total == 1 and results.hits[0].copy_count == 2
    assert sum(results.facets["document_id"].values()) == 3  # listed under each document holding it


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_order_is_the_same(archives, engine, sort):
    ranked = archives[engine].search("конституция мектеп школа", limit=100, sort=sort).hits
    assert [hit.year for hit in ranked] == [hit.year for hit in archives[REFERENCE].search(
        "конституция мектеп школа", limit=100, sort=sort).hits]
    years = [hit.year for hit in ranked if hit.year is not None]
    assert years == sorted(years, reverse=sort == "newest")


@pytest.mark.parametrize("engine", engines())
def test_at_most_so_many_passages_a_document(archives, engine):
    for query in ("конституция", "мектеп"):
        assert answer(archives[engine], query, per_document=1) == answer(archives[REFERENCE], query, per_document=1)
    results = archives[engine].search("мектеп", per_document=1, limit=100)
    assert len({hit.document_id for hit in results.hits}) == len(results.hits)


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("per_document", [1, 2])
def test_paging_a_listing_of_so_many_a_document_reaches_what_it_lists(archives, engine, sort, per_document):
    """A text standing in three documents is listed once, under one of them: it is counted so (the pages
    offered hold passages to the last, and say rightly how many more each document has)."""
    for query in ("редакцияның рұқсатынсыз конституция", "мектеп тіл конституция"):
        first = archives[engine].search(query, limit=1, sort=sort, per_document=per_document)
        pages = [archives[engine].search(query, limit=1, offset=offset, sort=sort, per_document=per_document)
                 for offset in range(first.listed + 1)]
        listed = [hit for page in pages for hit in page.hits]
        assert len(listed) == len({hit.passage_id for hit in listed}) == first.listed > 0, query
        every = archives[engine].search(query, limit=100, sort=sort, per_document=100).hits  # each text once
        for document_id in {hit.document_id for hit in listed}:
            *others, last = [hit for hit in listed if hit.document_id == document_id]
            held = sum(hit.document_id == document_id for hit in every)
            assert last.more_in_document == max(0, held - per_document), (query, document_id)
            assert not any(hit.more_in_document for hit in others)


@pytest.mark.parametrize("engine", engines())
def test_the_best_hit_is_the_same(archives, engine):
    for query in ("конституция қабылданды", "школы строительство", "мұғалімдер шетелде"):
        assert archives[engine].search(query).hits[0].passage_id == archives[REFERENCE].search(query).hits[0].passage_id


@pytest.mark.parametrize("engine", engines())
def test_hidden_documents_are_as_if_not_indexed(archives, engine):
    archive = archives[engine]
    hidden = frozenset(document_id for document_id, languages in archive.backend.document_languages().items()
                       if "ru" in languages)
    results = archive.backend.search("школа конституция", limit=100, hidden=hidden)
    assert results.hits and not {hit.document_id for hit in results.hits} & hidden
    assert results.facets == archives[REFERENCE].backend.search("школа конституция", limit=100, hidden=hidden).facets
    assert archive.backend.search("министерство", hidden=hidden).total == 0


@pytest.mark.parametrize("engine", engines())
def test_pages_marks_and_suggestions_are_the_same(archives, engine):
    archive, reference = archives[engine], archives[REFERENCE]
    document_id = next(hit.document_id for hit in reference.search("Конституцияның бірінші").hits)
    assert archive.matching_pages(document_id, "конституция") == reference.matching_pages(document_id, "конституция")
    page = reference.page(document_id, 1).text
    assert archive.highlight(page, "конституция адам") == reference.highlight(page, "конституция адам")
    assert any(marked for _, marked in archive.highlight(page, "конституция"))
    assert archive.search("канституция").suggestion == reference.search("канституция").suggestion == "конституция"


@pytest.mark.parametrize("engine", engines())
def test_a_phrase_marks_its_words_where_they_stand_as_the_phrase_only(archives, engine):
    hits = archives[engine].search('"жаңа мектептер"').hits
    marks = {hit.page: [text for text, marked in hit.snippet if marked] for hit in hits}
    # not «Мектептерде», «Мектеп» alone (page 3 matches by the title «Жаңа мектептер» only)
    assert marks == {1: ["жаңа", "мектептер"], 2: ["Жаңа", "мектептер"], 3: []}
    with_word = archives[engine].search('"жаңа мектептер" мектеп').hits  # the word typed alone too: marked alone too
    assert any("Мектептерде" in [text for text, marked in hit.snippet if marked] for hit in with_word)


@pytest.mark.parametrize("engine", engines())
def test_a_passage_found_through_its_title_has_the_title_words_marked(archives, engine):
    hit = next(hit for hit in archives[engine].search('"жаңа мектептер"').hits if hit.page == 3)
    assert not any(marked for _, marked in hit.snippet)  # the boilerplate page holds neither word
    assert hit.title_marks == [("Жаңа", True), (" ", False), ("мектептер", True)]


@pytest.mark.parametrize("engine", engines())
@pytest.mark.parametrize("typed, meant", [
    ("мұғалым", "мұғалім"),  # ы for і, a word held only in other forms (мұғалімдер)
    ("мактептер", "мектептер"),  # а for е
    ("мнктептер", "мектептер"),  # a slip in the second letter
    ("кұрылысы", "құрылысы"),  # к for қ
])
def test_a_misspelt_kazakh_word_is_corrected(archives, engine, typed, meant):
    assert archives[engine].search(typed).suggestion == meant


@pytest.mark.parametrize("engine", engines())
def test_the_index_figures_are_the_same(archives, engine):
    archive, reference = archives[engine].backend, archives[REFERENCE].backend
    assert archive.document_ids() == reference.document_ids()
    assert archive.passage_count() == reference.passage_count()
    assert archive.passage_languages() == reference.passage_languages()
    assert archive.document_languages() == reference.document_languages()
    assert archive.size_on_disk() > 0 and archive.segment_count() >= 1


@pytest.mark.parametrize("engine", engines())
def test_a_removed_document_and_a_reindex_give_the_same_answers(archive_dirs, engine, tmp_path):
    copies = {}
    for name in {engine, REFERENCE}:
        copies[name] = tmp_path / name
        shutil.copytree(archive_dirs[name], copies[name])
    for name, root in copies.items():
        archive = Archive.existing(root)
        removed = next(hit.document_id for hit in archive.search("Министерство образования").hits)
        archive.remove(removed)
        assert archive.search("министерство").total == 0 and removed not in archive.backend.document_ids()
        assert archive.status()["index_agrees"]
    for query in ("школа", "конституция", "мектеп"):
        assert answer(Archive.existing(copies[engine]), query) == answer(Archive.existing(copies[REFERENCE]), query)
    before = answer(Archive.existing(copies[engine]), "конституция")
    assert run("reindex", "--archive", copies[engine]).exit_code == 0
    archive = Archive.existing(copies[engine])
    assert archive.engine == engine and answer(archive, "конституция") == before
    archive.optimize()
    assert answer(Archive.existing(copies[engine]), "конституция") == before


@pytest.mark.parametrize("engine", engines())
def test_an_archive_moves_between_engines_with_the_same_answers(archive_dirs, engine, tmp_path):
    other = next(name for name in engines() if name != engine)
    root = tmp_path / "moved"
    shutil.copytree(archive_dirs[engine], root)
    result = run("reindex", "--engine", other, "--archive", root)
    assert result.exit_code == 0 and f"into the {other} engine" in result.stdout
    moved = Archive.existing(root)
    assert moved.engine == other
    for query in ("конституция", '"жаңа мектептер"', "мект*"):
        assert answer(moved, query) == answer(Archive.existing(archive_dirs[engine]), query)


def test_ingest_into_an_existing_archive_on_another_engine_is_refused_in_one_line(archive_dirs, tmp_path):
    root = archive_dirs[REFERENCE]
    other = next(name for name in engines() if name != REFERENCE)
    result = CliRunner().invoke(muragat, ["ingest", str(tmp_path), "--archive", str(root), "--engine", other])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"muragat: {root}: the archive keeps its index in the {REFERENCE} engine; to move it to {other}, "
        f"run `muragat reindex --engine {other} --archive {root}`"]
    assert Archive.existing(root).engine == REFERENCE


@pytest.mark.parametrize("engine", engines())
def test_a_prefix_beginning_more_words_than_are_searched_says_which_were(archives, archive_dirs, engine,
                                                                       monkeypatch):
    import index.query

    monkeypatch.setattr(index.query, "MAX_PREFIX_WORDS", 2)
    results = archives[engine].search("қа*", limit=100)  # қабылданды, қазына, қазақ, қалайды…: more than two
    [(prefix, words)] = results.narrowed_prefixes.items()
    assert prefix == "қа" and len(words) == 2 and all(word.startswith("қа") for word in words)
    assert results.total == archives[engine].search(" OR ".join(words), limit=100).total
    assert not archives[engine].search("шетел*", limit=100).narrowed_prefixes  # one word (шетелде): nothing left out
    shown = run("search", "қа*", "--archive", archive_dirs[engine])
    assert f"қа* begins many words: only the 2 commonest were searched ({', '.join(words)})" in shown.output
    payload = json.loads(run("search", "қа*", "--json", "--archive", archive_dirs[engine]).output)
    assert payload["narrowed_prefixes"] == {"қа": list(words)}
    assert list(archives[engine].search("қа* title:қа*", limit=100).narrowed_prefixes) == ["қа"]  # no title word


@pytest.mark.parametrize("engine", engines())
def test_a_title_prefix_searches_the_titles(archives, engine):
    titles = {hit.title for hit in archives[engine].search("title:мект*", limit=100).hits}
    assert titles == {"Жаңа мектептер"}
    assert {hit.title for hit in archives[engine].search("title:консти*", limit=100).hits} == {"Конституция туралы"}
    assert not archives[engine].search("title:референ*", limit=100).hits  # in a text, in no title
    # a whole title word typed as a prefix: the title keeps stems, so the prefix is cut to its stem
    assert {hit.title for hit in archives[engine].search("title:мектептер*", limit=100).hits} == {"Жаңа мектептер"}
