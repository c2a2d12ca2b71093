#!/usr/bin/env python3
"""Build the kk_own passage collection (deterministic).

Usage: python bench/questions/kk_own/build.py OUT_DIR [--corpus /work/shared/corpus]

Reads kk_corpus.txt + kk_corpus_manifest.tsv, drops the sources kazqad_wikipedia,
kazqad_unt_questions and ud_kazakh_ktb, cuts every remaining document into
passages of whole sentences (a passage is closed once it reaches MIN_CHARS, never
grows past MAX_CHARS unless one sentence is longer, and never crosses a paragraph
of the source unless the paragraph is too short on its own), and writes
OUT_DIR/passages.jsonl plus copies of topics.tsv and qrels.tsv from this folder.

pid = "<source-abbrev>-<doc_no>-<n>" (n = passage number inside the document,
from 1), file = "kko-<doc_no>.txt", page = n. Same input -> same pids.
"""
import argparse, json, os, re, shutil, sys

EXCLUDE = {"kazqad_wikipedia", "kazqad_unt_questions", "ud_kazakh_ktb"}
ABBR = {"kaznerd_tv_news": "tv", "gov_kz_nlp_kaznu": "gov", "akorda_news_apertium_eng_kaz": "ak",
        "apertium_kaz_texts": "ap", "ntrex128_news": "nt", "sib200_flores_kaz": "fl",
        "xwmt_til_news": "xw", "udhr_kaz": "ud"}
MIN_CHARS, MAX_CHARS = 175, 480
HERE = os.path.dirname(os.path.abspath(__file__))

# sentence end: . ! ? … followed by space and an upper-case letter / quote / digit;
# not after common abbreviations (ж. жж. т.б. млн. млрд. initials)
_SENT = re.compile(r"(?<=[.!?…])\s+(?=[«\"“(A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])")
_ABBR_END = re.compile(r"(?:\b(?:ж|жж|т\.б|млн|млрд|мың|т\.с\.с|бб|б\.з\.б|ғ|ғғ|проф|акад|к|ст|т|обл|әл)\.|\b[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.)$")


def sentences(par):
    parts, out = _SENT.split(par), []
    for p in parts:
        if out and _ABBR_END.search(out[-1]):
            out[-1] += " " + p
        else:
            out.append(p)
    return [s.strip() for s in out if s.strip()]


def cut(paragraphs):
    """paragraphs -> passages (strings)."""
    passages, cur = [], ""
    for par in paragraphs:
        for s in sentences(par):
            if cur and len(cur) + 1 + len(s) > MAX_CHARS:
                passages.append(cur)
                cur = ""
            cur = (cur + " " + s) if cur else s
            if len(cur) >= MIN_CHARS:
                passages.append(cur)
                cur = ""
        # a paragraph boundary: keep a short tail only if it can stand alone
        if cur and len(cur) >= MIN_CHARS // 2 and len(paragraphs) > 1:
            pass  # carried on into the next paragraph (short lines like titles/dates)
    if cur:
        if passages and len(cur) < MIN_CHARS // 2 and len(passages[-1]) + 1 + len(cur) <= MAX_CHARS + 200:
            passages[-1] += " " + cur
        else:
            passages.append(cur)
    return passages


def documents(corpus):
    text = open(os.path.join(corpus, "kk_corpus.txt"), encoding="utf-8").read()
    blocks = [b for b in text.split("\n\n") if b.strip()]
    rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(corpus, "kk_corpus_manifest.tsv"), encoding="utf-8")][1:]
    assert len(blocks) == len(rows), (len(blocks), len(rows))
    for b, r in zip(blocks, rows):
        doc_no, source = int(r[0]), r[1]
        assert b.strip().replace("\n", " / ")[:40] == r[4][:40], (doc_no, b[:60], r[4])
        yield doc_no, source, [l.strip() for l in b.split("\n") if l.strip()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--corpus", default="/work/shared/corpus")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n, chars, per = 0, 0, {}
    with open(os.path.join(a.out, "passages.jsonl"), "w", encoding="utf-8") as f:
        for doc_no, source, pars in documents(a.corpus):
            if source in EXCLUDE:
                continue
            for i, t in enumerate(cut(pars), 1):
                f.write(json.dumps({"pid": f"{ABBR[source]}-{doc_no}-{i}", "file": f"kko-{doc_no:04d}.txt",
                                    "page": i, "title": "", "text": t}, ensure_ascii=False) + "\n")
                n += 1
                chars += len(t)
                per[source] = per.get(source, 0) + 1
    for name in ("topics.tsv", "qrels.tsv"):
        if os.path.exists(os.path.join(HERE, name)):
            shutil.copy(os.path.join(HERE, name), os.path.join(a.out, name))
    print(f"{n} passages, {chars} chars, mean {chars / max(n, 1):.0f}", per, file=sys.stderr)


if __name__ == "__main__":
    main()
