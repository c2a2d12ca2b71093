"""OCR-tolerant search on every engine: near forms of a typed word, found in recognised passages only, below exact
matches, marked in snippets and on the page."""
from __future__ import annotations

import pytest

from index.approximate import looked_for, misread_starts, within
from index.schema import OCR, IndexedPassage
from index.seam import ENGINES, open_backend

FILLER = "Бұл бөлімде басқа да көптеген мәселелер мен тақырыптар егжей-тегжейлі қаралады. "
EXACT = "Құжаттар мұрағаттағы қорда сақталады. " + FILLER
MISREAD = "Хаттар мұрағатгағы қорда жатыр. " + FILLER  # тт read as тг
PASSAGES = [
    IndexedPassage("exact", "a", "Анықтама", 1, EXACT),
    IndexedPassage("scanned", "b", "Хаттар", 1, MISREAD, source=OCR),
    IndexedPassage("typeset", "c", "Хаттар", 1, MISREAD.replace("Хаттар", "Жазбалар")),
    IndexedPassage("hidden", "d", "Құпия", 1, "Есептер мұрағатқағы сөреде. " + FILLER, source=OCR),
    *[IndexedPassage(f"other-{n}", "e", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(6)],
    IndexedPassage("first-letter", "f", "Хаттар", 2, "Халықаралық уйымдар хат жазды. " + FILLER, source=OCR),
    IndexedPassage("two-words", "g", "Хаттар", 1, "Үлттық мұражайда объективті деректер. " + FILLER, source=OCR),
    IndexedPassage("sole", "h", "Есеп", 1, "Субьектілігі туралы анықтама. " + FILLER, source=OCR),
]


@pytest.fixture(scope="module", params=sorted(ENGINES))
def backend(request, tmp_path_factory):
    backend = open_backend(tmp_path_factory.mktemp(f"approximate-{request.param}"), request.param)
    backend.write(PASSAGES)
    return backend


def ids(backend, text: str, **options) -> list[str]:
    return [hit.passage_id for hit in backend.search(text, limit=20, **options).hits]


def test_a_misread_word_on_an_ocr_page_is_found_below_the_exact_match_and_marked(backend):
    found = backend.search("мұрағаттағы", limit=20)
    found_ids = [hit.passage_id for hit in found.hits]
    assert found_ids[0] == "exact" and set(found_ids[1:3]) == {"scanned", "hidden"}
    exact, scanned = found.hits[0], found.hits[found_ids.index("scanned")]
    assert not exact.approximate and scanned.approximate
    assert scanned.score < exact.score / 2
    assert any(marked and "мұрағатгағы" in piece.casefold() for piece, marked in scanned.snippet)


def test_the_page_of_a_scan_marks_the_near_form_and_counts_it(backend):
    marked = backend.highlight(MISREAD, "мұрағаттағы", recognised=True)
    assert [piece for piece, is_match in marked if is_match] == ["мұрағатгағы"]
    assert not any(is_match for _, is_match in backend.highlight(MISREAD, "мұрағаттағы"))  # a text layer's page
    assert backend.matching_pages("мұрағаттағы", "b") == {1: 1}


def test_a_kazakh_first_letter_misread_as_its_look_alike_is_found(backend):
    """Tesseract reads ұ as у, қ as к, ө as о: the near form differs where near forms must otherwise agree."""
    found = backend.search("ұйымдар", limit=20)
    assert [hit.passage_id for hit in found.hits] == ["first-letter"] and found.hits[0].approximate


def test_ұ_read_as_ү_is_found(backend):
    assert ids(backend, "ұлттық") == ["two-words"]


def test_a_near_form_is_marked_in_a_scan_that_another_word_found(backend):
    [hit] = backend.search("үлттық объективті", limit=20).hits  # found by объективті; ұлттық read as үлттық
    assert [piece for piece, marked in hit.snippet if marked] == ["Үлттық", "объективті"]
    [hit] = backend.search("ұлттық объективті", limit=20).hits
    assert not hit.approximate and [piece for piece, marked in hit.snippet if marked] == ["Үлттық", "объективті"]


def test_the_misreading_a_word_found_is_not_offered_as_its_correction(backend):
    found = backend.search("субъектілігі", limit=20)
    assert [hit.passage_id for hit in found.hits] == ["sole"] and found.suggestion is None
    found = backend.search("субъектілігі анықтама", limit=20)  # the scan found by both words (and a title)
    assert found.hits[0].passage_id == "sole" and found.total < 3 and found.suggestion is None


def test_the_same_misreading_in_a_text_layer_is_not_found(backend):
    assert "typeset" not in ids(backend, "мұрағаттағы")


def test_near_forms_of_hidden_documents_neither_match_nor_count(backend):
    everyone = backend.search("мұрағаттағы", limit=20)
    assert "hidden" in [hit.passage_id for hit in everyone.hits]
    anonymous = backend.search("мұрағаттағы", limit=20, hidden=frozenset({"d"}))
    assert "hidden" not in [hit.passage_id for hit in anonymous.hits]
    assert anonymous.total == everyone.total - 1


def test_typed_syntax_and_date_order_search_as_typed(backend):
    for text in ('"мұрағаттағы"', "=мұрағаттағы", "мұрағаттағ*"):
        assert "scanned" not in ids(backend, text), text
    assert "scanned" not in ids(backend, "мұрағаттағы", sort="newest")


def test_short_words_have_no_near_forms_and_long_ones_two_edits(backend):
    assert ids(backend, "қорла") == ["scanned"]  # five letters: қорда, one edit away (only the scan's counts)
    assert ids(backend, "қорд") == []  # four: none looked for
    assert set(ids(backend, "мұрағаттағы")) == {"exact", "scanned", "hidden"}  # мұрағатгағы, мұрағатқағы: two


def test_the_words_looked_for_and_their_misread_starts():
    assert looked_for("мұрағаттағы қорда бар", ("мұрағаттағы", "қорда", "бар")) == ["мұрағаттағы", "қорда"]
    assert looked_for('"мұрағаттағы" қорда', ("мұрағаттағы", "қорда")) == []
    assert misread_starts("ұйымдар") == ["уйымдар", "үйымдар"]
    assert set(misread_starts("қөлік")) == {"қолік", "көлік", "колік"}
    assert within("мұрағаттағы", ["мұрағатгағы", "мұрағатқағы", "мұрағат", "мұрағаттағы"], 2) == [
        "мұрағатгағы", "мұрағатқағы", "мұрағаттағы"]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_near_forms_of_hidden_documents_do_not_crowd_out_a_viewers_own(engine, tmp_path):
    crowd = " ".join(f"мұрағат{first}{second}ғы" for first in "аб" for second in "бвгдежзийклмнопрстуфхцчшщыэюя")
    # 58 near forms, all before the scan's мұрағатгағы in the alphabet
    backend = open_backend(tmp_path / engine, engine)
    backend.write([IndexedPassage("scanned", "b", "Хаттар", 1, MISREAD, source=OCR),
                   IndexedPassage("crowd", "secret", "Құпия", 1, crowd + ". " + FILLER, source=OCR)])
    assert ids(backend, "мұрағаттағы", hidden=frozenset({"secret"})) == ["scanned"]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_passage_a_near_form_finds_is_counted(engine, tmp_path, monkeypatch):
    import index.tantivy_engine.approximate

    monkeypatch.setattr(index.tantivy_engine.approximate, "RESCORE_DEPTH", 5)  # tantivy's engine scores the best 5
    backend = open_backend(tmp_path / engine, engine)
    backend.write([IndexedPassage(f"scan-{n}", f"d{n}", "Хаттар", 1, f"Хат {n}: мұрағатгағы қорда. {FILLER}", source=OCR)
                   for n in range(12)])
    found = backend.search("мұрағаттағы", limit=20)
    assert found.total == 12 and len(found.hits) == 12 and all(hit.approximate for hit in found.hits)
