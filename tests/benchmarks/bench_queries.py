"""Benchmark: every named query on a synthetic graph of about 1,000,000 triples in the
contract's shape. Prints each query's median time (query execution plus reading all
rows, in-process) and the time through `run_query` (forked child, limits, row cap).

    python tests/benchmarks/bench_queries.py [--triples 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_quads  # noqa: E402

from kg.queries import (  # noqa: E402
    QueryTimeout,
    bind_parameters,
    example_params,
    list_queries,
    merge_into_default_graph,
    run_query,
)

# The examples of the .rq headers name seed entities; these name entities of the synthetic graph.
EXAMPLES = {"actor-profile": {"actor": "Actor 17"}, "evidence": {"subject": "Actor 3", "relation": "issued", "object": "Policy 5"},
            "timeline": {"from": "2024-06"}, "issuers": {"policy": "Policy 12"}, "policy-goals": {"policy": "Policy 12"},
            "china-partners": {"country": "Germany"}}
# Without parameters a query lists everything; these are timed too, for the record.
LISTINGS = ("issuers", "policy-goals", "china-partners", "timeline", "entities-by-class", "planned-negated")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_extend(synthetic_quads(args.triples))
    print(f"synthetic graph: {len(store):,} quads, built in {time.perf_counter() - started:.1f} s")
    merge_into_default_graph(store)  # as `kg query` loads a graph: the merge in the default graph
    print(f"{'query':20} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'rows':>7} {'run_query ms':>13}")
    for q in list_queries(ROOT / "queries"):
        params = EXAMPLES.get(q.name, example_params(q))
        subs = bind_parameters(q, params)
        t = time.perf_counter()
        try:
            run_query(store, q, params, timeout=args.timeout)
        except QueryTimeout:
            print(f"{q.name:20} stopped at the {args.timeout:g} s timeout")
            continue
        through = (time.perf_counter() - t) * 1000
        times, rows = [], 0
        for _ in range(args.runs):
            t = time.perf_counter()
            answer = store.query(q.text, substitutions=subs)
            rows = sum(1 for _ in answer) if not isinstance(answer, ox.QueryBoolean) else 1
            times.append((time.perf_counter() - t) * 1000)
        print(f"{q.name:20} {statistics.median(times):10.1f} {min(times):8.1f} {max(times):8.1f} {rows:7} {through:13.1f}")
    print("\nlistings (no parameters, every row):")
    for q in list_queries(ROOT / "queries"):
        if q.name in LISTINGS:
            t = time.perf_counter()
            rows = sum(1 for _ in store.query(q.text))
            print(f"{q.name:20} {(time.perf_counter() - t) * 1000:10.1f} ms {rows:7} rows")


if __name__ == "__main__":
    main()
