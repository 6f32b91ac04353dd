"""Benchmark: wall time of `kg build` on the seed (Python start included) and
extraction throughput in words per second. Prints numbers; asserts nothing.

    python tests/benchmarks/bench_build.py [--runs 5] [--long-line]

--long-line also builds documents of one line of 5, 10 and 20 MB (BAD_INPUTS row 8) and
prints seconds per MB, which stays flat when the time grows linearly.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--long-line", action="store_true")
    args = parser.parse_args()
    if args.long_line:
        long_lines()
    walls = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs + 1):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "--out", out, "-q"], check=True)
            walls.append(time.perf_counter() - start)
    walls = walls[1:]  # the first run warms the file cache
    sys.path.insert(0, str(ROOT))
    from kg.documents import read_document
    from kg.lexicon import load_lexicon
    from kg.pipeline import extract_document

    lexicon = load_lexicon()
    docs = [read_document(p) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    words = sum(len(d.text.split()) for d in docs)
    extract_document(docs[0], lexicon)  # warm caches (rules, regexes)
    times = []
    for _ in range(args.runs):
        re.purge()  # regexes made from a document's own names are compiled once per document in a build
        start = time.perf_counter()
        for d in docs:
            extract_document(d, lexicon)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"kg build on seeds/ (whole process): median {statistics.median(walls):.2f} s, "
          f"min {min(walls):.2f} s, max {max(walls):.2f} s over {len(walls)} runs")
    print(f"extraction stages, seed: {words} words in {median * 1000:.1f} ms median -> {words / median:,.0f} words/s")
    generated_throughput(args.runs)


def generated_throughput(runs: int) -> None:
    """Extraction words per second, one core, on 200 generated documents (tests/benchmarks/corpus.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from corpus import write_corpus

    from kg.documents import read_document
    from kg.lexicon import load_lexicon
    from kg.pipeline import extract_document

    lexicon = load_lexicon()
    with tempfile.TemporaryDirectory() as folder:
        docs = [read_document(p) for p in write_corpus(Path(folder), 200)]
    words = sum(len(d.text.split()) for d in docs)
    times = []
    for _ in range(runs):
        re.purge()
        start = time.perf_counter()
        for d in docs:
            extract_document(d, lexicon)
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    print(f"extraction stages, 200 generated documents: {words} words in {median:.2f} s median -> {words / median:,.0f} words/s")


def long_lines() -> None:
    sys.path.insert(0, str(ROOT))
    from kg.pipeline import build

    with tempfile.TemporaryDirectory() as folder:
        for megabytes in (5, 10, 20):
            path = Path(folder) / f"line-{megabytes}.txt"
            path.write_text("The State Council issued the Made in China 2025 strategy "
                            + "x" * (megabytes * 1024 * 1024) + " in May 2015.\n")
            start = time.perf_counter()
            build([path])
            seconds = time.perf_counter() - start
            print(f"one {megabytes} MB line: {seconds:.1f} s, {seconds / megabytes:.2f} s per MB")


if __name__ == "__main__":
    main()
