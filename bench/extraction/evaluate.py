"""Measure extraction on the documents made by generate.py: breaks repaired, fragments, running lines.

    .venv/bin/python bench/extraction/evaluate.py [--dir /tmp/muragat-extraction] [--errors]

The extracted words of each document are aligned with the words the author wrote. A known
break is right when its word comes out exactly as written (joined, or with its real hyphen);
a fragment is an extracted word that the alignment cannot place (a split or glued word);
a running-line leftover is a header text or a page number still in the page text. The
baseline joins every line-end hyphen, as most extractors do.

The real engines' truth has no breaks: they are read from the PDF (`engine_breaks`), each
line-end hyphen with the word it broke, found in the truth as written whole (`left-right`,
the compound, or `leftright`) nearest to where it stands; a break whose word the truth does
not hold counts as wrong. The summary gives the figures for the reportlab set, for each real
producer and for the real engines together: restored (breaks right), spurious tokens per 1,000
words (and how many of them are two written words glued together), header leaks.
"""
from __future__ import annotations

import argparse
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from ingest.clean import HYPHENS, clean_pages, normalize_line
from ingest.document import extract_document
from ingest.extract import extract_raw_pages, read_info

TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def naive_text(path: Path) -> str:
    """Every line-end hyphen joined, no header removal: what a plain extractor gives."""
    lines = [normalize_line(line.text) for page in extract_raw_pages(path) for line in page.lines]
    text = ""
    for line in lines:
        line = " ".join(line.split())
        text += line[:-1] if line[-1:] in HYPHENS else line + " "
    return text


def aligned(truth: list[str], found: list[str]) -> tuple[set[int], list[str]]:
    """Truth token indexes found in place, and the extracted tokens left unplaced."""
    matcher = SequenceMatcher(None, truth, found, autojunk=False)
    placed: set[int] = set()
    matched: set[int] = set()
    for block in matcher.get_matching_blocks():
        placed.update(range(block.a, block.a + block.size))
        matched.update(range(block.b, block.b + block.size))
    return placed, [token for index, token in enumerate(found) if index not in matched]


def glued(truth: list[str], unplaced: list[str]) -> list[str]:
    """Unplaced tokens that are two written words run together (`базаркелді`)."""
    pairs = {(one + other).lower() for one, other in zip(truth, truth[1:])}
    return [token for token in unplaced if token.lower() in pairs]


def engine_breaks(path: Path, truth: list[str]) -> tuple[list[dict], list[str]]:
    """Line-end hyphens of a real engine's PDF, each with the truth token of its word and whether the hyphen is real.

    Returns the breaks found in the truth and the ones that were not (as `left-/right`).
    """
    info = read_info(path)
    pages = clean_pages(list(extract_raw_pages(path)), [info.get("Title", ""), info.get("Author", "")])
    lines = [" ".join(line.text.split()) for page in pages for line in page.lines]
    lower = [token.lower() for token in truth]
    where: dict[str, list[int]] = {}
    for index, token in enumerate(lower):
        where.setdefault(token, []).append(index)
    total = sum(len(tokens(line)) for line in lines) or 1
    seen = 0
    found, missing = [], []
    for line, following in zip(lines, lines[1:]):
        seen += len(tokens(line))
        if not (line[-1:] in HYPHENS and len(line) > 1 and line[-2].isalnum()):
            continue
        left, right = tokens(line[:-1])[-1:], tokens(following)[:1]
        if not left or not right:
            continue
        keep, join = f"{left[0]}-{right[0]}".lower(), f"{left[0]}{right[0]}".lower()
        expected = seen * len(truth) / total
        # Written apart: a hyphen that ends its word (`микро- және`), the two words must stay two.
        apart = [i for i in where.get(left[0].lower(), []) if lower[i + 1:i + 2] == [right[0].lower()]]
        candidates = where.get(keep, []) + where.get(join, []) + apart
        if not candidates:
            missing.append(f"{left[0]}-/{right[0]}")
            continue
        index = min(candidates, key=lambda i: abs(i - expected))
        found.append({"token": index, "keep": lower[index] != join, "apart": index in apart})
    return found, missing


def restored(found: dict, placed: set[int]) -> bool:
    """A break is right when its word is in place (both words, when it was written apart)."""
    return found["token"] in placed and (not found.get("apart") or found["token"] + 1 in placed)


def leftovers(pages: list[str], truth: dict) -> int:
    """Header texts and page numbers (as drawn) still present in the page texts."""
    count = 0
    for number, text in enumerate(pages, start=1):
        count += sum(header in text for header in set(truth["running"]) if header)
        if number <= len(truth["page_numbers"]):
            footer = truth["page_numbers"][number - 1]
            bare = re.escape(footer).replace(str(number), rf"\b{number}\b")
            edges = text[:40] + " … " + text[-40:]
            count += bool(re.search(bare if not footer.isdigit() else rf"(?:^|\s){number}(?:\s|$)", edges))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/muragat-extraction"))
    parser.add_argument("--errors", action="store_true", help="print every wrong break")
    args = parser.parse_args()
    rows = []
    totals = {"breaks": 0, "right": 0, "keeps": 0, "keeps_right": 0, "tokens": 0, "fragments": 0,
              "naive_fragments": 0, "naive_right": 0, "leftovers": 0, "placed": 0, "glued": 0}
    for truth_path in sorted(args.dir.glob("*.truth.json")):
        name = truth_path.name.removesuffix(".truth.json")
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        document = extract_document(args.dir / f"{name}.pdf")
        pages = [page.text for page in document.pages]
        placed, unplaced = aligned(truth["tokens"], tokens("\n".join(pages)))
        naive_placed, naive_unplaced = aligned(truth["tokens"], tokens(naive_text(args.dir / f"{name}.pdf")))
        breaks, missing = truth["breaks"], []
        if not truth["producer"].startswith("reportlab"):
            breaks, missing = engine_breaks(args.dir / f"{name}.pdf", truth["tokens"])
        right = [b for b in breaks if restored(b, placed)]
        keeps = [b for b in breaks if b["keep"]]
        row = {
            "name": name, "producer": truth["producer"], "tokens": len(truth["tokens"]),
            "breaks": len(breaks) + len(missing), "right": len(right), "keeps": len(keeps),
            "keeps_right": sum(restored(b, placed) for b in keeps),
            "naive_right": sum(restored(b, naive_placed) for b in breaks),
            "placed": len(placed), "fragments": len(unplaced), "naive_fragments": len(naive_unplaced),
            "glued": len(glued(truth["tokens"], unplaced)), "leftovers": leftovers(pages, truth),
        }
        rows.append(row)
        if args.errors:
            print(f"  {name}: unplaced {' '.join(unplaced)}" if unplaced else "", end="\n" if unplaced else "")
            for word in missing:
                print(f"  {name}: {word} not in the truth")
            for b in breaks:
                if not restored(b, placed):
                    i = b["token"]
                    print(f"  {name}: {' '.join(truth['tokens'][max(0, i - 2):i + 2])!r} "
                          f"({'keep' if b['keep'] else 'join'}) wrong")

    print(f"{'document':24} {'producer':24} {'words':>6} {'breaks':>6} {'right':>6} {'keeps':>9} "
          f"{'naive':>6} {'words in place':>14} {'fragments':>9} {'naive frag':>10} {'leftovers':>9}")
    for row in rows:
        print(f"{row['name']:24} {row['producer']:24} {row['tokens']:6} {row['breaks']:6} {row['right']:6} "
              f"{row['keeps_right']:4}/{row['keeps']:<4} {row['naive_right']:6} "
              f"{row['placed'] / max(row['tokens'], 1):14.2%} {row['fragments']:9} {row['naive_fragments']:10} "
              f"{row['leftovers']:9}")
    real = [r for r in rows if not r["producer"].startswith("reportlab")]
    producers = sorted({r["producer"].split("/")[0] for r in real})
    groups = [("all", rows), ("reportlab", [r for r in rows if r["producer"].startswith("reportlab")])]
    groups += [(producer, [r for r in real if r["producer"].split("/")[0] == producer]) for producer in producers]
    groups += [("real engines", real)]
    for group, members in groups:
        t = {key: sum(row[key] for row in members) for key in totals}
        print(f"\n{group}: restored {t['right']}/{t['breaks']} ({t['right'] / max(t['breaks'], 1):.4f}), "
              f"real hyphens kept {t['keeps_right']}/{t['keeps']}, spurious {t['fragments']} "
              f"({1000 * t['fragments'] / max(t['tokens'], 1):.2f} per 1,000 words of {t['tokens']}; "
              f"glued {t['glued']}), header leaks {t['leftovers']}")
    for key in totals:
        totals[key] = sum(row[key] for row in rows)
    t = totals
    print(f"\nknown breaks: {t['breaks']}, right {t['right']} ({t['right'] / max(t['breaks'], 1):.2%}); "
          f"real hyphens kept {t['keeps_right']}/{t['keeps']}; "
          f"join-every-hyphen baseline right {t['naive_right']} ({t['naive_right'] / max(t['breaks'], 1):.2%})")
    print(f"words in place {t['placed']}/{t['tokens']} ({t['placed'] / max(t['tokens'], 1):.2%}); "
          f"fragments {t['fragments']} ({1000 * t['fragments'] / max(t['tokens'], 1):.1f} per 1000 words; "
          f"baseline {t['naive_fragments']}); header/page-number leftovers {t['leftovers']}")


if __name__ == "__main__":
    main()
