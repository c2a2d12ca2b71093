"""Render Kazakh corpus text to PDFs whose line breaks, hyphens and running lines are known.

    .venv/bin/python bench/extraction/generate.py [--out /tmp/muragat-extraction] [--docs 12]

Every document gets a `NAME.truth.json` next to `NAME.pdf`: the words as the author wrote
them (the corpus text, look-alike letters folded), and for the reportlab documents every
line-end break (which word, and whether its hyphen is real: a compound broken at its own
hyphen). Layouts vary by document: ASCII `-`, soft hyphen U+00AD, Chromium-style (U+00AD
inside words, U+2010 at the taken break), one and two columns, running headers that
alternate between odd and even pages, and page numbers as `— 12 —`, `12 бет`, `Бет 12`, `12`.

Real producers, when installed: xelatex (polyglossia, Russian hyphenation patterns,
fancyhdr headers, one two-column document), LibreOffice (Russian hyphenation from hyphen-ru)
and Chromium (print to PDF with soft hyphens). Their truth has the words only: where the
engine broke lines is measured from the PDF.

Chromium also typesets the cases of issue 20: compound-rich paragraphs in a narrow justified
column, with and without soft hyphens (its lines break after a compound's own hyphen:
`іс-` / `қимылы`); chapters on named pages whose running header (book, chapter title, a date)
changes from chapter to chapter; and CSS columns with a gap of 0 and 3 pt, where a line of the
left column ends against the right column's line without a space (`Республикасыжұмыссыздар`).

One book (`make_book`: compound-rich Kazakh paragraphs, two Russian ones, six chapters whose
titles and dates change the running lines) is set by every producer installed — xelatex,
LibreOffice Writer, AbiWord (a word processor that does not hyphenate) and Chromium — in one
narrow column and in two columns with a narrow gap (`book-<producer>-<layout>.pdf`).
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from index.kazakh import VOWELS, fold_lookalikes
from tests.pdfs import register_font

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "kk_corpus.txt"
# The documents are drawn from the corpus's first documents only; the word counts that ingest consults
# (`bench/extraction/build_word_counts.py`) are counted on the others, so the bench measures text they never saw.
BENCH_DOCUMENTS = 200
TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
FONT_SIZE, LEADING = 10.5, 14.0
TOP, BOTTOM, LEFT, RIGHT = 770.0, 70.0, 60.0, A4[0] - 60.0
GUTTER = 18.0
FOOTERS = ("— {n} —", "{n} бет", "Бет {n}", "{n}")


@dataclass(frozen=True)
class Style:
    """How one reportlab document marks its breaks and lays out its pages."""

    name: str
    mark: str            # the character at a line-end break
    columns: int
    inner_soft: bool     # Chromium: every syllable boundary carries U+00AD in the text layer
    footer: str


STYLES = (
    Style("ascii", "-", 1, False, FOOTERS[0]),
    Style("soft", "\u00ad", 1, False, FOOTERS[1]),
    Style("chromium", "\u2010", 1, True, FOOTERS[2]),
    Style("columns", "-", 2, False, FOOTERS[3]),
    Style("columns2010", "\u2010", 2, False, FOOTERS[0]),
    Style("nbhyphen", "\u2011", 1, False, FOOTERS[1]),
)


@dataclass
class Truth:
    """What the extracted text of one document must be."""

    producer: str
    tokens: list[str] = field(default_factory=list)
    breaks: list[dict] = field(default_factory=list)   # {"token": index, "keep": bool}
    running: list[str] = field(default_factory=list)   # header texts
    page_numbers: list[str] = field(default_factory=list)


def bench_lines(path: Path) -> Iterator[str]:
    """The paragraphs of the corpus's first `BENCH_DOCUMENTS` documents (blank lines part documents)."""
    documents = 1
    with path.open(encoding="utf-8") as corpus:
        for line in corpus:
            if not line.strip():
                documents += 1
                if documents > BENCH_DOCUMENTS:
                    return
            yield line


def corpus_paragraphs(path: Path, skip: int, count: int) -> list[str]:
    """`count` prose paragraphs (long lines of the corpus) after the first `skip`."""
    out = []
    for line in bench_lines(path):
        line = " ".join(line.split())
        if len(line) >= 300 and not line[:1].isdigit():
            if skip:
                skip -= 1
                continue
            out.append(unicodedata.normalize("NFC", line))
            if len(out) == count:
                break
    return out


def truth_tokens(text: str) -> list[str]:
    """The words a reader must find, in the form the pipeline promises (look-alikes folded)."""
    return [fold_lookalikes(token) for token in TOKEN.findall(text)]


def syllable_cuts(word: str) -> list[int]:
    """Positions where a word may be broken: before a consonant that starts a syllable."""
    cuts = []
    for i in range(2, len(word) - 1):
        before, here, after = word[i - 1].lower(), word[i].lower(), word[i + 1].lower()
        starts_syllable = here not in VOWELS and after in VOWELS and here.isalpha() and before.isalpha()
        if starts_syllable and any(ch in VOWELS for ch in word[:i].lower()) and len(word) - i >= 2:
            cuts.append(i)
    return cuts


def lay_out(words: list[str], width: float, font: str, style: Style):
    """Greedy lines; the word that does not fit is broken at a syllable or at its own hyphen.

    Yields (line text for the text layer, index of the broken word or None, hyphen is real).
    """
    line: list[str] = []
    index = 0
    shown = (lambda w: _soften(w)) if style.inner_soft else (lambda w: w)
    while index < len(words):
        word = words[index]
        candidate = " ".join(line + [word])
        if stringWidth(candidate, font, FONT_SIZE) <= width:
            line.append(word)
            index += 1
            continue
        room = width - stringWidth(" ".join(line + [""]), font, FONT_SIZE)
        head = _break_point(word, room, font, style)
        if head is not None:
            cut, real = head
            left, right = word[:cut], word[cut + 1:] if real else word[cut:]
            mark = "-" if real else style.mark
            yield " ".join(map(shown, line + [left])) + mark, index, real
            words[index] = right
        else:
            if not line:  # a word longer than the line: put it alone
                line, index = [word], index + 1
            yield " ".join(map(shown, line)), None, False
        line = []
    if line:
        yield " ".join(map(shown, line)), None, False


def _break_point(word: str, room: float, font: str, style: Style) -> tuple[int, bool] | None:
    """Where to break `word` to fit `room`: at its own hyphen if that fits, else the longest head."""
    core = word.rstrip(".,;:!?»)\"")
    options = [(i, True) for i, ch in enumerate(core) if ch == "-" and 0 < i < len(core) - 1]
    options += [(i, False) for part_start, part in _parts(core) for i in
                (part_start + cut for cut in syllable_cuts(part))]
    fitting = [(i, real) for i, real in options if stringWidth(word[:i] + "-", font, FONT_SIZE) <= room]
    return max(fitting, key=lambda option: (option[1], option[0])) if fitting else None


def _parts(word: str):
    start = 0
    for piece in word.split("-"):
        yield start, piece
        start += len(piece) + 1


def _soften(word: str) -> str:
    """Chromium keeps soft hyphens in the text layer: put one at every syllable boundary."""
    pieces, last = [], 0
    for start, part in _parts(word):
        for cut in syllable_cuts(part):
            pieces.append(word[last:start + cut])
            last = start + cut
    pieces.append(word[last:])
    return "\u00ad".join(pieces)


def render_reportlab(path: Path, paragraphs: list[str], style: Style, title: str, author: str) -> Truth:
    """Lay out, draw and record the truth of one generated document."""
    font = register_font()
    truth = Truth("reportlab/" + style.name)
    words: list[str] = []
    starts: list[int] = []
    for paragraph in paragraphs:
        starts.append(len(words))
        words.extend(paragraph.split())
    # Token index in the truth of each corpus word, to locate the broken words.
    token_of_word: list[int] = []
    for word in words:
        token_of_word.append(len(truth.tokens))
        truth.tokens.extend(truth_tokens(word))
    width = (RIGHT - LEFT - GUTTER * (style.columns - 1)) / style.columns
    lines: list[tuple[str, bool]] = []  # (text, first line of a paragraph)
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(words)
        chunk = words[start:end]
        for row, (text, broken, real) in enumerate(lay_out(chunk, width - 12, font, style)):
            lines.append((text, row == 0))
            if broken is not None and truth_tokens(chunk[broken]):
                truth.breaks.append({"token": token_of_word[start + broken], "keep": real})

    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    per_column = int((TOP - BOTTOM) / LEADING)
    page = 0
    while lines:
        page += 1
        header = title if page % 2 else author
        truth.running.append(header)
        pdf.setFont(font, 9)
        pdf.drawString(LEFT if page % 2 else RIGHT - stringWidth(header, font, 9), 805, header)
        footer = style.footer.format(n=page)
        truth.page_numbers.append(footer)
        pdf.drawCentredString(A4[0] / 2, 35, footer)
        pdf.setFont(font, FONT_SIZE)
        for column in range(style.columns):
            x = LEFT + column * (width + GUTTER)
            for row in range(per_column):
                if not lines:
                    break
                text, first = lines.pop(0)
                pdf.drawString(x + (12 if first else 0), TOP - row * LEADING, text)
        pdf.showPage()
    pdf.save()
    return truth


def render_xelatex(path: Path, paragraphs: list[str], title: str, two_columns: bool) -> Truth | None:
    """xelatex with Russian hyphenation patterns (there are none for Kazakh), headers, page numbers."""
    if not shutil.which("xelatex"):
        return None
    body = "\n\n".join(_latex_escape(p) for p in paragraphs)
    source = rf"""\documentclass[10pt{',twocolumn' if two_columns else ''}]{{article}}
\usepackage[a4paper,margin=2.2cm]{{geometry}}
\usepackage{{fontspec}}
\setmainfont{{DejaVu Serif}}
\usepackage{{polyglossia}}
\setmainlanguage{{russian}}
\usepackage{{fancyhdr}}
\pagestyle{{fancy}}\fancyhf{{}}
\fancyhead[LE,RO]{{{_latex_escape(title)}}}\fancyfoot[C]{{— \thepage{{}} —}}
\begin{{document}}
{body}
\end{{document}}
"""
    with tempfile.TemporaryDirectory() as work:
        tex = Path(work) / "doc.tex"
        tex.write_text(source, encoding="utf-8")
        result = subprocess.run(["xelatex", "-interaction=batchmode", "doc.tex"], cwd=work,
                                capture_output=True, timeout=300)
        if result.returncode != 0 or not (Path(work) / "doc.pdf").exists():
            return None
        shutil.copy(Path(work) / "doc.pdf", path)
    return Truth("xelatex" + ("/twocolumn" if two_columns else ""),
                 tokens=[t for p in paragraphs for t in truth_tokens(p)], running=[title])


def _latex_escape(text: str) -> str:
    return re.sub(r"([#$%&_{}~^\\])", r"\\\1", text)


def render_libreoffice(path: Path, paragraphs: list[str], title: str) -> Truth | None:
    """LibreOffice Writer, automatic hyphenation with Russian patterns (hyphen-ru)."""
    soffice = shutil.which("soffice")
    if not soffice:
        return None
    body = "".join(f"<text:p text:style-name=\"Body\">{html.escape(p)}</text:p>" for p in paragraphs)
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="0.8cm"/>
  <style:text-properties style:font-name="DejaVu Serif" fo:font-size="10.5pt" fo:language="ru"
   fo:country="RU" fo:hyphenate="true" fo:hyphenation-remain-char-count="2"
   fo:hyphenation-push-char-count="2"/>
 </style:style>
 <style:style style:name="Head" style:family="paragraph"><style:text-properties fo:font-size="8pt"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm"
  fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
  <style:header-style/><style:footer-style/></style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="PL">
  <style:header><text:p text:style-name="Head">{html.escape(title)}</text:p></style:header>
  <style:footer><text:p text:style-name="Head"><text:page-number text:select-page="current"/> бет</text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document>
"""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "doc.fodt"
        source.write_text(document, encoding="utf-8")
        result = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/profile",
                                 "--convert-to", "pdf", "--outdir", work, str(source)],
                                capture_output=True, timeout=300)
        if result.returncode != 0 or not (Path(work) / "doc.pdf").exists():
            return None
        shutil.copy(Path(work) / "doc.pdf", path)
    return Truth("libreoffice", tokens=[t for p in paragraphs for t in truth_tokens(p)], running=[title])


def render_chromium(path: Path, paragraphs: list[str], title: str) -> Truth | None:
    """Chromium print-to-PDF, justified narrow text with soft hyphens at every syllable."""
    body = "".join(f"<p>{html.escape(' '.join(_soften(w) for w in p.split()))}</p>" for p in paragraphs)
    page = f"""<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font:11pt 'DejaVu Serif';width:14cm;text-align:justify;hyphens:manual}}</style></head>
<body>{body}</body></html>"""
    if not _print_chromium(path, page):
        return None
    return Truth("chromium", tokens=[t for p in paragraphs for t in truth_tokens(p)])


CHROMIUM_FONT = "11pt 'DejaVu Serif'"


def _print_chromium(path: Path, page: str) -> bool:
    """Chromium's print to PDF of one HTML page; False when Chromium is missing or failed."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        return False
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "doc.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={work}/profile", "--no-pdf-header-footer",
                        f"--print-to-pdf={work}/doc.pdf", source.as_uri()],
                       capture_output=True, timeout=300)
        if not (Path(work) / "doc.pdf").exists():
            return False
        shutil.copy(Path(work) / "doc.pdf", path)
    return True


def _page_count(path: Path) -> int:
    from pdfminer.pdfpage import PDFPage
    with path.open("rb") as handle:
        return sum(1 for _ in PDFPage.get_pages(handle))


def _html_paragraphs(paragraphs: list[str], soft: bool) -> str:
    return "".join(f"<p>{html.escape(' '.join(_soften(w) if soft else w for w in p.split()))}</p>"
                   for p in paragraphs)


def render_chromium_compounds(path: Path, paragraphs: list[str], title: str, soft: bool) -> Truth | None:
    """Compound-rich paragraphs in a narrow justified column: lines break after compounds' own hyphens."""
    width = "8cm" if soft else "7cm"
    page = f"""<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>@page {{ size: A4; margin: 2cm; @bottom-center {{ content: "— " counter(page) " —"; font: 9pt 'DejaVu Serif' }} }}
body{{font:{CHROMIUM_FONT};width:{width};text-align:justify;hyphens:manual}}</style></head>
<body>{_html_paragraphs(paragraphs, soft)}</body></html>"""
    if not _print_chromium(path, page):
        return None
    return Truth("chromium/compounds" + ("-soft" if soft else ""),
                 tokens=[t for p in paragraphs for t in truth_tokens(p)],
                 page_numbers=[f"— {n} —" for n in range(1, _page_count(path) + 1)])


def render_chromium_chapters(path: Path, chapters: list[list[str]], book: str, titles: list[str]) -> Truth | None:
    """Chapters on named pages: the running header names the book, the chapter and its date."""
    rules, body, running = [], [], [book]
    for number, (paragraphs, chapter) in enumerate(zip(chapters, titles), start=1):
        date = f"{number + 10}.0{number % 9 + 1}.20{number + 10}"
        running += [chapter, date]
        rules.append(f"""@page ch{number} {{ @top-left {{ content: "{book} · {chapter}"; font: 9pt 'DejaVu Serif' }}
 @top-right {{ content: "{date}"; font: 9pt 'DejaVu Serif' }} }}
.ch{number} {{ page: ch{number} }}""")
        body.append(f'<div class="ch{number}">{_html_paragraphs(paragraphs, True)}</div>')
    page = f"""<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{html.escape(book)}</title>
<style>@page {{ size: A4; margin: 2cm; @bottom-right {{ content: counter(page) " бет"; font: 9pt 'DejaVu Serif' }} }}
{chr(10).join(rules)}
body{{font:{CHROMIUM_FONT};width:15cm;text-align:justify;hyphens:manual}}</style></head>
<body>{''.join(body)}</body></html>"""
    if not _print_chromium(path, page):
        return None
    return Truth("chromium/chapters", tokens=[t for c in chapters for p in c for t in truth_tokens(p)],
                 running=running, page_numbers=[f"{n} бет" for n in range(1, _page_count(path) + 1)])


def render_chromium_columns(path: Path, paragraphs: list[str], title: str, gap: int) -> Truth | None:
    """CSS columns with a narrow gap: each left line ends against a right one, often without a space."""
    page = f"""<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>@page {{ size: A4; margin: 2cm; @top-center {{ content: "{title}"; font: 9pt 'DejaVu Serif' }} }}
body{{font:10pt 'DejaVu Serif';text-align:justify;hyphens:manual;columns:2;column-gap:{gap}pt}}</style></head>
<body>{_html_paragraphs(paragraphs, True)}</body></html>"""
    if not _print_chromium(path, page):
        return None
    return Truth(f"chromium/columns-gap{gap}", tokens=[t for p in paragraphs for t in truth_tokens(p)],
                 running=[title])


def compound_paragraphs(path: Path, count: int, least: int = 4) -> list[str]:
    """`count` prose paragraphs holding at least `least` hyphenated words (compounds, 91-бабы)."""
    out = []
    for line in bench_lines(path):
        line = " ".join(line.split())
        if 300 <= len(line) <= 1500 and not line[:1].isdigit():
            if sum("-" in token for token in TOKEN.findall(line)) >= least:
                out.append(unicodedata.normalize("NFC", line))
                if len(out) == count:
                    break
    return out


# --- Issue 20: one book typeset by every real producer ----------------------------------------------

BOOK = "Мұрағат жинағы"
RUSSIAN_PASSAGES = ROOT.parent / "shared" / "data" / "xquad_ru_dev" / "passages.jsonl"


@dataclass(frozen=True)
class Chapter:
    """A chapter of the book: its running-header title, a date that changes with it, its paragraphs."""

    title: str
    date: str
    paragraphs: list[str]


@dataclass(frozen=True)
class Layout:
    """How a producer sets the book: one narrow column, or two columns with a narrow gap."""

    name: str
    columns: int
    footer: str          # the page number as drawn, `{n}` for the number


LAYOUTS = (Layout("narrow", 1, "— {n} —"), Layout("columns", 2, "{n} бет"))


def russian_paragraphs(path: Path, count: int) -> list[str]:
    """`count` Russian paragraphs (XQuAD's Wikipedia text), for the Russian passages of a Kazakh book."""
    out = []
    if not path.exists():
        return out
    with path.open(encoding="utf-8") as passages:
        for line in passages:
            text = " ".join(json.loads(line)["text"].split())
            if len(text) >= 400:
                out.append(unicodedata.normalize("NFC", text))
                if len(out) == count:
                    break
    return out


def make_book(kazakh: list[str], russian: list[str], titles: list[str]) -> list[Chapter]:
    """Six chapters of three paragraphs, a Russian one in the second and fifth."""
    paragraphs = list(kazakh)
    for place, text in zip((4, 13), russian):
        paragraphs.insert(place, text)
    return [Chapter(f"{n}-тарау. {title}", f"{n + 10:02d}.{n % 12 + 1:02d}.20{n + 10}",
                    paragraphs[3 * (n - 1):3 * n])
            for n, title in enumerate(titles[:6], start=1)]


def book_truth(producer: str, chapters: list[Chapter], path: Path, layout: Layout) -> Truth:
    """The book's words as written; its running lines (book, chapter titles, dates) and page numbers."""
    return Truth(producer, tokens=[t for c in chapters for p in c.paragraphs for t in truth_tokens(p)],
                 running=[BOOK] + [c.title for c in chapters] + [c.date for c in chapters],
                 page_numbers=[layout.footer.format(n=n) for n in range(1, _page_count(path) + 1)])


def book_xelatex(path: Path, chapters: list[Chapter], layout: Layout) -> Truth | None:
    """xelatex, Russian patterns (polyglossia): TeX breaks words at its own hyphenation points and
    compounds after their hyphen. Odd pages carry the chapter title alone, even pages the book and the date."""
    chapters_tex = "\n".join(
        rf"\clearpage\renewcommand\chaptertitle{{{_latex_escape(c.title)}}}\renewcommand\chapterdate{{{c.date}}}"
        + "\n\n" + "\n\n".join(_latex_escape(p) for p in c.paragraphs) for c in chapters)
    page = (r"\usepackage[a5paper,hmargin=3.4cm,vmargin=2.2cm]{geometry}" if layout.columns == 1 else
            r"\usepackage[a4paper,margin=2cm]{geometry}\setlength\columnsep{8pt}")
    footer = layout.footer.replace("{n}", r"\thepage{}")
    source = rf"""\documentclass[10pt,twoside{',twocolumn' if layout.columns == 2 else ''}]{{article}}
{page}
\usepackage{{fontspec}}
\setmainfont{{DejaVu Serif}}
\usepackage{{polyglossia}}
\setmainlanguage{{russian}}
\usepackage{{fancyhdr}}
\newcommand\chaptertitle{{}}\newcommand\chapterdate{{}}
\pagestyle{{fancy}}\fancyhf{{}}\renewcommand\headrulewidth{{0pt}}
\fancyhead[LE]{{{BOOK} · \chapterdate}}\fancyhead[RO]{{\chaptertitle}}\fancyfoot[C]{{{footer}}}
\emergencystretch=2em
\begin{{document}}
{chapters_tex}
\end{{document}}
"""
    return _run_producer(path, ["xelatex", "-interaction=batchmode", "doc.tex"], "doc.tex", source,
                         lambda: book_truth(f"xelatex/{layout.name}", chapters, path, layout))


def book_libreoffice(path: Path, chapters: list[Chapter], layout: Layout) -> Truth | None:
    """LibreOffice Writer: each chapter on its own master page (header: book and chapter on right pages,
    date and chapter on left ones). The narrow book is marked Russian and hyphenated with hyphen-ru;
    the two-column book is marked Kazakh, for which LibreOffice has no patterns: it breaks no words."""
    language = ('fo:language="ru" fo:country="RU" fo:hyphenate="true"' if layout.columns == 1 else
                'fo:language="kk" fo:country="KZ" fo:hyphenate="true"')
    size = ('fo:page-width="14.8cm" fo:page-height="21cm" fo:margin-left="3.2cm" fo:margin-right="3.2cm"'
            if layout.columns == 1 else
            'fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-left="2cm" fo:margin-right="2cm"')
    columns = ('<style:columns fo:column-count="2" fo:column-gap="0.25cm"/>' if layout.columns == 2 else "")
    footer = html.escape(layout.footer).replace("{n}", '<text:page-number text:select-page="current"/>')
    masters, styles, body = [], [], []
    for number, chapter in enumerate(chapters, start=1):
        masters.append(f"""<style:master-page style:name="M{number}" style:page-layout-name="PL">
  <style:header><text:p text:style-name="Head">{BOOK} · {html.escape(chapter.title)}</text:p></style:header>
  <style:header-left><text:p text:style-name="Head">{chapter.date} · {html.escape(chapter.title)}</text:p>
  </style:header-left>
  <style:footer><text:p text:style-name="Foot">{footer}</text:p></style:footer></style:master-page>""")
        styles.append(f'<style:style style:name="C{number}" style:family="paragraph" '
                      f'style:parent-style-name="Body" style:master-page-name="M{number}"/>')
        body += [f'<text:p text:style-name="{"C" + str(number) if i == 0 else "Body"}">{html.escape(p)}</text:p>'
                 for i, p in enumerate(chapter.paragraphs)]
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{BOOK}</dc:title></office:meta>
<office:styles>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:text-indent="0.6cm"/>
  <style:text-properties style:font-name="DejaVu Serif" fo:font-family="'DejaVu Serif'" fo:font-size="10pt"
   {language} fo:hyphenation-remain-char-count="2" fo:hyphenation-push-char-count="2"/>
 </style:style>
 <style:style style:name="Head" style:family="paragraph"><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="Foot" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/>
  <style:text-properties fo:font-size="8pt"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="PL" style:page-usage="mirrored"><style:page-layout-properties {size}
  fo:margin-top="1.2cm" fo:margin-bottom="1.2cm">{columns}</style:page-layout-properties>
  <style:header-style><style:header-footer-properties fo:margin-bottom="0.4cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:margin-top="0.4cm"/></style:footer-style>
 </style:page-layout>
 {chr(10).join(styles)}
</office:automatic-styles>
<office:master-styles>{chr(10).join(masters)}</office:master-styles>
<office:body><office:text>{''.join(body)}</office:text></office:body>
</office:document>
"""
    soffice = shutil.which("soffice") or "soffice"
    return _run_producer(path, [soffice, "--headless", "-env:UserInstallation=file://{work}/profile",
                                "--convert-to", "pdf", "doc.fodt"], "doc.fodt", document,
                         lambda: book_truth(f"libreoffice/{layout.name}", chapters, path, layout))


def book_abiword(path: Path, chapters: list[Chapter], layout: Layout) -> Truth | None:
    """AbiWord, a word processor that does not hyphenate: justified text. The narrow book has one section
    per chapter with its own headers (odd pages: book and chapter; even pages: the date) and a page break
    between chapters; the two-column book is one section headed by the book's name (AbiWord 3.0 lays
    out columns over several sections wrongly: lines of the left column run into the right one)."""
    paragraph = '<p props="text-align:justify; text-indent:0.25in">{}</p>'.format
    footer = html.escape(layout.footer).replace("{n}", '<field type="page_number"/>')
    frame = "page-margin-top:0.8in; page-margin-bottom:0.8in; page-margin-header:0.4in; page-margin-footer:0.4in"
    running = [f"""<section id="f1" type="footer"><p props="text-align:center; font-size:8pt">{footer}</p></section>"""]
    if layout.columns == 1:
        page_size = 'pagetype="A5" orientation="portrait" width="148.000000" height="210.000000" units="mm"'
        sections = []
        for number, chapter in enumerate(chapters, start=1):
            # The page break in a paragraph of its own: at the end of a text paragraph, AbiWord 3.0 lets
            # the page before it run off its bottom edge and drops the lines that do not fit.
            page_break = "<p><pbr/></p>" if number < len(chapters) else ""
            sections.append(f'<section header="h{number}" header-even="e{number}" footer="f1" '
                            f'props="page-margin-left:1.1in; page-margin-right:1.1in; {frame}">'
                            + "".join(paragraph(html.escape(p)) for p in chapter.paragraphs) + page_break
                            + "</section>")
            running += [f'<section id="h{number}" type="header"><p props="font-size:8pt">{BOOK} · '
                        f'{html.escape(chapter.title)}</p></section>',
                        f'<section id="e{number}" type="header-even"><p props="text-align:right; font-size:8pt">'
                        f'{chapter.date}</p></section>']
    else:
        page_size = 'pagetype="A4" orientation="portrait" width="210.000000" height="297.000000" units="mm"'
        texts = [html.escape(p) for chapter in chapters for p in chapter.paragraphs]
        sections = [f'<section header="h1" footer="f1" props="columns:2; column-gap:0.08in; '
                    f'page-margin-left:0.8in; page-margin-right:0.8in; {frame}">'
                    + "".join(map(paragraph, texts)) + "</section>"]
        running.append(f'<section id="h1" type="header"><p props="font-size:8pt">{BOOK}</p></section>')
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE abiword PUBLIC "-//ABISOURCE//DTD AWML 1.0 Strict//EN" "http://www.abisource.com/awml.dtd">
<abiword xmlns="http://www.abisource.com/awml.dtd" version="1.0" fileformat="1.1"
 props="font-family:DejaVu Serif; font-size:10pt; lang:kk-KZ">
<metadata><m key="dc.title">{BOOK}</m></metadata>
<pagesize {page_size} page-scale="1.000000"/>
{chr(10).join(sections)}
{chr(10).join(running)}
</abiword>
"""
    return _run_producer(path, ["abiword", "--to=pdf", "doc.abw"], "doc.abw", document,
                         lambda: book_truth(f"abiword/{layout.name}", chapters, path, layout))


def book_chromium(path: Path, chapters: list[Chapter], layout: Layout) -> Truth | None:
    """Chromium print to PDF, soft hyphens at every syllable; each chapter on named pages whose header names
    the chapter (and the book, where the page is wide enough) and its date; two columns 4 pt apart."""
    rules, body = [], []
    book = "" if layout.columns == 1 else f"{BOOK} · "
    for number, chapter in enumerate(chapters, start=1):
        title = (book + chapter.title).replace('"', '\\"')  # a quote in a title would end the CSS string
        rules.append(f"""@page ch{number} {{ @top-left {{ content: "{title}"; font: 8pt 'DejaVu Serif' }}
 @top-right {{ content: "{chapter.date}"; font: 8pt 'DejaVu Serif' }} }}
.ch{number} {{ page: ch{number} }}""")
        body.append(f'<div class="ch{number}">{_html_paragraphs(chapter.paragraphs, True)}</div>')
    footer = layout.footer.replace("{n}", '" counter(page) "')
    size = "A5; margin: 2cm 3cm" if layout.columns == 1 else "A4; margin: 2cm"
    flow = "columns:2;column-gap:4pt" if layout.columns == 2 else ""
    page = f"""<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>{BOOK}</title>
<style>@page {{ size: {size}; @bottom-center {{ content: "{footer}"; font: 8pt 'DejaVu Serif' }} }}
{chr(10).join(rules)}
body{{font:10pt 'DejaVu Serif';text-align:justify;hyphens:manual;{flow}}} p{{margin:0;text-indent:1.5em}}</style></head>
<body>{''.join(body)}</body></html>"""
    if not _print_chromium(path, page):
        return None
    return book_truth(f"chromium/{layout.name}", chapters, path, layout)


def _run_producer(path: Path, command: list[str], name: str, source: str, truth: Callable[[], Truth]) -> Truth | None:
    """Write `source` as `name` in a scratch folder, run the producer there, keep its PDF; None when it is
    not installed or made no PDF."""
    if not shutil.which(command[0]):
        return None
    with tempfile.TemporaryDirectory() as work:
        (Path(work) / name).write_text(source, encoding="utf-8")
        subprocess.run([part.replace("{work}", work) for part in command], cwd=work, capture_output=True,
                       timeout=300)
        made = (Path(work) / name).with_suffix(".pdf")
        if not made.exists():
            return None
        shutil.copy(made, path)
    return truth()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/muragat-extraction"))
    parser.add_argument("--docs", type=int, default=12, help="reportlab documents")
    parser.add_argument("--paragraphs", type=int, default=14, help="corpus paragraphs per document")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-issue20", action="store_true", help="leave out the Chromium documents of issue 20")
    parser.add_argument("--books-only", action="store_true",
                        help="only the book typeset by every producer (xelatex, LibreOffice, AbiWord, Chromium)")
    parser.add_argument("--russian", type=Path, default=RUSSIAN_PASSAGES)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    total = args.docs + 4
    paragraphs = corpus_paragraphs(args.corpus, skip=200, count=total * (args.paragraphs + 1))
    chunks = [paragraphs[i * args.paragraphs:(i + 1) * args.paragraphs] for i in range(total)]
    # Titles (the running headers) come from paragraphs that are not in any document.
    titles = [" ".join(p.split()[:5]).rstrip(".,:;") for p in paragraphs[total * args.paragraphs:]]
    made = []
    for number in range(0 if args.books_only else args.docs):
        style = STYLES[number % len(STYLES)]
        name = f"gen{number:02d}-{style.name}"
        truth = render_reportlab(args.out / f"{name}.pdf", chunks[number], style, titles[number],
                                 "Мұрағат бағдарламасы")
        made.append((name, truth))
    real = [
        ("tex-onecolumn", lambda p: render_xelatex(p, chunks[-4], titles[-4], two_columns=False)),
        ("tex-twocolumn", lambda p: render_xelatex(p, chunks[-3], titles[-3], two_columns=True)),
        ("libreoffice", lambda p: render_libreoffice(p, chunks[-2], titles[-2])),
        ("chromium", lambda p: render_chromium(p, chunks[-1], titles[-1])),
    ]
    compounds = compound_paragraphs(args.corpus, 3 * args.paragraphs)
    extra = corpus_paragraphs(args.corpus, skip=200 + len(paragraphs), count=20 + args.paragraphs + 6)
    sizes = [1, 4, 2, 6, 1, 3]
    chapters = [extra[sum(sizes[:i]):sum(sizes[:i + 1])] for i in range(6)]
    chapter_titles = [f"{n}-тарау. " + " ".join(p.split()[:3]).rstrip(".,:;")
                      for n, p in enumerate(extra[-6:], start=1)]
    columns = extra[20:20 + args.paragraphs]
    real_issue20: list[tuple[str, Callable[[Path], Truth | None]]] = [
        ("chromium-compounds", lambda p: render_chromium_compounds(p, compounds[:args.paragraphs], titles[0], False)),
        ("chromium-compounds-soft",
         lambda p: render_chromium_compounds(p, compounds[args.paragraphs:], titles[1], True)),
        ("chromium-chapters", lambda p: render_chromium_chapters(p, chapters, "Мұрағат жинағы", chapter_titles)),
        ("chromium-columns-gap0", lambda p: render_chromium_columns(p, columns, titles[2], 0)),
        ("chromium-columns-gap3", lambda p: render_chromium_columns(p, columns[::-1], titles[3], 3)),
    ]
    book_source = compound_paragraphs(args.corpus, 3 * args.paragraphs + 22)[3 * args.paragraphs:]
    book = make_book(book_source[:16], russian_paragraphs(args.russian, 2),
                     [" ".join(p.split()[:3]).rstrip(".,:;") for p in book_source[16:]])
    books: list[tuple[str, Callable[[Path], Truth | None]]] = [
        (f"book-{producer.__name__.removeprefix('book_')}-{layout.name}",
         lambda p, producer=producer, layout=layout: producer(p, book, layout))
        for producer in (book_xelatex, book_libreoffice, book_abiword, book_chromium) for layout in LAYOUTS]
    if args.books_only:
        real = books
    elif not args.no_issue20:
        real += real_issue20 + books
    for name, render in real:
        truth = render(args.out / f"{name}.pdf")
        if truth is None:
            print(f"{name}: producer not installed or failed; skipped")
            continue
        made.append((name, truth))
    for name, truth in made:
        (args.out / f"{name}.truth.json").write_text(
            json.dumps(truth.__dict__, ensure_ascii=False), encoding="utf-8")
    breaks = sum(len(t.breaks) for _, t in made)
    kept = sum(b["keep"] for _, t in made for b in t.breaks)
    print(f"{len(made)} documents in {args.out}: {breaks} known line-end breaks ({kept} real hyphens)")


if __name__ == "__main__":
    main()
