"""Render N multi-page Kazakh PDFs from ../shared/corpus/kk_corpus.txt, for the ingest benchmark.

Example: .venv/bin/python bench/ingest/make_pdfs.py /tmp/kk-pdfs --files 40 --pages 12
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "kk_corpus.txt"
FONT = "DejaVuSans"
FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIZE, LEADING, MARGIN = 11, 14, 60
WIDTH, HEIGHT = A4


def corpus_lines(path: Path):
    """The corpus's non-empty paragraphs, over and over."""
    paragraphs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return itertools.cycle(paragraphs)


def render(path: Path, paragraphs, pages: int, title: str) -> None:
    """One PDF of `pages` full pages of wrapped text, with a running header and page numbers."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    pdf.setAuthor("Muragat bench")
    lines_per_page = int((HEIGHT - 2 * MARGIN) // LEADING)
    pending: list[str] = []
    for number in range(1, pages + 1):
        pdf.setFont(FONT, 8)
        pdf.drawString(MARGIN, HEIGHT - 30, title)
        pdf.drawCentredString(WIDTH / 2, 30, str(number))
        text = pdf.beginText(MARGIN, HEIGHT - MARGIN)
        text.setFont(FONT, SIZE, LEADING)
        for _ in range(lines_per_page):
            while not pending:
                pending = simpleSplit(next(paragraphs), FONT, SIZE, WIDTH - 2 * MARGIN) + [""]
            text.textLine(pending.pop(0))
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE))
    args.folder.mkdir(parents=True, exist_ok=True)
    paragraphs = corpus_lines(args.corpus)
    for index in range(args.files):
        render(args.folder / f"kk-{index:05d}.pdf", paragraphs, args.pages, f"Құжат {index + 1}")
    print(f"{args.files} PDFs of {args.pages} pages in {args.folder}")


if __name__ == "__main__":
    main()
