"""Line-break hyphens repaired and real hyphens kept, on the sample and on generated PDFs."""
from __future__ import annotations

import json

import pytest

from ingest.document import extract_document
from ingest.extract import Line, RawPage
from ingest.hyphens import Vocabulary, join_pages
from tests.pdfs import write_pdf

# Every line-end hyphen of the sample (tests/data/rogov_strasbourg_2012.txt), with the word
# before it: 29 words that a line break split, and 3 real hyphens that a break fell on.
SAMPLE_BREAKS = [
    "мен қағидалары", "халықаралық институттардың", "әлеуметтік бағдарламаларды",
    "«атқарушы тармағының", "адамзаттың жаһандық", "келгенде, азаматтардың", "қалай әзірлеп",
    "қоя тұрып", "сіздерде қызығушылық", "нәсілдік кемсітушіліктің", "күшеюіне байланысты",
    "мүдделеріне орайластырып", "мақсатта өздеріне", "өздігінше айқындайды",
    "кейбір функцияларын", "Заңның ережелері", "аумағын қамтитындығы", "өтініші бойынша",
    "мен халықаралық", "сарапшылардың бағасы", "орнықтыруға бағытталған",
    "барлық саласындағы", "Қазақстан халқының", "антиядролық қозғалыстың",
    "кетерлігі, Қазақстан", "құжаттарының, республика", "табуды, құқық",
    "кәсіпкерлікпен шұғылдану", "Күмән тудырмас",
]
SAMPLE_REAL_HYPHENS = ["және 91-бабы", "өзара іс-қимылы", "Әлемдік қаржы-экономикалық"]


def page_texts(path) -> list[str]:
    return [page.text for page in extract_document(path).pages]


@pytest.fixture(scope="module")
def sample_text_out(sample_pdf) -> str:
    """The sample's extracted text, all pages."""
    return "\n".join(page_texts(sample_pdf))


def test_sample_lists_all_32_breaks(sample_text):
    assert sum(line.rstrip().endswith("-") for line in sample_text.splitlines()) == 32
    assert len(SAMPLE_BREAKS) + len(SAMPLE_REAL_HYPHENS) == 32


@pytest.mark.parametrize("expected", SAMPLE_BREAKS)
def test_sample_word_split_by_a_line_break_comes_out_whole(sample_text_out, expected):
    assert expected in sample_text_out


@pytest.mark.parametrize("expected", SAMPLE_REAL_HYPHENS)
def test_sample_real_hyphen_at_a_line_break_is_kept(sample_text_out, expected):
    assert expected in sample_text_out
    assert expected.replace("-", "") not in sample_text_out


def test_sample_has_no_fragment_left(sample_text_out):
    for fragment in ("ха- ", "қағидала ры", "институт тардың", "құ- қық", "қаржыэкономикалық"):
        assert fragment not in sample_text_out


@pytest.mark.parametrize("mark", ["-", "\u00ad", "\u2010", "\u2011"])
def test_every_kind_of_line_end_hyphen_joins_a_broken_word(tmp_path, mark):
    path = write_pdf(tmp_path / "marks.pdf", [[
        f"Бұл мәселе бойынша ха{mark}",
        "лықаралық ұйымдар өз пікірін айтты.",
    ]])
    assert page_texts(path) == ["Бұл мәселе бойынша халықаралық ұйымдар өз пікірін айтты."]


@pytest.mark.parametrize("mark", ["-", "\u2010"])
def test_compound_broken_at_its_own_hyphen_keeps_it(tmp_path, mark):
    path = write_pdf(tmp_path / "compound.pdf", [[
        f"Әлемдік қаржы{mark}",
        "экономикалық дағдарыс барлық елдерге әсер етті.",
    ]])
    assert page_texts(path) == ["Әлемдік қаржы-экономикалық дағдарыс барлық елдерге әсер етті."]


def test_soft_hyphens_inside_words_vanish(tmp_path):
    path = write_pdf(tmp_path / "soft.pdf", [["Қазақ\u00adстан Респуб\u00adликасы\u00adның Консти\u00ad",
                                               "туциясы қабылданды."]])
    assert page_texts(path) == ["Қазақстан Республикасының Конституциясы қабылданды."]


@pytest.mark.parametrize("left, right, expected", [
    ("Конституцияның 91", "бабы бойынша", "Конституцияның 91-бабы бойынша"),
    ("бұл шешімді БҰҰ", "ның өкілдері қолдады", "бұл шешімді БҰҰ-ның өкілдері қолдады"),
    ("реформалар бірте", "бірте жүзеге асты", "реформалар бірте-бірте жүзеге асты"),
    ("жұмыс кезең", "кезеңімен жүргізілді", "жұмыс кезең-кезеңімен жүргізілді"),
    ("органдардың өзара іс", "қимылы күшейді", "органдардың өзара іс-қимылы күшейді"),
    ("біздің ата", "аналарымыз айтқан", "біздің ата-аналарымыз айтқан"),
    ("халықаралық институт", "тардың қысымы", "халықаралық институттардың қысымы"),
    ("әлеуметтік бағдарлама", "ларды қысқартты", "әлеуметтік бағдарламаларды қысқартты"),
    ("ол Қа", "зақстан туралы айтты", "ол Қазақстан туралы айтты"),
    ("жаңа рес", "публика құрылды", "жаңа республика құрылды"),
])
def test_join_or_keep_is_decided_on_evidence(tmp_path, left, right, expected):
    path = write_pdf(tmp_path / "case.pdf", [[f"{left}-", right]])
    assert page_texts(path) == [expected]


# Breaks the document does not settle, decided by how often Kazakh text writes the word whole or hyphenated
# (ingest/data/kazakh_word_counts.tsv.gz). Russian patterns (TeX, LibreOffice) break `берешегі` into two
# lexicon words, which alone would keep the hyphen; no rule keeps `конференц-зал` or `жан-жақты`.
@pytest.mark.parametrize("left, right, expected", [
    ("мерзімі өткен бере", "шегі бар", "мерзімі өткен берешегі бар"),
    ("Іле Алатауы, Күнгей және Теріс", "кей Алатауы", "Іле Алатауы, Күнгей және Теріскей Алатауы"),
    ("қабылдау залы, конференц", "зал және кітапхана", "қабылдау залы, конференц-зал және кітапхана"),
    ("аудармашының жан", "жақтылығына назар аударды", "аудармашының жан-жақтылығына назар аударды"),
])
def test_how_kazakh_text_writes_a_word_decides_a_break_the_document_does_not(tmp_path, left, right, expected):
    path = write_pdf(tmp_path / "counts.pdf", [[f"{left}-", right]])
    assert page_texts(path) == [expected]


def test_word_counts_read_back_as_written(tmp_path):
    written = Vocabulary()
    for word in ("берешегі", "берешегі", "конференц-залы", "іс-қимыл-әрекет"):
        written.add(word)
    written.write(tmp_path / "counts.tsv.gz", "test")
    read = Vocabulary.read(tmp_path / "counts.tsv.gz")
    assert read.words == written.words and read.compound_forms == written.compound_forms
    assert read.joined_count("берешегі") == 2 and read.compound_count("конференц", "зал") == 1


def test_the_document_own_spelling_decides(tmp_path):
    # «тау-кен» is two known words; the document writes it whole, so its break keeps the hyphen,
    # while «таукен» (never written) would have been the lexicon-free guess.
    path = write_pdf(tmp_path / "vocabulary.pdf", [[
        "Тау-кен өнеркәсібі дамыды. Бұл салада тау-",
        "кен кәсіпорындары көп.",
    ]])
    assert page_texts(path) == ["Тау-кен өнеркәсібі дамыды. Бұл салада тау-кен кәсіпорындары көп."]


def test_a_word_broken_over_three_lines_comes_out_whole(tmp_path):
    """A narrow column breaks a long word twice: its middle line is one piece, itself broken at its end."""
    path = write_pdf(tmp_path / "narrow.pdf", [[
        "Шектеулі жауап-",
        "кершілі-",
        "гі бар серіктестік. Бұл са-",
        "раптамалық-талдама-",
        "лық жұмыс.",
    ]])
    assert page_texts(path) == ["Шектеулі жауапкершілігі бар серіктестік. Бұл сараптамалық-талдамалық жұмыс."]


def test_a_scanned_page_beside_a_text_layer_with_soft_hyphens_has_its_breaks_repaired():
    """The text layer marks its breaks (U+00AD), so its ASCII hyphens are the author's; OCR writes every break
    as `-`, and on the recognised page those are breaks."""
    def page(number, texts):
        return RawPage(number, 595, 842, tuple(Line(text, 50, 800 - 14 * row, 300, 812 - 14 * row)
                                                for row, text in enumerate(texts)))

    typeset = page(1, ["Құжаттар мұра\u00ad", "ғатқа тапсырылды, ма\u00ad", "териалдар сақта\u00ad", "лады."])
    scanned = page(2, ["Экспедиция материал-", "дары облыстық мұрағат-", "қа тапсырылды."])
    texts = [text for text, _ in join_pages([typeset, scanned], recognised={2})]
    assert texts == ["Құжаттар мұрағатқа тапсырылды, материалдар сақталады.",
                     "Экспедиция материалдары облыстық мұрағатқа тапсырылды."]


def test_word_broken_across_a_page_end_is_completed_on_its_first_page(tmp_path):
    path = write_pdf(tmp_path / "pages.pdf", [
        ["Бірінші беттің соңғы сөзі құ-"],
        ["қық пен әділеттілік қағидалары."],
    ])
    assert page_texts(path) == ["Бірінші беттің соңғы сөзі құқық", "пен әділеттілік қағидалары."]


def test_where_lines_ended_is_kept_beside_the_flowing_text(tmp_path):
    lines = ["Бірінші жол осында,", "екінші жол құқық-", "тары туралы, үшінші", "жол."]
    page = extract_document(write_pdf(tmp_path / "lines.pdf", [lines])).pages[0]
    assert page.text == "Бірінші жол осында, екінші жол құқықтары туралы, үшінші жол."
    assert all(page.text[offset] == " " for offset in page.line_ends)
    shown = "".join("\n" if index in page.line_ends else character for index, character in enumerate(page.text))
    assert shown == "Бірінші жол осында,\nекінші жол құқықтары\nтуралы, үшінші\nжол."


def test_lines_flow_with_single_spaces_and_paragraphs_stay(tmp_path):
    path = write_pdf(tmp_path / "paragraphs.pdf", [[
        "Бірінші абзацтың бірінші жолы",
        "және оның екінші жолы.",
        "      Екінші абзац шегіністен басталады",
        "және осында аяқталады.",
    ]])
    assert page_texts(path) == [
        "Бірінші абзацтың бірінші жолы және оның екінші жолы.\n\n"
        "Екінші абзац шегіністен басталады және осында аяқталады."
    ]


@pytest.mark.parametrize("left, right, expected", [
    ("Ұжымда қолайлы моральды", "психологиялық ахуал бар", "Ұжымда қолайлы моральды-психологиялық ахуал бар"),
    ("Жерге дренажды", "корректорлы жүйе орнатылды", "Жерге дренажды-корректорлы жүйе орнатылды"),
])
def test_a_pair_of_adjectives_broken_at_its_hyphen_keeps_it(tmp_path, left, right, expected):
    path = write_pdf(tmp_path / "pair.pdf", [[f"{left}-", right]])
    assert page_texts(path) == [expected]


def _soft_hyphen_pdf(path):
    """A page as Chromium writes it: U+00AD at every syllable inside words, U+2010 at the breaks it took,
    and the author's own hyphens (compounds, 91-бабы) as ASCII hyphens, four of them at line ends."""
    return write_pdf(path, [[
        "Ха\u00adлық\u00adара\u00adлық ұйым\u00adдар\u00adдың өза\u00adра іс-",
        "қи\u00adмы\u00adлы Кон\u00adсти\u00adту\u00adция\u00adның 91-",
        "ба\u00adбы бойын\u00adша жүр\u00adгі\u00adзі\u00adле\u00adді. Әлем\u00adдік қар\u00adжы-",
        "эко\u00adно\u00adми\u00adка\u00adлық да\u00adғда\u00adрыс кезін\u00adде ха\u00adлық\u00adара\u00ad\u2010",
        "лық ұйым\u00adдар\u00adдың рө\u00adлі өсті, ал дренажды-",
        "корректорлы жүйе\u00adлер жаңар\u00adты\u00adлып, мем\u00adле\u00adкет\u2010",
        "тік қол\u00adдау арт\u00adты, бағ\u00adдар\u00adла\u00adма\u2010",
        "лар қабыл\u00adдан\u00adды.",
    ]])


def test_compounds_at_line_ends_of_a_soft_hyphen_pdf_keep_their_hyphens_and_are_found(tmp_path, run_cli):
    folder = tmp_path / "in"
    folder.mkdir()
    path = _soft_hyphen_pdf(folder / "soft.pdf")
    text = page_texts(path)[0]
    for compound in ("іс-қимылы", "91-бабы", "қаржы-экономикалық", "дренажды-корректорлы"):
        assert compound in text
    assert "халықаралық ұйымдардың рөлі" in text and "мемлекеттік қолдау" in text
    archive = tmp_path / "archive"
    assert run_cli("ingest", folder, "--archive", archive, "--silent").exit_code == 0
    found = run_cli("search", "іс-қимыл", "--json", "--archive", archive)
    assert found.exit_code == 0 and json.loads(found.stdout)["total"] == 1


def test_a_hyphen_before_a_conjunction_is_suspended_and_keeps_its_space(tmp_path):
    path = write_pdf(tmp_path / "suspended.pdf", [["Мемлекет микро-", "және шағын кәсіпкерлікті қолдайды."]])
    assert page_texts(path) == ["Мемлекет микро- және шағын кәсіпкерлікті қолдайды."]


# A document whose line-end hyphens are all compounds (the author's), as a word processor sets Kazakh
# text it has no hyphenation patterns for; the last break (Каджи- / сай, a place name the lexicon does
# not know) has no evidence of its own.
UNHYPHENATED = [
    "Қарым-қатынас, іс-қимыл, сауда-экономикалық, азық-түлік және Премьер-министр туралы.",
    "Кездесуде Премьер-",
    "министр қарым-",
    "қатынас пен іс-",
    "қимыл туралы, сауда-",
    "экономикалық байланыс пен азық-",
    "түлік жөнінде айтты. Көлсай, Каджи-",
    "сай көлдері де аталды.",
]


def test_a_document_that_breaks_no_word_keeps_its_line_end_hyphens(tmp_path):
    text = page_texts(write_pdf(tmp_path / "unhyphenated.pdf", [UNHYPHENATED]))[0]
    assert "Премьер-министр қарым-қатынас пен іс-қимыл туралы, сауда-экономикалық" in text
    assert "Каджи-сай көлдері" in text


def test_in_a_hyphenated_document_a_break_without_evidence_joins(tmp_path):
    lines = UNHYPHENATED[:-1] + ["сай көлдері мен бағдарлама-", "ларды да атады."]
    text = page_texts(write_pdf(tmp_path / "hyphenated.pdf", [lines]))[0]
    assert "Каджисай көлдері мен бағдарламаларды" in text


# A Russian newspaper column: no word broken here is written whole elsewhere, and the Kazakh evidence knows none.
RUSSIAN_COLUMN = [
    "В управ-",
    "лении образования сообщили, что к началу учеб-",
    "ного года школы получат новые учебники. Мо-",
    "лодые учителя, как объясня-",
    "ет министерство, поедут в сельские школы, где стоимос-",
    "ти жилья ниже. Научно-",
    "технический совет обсудил, кто-",
    "то из депутатов выступил, и вице-",
    "президент ответил по-",
    "русски.",
]


# The trials' harder cases: particles only after pronouns, ordinals, cardinal points, colours; and breaks that look
# like compounds (a syllable «ка» or «то», a long first syllable ending in -но, a listed first word's syllable).
RUSSIAN_HARDER = [
    "Кто-",
    "либо из них, во-",
    "первых, приехал с юго-",
    "востока, где сине-",
    "зелёный лес. Ошиб-",
    "ка в том, что мес-",
    "то для эконо-",
    "мической экс-",
    "педиции генерал-",
    "ами не найдено из-",
    "под снега.",
]


@pytest.mark.parametrize("lines, joined, kept", [
    (RUSSIAN_COLUMN, ("управлении", "учебного", "Молодые", "объясняет", "стоимости"),
     ("Научно-технический", "кто-то", "вице-президент", "по-русски")),
    (RUSSIAN_HARDER, ("Ошибка", "место", "экономической", "экспедиции", "генералами"),
     ("Кто-либо", "во-первых", "юго-востока", "сине-зелёный", "из-под")),
])
def test_a_russian_page_has_its_breaks_joined_and_its_compounds_kept(tmp_path, lines, joined, kept):
    text = page_texts(write_pdf(tmp_path / "russian.pdf", [lines]))[0]
    assert all(word in text for word in joined) and all(compound in text for compound in kept), text


def test_a_russian_page_in_a_kazakh_document_has_its_breaks_joined(tmp_path):
    kazakh = ["Қазақстан Республикасының Үкіметі бүгін жаңа бағдарламаны қабылдады, ол білім беру саласына арналған."]
    text = page_texts(write_pdf(tmp_path / "mixed.pdf", [kazakh, RUSSIAN_COLUMN]))[1]
    for word in ("управлении", "учебного", "Молодые", "объясняет", "стоимости"):
        assert word in text
