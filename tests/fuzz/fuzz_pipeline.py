"""Atheris (libFuzzer) harness for deeper runs than CI's hypothesis examples: the same
path as tests/test_fuzz.py, bytes -> kg build -> Turtle, TriG, JSON-LD -> pyoxigraph.

    pip install -e '.[fuzz]'
    python tests/fuzz/fuzz_pipeline.py -max_total_time=3600 [corpus_dir]

A crash (any exception other than a clear InputError, or formats that disagree) stops the
run and writes the input to crash-<hash>; libFuzzer prints the executions per second.
"""

import sys
import tempfile
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports(include=["kg"]):
    from tests.fuzz.harness import round_trip

FOLDER = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))


def one_input(data: bytes) -> None:
    round_trip(data, FOLDER)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
