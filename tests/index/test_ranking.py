"""The ranking model on every engine: a passage of a document about what is asked outranks the same words met in
passing; each language is scored with its own statistics."""
from __future__ import annotations

import pytest
from whoosh.query import Or, Term

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


SCHOOLS = ["Ауылдағы мектептерде мұғалімдер жетіспейді.", "Мұғалімдер жаңа мектеп ашылғанын хабарлады, мектеп үлкен.",
           "Облыстағы ауруханалар жөнделді."]
KAZAKH = [IndexedPassage(f"kk-{n}", "kk-report", "Есеп", n + 1, text) for n, text in enumerate(SCHOOLS)]
RUSSIAN = [IndexedPassage(f"ru-{n}", f"ru-{n // 2}", "Отчёт", n % 2 + 1,
                          f"Министерство сообщило о строительстве больниц в районе номер {n}. "
                          "Учителя и врачи получили новые квартиры в этом году.") for n in range(6)]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_kazakh_passages_score_alike_whatever_russian_documents_stand_beside_them(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(ranking, "MIN_LANGUAGE_PASSAGES", 3)
    alone, beside = open_backend(tmp_path / "alone", engine), open_backend(tmp_path / "beside", engine)
    alone.write(KAZAKH)
    beside.write(KAZAKH + RUSSIAN)
    for question in ("мектептің мұғалімі", "мектеп ашылды ма"):
        scores = [{hit.passage_id: hit.score for hit in backend.search(question, limit=20).hits}
                  for backend in (alone, beside)]
        assert scores[0] and scores[1] == pytest.approx(scores[0])


class Counted:
    """Passage counts of a few words in an archive of 100,000 passages."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self.frequencies = frequencies

    def doc_count(self) -> int:
        return 100_000

    def doc_frequency(self, fieldname: str, text: str) -> int:
        return self.frequencies.get(text, 0)


def test_a_common_word_is_left_out_beside_a_rare_one_in_whatever_forms_it_was_analysed():
    # «Отырар» beside Kazakh words: its Kazakh analysis (отыр, «sits»: common), its Russian one, and their variants
    common = Or([Or([Term("text", "отыр"), Term("text", "отырған")]), Term("text", "отырар")])
    query = Or([Term("text", "қайыр"), common])
    kept = ranking.without_common_words(query, Counted({"отыр": 40_000, "қайыр": 280}))
    assert kept == Or([Term("text", "қайыр")])


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_kazakh_and_a_russian_word_stemmed_alike_find_their_own_language_only(engine, tmp_path):
    backend = open_backend(tmp_path, engine)
    backend.write([IndexedPassage("kk", "kk-doc", "Есеп", 1, "Ол мұнда болған, бала кезінде ауылда болған."),
                   IndexedPassage("ru", "ru-doc", "Отчёт", 1, "Более ста человек пришли на площадь, и это было много.")])
    # both stem to бол: Kazakh болған, Russian более
    assert [hit.passage_id for hit in backend.search("болған").hits] == ["kk"]
    assert [hit.passage_id for hit in backend.search("Более ста человек").hits] == ["ru"]
