"""Real PDFs made in the tests with reportlab and a DejaVu font (Kazakh needs a full Cyrillic font)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
FONT = "DejaVuSans"


def register_font() -> str:
    """Register DejaVu Sans once; fail with the package to install when it is missing."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    for folder in FONT_DIRS:
        path = Path(folder) / "DejaVuSans.ttf"
        if path.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(path)))
            return FONT
    pytest.fail("DejaVu Sans is not installed: apt-get install fonts-dejavu-core")


def write_pdf(path: Path, pages: list[list[str]], *, title: str | None = None, author: str | None = None,
              header: str | None = None, footer_numbers: bool = False, font_size: float = 11,
              leading: float = 15, top: float = 770, left: float = 60) -> Path:
    """Each page is a list of lines, drawn top to bottom; optional running header and page numbers."""
    font = register_font()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    for number, lines in enumerate(pages, start=1):
        if header:
            pdf.setFont(font, 9)
            pdf.drawString(left, 810, header)
        pdf.setFont(font, font_size)
        y = top
        for line in lines:
            pdf.drawString(left, y, line)
            y -= leading
        if footer_numbers:
            pdf.setFont(font, 9)
            pdf.drawCentredString(A4[0] / 2, 30, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


def write_columns_pdf(path: Path, pages: list[list[list[str]]], *, header: str | None = None,
                      footer_numbers: bool = False, gutter: float = 14, font_size: float = 10,
                      leading: float = 13, justify: bool = False) -> Path:
    """Each page is a list of columns, each a list of lines, set side by side across the page.

    With `justify`, each line's words are spread over the column's full width (as word processors
    and browsers set justified text), so that with no gutter a left line ends where a right one starts.
    """
    font = register_font()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    left, right, top = 50.0, A4[0] - 50.0, 770.0
    for number, columns in enumerate(pages, start=1):
        if header:
            pdf.setFont(font, 9)
            pdf.drawString(left, 810, header)
        pdf.setFont(font, font_size)
        width = (right - left - gutter * (len(columns) - 1)) / max(len(columns), 1)
        for index, lines in enumerate(columns):
            x = left + index * (width + gutter)
            for row, line in enumerate(lines):
                if justify and len(line.split()) > 1:
                    words = line.split()
                    spare = width - sum(pdfmetrics.stringWidth(word, font, font_size) for word in words)
                    position = x
                    for word in words:
                        pdf.drawString(position, top - row * leading, word)
                        position += pdfmetrics.stringWidth(word, font, font_size) + spare / (len(words) - 1)
                else:
                    pdf.drawString(x, top - row * leading, line)
        if footer_numbers:
            pdf.setFont(font, 9)
            pdf.drawCentredString(A4[0] / 2, 30, str(number))
        pdf.showPage()
    pdf.save()
    return path


def scan_pdf(source: Path, target: Path, *, dpi: int = 200, pages: list[int] | None = None) -> Path:
    """An image-only copy of `source` (no text layer), as a scanner makes it: pdftoppm, then reportlab."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is not installed: apt-get install poppler-utils")
    pdf = canvas.Canvas(str(target), pagesize=A4)
    with tempfile.TemporaryDirectory() as folder:
        numbers = pages or [0]
        for number in numbers:
            selection = ["-f", str(number), "-l", str(number)] if pages else []
            subprocess.run(["pdftoppm", *selection, "-r", str(dpi), "-gray", "-png", str(source), f"{folder}/page"],
                           check=True)
        for image in sorted(Path(folder).glob("page*.png")):
            pdf.drawImage(ImageReader(str(image)), 0, 0, width=A4[0], height=A4[1])
            pdf.showPage()
    pdf.save()
    return target
