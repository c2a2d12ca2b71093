"""Citations a reference manager imports, and results a spreadsheet opens: whatever the metadata holds."""
from __future__ import annotations

import csv
import io

import pytest

from archive.catalog import Document
from archive.citations import bibtex, is_corporate, ris
from archive.export import results_csv
from index.seam import Hit

LAW = Document("abc", "abc" * 4, "Заң {туралы}\n@misc{evil,", "Н. Назарбаев", "1995-08-30", 1995, "laws & acts",
               "pdf", 1, 3, "abc.pdf", "2026-01-01T00:00:00+00:00", True)
URL = "https://archive.example.kz/documents/abc/pages/2"


def test_bibtex_escapes_what_would_end_a_field_or_start_an_entry():
    entry = bibtex(LAW, 2, URL)
    assert entry.startswith("@misc{muragat-abc-p2,\n") and "\n@" not in entry  # no second entry
    assert "  title = {Заң \\{туралы\\} @misc\\{evil,},\n" in entry
    assert "  author = {Н. Назарбаев},\n  year = {1995},\n  date = {1995-08-30},\n" in entry
    assert "  howpublished = {Muragat, laws \\& acts},\n  pages = {2},\n" in entry and f"url = {{{URL}}}" in entry


def test_ris_keeps_each_field_on_its_line_so_a_title_cannot_add_tags():
    record = ris(LAW, 2, URL)
    lines = record.split("\r\n")
    assert lines[0] == "TY  - GEN" and lines[-2:] == ["ER  - ", ""]
    assert "TI  - Заң {туралы} @misc{evil," in lines and "PY  - 1995" in lines and "DA  - 1995/08/30" in lines and "SP  - 2" in lines
    assert f"UR  - {URL}" in lines and "T2  - laws & acts" in lines
    assert sum(line.startswith("TI  - ") for line in lines) == 1


def test_results_csv_has_a_row_a_passage_and_keeps_formulas_as_text():
    hits = [Hit("abc-1", "abc", LAW.title, 2, "=HYPERLINK(\"http://evil\")", 1.0, [], "laws & acts", 1995),
            Hit("xyz-1", "xyz", "Жазба", 1, "Құқық туралы.", 0.5, [])]
    text = results_csv(hits, {"abc": LAW}, lambda hit: f"https://archive.example.kz/{hit.passage_id}")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["title", "author", "date", "collection", "language", "page", "passage", "link"]
    assert rows[1] == [LAW.title, "Н. Назарбаев", "1995-08-30", "laws & acts", "", "2", "'=HYPERLINK(\"http://evil\")",
                       "https://archive.example.kz/abc-1"]
    assert rows[2] == ["Жазба", "", "", "", "", "1", "Құқық туралы.", "https://archive.example.kz/xyz-1"]


def test_bibtex_keeps_a_url_verbatim_and_closed():
    url = "https://archive.example.kz/my_archive/~user/100%25/pages/2?q=a}b"
    assert "  url = {https://archive.example.kz/my_archive/~user/100%25/pages/2?q=a%7Db}\n" in bibtex(LAW, 2, url)


def test_a_government_is_one_author_and_a_date_biblatex_cannot_read_is_left_to_the_year():
    decree = Document("dec", "dec" * 4, "Қаулы", "Қазақстан Республикасының Үкіметі", "1930-жылдар", 1930, "",
                      "pdf", 1, 3, "dec.pdf", "2026-01-01T00:00:00+00:00", True)
    entry = bibtex(decree, 1, URL)
    assert "  author = {{Қазақстан Республикасының Үкіметі}},\n  year = {1930},\n  howpublished" in entry


@pytest.mark.parametrize("author, corporate", [
    ("Қазақстан Республикасының Үкіметі", True), ("Министерство культуры", True),
    ("Қазақстан Республикасы Мәдениет министрлігі", True),
    ("Иванов Иван Иванович", False), ("Иван Иванович Иванов", False), ("Мұхтар Омарханұлы Әуезов", False),
    ("Ахмет Байтұрсынұлы", False), ("Иванов, И. И.", False), ("Н. Назарбаев", False),
    ("Charles de Gaulle", False), ("Ludwig van Beethoven", False), ("John Smith and Jane Doe", False),
])
def test_bodies_are_told_from_people(author, corporate):
    assert is_corporate(author) is corporate


@pytest.mark.parametrize("date, field", [("1995-08-30", "1995-08-30"), ("1995-08", "1995-08"), ("1995", "1995"),
                                         ("1995-13-45", ""), ("9999-99-99", ""), ("１９９５", ""), ("30.08.1995", "")])
def test_bibtex_gives_a_date_only_when_it_is_a_calendar_date(date, field):
    document = Document("d", "d" * 12, "Қаулы", "", date, 1995, "", "pdf", 1, 3, "d.pdf", "2026-01-01T00:00:00+00:00",
                        True)
    entry = bibtex(document, 1, URL)
    assert (f"  date = {{{field}}},\n" in entry) if field else "  date = " not in entry
    assert ("DA  - " + field.replace("-", "/")) in ris(document, 1, URL).split("\r\n") if len(field) == 10 else \
        not any(line.startswith("DA  - ") for line in ris(document, 1, URL).split("\r\n"))
