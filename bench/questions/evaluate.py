"""Passage retrieval on judged question sets: Muragat beside the plain-whoosh references, in one run.

Every set named is written out as .txt files (eval_retrieval.py's `docs`), all of them (and any
`--docs` folders of distractors) are ingested into ONE archive with `muragat ingest`, and each
set's questions are asked of it as typed (Archive.search, limit 100, as GET /api/search does).
The references index the same pages, one whoosh document per page, BM25F, OR of the words:
`plain` (StandardAnalyzer), `naive` (+ eval_retrieval.py's 20-line Kazakh suffix stripper) and
`snowball-ru` (whoosh's LanguageAnalyzer("ru")). Scores come from eval_retrieval.py's own
`score`, so the figures are those the shared tool prints.

    .venv/bin/python -m bench.questions.evaluate ../shared/data/kazqad_dev [more sets] \
        [--docs FOLDER ...] [--archive DIR] [--engine whoosh|tantivy] [--systems muragat,plain,naive,snowball-ru]
        [--per-topic DIR]

`--archive DIR` keeps the archive (ingested once, reused while it exists) for repeated runs. `--engine` is
the search engine a new archive is ingested into (an existing one answers with its own).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT.parent / "shared" / "tools" / "eval_retrieval.py"
SYSTEMS = ("muragat", "plain", "naive", "snowball-ru")
METRICS = ("nDCG@10", "MRR@10", "recall@10", "recall@100")
DEPTH = 100


def load_tool(path: Path = TOOL):
    """eval_retrieval.py as a module: its collection writer, scorer and naive stemmer."""
    spec = importlib.util.spec_from_file_location("eval_retrieval", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_retrieval"] = module  # whoosh pickles the naive stemmer by its module's name
    spec.loader.exec_module(module)
    return module


def write_collections(tool, sets: list[Path], out: Path) -> list[Path]:
    """Each set's pages as .txt files, in a folder per set; returns the folders."""
    folders = []
    for data in sets:
        folder = out / data.name
        if not folder.exists():
            tool.write_docs(str(data), str(folder))
        folders.append(folder)
    return folders


def ingest(folders: list[Path], archive: Path, engine: str | None = None) -> None:
    """The user's path: `muragat ingest` (as `python -m archive`, this tree's code) of every folder into one
    archive (skipped when it exists), into `engine` when given."""
    if (archive / "catalog.sqlite").exists() or (archive / "index").exists():
        return
    chosen = ["--engine", engine] if engine else []
    subprocess.run([sys.executable, "-m", "archive", "ingest", *map(str, folders), "--archive", str(archive), "--silent",
                    *chosen], check=True, cwd=ROOT)


def muragat_run(archive: Path, topics: list[tuple[str, str]]) -> dict[str, list[str]]:
    from archive.home import Archive
    from index.seam import QueryError

    searcher = Archive.existing(archive, time_budget=60)
    searcher.warm()
    run = {}
    for qid, question in topics:
        try:
            run[qid] = [hit.text for hit in searcher.search(question, limit=DEPTH).hits]
        except QueryError as error:
            print(f"  refused {question!r}: {error}", file=sys.stderr)
            run[qid] = []
    return run


def page_texts(folders: list[Path]) -> list[str]:
    """Every page of every .txt file, as the references index them."""
    pages = []
    for folder in folders:
        for path in sorted(folder.rglob("*.txt")):
            pages.extend(page.strip() for page in path.read_text(encoding="utf-8").split("\f") if page.strip())
    return pages


def reference_runs(tool, kind: str, pages: list[str], topics: dict[str, list[tuple[str, str]]],
                   workdir: Path) -> dict[str, dict[str, list[str]]]:
    """A whoosh reference over whole pages: {set: {qid: page texts, best first}}."""
    from whoosh import fields, index, qparser, scoring
    from whoosh.analysis import LanguageAnalyzer, StandardAnalyzer, StemFilter

    analyzer = {
        "plain": StandardAnalyzer,
        "naive": lambda: StandardAnalyzer() | StemFilter(stemfn=tool.naive_kk_stem),
        "snowball-ru": lambda: LanguageAnalyzer("ru"),
    }[kind]()
    directory = workdir / kind
    directory.mkdir()
    ix = index.create_in(str(directory), fields.Schema(text=fields.TEXT(analyzer=analyzer, stored=True)))
    writer = ix.writer(limitmb=256)
    for page in pages:
        writer.add_document(text=page)
    writer.commit()
    parser = qparser.QueryParser("text", ix.schema, group=qparser.OrGroup)
    runs = {}
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        for name, questions in topics.items():
            runs[name] = {qid: [hit["text"] for hit in searcher.search(
                parser.parse(re.sub(r"[^\w\s]", " ", question)), limit=DEPTH)] for qid, question in questions}
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+", type=Path, help="folders with passages.jsonl, topics.tsv, qrels.tsv")
    parser.add_argument("--docs", nargs="*", type=Path, default=[], help="more folders of .txt files to ingest")
    parser.add_argument("--archive", type=Path, help="keep the archive here (reused while it exists)")
    parser.add_argument("--engine", help="the search engine a new archive is ingested into (default: Muragat's)")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--per-topic", type=Path, help="write each system's per-question ranks into this folder")
    parser.add_argument("--tool", type=Path, default=TOOL, help="eval_retrieval.py")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tool = load_tool(args.tool)
    systems = args.systems.split(",")
    topics = {data.name: tool.load(str(data))[0] for data in args.sets}
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="muragat-questions-") as tmp:
        workdir = Path(tmp)
        docs = args.archive.with_name(args.archive.name + "-docs") if args.archive else workdir / "docs"
        folders = write_collections(tool, args.sets, docs) + args.docs
        runs: dict[str, dict[str, dict[str, list[str]]]] = {}
        if "muragat" in systems:
            archive = args.archive or workdir / "archive"
            ingest(folders, archive, args.engine)
            runs["muragat"] = {name: muragat_run(archive, questions) for name, questions in topics.items()}
        pages = page_texts(folders)
        for kind in systems:
            if kind != "muragat":
                runs[kind] = reference_runs(tool, kind, pages, topics, workdir)
        for kind, by_set in runs.items():
            for data in args.sets:
                per_topic = None
                if args.per_topic:
                    args.per_topic.mkdir(parents=True, exist_ok=True)
                    per_topic = str(args.per_topic / f"{data.name}.{kind}.tsv")
                results.setdefault(data.name, {})[kind] = tool.score(str(data), by_set[data.name], per_topic)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    for name, by_system in results.items():
        count = next(iter(by_system.values()))["questions"]
        print(f"\n{name}: {count} questions, {len(pages)} pages in the archive")
        print("| system | " + " | ".join(METRICS) + " |")
        print("|---" * (len(METRICS) + 1) + "|")
        for kind in systems:
            print(f"| {kind} | " + " | ".join(f"{by_system[kind][metric]:.3f}" for metric in METRICS) + " |")


if __name__ == "__main__":
    main()
