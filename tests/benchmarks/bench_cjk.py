"""Benchmark (BAD_INPUTS target 7): build one large Chinese text file in a child `kg build`
and print its wall time and peak memory (RSS), which must stay under 1.5 GB at 100 MB.

    python tests/benchmarks/bench_cjk.py [--megabytes 100]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cjk_corpus import chinese_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large-zh.txt"
        path.write_text(chinese_text(args.megabytes), encoding="utf-8")
        size = path.stat().st_size
        started = time.perf_counter()
        child = subprocess.run([sys.executable, "-m", "kg", "build", str(path), "--out", str(Path(folder) / "out"),
                                "--max-bytes", str(size + 1)], capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        print(child.stdout.strip() or child.stderr.strip()[-2000:])
        print(f"\n{size / 1e6:.1f} MB of Chinese text: exit {child.returncode}, {seconds:.1f} s, "
              f"peak RSS {peak / 2**20:,.0f} MiB (target: under 1,536 MiB)")


if __name__ == "__main__":
    main()
