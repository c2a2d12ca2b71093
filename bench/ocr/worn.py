#!/usr/bin/env python3
"""Worn scans: character error rate and evidence found, per degradation level.

Run from the project root:
    PYTHONPATH=. .venv/bin/python bench/ocr/worn.py              # 5 pages x 5 levels, ~2-3 min
    PYTHONPATH=. .venv/bin/python bench/ocr/worn.py --levels clean medium --pages 1
Pages: three of the sample document (typeset, its text layer the truth) and two typewriter-like
pages of Kazakh news text from /work/shared/corpus/kk_corpus.txt set in DejaVu Sans Mono (the
text the truth). Each page is rendered by poppler, worn by a seeded degradation (skew, blur,
uneven fading of the ink, a yellowing gradient, grain noise, salt and pepper, low resolution),
and recognised by `ingest.ocr.recognise_image` with the preparation it applies. Both sides go
through the same cleaning and line joining as in `cer.py`.

Evidence found: the share of content words of the truth (runs of 5 or more letters, distinct per
page) whose index terms (the project's analyzer, `index.analysis.term_positions`, word by word)
all occur among the terms of the recognised words of the same page: would a search for that
word find the page.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.ocr.cer import SAMPLE, page_texts  # noqa: E402
from index.analysis import exact_analyzer, term_positions  # noqa: E402
from index.whoosh_engine.approximate import FAR_LETTERS, KEPT_LETTERS, MIN_LETTERS  # noqa: E402
from ingest import ocr  # noqa: E402
from ingest.extract import RawPage, extract_raw_pages  # noqa: E402

CORPUS = Path("/work/shared/corpus/kk_corpus.txt")
MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
SAMPLE_PAGES = (2, 5, 8)
TYPEWRITER_PAGES = 2
CONTENT_WORD = re.compile(r"[^\W\d_]{5,}")


@dataclass(frozen=True)
class Wear:
    """One degradation level; lengths in pixels at 300 dpi, grey levels out of 255."""

    skew: float = 0.0  # degrees, either way
    blur: float = 0.0  # Gaussian radius
    fade: float = 0.0  # ink lightened by up to this share, unevenly over the page
    gradient: float = 0.0  # paper darkened by up to this many levels across the page
    noise: float = 0.0  # Gaussian grain, standard deviation
    specks: float = 0.0  # share of pixels turned black or white
    dpi: int = 300


LEVELS = {
    "clean": Wear(),
    "light": Wear(skew=0.5, blur=0.6, fade=0.2, gradient=30, noise=12, specks=0.002),
    "medium": Wear(skew=1.5, blur=1.0, fade=0.4, gradient=60, noise=25, specks=0.01),
    "heavy": Wear(skew=3.0, blur=1.4, fade=0.55, gradient=90, noise=40, specks=0.02),
    "medium 150 dpi": Wear(skew=1.5, blur=1.0, fade=0.4, gradient=60, noise=25, specks=0.01, dpi=150),
}


def wear(pixels: np.ndarray, level: Wear, seed: int) -> np.ndarray:
    """`pixels` (grey, rendered at `level.dpi`) worn as `level` says, the same for the same seed."""
    rng = np.random.default_rng(seed)
    scale = level.dpi / 300
    image = Image.fromarray(pixels)
    if level.skew:
        image = image.rotate(level.skew * rng.choice([-1, 1]) * rng.uniform(0.7, 1.0),
                             resample=Image.BICUBIC, fillcolor=255)
    if level.blur:
        image = image.filter(ImageFilter.GaussianBlur(level.blur * scale))
    grey = np.asarray(image, np.float32)
    height, width = grey.shape
    if level.fade:  # strokes faded unevenly: a smooth random field over the page
        field = Image.fromarray((rng.random((6, 4)) * 255).astype(np.uint8)).resize((width, height), Image.BICUBIC)
        grey = 255 - (255 - grey) * (1 - level.fade * np.asarray(field, np.float32) / 255)
    if level.gradient:  # yellowed paper, darker towards one corner
        ramp = np.add.outer(np.linspace(0, 1, height), np.linspace(0, 1, width)) / 2
        grey -= level.gradient * (ramp if rng.random() < 0.5 else ramp[::-1, ::-1])
    if level.noise:
        grey += rng.normal(0, level.noise, grey.shape)
    if level.specks:
        specks = rng.random(grey.shape)
        grey[specks < level.specks / 2] = 0
        grey[specks > 1 - level.specks / 2] = 255
    return np.clip(grey, 0, 255).astype(np.uint8)


def taken_for_blank(pixels: np.ndarray, dpi: int) -> bool:
    """Whether ingest's blank check, on this page rendered at its coarse resolution, skips it before OCR."""
    image = Image.fromarray(pixels)
    size = (image.width * ocr.BLANK_DPI // dpi, image.height * ocr.BLANK_DPI // dpi)
    return ocr.is_blank(ocr.write_pgm(np.asarray(image.resize(size, Image.BOX))))


def render(pdf: Path, number: int, dpi: int) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", "-singlefile",
                        str(pdf), f"{folder}/page"], check=True)
        return ocr.read_pgm(Path(f"{folder}/page.pgm").read_bytes()).copy()


def typewriter_pdf(path: Path, pages: int) -> Path:
    """Pages of Kazakh corpus text in a monospace font, 12 pt, 66 characters a line, as a typewriter sets it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVuSansMono", str(MONO)))
    words: list[str] = []
    with CORPUS.open(encoding="utf-8") as corpus:
        for number, line in enumerate(corpus):
            if number >= 2000 and len(line) > 200:  # body paragraphs, past the headlines
                words.extend(line.split())
            if len(words) > 500 * pages:
                break
    lines, line = [], ""
    for word in words:
        if len(line) + 1 + len(word) > 66:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(pages):
        pdf.setFont("DejaVuSansMono", 12)
        for row, text in enumerate(lines[page * 44:(page + 1) * 44]):
            pdf.drawString(60, 780 - row * 17, text)
        pdf.showPage()
    pdf.save()
    return path


def terms(words) -> set[str]:
    return {term for word in words for term in term_positions(word)}


def evidence(truth: str, recognised: str) -> tuple[int, int]:
    """(content words of `truth` whose terms all occur in `recognised`, content words)."""
    found = terms(recognised.split())
    wanted = set(CONTENT_WORD.findall(truth))
    hits = sum(1 for word in wanted if (word_terms := set(term_positions(word))) and word_terms <= found)
    return hits, len([word for word in wanted if term_positions(word)])


def near_evidence(truth: str, recognised: str) -> int:
    """Content words of `truth` found, exactly or as OCR-tolerant search would (index.whoosh_engine.approximate): a recognised
    word's exact form within one edit of the word's (two from FAR_LETTERS letters), its first KEPT_LETTERS letters
    the same."""
    analyse = exact_analyzer()
    forms = {token.text for token in analyse(recognised)}
    found = terms(recognised.split())
    hits = 0
    for word in set(CONTENT_WORD.findall(truth)):
        word_terms = set(term_positions(word))
        if not word_terms:
            continue
        if word_terms <= found:
            hits += 1
            continue
        typed = [token.text for token in analyse(word)]
        if len(typed) != 1 or len(typed[0]) < MIN_LETTERS:
            continue
        distance = 2 if len(typed[0]) >= FAR_LETTERS else 1
        hits += any(form[:KEPT_LETTERS] == typed[0][:KEPT_LETTERS]
                    and Levenshtein.distance(form, typed[0], score_cutoff=distance) <= distance for form in forms)
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", nargs="+", default=list(LEVELS), choices=list(LEVELS))
    parser.add_argument("--pages", type=int, default=None, help="at most this many pages of each source")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--steps", nargs="*", default=None, choices=ocr.STEPS,
                        help=f"preparation steps instead of ingest.ocr's own ({' '.join(ocr.PREPARATION) or 'none'})")
    args = parser.parse_args()
    if args.steps is not None:
        ocr.PREPARATION = tuple(args.steps)
    with tempfile.TemporaryDirectory() as folder:
        typed = typewriter_pdf(Path(folder) / "typewriter.pdf", TYPEWRITER_PAGES)
        sources = [(SAMPLE, list(SAMPLE_PAGES)), (typed, list(range(1, TYPEWRITER_PAGES + 1)))]
        sources = [(pdf, numbers[:args.pages] if args.pages else numbers) for pdf, numbers in sources]
        truths = {}
        for pdf, numbers in sources:
            raw = {page.number: page for page in extract_raw_pages(pdf)}
            chosen = [raw[number] for number in numbers]
            truths[pdf] = (chosen, page_texts(chosen))
        count = sum(len(numbers) for _, numbers in sources)
        print(f"{count} pages ({', '.join(f'{pdf.name} {numbers}' for pdf, numbers in sources)}), "
              f"preparation {ocr.PREPARATION or '(none)'}")
        print("| level | CER | CER typeset | CER typewriter | evidence found | with near forms | seconds per page "
              "| taken for blank |")
        print("|---|---|---|---|---|---|---|---|")
        for name in args.levels:
            level = LEVELS[name]
            edits, characters, hits, near, wanted, seconds, blank = {}, {}, 0, 0, 0, 0.0, 0
            for pdf, numbers in sources:
                chosen, truth = truths[pdf]
                results = []
                for index, page in enumerate(chosen):
                    pixels = wear(render(pdf, page.number, level.dpi), level,
                                  seed=args.seed * 1000 + list(LEVELS).index(name) * 100 + index)
                    if taken_for_blank(pixels, level.dpi):  # ingest would not read it at all
                        blank += 1
                        results.append(ocr.OcrPage(RawPage(page.number, page.width, page.height, ()), 0.0))
                        continue
                    started = time.perf_counter()
                    results.append(ocr.recognise_image(pixels, page.number, page.width, page.height, level.dpi))
                    seconds += time.perf_counter() - started
                recognised = page_texts(result.page for result in results)
                edits[pdf] = sum(Levenshtein.distance(a, b) for a, b in zip(recognised, truth))
                characters[pdf] = sum(map(len, truth))
                for a, b in zip(truth, recognised):
                    found, total = evidence(a, b)
                    hits, wanted = hits + found, wanted + total
                    near += near_evidence(a, b)
            cer = [100 * edits[pdf] / characters[pdf] for pdf, _ in sources]
            print(f"| {name} | {100 * sum(edits.values()) / sum(characters.values()):.2f}% | {cer[0]:.2f}% | "
                  f"{cer[1]:.2f}% | {hits / wanted:.3f} ({hits}/{wanted}) | {near / wanted:.3f} ({near}/{wanted}) | "
                  f"{seconds / max(count - blank, 1):.1f} | {blank} |", flush=True)


if __name__ == "__main__":
    main()
