"""Benchmark: for 500, 2,000 and 10,000 nodes, the time to write a view page and the time
until headless Chromium has drawn it. Prints numbers; asserts nothing.

    python tests/benchmarks/bench_views.py [--sizes 500 2000 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kg.views import render_page  # noqa: E402

CLASSES = ["GovernmentBody", "Organization", "Person", "Country", "Policy", "Goal", "Event", "Place"]


def synthetic(n: int, seed: int = 7) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    for i in range(n):
        graph.add_node(f"https://w3id.org/policy-kg/id/e{i}", label=f"Entity {i}", label_zh="", cls=rng.choice(CLASSES),
                       country="", documents="corpus/doc.txt")
    for i in range(int(n * 1.5)):
        a, b = rng.randrange(n), rng.randrange(n)
        graph.add_edge(f"https://w3id.org/policy-kg/id/e{a}", f"https://w3id.org/policy-kg/id/e{b}", key=f"p{i % 7}",
                       predicate=f"p{i % 7}", evidence=f"Sentence {i}.", documents="", date="", modality="", rule="r",
                       confidence=0.8)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    args = parser.parse_args()
    print(f"{'nodes':>6} {'write s':>8} {'draw s':>8} {'page MB':>8}")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as folder:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for n in args.sizes:
            graph = synthetic(n)
            started = time.perf_counter()
            path = Path(folder) / f"g{n}.html"
            path.write_text(render_page(graph, f"{n} nodes"))
            write = time.perf_counter() - started
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            started = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-drawn='1']", timeout=120_000)
            draw = time.perf_counter() - started
            page.close()
            print(f"{n:6} {write:8.2f} {draw:8.2f} {path.stat().st_size / 1e6:8.1f}")
        browser.close()


if __name__ == "__main__":
    main()
