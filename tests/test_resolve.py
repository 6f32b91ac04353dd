"""IRI minting laws (BAD_INPUTS items 9-13) and resolution."""

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.resolve import mint_iri

names = st.text(min_size=1, max_size=300)


@given(names)
@settings(max_examples=300)
@pytest.mark.bad_input(11)
def test_same_name_same_iri_and_iri_is_valid(name):
    iri = mint_iri(name)
    assert iri == mint_iri(name)
    assert len(iri) <= 200
    pyoxigraph.NamedNode(iri)  # raises on an invalid IRI


@given(names, names)
@settings(max_examples=300)
def test_different_names_get_different_iris(a, b):
    if a.strip() != b.strip():
        from kg.resolve import clean_text
        if clean_text(a).strip() != clean_text(b).strip():
            assert mint_iri(a) != mint_iri(b)


@pytest.mark.bad_input(12, 13)
def test_punctuation_variants_are_distinct_and_long_names_truncated():
    assert mint_iri("Art. 5") != mint_iri("Art 5")
    assert mint_iri("Ministry of Finance").endswith("/ministry-of-finance")
    long = mint_iri("x" * 10_000)
    assert len(long) <= 200


@pytest.mark.bad_input(9, 10)
def test_control_bidi_and_zero_width_characters_stay_out_of_iris():
    iri = mint_iri("Evil\u202eName\u200b\x00")
    assert all(ch not in iri for ch in "\u202e\u200b\x00")
