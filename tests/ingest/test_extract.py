"""Reading order: two-column pages read column by column, titles and headers in their place."""
from __future__ import annotations

from ingest.document import extract_document
from ingest.extract import extract_raw_pages
from tests.archive.hostile import raw_pdf
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


def test_columns_with_no_gutter_are_read_apart_and_their_line_ends_stay_word_spaces(tmp_path):
    # CSS columns with column-gap 0, a word processor's narrow column spacing: each justified left
    # line ends where the right column's line starts. Read as rows, `базар` ended glued to `келді`.
    left = ["Таңертең ауылдың шетіндегі үлкен базар", "ашылды да, оған алыстан жұрт жиналды,",
            "бірі мал айдап, бірі арба сүйреп", "келген саудагерлер өз орнын тапты.",
            "Күн көтеріле бере базардың ортасында", "әнші жігіттер домбыра тартып, жұртты",
            "жинай бастады, ал балалар жағалап", "жүріп бәріне таңырқай қарады."]
    right = ["келді ерте жаздың жылы күні, дала", "жасыл шөпке оранып, құстар сайрады.",
             "Ауылдың ақсақалдары көлеңкеде отырып,", "өткен күндерді еске алып, әңгіме",
             "шертті, ал жастар келешек туралы", "армандарын айтып, бір-бірімен",
             "ақылдасты. Кешке қарай базар тарап,", "әркім өз үйіне қайтты, риза болып."]
    for gutter in (0, 3):
        path = write_columns_pdf(tmp_path / f"gap{gutter}.pdf", [[left, right]], gutter=gutter, justify=True)
        text = extract_document(path).pages[0].text
        assert "базаркелді" not in text and "базар келді" not in text
        assert text == " ".join(left + right)


def _page_pdf(path, content: bytes):
    """One page drawn by `content`, its font F1 Helvetica (known to every PDF reader, no file needed)."""
    return raw_pdf(path, [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def _line_texts(path) -> list[str]:
    return [line.text for line in next(iter(extract_raw_pages(path))).lines]


# Literal strings as a content stream writes them, and the text they draw.
ESCAPED = {
    rb"\101\102\103 \060\61\062": "ABC 012",
    rb"a (nested) b": "a (nested) b",
    rb"\(x\) \\ y": "(x) \\ y",
    b"con\\\ntinued": "continued",
}
PARSER_BUFFER = 4096


def test_escaped_strings_read_the_same_wherever_the_parser_buffer_cuts_them(tmp_path):
    content, expected, y = b"", [], 780
    for written, text in ESCAPED.items():
        for cut in range(len(written) + 3):
            start = b"BT /F1 5 Tf 40 %d Td " % y
            content += b" " * (-(len(content) + len(start) + cut) % PARSER_BUFFER) + start
            content += b"(" + written + b") Tj ET\n"
            expected.append(text)
            y -= 6
    assert _line_texts(_page_pdf(tmp_path / "escapes.pdf", content)) == expected


def test_gaps_wider_than_a_tenth_of_a_glyph_are_word_spaces(tmp_path):
    path = _page_pdf(tmp_path / "gaps.pdf", b"BT /F1 10 Tf 40 700 Td [(Abai) -300 (Kunan) -40 (baiuly)] TJ ET")
    assert _line_texts(path) == ["Abai Kunanbaiuly"]


def test_a_space_glyph_overprinted_by_the_next_letter_is_no_space(tmp_path):
    path = _page_pdf(tmp_path / "overprint.pdf", b"BT /F1 10 Tf 40 700 Td [(ha) ( ) 278 (lyk) ( ) (ara)] TJ ET")
    assert _line_texts(path) == ["halyk ara"]


def test_a_slightly_turned_line_is_still_one_line(tmp_path):
    path = _page_pdf(tmp_path / "turned.pdf", b"BT /F1 10 Tf 0.9998 0.0175 -0.0175 0.9998 40 600 Tm (turned line) Tj ET")
    assert _line_texts(path) == ["turned line"]


def test_glyphs_the_font_cannot_name_are_marked_as_codes(tmp_path):
    path = _page_pdf(tmp_path / "codes.pdf", b"BT /F1 10 Tf 40 700 Td (ab\\001\\002cd) Tj ET")
    assert _line_texts(path) == ["ab(cid:1)(cid:2)cd"]


def test_justified_lines_spaced_wide_are_not_read_as_columns(tmp_path):
    # The short last page of a narrow justified column (Chromium): two lines' last words stand apart at the
    # right margin, beside the rest of their lines, but at no one left edge as a column's lines start.
    lines = ["бірлесіп, электр энергиясы мен газдың көтерме бағасын төмендету", "газдың көтерме бағасын",
             "төмендету бойынша жұмыс", "жатыр."]
    path = write_columns_pdf(tmp_path / "justified.pdf", [[lines]], justify=True)
    assert extract_document(path).pages[0].text == " ".join(lines)
