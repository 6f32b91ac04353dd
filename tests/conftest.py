"""Shared fixtures: the packaged lexicon and rules, and a helper that extracts from a text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.lexicon import load_lexicon
from kg.pipeline import extract_document
from kg.records import Document, Extraction

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds"


@pytest.fixture(scope="session")
def lexicon():
    return load_lexicon()


def make_document(text: str, date: str | None = "2016-06-01") -> Document:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(id=sha[:16], source="test.txt", text=text, body_start=0, title="test", sha256=sha,
                    languages=("en",), date=date, date_source="option" if date else None, encoding="utf-8")


@pytest.fixture(scope="session")
def extract(lexicon):
    """Extract a text: returns the Extraction."""
    def run(text: str, date: str | None = "2016-06-01") -> Extraction:
        return extract_document(make_document(text, date), lexicon)
    return run


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    from kg.pipeline import build_to
    out = tmp_path_factory.mktemp("seed-out")
    return build_to(out, [SEED]), out
