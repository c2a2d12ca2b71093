"""Where Muragat's query path spends its time: cProfile over the whole query set, as Archive.search runs it.

Prints the functions with the most own time and the most cumulative time (the project's
modules and whoosh), and saves the raw profile to bench/out/search/profile.pstats
(`python -m pstats` or snakeviz can open it).

    .venv/bin/python -m bench.search.profile [--top 25] [--kind prefix]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import site

from bench.search.common import OUT, ROOT, Stopwatch
from bench.search.queries import load_queries
from bench.search.run import WARM_UP_QUERY
from bench.search.systems import Refused, open_muragat


def profile(kind: str | None) -> tuple[pstats.Stats, float, int]:
    """Run every query (or every query of one kind) once under cProfile, after a warm-up query."""
    queries = [query for query in load_queries() if kind is None or query.kind == kind]
    run = open_muragat()
    run(WARM_UP_QUERY)
    profiler = cProfile.Profile()
    clock = Stopwatch()
    profiler.enable()
    for query in queries:
        try:
            run(query)
        except Refused:
            continue
    profiler.disable()
    seconds = clock.seconds
    profiler.dump_stats(OUT / "profile.pstats")
    return pstats.Stats(profiler), seconds, len(queries)


def hot_spots(stats: pstats.Stats, order: str, top: int) -> str:
    buffer = io.StringIO()
    stats.stream = buffer
    stats.sort_stats(order).print_stats(r"(index|archive|whoosh|webui)/", top)
    text = buffer.getvalue()
    text = text[text.find("   ncalls"):] if "ncalls" in text else text
    return text.replace(str(ROOT) + "/", "").replace(site.getsitepackages()[0] + "/", "").strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--kind", help="only the queries of this kind (e.g. prefix, word_common)")
    args = parser.parse_args()
    stats, seconds, count = profile(args.kind)
    print(f"{count} queries in {seconds:.1f} s under cProfile (profiling slows Python code by about 1.5–2×)\n")
    print("## most own time (tottime)\n")
    print(hot_spots(stats, "tottime", args.top))
    print("## most cumulative time\n")
    print(hot_spots(stats, "cumulative", args.top))


if __name__ == "__main__":
    main()
