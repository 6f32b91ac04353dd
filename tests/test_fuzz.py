"""Random text through the whole pipeline (BAD_INPUTS target 2): mixed scripts, control
characters, long tokens and policy phrases, in several encodings, to Turtle, TriG and
JSON-LD; 0 crashes, 0 outputs pyoxigraph rejects, identical triples in every format.
KG_FUZZ_EXAMPLES sets the number of examples (CI runs 10,000); tests/fuzz/ has the
atheris harness for longer runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import round_trip

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "300"))
PHRASES = [
    "The Ministry of Finance", "the State Council", "MIIT", "issued", "revised", "signed", "established", "will", "not",
    "the Made in China 2025 strategy", "the Guiding Opinions on Testing", "Memorandum of Understanding on Things",
    "In July 2015,", "last year", "on June 30th, 2016", "grew by 8.9% in 2015", "Miao Wei:", "Reporter:", "we", "the two sides",
    "Germany", "Sino-German", "towards high-end, intelligent, green and service-oriented manufacturing", ". ", ", ", " and ",
    "国务院", "工业和信息化部", "发布了", "《中国制造2025》", "。", "，", "中德", "\n", "\n\n", "# Heading\n", "---\ntitle: t\n---\n",
    "Art. 5", "<script>x</script>", '"quoted"', "\u202e", "\u200b", "e\u0301", "\x00", "\x07", "\ufeff", "\r\n", "\t",
]
pieces = st.one_of(
    st.sampled_from(PHRASES),
    st.text(max_size=20),  # any code point hypothesis draws, controls and combining marks included
    st.builds(lambda ch, n: ch * n, st.characters(), st.integers(50, 3000)),  # long tokens
)
texts = st.lists(pieces, max_size=40).map("".join)
encoded = st.one_of(
    texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    texts.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")),
    texts.map(lambda t: t.encode("utf-16", "surrogatepass")),
    texts.map(lambda t: t.encode("gb18030", "replace")),
    st.binary(max_size=400),
)


@given(encoded)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
def test_random_documents_survive_the_pipeline_and_every_format(data):
    with tempfile.TemporaryDirectory() as folder:
        round_trip(data, Path(folder))


def test_the_fuzz_path_extracts_from_a_plain_policy_sentence(tmp_path):
    """The harness is not vacuous: an ordinary sentence gives a graph whose formats agree."""
    assert round_trip(b"The Ministry of Finance issued the Measures for Testing Things in May 2016.", tmp_path) > 50


def test_inputs_the_fuzzers_once_crashed_on_now_pass(tmp_path):
    """Every input in tests/fuzz/crashes/ (saved from atheris or hypothesis) runs through cleanly."""
    crashes = sorted((Path(__file__).parent / "fuzz" / "crashes").iterdir())
    assert crashes
    for path in crashes:
        round_trip(path.read_bytes(), tmp_path)
