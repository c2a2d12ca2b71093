#!/usr/bin/env python3
"""Candidate passages to judge for new queries: both systems' top hits plus a regex over the collection.

Judging from one system's results alone would favour it; the pool takes the union.
    python bench/search_quality/pool.py --query "адам құқықтары" --grep "құқ[ыұ]қ|құқығ"
"""
from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from collection import DEFAULT_CORPUS, LocatedPassage, build_collection, located_passages
from systems import Ranker, muragat_ranker, plain_whoosh_ranker

POOL_DEPTH = 20


def pooled(query: str, rankers: dict[str, Ranker], depth: int) -> dict[str, list[str]]:
    """Passage id → the systems (with rank) that returned it."""
    found: dict[str, list[str]] = {}
    for name, rank in rankers.items():
        for position, passage_id in enumerate(rank(query, depth), start=1):
            found.setdefault(passage_id, []).append(f"{name}#{position}")
    return found


def grepped(pattern: str, passages: list[LocatedPassage]) -> set[str]:
    regex = re.compile(pattern, re.IGNORECASE)
    return {located.passage.passage_id for located in passages if regex.search(located.passage.text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--query", action="append", default=[], help="query text (repeatable)")
    parser.add_argument("--grep", action="append", default=[], help="regex over passage text (repeatable)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--depth", type=int, default=POOL_DEPTH)
    args = parser.parse_args()

    passages = [located for document in build_collection(args.corpus) for located in located_passages(document)]
    by_id = {located.passage.passage_id: located for located in passages}
    indexed = [located.passage for located in passages]
    with tempfile.TemporaryDirectory() as workdir:
        rankers = {"muragat": muragat_ranker(Path(workdir) / "muragat", indexed),
                   "whoosh": plain_whoosh_ranker(Path(workdir) / "whoosh", indexed)}
        for query in args.query:
            candidates = pooled(query, rankers, args.depth)
            for pattern in args.grep:
                for passage_id in grepped(pattern, passages):
                    candidates.setdefault(passage_id, []).append("grep")
            print(f"##### {query}  ({len(candidates)} candidates)")
            for passage_id, sources in sorted(candidates.items()):
                print(f"--- {passage_id} [{' '.join(sources)}]\n{by_id[passage_id].passage.text}\n")


if __name__ == "__main__":
    main()
