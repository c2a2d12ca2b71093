#!/usr/bin/env python3
"""Search quality on judged queries: MRR@10 and recall@10 for Muragat and for plain whoosh, in one run.

Run from the project root:
    .venv/bin/python bench/search_quality/evaluate.py
    .venv/bin/python bench/search_quality/evaluate.py --corpus ../shared/corpus/kk_corpus.txt --json
Both systems index the same passages (built in a temporary directory); prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from collection import DEFAULT_CORPUS, Document, LocatedPassage, build_collection, located_passages
from judgments import EvalQuery, judgments_met, load_queries, locate
from systems import Ranker, muragat_ranker, plain_whoosh_ranker

CUTOFF = 10
SYSTEMS = ("muragat", "whoosh")


@dataclass(frozen=True)
class QueryScore:
    """How one system did on one query."""

    query_id: str
    kind: str
    query: str
    first_relevant: int | None
    reciprocal_rank: float
    recall: float


def score_query(query: EvalQuery, ranked: list[str], by_id: dict[str, LocatedPassage],
                documents: dict[str, Document]) -> QueryScore:
    """Reciprocal rank of the first relevant passage, and the share of judged pieces found, in the top CUTOFF."""
    occurrences = locate(query, documents)
    found: set[int] = set()
    first: int | None = None
    for rank, passage_id in enumerate(ranked[:CUTOFF], start=1):
        met = judgments_met(by_id[passage_id], occurrences)
        if met and first is None:
            first = rank
        found |= met
    return QueryScore(query.query_id, query.kind, query.text, first,
                      1.0 / first if first else 0.0, len(found) / len(query.relevant))


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summary(scores: dict[str, list[QueryScore]]) -> dict[str, dict[str, dict[str, float]]]:
    """{group ("all" or a kind): {system: {"queries", "mrr", "recall"}}}."""
    groups: dict[str, dict[str, list[QueryScore]]] = defaultdict(lambda: defaultdict(list))
    for system, per_query in scores.items():
        for score in per_query:
            groups["all"][system].append(score)
            groups[score.kind][system].append(score)
    return {group: {system: {"queries": len(items), "mrr": round(mean([s.reciprocal_rank for s in items]), 3),
                             "recall": round(mean([s.recall for s in items]), 3)}
                    for system, items in by_system.items()}
            for group, by_system in sorted(groups.items(), key=lambda item: (item[0] != "all", item[0]))}


def losses(scores: dict[str, list[QueryScore]]) -> list[dict]:
    """Queries where Muragat's first relevant hit ranks lower than plain whoosh's (or is missing)."""
    worse = []
    for ours, theirs in zip(scores["muragat"], scores["whoosh"]):
        if ours.reciprocal_rank < theirs.reciprocal_rank:
            worse.append({"id": ours.query_id, "kind": ours.kind, "query": ours.query,
                          "muragat_rank": ours.first_relevant, "whoosh_rank": theirs.first_relevant})
    return worse


def run(corpus: Path) -> dict:
    documents = build_collection(corpus)
    passages = [located for document in documents for located in located_passages(document)]
    by_id = {located.passage.passage_id: located for located in passages}
    by_key = {document.key: document for document in documents}
    queries = load_queries()
    indexed = [located.passage for located in passages]
    with tempfile.TemporaryDirectory() as workdir:
        rankers: dict[str, Ranker] = {"muragat": muragat_ranker(Path(workdir) / "muragat", indexed),
                                      "whoosh": plain_whoosh_ranker(Path(workdir) / "whoosh", indexed)}
        scores = {name: [score_query(query, rank(query.text, CUTOFF), by_id, by_key) for query in queries]
                  for name, rank in rankers.items()}
    return {"collection": {"documents": len(documents), "passages": len(passages), "queries": len(queries)},
            "cutoff": CUTOFF, "summary": summary(scores), "muragat_worse": losses(scores),
            "per_query": {name: [asdict(score) for score in per_query] for name, per_query in scores.items()}}


def print_report(report: dict) -> None:
    collection = report["collection"]
    print(f"{collection['queries']} queries over {collection['passages']} passages "
          f"of {collection['documents']} documents; cutoff {report['cutoff']}\n")
    print(f"{'kind':<16}{'n':>4}  {'MRR muragat':>12}{'MRR whoosh':>12}  {'R@10 muragat':>13}{'R@10 whoosh':>12}")
    for group, by_system in report["summary"].items():
        ours, theirs = by_system["muragat"], by_system["whoosh"]
        print(f"{group:<16}{ours['queries']:>4}  {ours['mrr']:>12.3f}{theirs['mrr']:>12.3f}  "
              f"{ours['recall']:>13.3f}{theirs['recall']:>12.3f}")
    print(f"\nMuragat's first relevant hit worse than plain whoosh's ({len(report['muragat_worse'])}):")
    for loss in report["muragat_worse"]:
        print(f"  {loss['id']:<6}{loss['kind']:<14} muragat {loss['muragat_rank'] or '-':>3}  "
              f"whoosh {loss['whoosh_rank'] or '-':>3}  {loss['query']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="kk_corpus.txt (its manifest beside it)")
    parser.add_argument("--json", action="store_true", help="machine-readable output, per query too")
    args = parser.parse_args()
    report = run(args.corpus)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)


if __name__ == "__main__":
    main()
