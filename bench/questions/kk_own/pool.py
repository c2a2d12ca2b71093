#!/usr/bin/env python3
"""Pool the top 10 of three systems for every question of questions.tsv (kk_own).

Usage (project root, project venv):
  python bench/questions/kk_own/pool.py DATA_DIR --url http://127.0.0.1:8123 --out pool_raw.tsv [--depth 10]

DATA_DIR is the folder build.py wrote (passages.jsonl). Systems:
  plain  whoosh BM25F, StandardAnalyzer, one whoosh document per passage, OR of the question's words
  naive  the same + eval_retrieval.naive_kk_stem as a StemFilter
  muragat  GET URL/api/search?q=...&limit=100 of a `muragat serve` over the collection written by
           `eval_retrieval.py docs`; a result is mapped to our pid by its document title (kko-NNNN) and
           page, and kept only if it shares >= half of the shorter text's word 5-grams with that passage
           (eval_retrieval.overlaps), else by 5-gram overlap with the document's passages.
Writes qid, pid, systems (comma-separated, with rank), pattern_match (0/1), is_source (0/1), text.
"""
import argparse, collections, json, os, re, sys, tempfile, urllib.parse, urllib.request

sys.path.insert(0, "/work/shared/tools")
import eval_retrieval as ev  # noqa: E402


def whoosh_runs(passages, questions, depth):
    from whoosh import fields, index, qparser, scoring
    from whoosh.analysis import StandardAnalyzer, StemFilter
    runs = {}
    tmp = tempfile.mkdtemp(prefix="kko-pool-")
    for kind in ("plain", "naive"):
        an = StandardAnalyzer() | StemFilter(stemfn=ev.naive_kk_stem) if kind == "naive" else StandardAnalyzer()
        d = os.path.join(tmp, kind)
        os.makedirs(d)
        ix = index.create_in(d, fields.Schema(pid=fields.ID(stored=True), text=fields.TEXT(analyzer=an)))
        w = ix.writer(limitmb=512)
        for p in passages:
            w.add_document(pid=p["pid"], text=p["text"])
        w.commit()
        parser = qparser.QueryParser("text", ix.schema, group=qparser.OrGroup)
        with ix.searcher(weighting=scoring.BM25F()) as s:
            runs[kind] = {qid: [h["pid"] for h in s.search(parser.parse(re.sub(r"[^\w\s]", " ", q)), limit=depth)]
                          for qid, q in questions}
        print(kind, "done", file=sys.stderr)
    return runs


def muragat_run(url, passages, questions, depth):
    by_page = {(p["file"][:-4], p["page"]): p["pid"] for p in passages}
    by_doc = collections.defaultdict(list)
    sh = {}
    for p in passages:
        by_doc[p["file"][:-4]].append(p["pid"])
        sh[p["pid"]] = ev.shingles(p["text"])
    run = {}
    for qid, q in questions:
        qs = urllib.parse.urlencode({"q": q, "limit": 100})
        try:
            res = json.loads(urllib.request.urlopen(f"{url}/api/search?{qs}", timeout=60).read())["results"]
        except Exception as e:
            print(qid, e, file=sys.stderr)
            res = []
        out = []
        for r in res:
            s = ev.shingles(r["text"])
            pid = by_page.get((r.get("title"), r.get("page")))
            if not (pid and ev.overlaps(s, sh[pid])):
                pid = next((c for c in by_doc.get(r.get("title"), []) if ev.overlaps(s, sh[c])), None)
            if pid and pid not in out:
                out.append(pid)
            if len(out) >= depth:
                break
        run[qid] = out
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--url", default="http://127.0.0.1:8123")
    ap.add_argument("--out", required=True)
    ap.add_argument("--depth", type=int, default=10)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    qs = [l.rstrip("\n").split("\t") for l in open(os.path.join(here, "questions.tsv"), encoding="utf-8")][1:]
    passages = [json.loads(l) for l in open(os.path.join(a.data, "passages.jsonl"), encoding="utf-8")]
    text = {p["pid"]: p["text"] for p in passages}
    questions = [(r[0], r[1]) for r in qs]
    runs = whoosh_runs(passages, questions, a.depth)
    runs["muragat"] = muragat_run(a.url.rstrip("/"), passages, questions, a.depth)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("qid\tpid\tsystems\tpattern_match\tis_source\ttext\n")
        for qid, q, pat, src in qs:
            pool = collections.OrderedDict()
            pool.setdefault(src, [])
            for sysname in ("plain", "naive", "muragat"):
                for rank, pid in enumerate(runs[sysname][qid], 1):
                    pool.setdefault(pid, []).append(f"{sysname}:{rank}")
            rx = re.compile(pat, re.IGNORECASE)
            for pid, systems in pool.items():
                f.write(f"{qid}\t{pid}\t{','.join(systems) or '-'}\t{int(bool(rx.search(text[pid])))}\t"
                        f"{int(pid == src)}\t{text[pid]}\n")


if __name__ == "__main__":
    main()
