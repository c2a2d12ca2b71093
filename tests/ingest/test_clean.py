"""Running headers, footers and page numbers out; characters normalised; look-alikes folded."""
from __future__ import annotations

import pytest

from ingest.clean import is_page_number, normalize_line
from ingest.document import extract_document
from tests.pdfs import write_pdf

BODY = [
    "Қазақстан Республикасы өзін демократиялық, зайырлы, құқықтық",
    "және әлеуметтік мемлекет ретінде орнықтырады, оның ең қымбат",
    "қазынасы адам және адамның өмірі, құқықтары мен бостандықтары.",
]
OPENINGS = ["Бірінші тарау", "Екінші тарау", "Үшінші тарау", "Төртінші тарау", "Бесінші тарау",
            "Алтыншы тарау"]


def page_texts(path) -> list[str]:
    return [page.text for page in extract_document(path).pages]


def numbered_body(number: int) -> list[str]:
    """The body lines of page `number`, told apart by their first and last lines."""
    return [f"{OPENINGS[number - 1]}. Мемлекет туралы ереже", *BODY, f"{number * 7}-баптың соңы."]


@pytest.mark.parametrize("line", ["12", "— 12 —", "- 3 -", "12 бет", "Бет 12", "стр. 7", "5 / 40", "17-бет"])
def test_page_number_lines_are_recognised(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["1995 жылы қабылданды", "91-бабы", "Бет пен жүз", "№ 1045", "№12"])
def test_text_is_not_a_page_number(line):
    assert not is_page_number(line)


def test_running_header_and_page_numbers_leave_the_text(tmp_path):
    pages = [numbered_body(number) for number in range(1, 5)]
    path = write_pdf(tmp_path / "running.pdf", pages, header="Заң журналы, 2012 жыл", footer_numbers=True)
    assert page_texts(path) == [" ".join(lines) for lines in pages]


def footed_pdf(path, pages: list[tuple[str, list[str], str]]):
    """Pages of (a line at the top edge, body lines, a line at the foot of the page), as a printer sets them."""
    from reportlab.pdfgen import canvas
    from tests.pdfs import register_font
    font = register_font()
    pdf = canvas.Canvas(str(path))
    for head, lines, foot in pages:
        pdf.setFont(font, 11)
        pdf.drawString(60, 800, head)
        for row, line in enumerate(lines):
            pdf.drawString(60, 770 - 15 * row, line)
        pdf.drawCentredString(300, 30, foot)
        pdf.showPage()
    pdf.save()
    return path


def test_a_decree_number_and_years_at_the_edges_are_text_not_page_numbers(tmp_path):
    pages = [("№ 1045", numbered_body(1), "1997"), ("1938", numbered_body(2), "Алматы")]
    path = footed_pdf(tmp_path / "decree.pdf", pages)
    assert [" ".join(text.split()) for text in page_texts(path)] == [" ".join([head, *lines, foot])
                                                                      for head, lines, foot in pages]


def test_a_body_line_at_the_same_row_of_two_short_pages_is_kept(tmp_path):
    same = "Мемлекет азаматтардың құқықтарын қорғайды."
    pages = [("Бірінші хат", [same, "Бірінші беттің мәтіні."], "Алматы"),
             ("Екінші хат", [same, "Екінші беттің мәтіні."], "Астана")]
    path = footed_pdf(tmp_path / "letters.pdf", pages)
    assert all(same in text for text in page_texts(path))


def test_two_pages_of_a_line_or_two_keep_all_their_text(tmp_path):
    """Every line of such a page stands at its edge: a line repeated on both is the notice's own text."""
    from tests.pdfs import write_pdf as written
    pages = [["Қаулы шығарылды.", "Алматы қаласы әкімдігі бірінші бетте."],
             ["Қаулы шығарылды.", "Астана қаласы екінші бетте шешім қабылдады."]]
    path = written(tmp_path / "notice.pdf", pages)
    assert [" ".join(text.split()) for text in page_texts(path)] == [" ".join(lines) for lines in pages]


def test_page_numbers_printed_from_another_number_on_are_page_numbers(tmp_path):
    """An excerpt of a book printed from page 245 on: its numbers keep one offset from the PDF's pages."""
    pages = [(head, numbered_body(number), str(244 + number))
             for number, head in enumerate(["Алғысөз", "Кіріспе", "Қорытынды"], start=1)]
    path = footed_pdf(tmp_path / "excerpt.pdf", pages)
    assert [" ".join(text.split()) for text in page_texts(path)] == [" ".join([head, *lines]) for head, lines, _ in pages]


def test_alternating_headers_leave_the_text(tmp_path):
    path = tmp_path / "alternating.pdf"
    from reportlab.pdfgen import canvas
    from tests.pdfs import register_font
    font = register_font()
    pdf = canvas.Canvas(str(path))
    for number in range(1, 7):
        pdf.setFont(font, 9)
        pdf.drawString(60, 810, "И. Рогов" if number % 2 == 0 else f"Демократия форумы · {number}")
        pdf.setFont(font, 11)
        for row, line in enumerate(numbered_body(number)):
            pdf.drawString(60, 770 - 15 * row, line)
        pdf.setFont(font, 9)
        pdf.drawString(280, 30, f"{number} бет")
        pdf.showPage()
    pdf.save()
    assert page_texts(path) == [" ".join(numbered_body(number)) for number in range(1, 7)]


def test_lines_repeated_in_the_body_are_kept(tmp_path):
    pages = [[OPENINGS[number - 1], f"{number * 5}-бапта айтылғандай:", *BODY, "12", *BODY,
              f"{OPENINGS[number]} басталады.", f"{number * 11}-бапты қараңыз."] for number in range(1, 4)]
    path = write_pdf(tmp_path / "body.pdf", pages)
    assert page_texts(path) == [" ".join(lines) for lines in pages]


@pytest.mark.parametrize("raw, clean", [
    ("\ufb01nal \ufb02ow", "final flow"),                      # ligatures undone
    ("Қазақ\u200bстан\u200d", "Қазақстан"),                    # zero-width characters out
    ("Респуб\u00adлика", "Республика"),                        # soft hyphen inside a word out
    ("Қазақ\u00ad", "Қазақ\u00ad"),                            # ...but kept at a line end to repair
    ("\u0415\u0308л", "Ёл"),                                   # NFC
    ("Негiзгi Заңның", "Негізгі Заңның"),                      # Latin i in a Cyrillic word
    ("G-Global iPhone", "G-Global iPhone"),                    # Latin words stay Latin
    ("іс\u2011қимыл және қаржы\u2010экономика", "іс-қимыл және қаржы-экономика"),
])
def test_characters_are_normalised(raw, clean):
    assert normalize_line(raw) == clean


def test_lookalike_letters_do_not_change_what_search_sees(tmp_path):
    path = write_pdf(tmp_path / "lookalike.pdf", [["Негiзгi Заңның ережелерi мемлекеттiң негiзi."]])
    assert page_texts(path) == ["Негізгі Заңның ережелері мемлекеттің негізі."]


def test_title_and_author_at_the_edge_of_later_pages_are_running_lines(tmp_path):
    """A three-page paper whose author heads page 2 only: too rare to count as repeated, yet a running line."""
    title, author = "Мемлекет туралы ереже", "Ә. Бөкейханов"
    pages = [[title, *BODY], [author, *numbered_body(2)], numbered_body(3)]
    texts = page_texts(write_pdf(tmp_path / "paper.pdf", pages, title=title, author=author))
    assert texts[0].startswith(title)  # the title heading page 1 is text
    assert author not in texts[1] and texts[1].startswith("Екінші тарау")


def test_a_running_header_that_changes_with_the_chapter_and_the_date_leaves_the_passages(tmp_path):
    # Each page's header names the book, the page's chapter and a date: no two are the same,
    # while the body's own chapter headings, alike from page to page, stay.
    chapters = ["Жер қойнауы", "Су ресурстары мен арналары", "Орман", "Ауыл шаруашылығы", "Қала", "Көлік"]
    path = tmp_path / "chapters.pdf"
    from reportlab.pdfgen import canvas
    from tests.pdfs import register_font
    font = register_font()
    pdf = canvas.Canvas(str(path))
    for number in range(1, 7):
        pdf.setFont(font, 9)
        pdf.drawString(60, 810, f"Мұрағат жинағы · {number}-тарау. {chapters[number - 1]}")
        pdf.drawString(450, 810, f"{number + 10}.0{number}.2019")
        pdf.setFont(font, 11)
        for row, line in enumerate(numbered_body(number)):
            pdf.drawString(60, 770 - 15 * row, line)
        pdf.showPage()
    pdf.save()
    document = extract_document(path)
    assert [page.text for page in document.pages] == [" ".join(numbered_body(n)) for n in range(1, 7)]
    passages = " ".join(passage.text for passage in document.passages)
    assert "Мұрағат жинағы" not in passages and "тарау. Орман" not in passages and ".2019" not in passages


def test_a_header_naming_only_its_chapter_leaves_the_text(tmp_path):
    # Odd pages are headed by their chapter alone (it repeats on that chapter's two or three pages
    # only), once wrapped onto two lines; even pages by the book. A chapter's last page holds one line.
    chapters = {1: "1-тарау. Жер қойнауы", 3: "1-тарау. Жер қойнауы", 5: "2-тарау. Су ресурстары",
                7: "3-тарау. Орман", 9: ("4-тарау. Ауыл шаруашылығы мен оның", "салалары туралы")}
    path = tmp_path / "chapters.pdf"
    from reportlab.pdfgen import canvas
    from tests.pdfs import register_font
    font = register_font()
    pdf = canvas.Canvas(str(path))
    bodies = [numbered_body(number % 6 + 1)[:1 if number == 6 else None] for number in range(1, 11)]
    for number, body in enumerate(bodies, start=1):
        pdf.setFont(font, 11)
        header = chapters.get(number, "Мұрағат жинағы")
        for row, line in enumerate([header] if isinstance(header, str) else header):
            pdf.drawString(60, 810 - 13 * row, line)
        for row, line in enumerate(body):
            pdf.drawString(60, 770 - 15 * row, line)
        pdf.showPage()
    pdf.save()
    assert page_texts(path) == [" ".join(body) for body in bodies]
