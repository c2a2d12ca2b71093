#!/usr/bin/env python3
"""Write the Russian distractors as .txt files that Muragat ingests (deterministic).

Usage (from the project root):
  .venv/bin/python bench/questions/ru_distractors/write_docs.py OUT_FOLDER [--source ru_distractors.txt.gz] [--page-chars 3000]

One file per document (rud-0001.txt, …, in the order of the source file): the title as the first line,
then the paragraphs one per line, pages separated by form feeds (\\f) and closed before they pass about
3,000 characters (a longer paragraph is cut between sentences, or between words if it must).
"""
import argparse, gzip, os, re

HERE = os.path.dirname(os.path.abspath(__file__))


def read_docs(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        blocks = f.read().strip("\n").split("\n\n")
    return [b.split("\n") for b in blocks if b.strip()]


def pieces(par, limit):
    """Cut one paragraph into pieces of at most `limit` characters, between sentences where possible."""
    if len(par) <= limit:
        return [par]
    out, cur = [], ""
    for s in re.split(r"(?<=[.!?;:»])\s+", par):
        while len(s) > limit:  # a single over-long sentence: cut between words
            cut = s.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            if cur:
                out.append(cur)
                cur = ""
            out.append(s[:cut].strip())
            s = s[cut:].strip()
        if cur and len(cur) + 1 + len(s) > limit:
            out.append(cur)
            cur = s
        else:
            cur = f"{cur} {s}" if cur else s
    if cur:
        out.append(cur)
    return out


def paginate(lines, limit):
    pages, cur, size = [], [], 0
    for par in lines:
        for p in pieces(par, limit):
            if cur and size + 1 + len(p) > limit:
                pages.append("\n".join(cur))
                cur, size = [], 0
            cur.append(p)
            size += len(p) + 1
    if cur:
        pages.append("\n".join(cur))
    return pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--source", default=os.path.join(HERE, "ru_distractors.txt.gz"))
    ap.add_argument("--page-chars", type=int, default=3000)
    a = ap.parse_args()
    docs = read_docs(a.source)
    os.makedirs(a.out, exist_ok=True)
    n_pages = 0
    for i, lines in enumerate(docs, 1):
        pages = paginate(lines, a.page_chars)  # lines[0] is the title: first line of page 1
        n_pages += len(pages)
        with open(os.path.join(a.out, f"rud-{i:04d}.txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\f".join(pages) + "\n")
    print(f"{len(docs)} files, {n_pages} pages -> {a.out}")


if __name__ == "__main__":
    main()
