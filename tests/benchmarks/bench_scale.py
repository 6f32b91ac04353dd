"""Benchmark: corpus scale (issue: incremental builds, store, server). On generated corpora
of N documents it prints extraction throughput (one process and --jobs 2), a clean
`kg build` (wall time, peak RSS), a rebuild after one document changed, each named
query's median on the resulting store, and a push to a local `oxigraph serve`.

    python tests/benchmarks/bench_scale.py --documents 1000 10000 [--words 500]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus  # noqa: E402

from kg.documents import read_documents  # noqa: E402
from kg.extraction import extract_all  # noqa: E402
from kg.lexicon import load_lexicon  # noqa: E402
from tests.servers import free_port, start  # noqa: E402


def peak_children_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_build(corpus: Path, out: Path, jobs: int) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--jobs", str(jobs)],
                          capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.splitlines()[0]


def extraction_throughput(corpus: Path, sample: int) -> None:
    docs = [d for d in read_documents([corpus]) if not hasattr(d, "reason")][:sample]
    words = sum(len(d.text.split()) for d in docs)
    lexicon = load_lexicon()
    for jobs in (1, 2):
        re.purge()  # as in a build, where each document is extracted once
        started = time.perf_counter()
        extract_all(docs, lexicon, jobs=jobs)
        seconds = time.perf_counter() - started
        print(f"  extraction, {len(docs)} documents, --jobs {jobs}: {words / seconds:,.0f} words/s")


def query_times(store: Path) -> None:
    script = f"""
import json, statistics, sys, time
sys.path.insert(0, {str(ROOT)!r})
import pyoxigraph as ox
from kg.queries import bind_parameters, example_params, list_queries, with_values
store = ox.Store.read_only({str(store)!r})
examples = {{"actor-profile": {{"actor": "Ministry of Finance"}}, "timeline": {{"from": "2024"}},
             "entities-by-class": {{"class": "Person"}}, "china-partners": {{"country": "Germany"}}}}
label = lambda node: next(q.object.value for q in store.quads_for_pattern(node, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None) if q.object.language == "en")
fact = next(iter(store.query("SELECT ?s ?o WHERE {{ ?s <https://w3id.org/policy-kg/ns#issued> ?o }} ORDER BY ?s ?o LIMIT 1")))
goal = next(iter(store.query("SELECT ?p WHERE {{ ?p <https://w3id.org/policy-kg/ns#hasGoal> ?g }} ORDER BY ?p LIMIT 1")))
examples["evidence"] = {{"subject": label(fact["s"]), "relation": "issued", "object": label(fact["o"])}}
examples["issuers"] = {{"policy": label(fact["o"])}}
examples["policy-goals"] = {{"policy": label(goal["p"])}}
out = {{}}
for q in list_queries():
    subs = bind_parameters(q, examples.get(q.name, example_params(q)))
    times = []
    for _ in range(6):
        t = time.perf_counter(); rows = sum(1 for _ in store.query(with_values(q.text, subs), substitutions=subs)); times.append((time.perf_counter() - t) * 1000)
    out[q.name] = [statistics.median(times[1:]), rows]
print(json.dumps(out))
"""
    result = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    print("  named queries on the store, median ms (rows): " + ", ".join(
        f"{name} {ms:.0f} ({rows})" for name, (ms, rows) in result.items()))


def push_rate(graph: Path) -> None:
    binary = shutil.which("oxigraph")
    if binary is None:
        print("  push: oxigraph server not installed (pip install oxigraph)")
        return
    port = free_port()
    with tempfile.TemporaryDirectory() as location:
        server = start([binary, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"],
                       f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", "oxigraph serve")
        try:
            done = subprocess.run([sys.executable, "-m", "kg", "push", "--endpoint", f"http://127.0.0.1:{port}/query",
                                   "--graph-store", f"http://127.0.0.1:{port}/store", "--graph", str(graph)],
                                  capture_output=True, text=True, check=True)
            print("  " + done.stdout.strip())
        finally:
            server.kill()
            server.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, nargs="+", default=[1000])
    parser.add_argument("--words", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    for n in args.documents:
        with tempfile.TemporaryDirectory() as folder:
            corpus, out = Path(folder) / "corpus", Path(folder) / "out"
            paths = write_corpus(corpus, n, args.words)
            words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
            print(f"\n{n:,} generated documents, {words:,} words")
            extraction_throughput(corpus, min(n, 500))
            before = peak_children_mib()
            seconds, summary = run_build(corpus, out, args.jobs)
            peak = peak_children_mib()
            print(f"  clean build (--jobs {args.jobs}): {seconds:.1f} s, peak RSS {max(peak, before):,.0f} MiB; {summary}")
            rebuilds = []
            for changed in (paths[n // 2], paths[n // 3], paths[-1]):  # three rebuilds, one document changed each
                changed.write_text(changed.read_text(encoding="utf-8").replace("issued", "released", 1), encoding="utf-8")
                seconds, summary = run_build(corpus, out, args.jobs)
                rebuilds.append(seconds)
            print(f"  rebuild after one document changed: median {statistics.median(rebuilds):.2f} s "
                  f"(runs: {', '.join(f'{s:.2f}' for s in rebuilds)}); {summary}")
            query_times(out / "store")
            push_rate(out / "graph.trig")


if __name__ == "__main__":
    main()
