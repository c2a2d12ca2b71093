#!/usr/bin/env python3
"""Character error rate of OCR against the text layer of the same pages.

Run from the project root:
    .venv/bin/python bench/ocr/cer.py                       # the sample document at 200 and 150 dpi
    .venv/bin/python bench/ocr/cer.py --dpi 300 --pdf other.pdf
Each page is rendered to an image at the given resolution (a scan without a text layer),
recognised by the project's OCR (ingest.ocr), and compared with the page's own text
layer; both sides go through the same cleaning and line joining first. Prints figures only.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.clean import clean_pages  # noqa: E402
from ingest.extract import extract_raw_pages  # noqa: E402
from ingest.hyphens import join_pages  # noqa: E402
from ingest.ocr import recognise_page  # noqa: E402

SAMPLE = ROOT / "samples" / "rogov_strasbourg_2012.pdf"


def page_texts(pages) -> list[str]:
    """Cleaned, joined text per page, whitespace folded, as the archive stores it."""
    return [" ".join(text.split()) for text, _line_ends in join_pages(clean_pages(list(pages)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdf", type=Path, default=SAMPLE)
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 150])
    args = parser.parse_args()
    layer_pages = list(extract_raw_pages(args.pdf))
    truth = page_texts(layer_pages)
    print(f"{args.pdf.name}: {len(layer_pages)} pages, {sum(map(len, truth)):,} characters in the text layer")
    for dpi in args.dpi:
        started = time.perf_counter()
        recognised = [recognise_page(args.pdf, page.number, page.width, page.height, dpi=dpi) for page in layer_pages]
        seconds = time.perf_counter() - started
        ocr = page_texts(result.page for result in recognised)
        errors = sum(Levenshtein.distance(a, b) for a, b in zip(ocr, truth))
        characters = sum(map(len, truth))
        worst = max(range(len(truth)), key=lambda i: Levenshtein.distance(ocr[i], truth[i]) / max(1, len(truth[i])))
        confidence = sum(result.confidence for result in recognised) / len(recognised)
        print(f"{dpi:>4} dpi: CER {100 * errors / characters:.2f}% ({errors} edits), mean confidence "
              f"{confidence:.3f}, {seconds / len(recognised):.1f} s/page; worst page {worst + 1}: "
              f"{100 * Levenshtein.distance(ocr[worst], truth[worst]) / max(1, len(truth[worst])):.2f}%")


if __name__ == "__main__":
    main()
