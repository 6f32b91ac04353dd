"""Benchmark: every named query on a synthetic graph of about 1,000,000 triples in the
contract's shape. Prints each query's median time (query execution plus reading all
rows, in-process) on the on-disk store that `kg build` writes and on an in-memory store
(what `kg query --graph graph.trig` loads), and the time of one `kg query`-style call
through `run_query` (a forked child opens the store, runs the query with its limits).

    python tests/benchmarks/bench_queries.py [--triples 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
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
    run_query,
    with_values,
)

# The examples of the .rq headers name seed entities; these name entities of the synthetic graph.
EXAMPLES = {"actor-profile": {"actor": "Actor 17"}, "evidence": {"subject": "Actor 3", "relation": "issued", "object": "Policy 5"},
            "timeline": {"from": "2024-06"}, "issuers": {"policy": "Policy 12"}, "policy-goals": {"policy": "Policy 12"},
            "china-partners": {"country": "Germany"}}
# Without parameters a query lists everything; these are timed too, for the record.
LISTINGS = ("issuers", "policy-goals", "china-partners", "timeline", "entities-by-class", "planned-negated")


def existing_examples(store: ox.Store) -> dict[str, dict[str, str]]:
    """Parameters naming a fact and a policy goal that exist, so that those lookups return rows."""
    examples = dict(EXAMPLES)
    fact = next(iter(store.query(
        "SELECT ?s ?o WHERE { ?s <https://w3id.org/policy-kg/ns#issued> ?o } ORDER BY ?s ?o LIMIT 1")))
    goal = next(iter(store.query(
        "SELECT ?p WHERE { ?p <https://w3id.org/policy-kg/ns#hasGoal> ?g } ORDER BY ?p LIMIT 1")))

    def label(node: ox.NamedNode) -> str:
        return next(q.object.value for q in store.quads_for_pattern(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)
                    if q.object.language == "en")

    examples["evidence"] = {"subject": label(fact["s"]), "relation": "issued", "object": label(fact["o"])}
    examples["policy-goals"] = {"policy": label(goal["p"])}
    return examples


def time_queries(store: ox.Store, examples: dict[str, dict[str, str]], runs: int) -> dict[str, tuple[float, float, float, int]]:
    """Each named query's median, min and max time in ms, and its row count."""
    timings = {}
    for q in list_queries(ROOT / "queries"):
        subs = bind_parameters(q, examples.get(q.name, example_params(q)))
        times, rows = [], 0
        for _ in range(runs + 1):  # the first run warms the caches and is not counted
            t = time.perf_counter()
            answer = store.query(with_values(q.text, subs), substitutions=subs)
            rows = sum(1 for _ in answer) if not isinstance(answer, ox.QueryBoolean) else 1
            times.append((time.perf_counter() - t) * 1000)
        timings[q.name] = (statistics.median(times[1:]), min(times[1:]), max(times[1:]), rows)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--time-store", help=argparse.SUPPRESS)  # internal: time one store in a clean process
    args = parser.parse_args()
    if args.time_store:
        store = ox.Store.read_only(args.time_store)
        print(json.dumps(time_queries(store, existing_examples(store), args.runs)))
        return
    started = time.perf_counter()
    quads = synthetic_quads(args.triples)
    print(f"synthetic graph: {len(quads):,} quads, generated in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        disk = ox.Store(folder)  # as `kg build` writes out/store: named graphs, their merge, compacted
        disk.bulk_load(ox.serialize(quads, format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        disk.bulk_load(ox.serialize({q.triple for q in quads}, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
        disk.optimize()
        print(f"on-disk store: {len(disk):,} quads, written in {time.perf_counter() - started:.1f} s")
        del disk, quads
        # as `kg query` does: a fresh process opens the store, with nothing else in its memory
        clean = subprocess.run([sys.executable, __file__, "--time-store", folder, "--runs", str(args.runs)],
                               check=True, capture_output=True, text=True)
        on_disk = {k: tuple(v) for k, v in json.loads(clean.stdout).items()}
        memory = ox.Store()  # as `kg query --graph graph.trig` does: the graph loaded in memory
        memory.bulk_extend(ox.Store.read_only(folder).quads_for_pattern(None, None, None, None))
        examples = existing_examples(memory)
        in_memory = time_queries(memory, examples, args.runs)
        print(f"\n{'query':18} {'on-disk store (kg query)':>32} {'in-memory store':>25} {'rows':>6} {'run_query':>10}")
        print(f"{'':18} {'median':>10} {'min':>10} {'max':>10} {'median':>10} {'min':>6} {'max':>7} {'':>6} {'ms':>10}")
        for q in list_queries(ROOT / "queries"):
            t = time.perf_counter()
            try:
                run_query(Path(folder), q, examples.get(q.name, example_params(q)), timeout=args.timeout)
                through = f"{(time.perf_counter() - t) * 1000:10.0f}"
            except QueryTimeout:
                through = "   timeout"
            d, m = on_disk[q.name], in_memory[q.name]
            print(f"{q.name:18} {d[0]:10.1f} {d[1]:10.1f} {d[2]:10.1f} {m[0]:10.1f} {m[1]:6.0f} {m[2]:7.0f} {d[3]:6} {through}")
        worst = max(on_disk.items(), key=lambda kv: kv[1][0])
        print(f"\nslowest on the on-disk store: {worst[0]} at {worst[1][0]:.1f} ms median (target: under 200 ms)")
        print("\nlistings (no parameters, every row, in-memory store):")
        for q in list_queries(ROOT / "queries"):
            if q.name in LISTINGS:
                t = time.perf_counter()
                rows = sum(1 for _ in memory.query(q.text))
                print(f"{q.name:20} {(time.perf_counter() - t) * 1000:10.1f} ms {rows:7} rows")


if __name__ == "__main__":
    main()
