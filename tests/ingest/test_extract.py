"""Reading order: two-column pages read column by column, titles and headers in their place."""
from __future__ import annotations

from ingest.document import extract_document
from ingest.extract import extract_raw_pages
from tests.pdfs import write_columns_pdf

LEFT = ["Сол бағанның бірінші жолы,", "сол бағанның екінші жолы және", "бағанның соңғы жолы."]
RIGHT = ["Оң бағанның бірінші жолы,", "оң бағанның екінші жолы және", "оң бағанның соңғы жолы."]


def test_two_columns_are_read_one_after_the_other(tmp_path):
    path = write_columns_pdf(tmp_path / "columns.pdf", [[LEFT * 5, RIGHT * 5]], gutter=10)
    lines = [line.text for line in next(iter(extract_raw_pages(path))).lines]
    assert lines == LEFT * 5 + RIGHT * 5


def test_word_broken_at_the_foot_of_a_column_is_joined_with_the_next_column(tmp_path):
    left = LEFT * 4 + ["бағанның соңында ха-"]
    right = ["лықаралық сөзі аяқталады.", *RIGHT * 4]
    second = [["Екінші беттің сол бағаны."] * 5, ["Екінші беттің оң бағаны."] * 5]
    path = write_columns_pdf(tmp_path / "columns.pdf", [[left, right], second],
                             header="Ғылыми журнал", footer_numbers=True, gutter=12)
    text = extract_document(path).pages[0].text
    assert text == " ".join(left[:-1] + ["бағанның соңында халықаралық"] + right[0].split()[1:] + right[1:])
