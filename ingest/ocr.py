"""Text for pages that have none: render with poppler's pdftoppm, recognise with Tesseract.

The recognised words come back as lines with geometry, so they go through the same
cleaning, header removal and hyphen repair as a text layer does.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.extract import Line, RawPage

LANGUAGES = "kaz+rus"
DPI = 300
PAGE_TIMEOUT_SECONDS = 120.0
# Blank pages are found before OCR on a coarse grey rendering: a few milliseconds a page rather than a
# 300 dpi rendering and a Tesseract run (about a second; 5,000 blank pages outran the per-file limit).
BLANK_DPI = 36
BLANK_MARGIN = 0.05  # of each side, left out: scanner edges, punch holes
# A pixel is ink when it is darker than the paper around it (the lighter quarter of its square inch) by
# INK_NOISE times the paper's grain (its robust deviation), and by INK_CONTRAST grey levels at least: faded
# ink on clean paper stands only 15–45 levels below it at this resolution, grain on a scan averages out to a
# few levels (80 below the page's median, as before, took faint pages for blank).
INK_CONTRAST = 12
INK_NOISE = 6
INK_CONTRAST_MOST = 40  # the grain of a page of dense print is mostly its letters: ink never needs more than this
BLANK_INK_SHARE = 0.0001  # at most this share of ink: a lone page number (0.012%) is not blank
BLANK_BATCH = 100  # pages per pdftoppm run
_PGM_HEADER = re.compile(rb"P5\s+(\d+)\s+(\d+)\s+255\s")
_WORD_CHARACTER = re.compile(r"\w")
# Specks read as marks after a line's final hyphen (`Жауап-.`, `бекіт- |`): they hide the broken word from the
# hyphen repair, which then leaves both halves apart. Quotes are not specks (`«Иә-»`).
_SPECKS_AFTER_HYPHEN = re.compile(r"(?<=\w[-\u2010\u2011\u00ad])\s?[.,:;'`|‘’·•]{1,3}$")
# Image preparation before Tesseract, in this order, as measured on worn scans (bench/ocr/worn.py).
STEPS = ("upscale", "deskew", "denoise", "binarise")
PREPARATION: tuple[str, ...] = ("deskew", "denoise")
# A page Tesseract reads with a mean word confidence below this is read again binarised (dark or uneven paper
# defeats its own global threshold): clean and medium worn pages read 0.95–0.96, heavily worn ones 0.87–0.91
# or nothing at all (bench/ocr/worn.py). The reading with more long words (LONG_WORD letters or more) is kept:
# specks read as letters make short words, and a part of the page left unread loses long ones. (Choosing by
# confident words kept the worse reading of 2 heavy pages in 5.)
RETRY_BELOW = 0.93
LONG_WORD = 5
SMALLEST_IMAGE = 16  # pixels a rendered page must have each way to be read at all
READ_DPI = 300  # the resolution Tesseract reads best; smaller print is scaled up to it
SKEW_LIMIT = 5.0  # degrees either way that deskewing looks for
SKEW_LEAST = 0.2  # degrees; a page skewed less is left as it is
# Debian packages that provide what OCR needs, by the program or model they provide.
PACKAGES = {"pdftoppm": "poppler-utils", "tesseract": "tesseract-ocr",
            "kaz": "tesseract-ocr-kaz", "rus": "tesseract-ocr-rus"}


class OcrUnavailable(RuntimeError):
    """Tesseract, its Kazakh or Russian model, or pdftoppm is missing on this machine."""


class OcrFailed(RuntimeError):
    """One page could not be recognised (timed out, or the tools failed on it)."""


@dataclass(frozen=True)
class OcrPage:
    """A recognised page: its lines (PDF coordinates, as the text layer gives them), mean confidence, and how
    many of its words have LONG_WORD letters or more."""

    page: RawPage
    confidence: float
    long_words: int = 0


def missing_tools() -> str | None:
    """None when OCR can run; otherwise one line naming the Debian packages to install."""
    missing = [PACKAGES[tool] for tool in ("pdftoppm", "tesseract") if shutil.which(tool) is None]
    if not missing:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
        installed = set(listed.stdout.split())
        missing = [PACKAGES[language] for language in LANGUAGES.split("+") if language not in installed]
    if not missing:
        return None
    return f"OCR needs {', '.join(missing)}: install with `apt-get install {' '.join(missing)}`"


def recognise_page(pdf: Path, number: int, width: float, height: float, *, dpi: int = DPI,
                   timeout: float = PAGE_TIMEOUT_SECONDS) -> OcrPage:
    """Render page `number` (1-based) of `pdf` and recognise it as Kazakh and Russian text."""
    reason = missing_tools()
    if reason:
        raise OcrUnavailable(reason)
    with tempfile.TemporaryDirectory(prefix="muragat-ocr-") as folder:
        image = Path(folder) / "page"
        _run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray",
              "-singlefile", str(pdf), str(image)], timeout, pdf, number)
        pixels = read_pgm(Path(f"{image}.pgm").read_bytes())
    if pixels is None:
        raise OcrFailed(f"{Path(pdf).name}: OCR of page {number} failed (pdftoppm wrote no grey image)")
    if min(pixels.shape) < SMALLEST_IMAGE:  # pdftoppm gives 1 × 1 for a page too large or too thin to render
        raise OcrFailed(f"{Path(pdf).name}: OCR of page {number} failed (the page, {width:.0f} × {height:.0f} pt, "
                        f"rendered as {pixels.shape[1]} × {pixels.shape[0]} pixels)")
    return recognise_image(pixels, number, width, height, dpi, timeout=timeout, name=Path(pdf).name)


def recognise_image(pixels: np.ndarray, number: int, width: float, height: float, dpi: int, *,
                    timeout: float = PAGE_TIMEOUT_SECONDS, name: str = "image") -> OcrPage:
    """Recognise a grey page image (rows of 0–255, `dpi` dots per inch) of a page `width` × `height` points.

    A page read with little confidence is read again binarised, and the better reading kept (RETRY_BELOW); both
    readings share the page's `timeout`, and a second reading that fails or runs out of it leaves the first.
    """
    started = time.monotonic()
    pixels, dpi = prepare(pixels, dpi, PREPARATION)
    first = _tesseract(pixels, number, width, height, dpi, timeout, name)
    left = timeout - (time.monotonic() - started)
    if first.confidence >= RETRY_BELOW or "binarise" in PREPARATION or left <= 1:
        return first
    try:
        second = _tesseract(binarise(pixels, dpi), number, width, height, dpi, left, name)
    except OcrFailed:
        return first
    return second if second.long_words > first.long_words else first


def _tesseract(pixels: np.ndarray, number: int, width: float, height: float, dpi: int, timeout: float,
               name: str) -> OcrPage:
    with tempfile.TemporaryDirectory(prefix="muragat-ocr-") as folder:
        image = Path(folder) / "page.pgm"
        image.write_bytes(write_pgm(pixels))
        tsv = _run(["tesseract", str(image), "stdout", "-l", LANGUAGES, "--psm", "3", "tsv"],
                   timeout, Path(name), number)
    return parse_tsv(tsv, number, width, height, dpi)


def prepare(pixels: np.ndarray, dpi: int, steps: tuple[str, ...]) -> tuple[np.ndarray, int]:
    """The page image after each of `steps` (names in STEPS, applied in STEPS' order), and its resolution."""
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise ValueError(f"unknown preparation steps {sorted(unknown)}")
    for step in (step for step in STEPS if step in steps):
        if step == "upscale" and dpi < READ_DPI:
            pixels, dpi = upscale(pixels, READ_DPI / dpi), READ_DPI
        elif step == "deskew":
            pixels = deskew(pixels, dpi)
        elif step == "denoise":
            pixels = denoise(pixels)
        elif step == "binarise":
            pixels = binarise(pixels, dpi)
    return pixels, dpi


def upscale(pixels: np.ndarray, factor: float) -> np.ndarray:
    """The image `factor` times larger each way (bicubic)."""
    from PIL import Image

    height, width = pixels.shape
    size = (round(width * factor), round(height * factor))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.BICUBIC))


def skew_angle(pixels: np.ndarray, dpi: int = DPI, limit: float = SKEW_LIMIT) -> float:
    """The angle in degrees (counter-clockwise) by which the page's lines of text are turned.

    Projection profile: ink pixels of a coarse copy (about 150 dpi) are counted along lines of
    each candidate slope; the slope along which the counts are most uneven (lines of text and the
    gaps between them) is the lines' own. A coarse search by 0.25°, then a fine one by 0.05°.
    """
    step = max(1, round(dpi / 150))
    coarse = pixels[: pixels.shape[0] // step * step, : pixels.shape[1] // step * step]
    coarse = coarse.reshape(coarse.shape[0] // step, step, coarse.shape[1] // step, step).mean(axis=(1, 3))
    paper = np.median(coarse)
    ys, xs = np.nonzero(coarse < paper - max(40.0, (paper - np.percentile(coarse, 1)) / 2))
    if len(ys) < 50:
        return 0.0
    xs = xs - coarse.shape[1] / 2

    def score(angle: float) -> float:
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float(np.dot(counts, counts))

    best = max(np.arange(-limit, limit + 1e-9, 0.25), key=score)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=score)
    return float(round(best, 2))


def deskew(pixels: np.ndarray, dpi: int = DPI) -> np.ndarray:
    """The page turned so that its lines of text run level (unchanged if they nearly do)."""
    from PIL import Image

    angle = skew_angle(pixels, dpi)
    if abs(angle) < SKEW_LEAST:
        return pixels
    paper = int(np.median(pixels))
    return np.asarray(Image.fromarray(pixels).rotate(-angle, resample=Image.BICUBIC, fillcolor=paper))


def denoise(pixels: np.ndarray) -> np.ndarray:
    """Specks and grain removed by a 3 × 3 median filter."""
    from PIL import Image, ImageFilter

    return np.asarray(Image.fromarray(pixels).filter(ImageFilter.MedianFilter(3)))


def binarise(pixels: np.ndarray, dpi: int = DPI, k: float = 0.2) -> np.ndarray:
    """Black ink on white paper by Sauvola's local threshold, for paper and ink that vary over the page.

    Each pixel is compared with mean × (1 + k (deviation / 128 − 1)) of a window about 1/8 inch
    wide around it; the window statistics come from a copy a quarter the size (they vary slowly).
    """
    step = 4
    height, width = pixels.shape
    grey = pixels.astype(np.float32)
    rows, columns = -(-height // step), -(-width // step)
    padded = np.pad(grey, ((0, rows * step - height), (0, columns * step - width)), mode="edge")
    blocks = padded.reshape(rows, step, columns, step)
    mean_small, square_small = blocks.mean(axis=(1, 3)), (blocks ** 2).mean(axis=(1, 3))
    half = max(2, round(dpi / 8 / step / 2))

    def local(values: np.ndarray) -> np.ndarray:
        table = np.pad(values.astype(np.float64), ((half + 1, half), (half + 1, half)), mode="edge").cumsum(0).cumsum(1)
        size = 2 * half + 1
        return (table[size:, size:] - table[:-size, size:] - table[size:, :-size] + table[:-size, :-size]) / size ** 2

    mean = local(mean_small)
    deviation = np.sqrt(np.maximum(local(square_small) - mean ** 2, 0))
    threshold = (mean * (1 + k * (deviation / 128 - 1))).astype(np.float32)
    threshold = np.repeat(np.repeat(threshold, step, axis=0), step, axis=1)[:height, :width]
    return np.where(grey > threshold, 255, 0).astype(np.uint8)


def read_pgm(pgm: bytes) -> np.ndarray | None:
    """A binary PGM (as pdftoppm -gray writes it) as rows of grey levels; None when it is not one."""
    header = _PGM_HEADER.match(pgm)
    if header is None:
        return None
    width, height = int(header[1]), int(header[2])
    return np.frombuffer(pgm, np.uint8, width * height, header.end()).reshape(height, width)


def write_pgm(pixels: np.ndarray) -> bytes:
    """Rows of grey levels as a binary PGM, which Tesseract reads."""
    height, width = pixels.shape
    return b"P5\n%d %d\n255\n" % (width, height) + np.ascontiguousarray(pixels, np.uint8).tobytes()


def blank_pages(pdf: Path, numbers: list[int], *, timeout: float = PAGE_TIMEOUT_SECONDS) -> set[int]:
    """Those of the pages `numbers` (1-based) that are blank paper; none when they cannot be rendered (OCR says why)."""
    wanted, blank = set(numbers), set()
    with tempfile.TemporaryDirectory(prefix="muragat-blank-") as folder:
        for first, last in _runs(sorted(wanted), BLANK_BATCH):
            try:
                _run(["pdftoppm", "-f", str(first), "-l", str(last), "-r", str(BLANK_DPI), "-gray", str(pdf),
                      f"{folder}/page"], timeout, pdf, first)
            except OcrFailed:
                return blank
            for image in Path(folder).glob("page-*.pgm"):
                number = int(image.stem.rsplit("-", 1)[1])
                if number in wanted and is_blank(image.read_bytes()):
                    blank.add(number)
                image.unlink()
    return blank


def is_blank(pgm: bytes) -> bool:
    """A grey image (binary PGM, as pdftoppm -gray writes it) of light paper with next to no pixel of ink."""
    pixels = read_pgm(pgm)
    if pixels is None:
        return False
    height, width = pixels.shape
    top, side = int(height * BLANK_MARGIN), int(width * BLANK_MARGIN)
    inner = pixels[top:height - top, side:width - side]
    if not inner.size or np.median(inner) < 128:
        return False
    below = paper_levels(inner, BLANK_DPI) - inner
    grain = 1.4826 * float(np.median(np.abs(below)))
    contrast = min(max(INK_CONTRAST, INK_NOISE * grain), INK_CONTRAST_MOST)
    return np.count_nonzero(below > contrast) <= BLANK_INK_SHARE * inner.size


def paper_levels(pixels: np.ndarray, tile: int) -> np.ndarray:
    """The paper's grey level around each pixel: the 75th percentile of its `tile` × `tile` square, for paper
    that darkens across the page."""
    height, width = pixels.shape
    rows, columns = -(-height // tile), -(-width // tile)
    padded = np.pad(pixels, ((0, rows * tile - height), (0, columns * tile - width)), mode="edge")
    squares = padded.reshape(rows, tile, columns, tile).transpose(0, 2, 1, 3).reshape(rows, columns, -1)
    levels = np.percentile(squares, 75, axis=2)
    return np.repeat(np.repeat(levels, tile, axis=0), tile, axis=1)[:height, :width]


def _runs(numbers: list[int], longest: int) -> list[tuple[int, int]]:
    """Ascending page numbers as (first, last) runs of consecutive pages, none longer than `longest`."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1 and number - runs[-1][0] < longest:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def _run(command: list[str], timeout: float, pdf: Path, number: int) -> str:
    # One thread per Tesseract: the worker pool already uses every core.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment, check=False)
    except subprocess.TimeoutExpired as error:
        raise OcrFailed(f"{Path(pdf).name}: OCR of page {number} took over {timeout:.0f} s") from error
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise OcrFailed(f"{Path(pdf).name}: OCR of page {number} failed ({command[0]}: {detail})")
    return done.stdout


def parse_tsv(tsv: str, number: int, width: float, height: float, dpi: int) -> OcrPage:
    """Tesseract's word table into lines in PDF points (origin bottom left), a mean confidence, its long words."""
    scale = 72.0 / dpi
    lines: dict[tuple[int, int, int], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and row["text"].strip() and float(row["conf"]) >= 0:
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            lines.setdefault(key, []).append(row)
    built: list[Line] = []
    confidences: list[float] = []
    for words in lines.values():
        left = min(int(w["left"]) for w in words)
        top = min(int(w["top"]) for w in words)
        right = max(int(w["left"]) + int(w["width"]) for w in words)
        bottom = max(int(w["top"]) + int(w["height"]) for w in words)
        text = _SPECKS_AFTER_HYPHEN.sub("", " ".join(w["text"] for w in sorted(words, key=lambda w: int(w["word_num"]))))
        built.append(Line(text, left * scale, height - bottom * scale, right * scale, height - top * scale))
        confidences.extend(float(w["conf"]) for w in words)
    confidence = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    long_words = sum(len(_WORD_CHARACTER.findall(w["text"])) >= LONG_WORD for words in lines.values() for w in words)
    return OcrPage(RawPage(number, width, height, tuple(built)), round(confidence, 3), long_words)
