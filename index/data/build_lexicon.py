#!/usr/bin/env python3
"""Rebuild `kazakh_stems.tsv`, the stem lexicon of the Kazakh stemmer, from apertium-kaz.

Reads `apertium-kaz.kaz.lexc` (the lexicon of the apertium-kaz finite-state analyser,
https://github.com/apertium/apertium-kaz, GPL-3.0) from a git directory of that repository
and writes one stem per line: `stem<TAB>tag[<TAB>lemma]`. The optional third column gives
the lemma of a surface alternant (vowel drop: `халқ → халық`, marked `%{y%}` in the lexc).
Only the open-class entries of the `Common` and `Proper` lexicons are kept (nouns,
adjectives, verbs, proper nouns, adverbs, numerals, postpositions...); multi-word entries,
Latin-script entries and apertium's morphology are left out.

Usage (the `fetch` tool or `git clone` gives the git directory):
    python index/data/build_lexicon.py /path/to/apertium-kaz/.git [--commit HEAD]
"""
from __future__ import annotations

import argparse
import re
import subprocess
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("kazakh_stems.tsv")
LEXC = "apertium-kaz.kaz.lexc"

# apertium continuation class prefix -> our coarse tag (first match wins).
CLASS_TAGS = (
    ("NP-", "NP"), ("N1-VN", "VN"), ("NUM-ROMAN", None), ("NUM", "NUM"), ("N", "N"),
    ("ADV", "ADV"), ("ABBR", "ABBR"), ("A", "A"), ("V-", "V"), ("Vinfl", "V"),
    ("POST", "POST"), ("PRON", "PRON"), ("PRNNEG", "PRON"), ("DET", "DET"),
    ("CC", "CONJ"), ("CS", "CONJ"), ("CA", "CONJ"), ("MOD", "PART"), ("QST", "PART"),
)
ENTRY = re.compile(r"^\s*([^!:\s][^:\s]*(?:%\s[^:\s]*)*):(\S+)\s+([A-Za-z0-9Ә-]+)\s*;")
CYRILLIC_WORD = re.compile(r"^[а-яёәғқңөұүһі]+(?:-[а-яёәғқңөұүһі]+)*$")
VOWEL_DROP = "%{y%}"


def read_lexc(git_dir: str, commit: str) -> str:
    """Read the lexc file straight from git, so no work tree is needed."""
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{LEXC}"],
                          check=True, capture_output=True, text=True).stdout


def tag_of(cont_class: str) -> str | None:
    """Map an apertium continuation class to a coarse part-of-speech tag."""
    for prefix, tag in CLASS_TAGS:
        if cont_class.startswith(prefix):
            return tag
    return None


def entries(lexc: str):
    """Yield (stem, tag, lemma-or-None) from the Common and Proper lexicons."""
    section = None
    for line in lexc.splitlines():
        if line.startswith("LEXICON "):
            section = line.split()[1]
            continue
        if section not in ("Common", "Proper"):
            continue
        m = ENTRY.match(line)
        if not m:
            continue
        upper, lower, cont = m.groups()
        tag = tag_of(cont)
        if tag is None or "%<" in upper:
            continue
        lemma = unicodedata.normalize("NFC", upper.replace("%", "").lower())
        if not CYRILLIC_WORD.match(lemma):
            continue
        yield lemma, tag, None
        if VOWEL_DROP in lower:
            surface = unicodedata.normalize("NFC", lower.replace(VOWEL_DROP, "").replace("%", "").lower())
            if surface != lemma and CYRILLIC_WORD.match(surface):
                yield surface, tag, lemma


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("git_dir", help="git directory of apertium/apertium-kaz")
    ap.add_argument("--commit", default="HEAD")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    commit = subprocess.run(["git", "--git-dir", a.git_dir, "rev-parse", a.commit],
                            check=True, capture_output=True, text=True).stdout.strip()
    rows = sorted(set(entries(read_lexc(a.git_dir, commit))), key=lambda r: (r[0], r[1], r[2] or ""))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"# Kazakh stems from apertium-kaz {LEXC} @ {commit} (GPL-3.0); see LEXICON_SOURCES.md\n")
        for stem, tag, lemma in rows:
            f.write(f"{stem}\t{tag}\t{lemma}\n" if lemma else f"{stem}\t{tag}\n")
    print(f"{len(rows)} rows -> {a.out}")


if __name__ == "__main__":
    main()
