"""OCR-tolerant search: near forms of a typed word, found in recognised passages only, below exact matches."""
from __future__ import annotations

import pytest

from index.whoosh_engine.approximate import near_forms
from index.schema import OCR, IndexedPassage
from index.whoosh_engine.search import SearcherCache, search
from index.whoosh_engine.visibility import Visibility
from index.whoosh_engine.writer import create_index, write_passages

FILLER = "Бұл бөлімде басқа да көптеген мәселелер мен тақырыптар егжей-тегжейлі қаралады. "
EXACT = "Құжаттар мұрағаттағы қорда сақталады. " + FILLER
MISREAD = "Хаттар мұрағатгағы қорда жатыр. " + FILLER  # тт read as тг


@pytest.fixture
def ix(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("exact", "a", "Анықтама", 1, EXACT),
        IndexedPassage("scanned", "b", "Хаттар", 1, MISREAD, source=OCR),
        IndexedPassage("typeset", "c", "Хаттар", 1, MISREAD.replace("Хаттар", "Жазбалар")),
        IndexedPassage("hidden", "d", "Құпия", 1, "Есептер мұрағатқағы сөреде. " + FILLER, source=OCR),
        *[IndexedPassage(f"other-{n}", "e", "Жаңалық", n + 1, f"Жаңалық {n}. " + FILLER) for n in range(6)],
        IndexedPassage("first-letter", "f", "Хаттар", 2, "Халықаралық уйымдар хат жазды. " + FILLER, source=OCR),
    ])
    return ix


def results(ix, text: str, **options):
    cache = SearcherCache(ix)
    return search(cache.get(), text, limit=20, caches=cache.caches, **options)


def test_a_misread_word_on_an_ocr_page_is_found_below_the_exact_match_and_marked(ix):
    found = results(ix, "мұрағаттағы")
    ids = [hit.passage_id for hit in found.hits]
    assert ids[0] == "exact" and set(ids[1:3]) == {"scanned", "hidden"}
    exact, scanned = found.hits[0], found.hits[ids.index("scanned")]
    assert not exact.approximate and scanned.approximate
    assert scanned.score < exact.score / 2
    assert any(marked and "мұрағатгағы" in piece.casefold() for piece, marked in scanned.snippet)


def test_a_kazakh_first_letter_misread_as_its_look_alike_is_found(ix):
    """Tesseract reads ұ as у, қ as к, ө as о: the near form differs where near forms must otherwise agree."""
    found = results(ix, "ұйымдар")
    assert [hit.passage_id for hit in found.hits] == ["first-letter"] and found.hits[0].approximate


def test_the_same_misreading_in_a_text_layer_is_not_found(ix):
    assert "typeset" not in [hit.passage_id for hit in results(ix, "мұрағаттағы").hits]


def test_near_forms_of_hidden_documents_neither_match_nor_count(ix):
    everyone = results(ix, "мұрағаттағы")
    assert "hidden" in [hit.passage_id for hit in everyone.hits]
    anonymous = results(ix, "мұрағаттағы", hidden=frozenset({"d"}))
    assert "hidden" not in [hit.passage_id for hit in anonymous.hits]
    assert anonymous.total == everyone.total - 1


def test_typed_syntax_and_date_order_search_as_typed(ix):
    for text in ('"мұрағаттағы"', "=мұрағаттағы", "мұрағаттағ*"):
        assert "scanned" not in [hit.passage_id for hit in results(ix, text).hits], text
    assert "scanned" not in [hit.passage_id for hit in results(ix, "мұрағаттағы", sort="newest").hits]


def test_short_words_have_no_near_forms_and_long_ones_two_edits(ix):
    cache = SearcherCache(ix)
    searcher = cache.get()
    view = Visibility(searcher, cache.caches.arrays.of(searcher))
    assert near_forms(searcher, "қорла", ("қорла",), view) == ["қорда"]  # five letters: one edit
    assert near_forms(searcher, "қорд", ("қорд",), view) == []  # four: none looked for
    assert set(near_forms(searcher, "мұрағаттағы", ("мұрағаттағы",), view)) == {"мұрағатгағы", "мұрағатқағы"}
