"""Queries typed without Kazakh letters find the Kazakh words, ranked below exact-letter matches."""
from __future__ import annotations

import pytest

from index.schema import IndexedPassage
from index.variants import SkeletonIndex, from_latin, skeleton, typed_variants, with_variants
from index.whoosh_engine.writer import create_index, write_passages
from whoosh.query import Or, Term


@pytest.mark.parametrize("latin, cyrillic", [
    ("qazaqstan", "қазақстан"), ("memleket", "мемлекет"), ("şekara", "шекара"), ("ūlt", "ұлт"),
    ("ädilet", "әділет"), ("jaña", "жаңа"), ("tilshi", "тілші"), ("Qūqyq".lower(), "құқық"),
])
def test_latin_letters_map_to_cyrillic_up_to_the_i_letters(latin, cyrillic):
    """ASCII typists write i for both і and и; the skeleton folds them together."""
    assert skeleton(from_latin(latin)) == skeleton(cyrillic)


def test_skeleton_is_what_a_russian_keyboard_types():
    assert skeleton("қазақстанның") == "казакстаннын"
    assert skeleton("құқығы") == "кукыгы"


@pytest.fixture
def searcher(tmp_path):
    ix = create_index(tmp_path)
    write_passages(ix, [
        IndexedPassage("p-0", "d", "Құжат", 1, "Қазақстан Республикасының құқықтары туралы."),
        IndexedPassage("p-1", "d", "Құжат", 2, "Мемлекеттің шекарасы."),
        IndexedPassage("p-2", "d", "Құжат", 3, "Казак деген сөз орыс мәтінінде кездеседі."),
    ])
    with ix.searcher() as searcher:
        yield searcher


@pytest.mark.parametrize("typed, found", [
    ("qazaqstan", "қазақстан"), ("quqyqtary", "құқық"), ("казакстан", "қазақстан"), ("кукык", "құқық"),
])
def test_typed_word_maps_to_indexed_stems(searcher, typed, found):
    variants = typed_variants([typed], searcher, SkeletonIndex())
    assert found in set().union(*variants.values())


def test_words_with_kazakh_letters_get_no_variants(searcher):
    assert typed_variants(["қазақстан", "мемлекет"], searcher, SkeletonIndex()) == {}


def test_expanded_query_finds_the_passage_and_keeps_exact_terms_first(searcher):
    variants = typed_variants(["кукык"], searcher, SkeletonIndex())
    query = with_variants(Or([Term("text", "кукык"), Term("title", "кукык")]), variants)
    hits = searcher.search(query)
    assert [hit["passage_id"] for hit in hits] == ["p-0"]
    expanded = query.subqueries[0]
    assert expanded.subqueries[0] == Term("text", "кукык")
    assert all(term.boost < 1 for term in expanded.subqueries[1:])


def test_the_first_query_of_a_fresh_server_gets_variants(tmp_path):
    """The map shared by a server's threads is built by the first query needing it, not later."""
    ix = create_index(tmp_path)
    write_passages(ix, [IndexedPassage("p-0", "d", "Құжат", 1, "Қазақстан Республикасы.")])
    with ix.searcher() as searcher:
        variants = typed_variants(["qazaqstan"], searcher, SkeletonIndex(ix))
    assert "қазақстан" in set().union(*variants.values())


def test_the_map_is_kept_for_the_next_process_and_rebuilt_for_a_new_generation(searcher, tmp_path, monkeypatch):
    cache = tmp_path / "skeletons.json"
    built = typed_variants(["кукык"], searcher, SkeletonIndex(cache=cache))
    assert cache.exists()

    def stem_every_word_again(reader):
        raise AssertionError("the kept map was not used")

    monkeypatch.setattr("index.variants._group_by_skeleton", stem_every_word_again)
    assert typed_variants(["кукык"], searcher, SkeletonIndex(cache=cache)) == built  # a new process, say
    cache.write_text(cache.read_text(encoding="utf-8").replace('"generation": ', '"generation": 1000', 1))
    with pytest.raises(AssertionError, match="not used"):  # another generation's map is not this one's
        typed_variants(["кукык"], searcher, SkeletonIndex(cache=cache))
