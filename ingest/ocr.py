"""Text for pages that have none: render with poppler's pdftoppm, recognise with Tesseract.

The recognised words come back as lines with geometry, so they go through the same
cleaning, header removal and hyphen repair as a text layer does.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.extract import Line, RawPage

LANGUAGES = "kaz+rus"
DPI = 300
PAGE_TIMEOUT_SECONDS = 120.0
# Debian packages that provide what OCR needs, by the program or model they provide.
PACKAGES = {"pdftoppm": "poppler-utils", "tesseract": "tesseract-ocr",
            "kaz": "tesseract-ocr-kaz", "rus": "tesseract-ocr-rus"}


class OcrUnavailable(RuntimeError):
    """Tesseract, its Kazakh or Russian model, or pdftoppm is missing on this machine."""


class OcrFailed(RuntimeError):
    """One page could not be recognised (timed out, or the tools failed on it)."""


@dataclass(frozen=True)
class OcrPage:
    """A recognised page: its lines (PDF coordinates, as the text layer gives them) and mean confidence."""

    page: RawPage
    confidence: float


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
        _run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", str(dpi), "-gray", "-png",
              "-singlefile", str(pdf), str(image)], timeout, pdf, number)
        tsv = _run(["tesseract", f"{image}.png", "stdout", "-l", LANGUAGES, "--psm", "3", "tsv"],
                   timeout, pdf, number)
    return parse_tsv(tsv, number, width, height, dpi)


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
    """Tesseract's word table into lines in PDF points (origin bottom left) and a mean confidence."""
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
        text = " ".join(w["text"] for w in sorted(words, key=lambda w: int(w["word_num"])))
        built.append(Line(text, left * scale, height - bottom * scale, right * scale, height - top * scale))
        confidences.extend(float(w["conf"]) for w in words)
    confidence = sum(confidences) / len(confidences) / 100 if confidences else 0.0
    return OcrPage(RawPage(number, width, height, tuple(built)), round(confidence, 3))
