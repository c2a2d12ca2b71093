"""The ranking model's evidence beyond the passage, on every engine: a passage of a document about what is asked
outranks the same words met in passing."""
from __future__ import annotations

import pytest

from index import ranking
from index.schema import IndexedPassage
from index.seam import ENGINES, open_backend

ABOUT = ["Шоқан Уәлиханов Омбыда кадет корпусында оқыды.", "Уәлиханов қазақ фольклорын жинады.",
         "Уәлиханов Достоевскиймен дос болды.", "Уәлиханов 1865 жылы қайтыс болды."]
ASIDE = ["Көктемде ауа райы жылы болды.", "Егістік алқаптары кеңейтілді.", "Малшылар жайлауға көшті.",
         "Күзде астық жиналды."]
# The two passages are alike: the same query words, the same length. «a-» sorts before «z-»: on equal scores the
# one in passing would come first.
IN_PASSING = IndexedPassage("aside", "a-aside", "Ауыл шаруашылығы", 5, "Жазушы Уәлиханов Қашғарға барды.")
ABOUT_HIM = IndexedPassage("about", "z-about", "Ғалым", 5, "Саяхатшы Уәлиханов Қашғарға барды.")
PASSAGES = [IndexedPassage(f"about-{n}", "z-about", "Ғалым", n + 1, text) for n, text in enumerate(ABOUT)] + \
    [IndexedPassage(f"aside-{n}", "a-aside", "Ауыл шаруашылығы", n + 1, text) for n, text in enumerate(ASIDE)] + \
    [IN_PASSING, ABOUT_HIM]


@pytest.fixture(scope="module", params=sorted(ENGINES))
def backend(request, tmp_path_factory):
    backend = open_backend(tmp_path_factory.mktemp(f"ranking-{request.param}"), request.param)
    backend.write(PASSAGES)
    return backend


def first_two(backend) -> list[str]:
    return [hit.passage_id for hit in backend.search("Уәлиханов Қашғарға", limit=2).hits]


def test_a_passage_of_a_document_about_the_subject_comes_before_one_meeting_it_in_passing(backend):
    assert first_two(backend) == ["about", "aside"]


def test_without_the_document_evidence_the_two_would_be_tied(backend, monkeypatch):
    monkeypatch.setattr(ranking, "DOCUMENT_WEIGHT", 0.0)
    hits = backend.search("Уәлиханов Қашғарға", limit=2).hits
    assert [hit.passage_id for hit in hits] == ["aside", "about"] and hits[0].score == pytest.approx(hits[1].score)
