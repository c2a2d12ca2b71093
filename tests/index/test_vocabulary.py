"""On every engine, the words an index offers (a prefix's words, did-you-mean) are those of its passages: never a
word only a deleted document held, which both engines still count until a merge drops it."""
from __future__ import annotations

import pytest

import index.query
from index.schema import IndexedPassage
from index.seam import ENGINES, open_backend

FILLER = "Бұл бөлімде басқа да мәселелер қаралады. "
KEPT = [IndexedPassage(f"kept-{n}", "kept", "Жылнама", n + 1, f"Жылдар өтті, жылы күн болды, {n + 1} рет. {FILLER}")
        for n in range(3)]
REMOVED = [IndexedPassage(f"removed-{n}", "removed", "Құпия", n + 1,
                          f"Жылқышылар жылқыларын жылжытты, тыңшылардың жылбысқасы, {n + 1} рет. {FILLER}") for n in range(6)]


@pytest.fixture(params=sorted(ENGINES))
def backend(request, tmp_path, monkeypatch):
    monkeypatch.setattr(index.query, "MAX_PREFIX_WORDS", 1)
    backend = open_backend(tmp_path / request.param, request.param)
    backend.write(KEPT + REMOVED)
    backend.delete(["removed"])
    return backend


def test_a_prefix_is_searched_as_the_words_of_passages_still_there(backend):
    results = backend.search("жыл*", limit=20)
    assert {hit.document_id for hit in results.hits} == {"kept"}
    [(prefix, words)] = results.narrowed_prefixes.items()  # жылдар and жылы: more than one
    assert prefix == "жыл" and words[0] in {"жылдар", "жылы"}


def test_did_you_mean_offers_no_word_of_a_deleted_document(backend):
    assert backend.search("тыңшылардын", limit=20).suggestion is None
    assert backend.search("жылдат", limit=20).suggestion in (None, "жылдар")


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_of_words_in_as_many_passages_a_prefix_keeps_the_first_in_the_alphabet(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(index.query, "MAX_PREFIX_WORDS", 2)
    backend = open_backend(tmp_path / engine, engine)
    backend.write([IndexedPassage("a", "a", "Бірінші", 1, f"Жылы күн. {FILLER}"),
                   IndexedPassage("b", "b", "Екінші", 1, f"Жылы жел, жылжуы баяу. {FILLER}"),
                   IndexedPassage("c", "c", "Үшінші", 1, f"Бір жыл өтті. {FILLER}")])
    assert backend.search("жыл*", limit=20).narrowed_prefixes == {"жыл": ("жыл", "жылы")}
