"""Sentence -> expected mentions. Sentences are written for the tests, not taken from the seed."""

import pytest


def _found(extraction):
    return {(m.cls, m.name) for m in extraction.mentions}


@pytest.mark.parametrize("text, expected", [
    # lexicon: names, abbreviations, adjectives
    ("The NDRC and the Ministry of Commerce met in Beijing.",
     {("GovernmentBody", "National Development and Reform Commission"), ("GovernmentBody", "Ministry of Commerce"), ("Place", "Beijing")}),
    ("The German Federal Ministry of Finance hosted the talks.", {("GovernmentBody", "Federal Ministry of Finance")}),
    ("Officials from Brazil and South Africa attended.", {("Country", "Brazil"), ("Country", "South Africa")}),
    # unknown organisations headed by organisation words
    ("The Yangtze Delta Hydrogen Alliance was set up last week.", {("Organization", "Yangtze Delta Hydrogen Alliance")}),
    ("The Provincial Bureau of Ocean Affairs and the Coastal Survey Commission agreed.",
     {("GovernmentBody", "Provincial Bureau of Ocean Affairs"), ("GovernmentBody", "Coastal Survey Commission")}),
    # policy titles, quoted or not
    ("The Measures for the Management of Special Funds for Chip Design were released.",
     {("Policy", "Measures for the Management of Special Funds for Chip Design")}),
    ('The "Blue Ocean" plan was adopted.', {("Policy", "Blue Ocean")}),
    ("They published the Opinions on Supporting Small Exporters (2021) today.",
     {("Policy", "Opinions on Supporting Small Exporters (2021)")}),
    # people with titles
    ("Vice Minister Zhao Lifeng opened the Northern Machinery Forum.",
     {("Person", "Zhao Lifeng"), ("Event", "Northern Machinery Forum")}),
    ("Anna Becker, Director of the Federal Network Agency, spoke.",
     {("Person", "Anna Becker"), ("GovernmentBody", "Federal Network Agency")}),
    # places in lists
    ("Pilot cities such as Wuxi, Hefei and Zhuzhou were named.",
     {("Place", "Wuxi"), ("Place", "Hefei"), ("Place", "Zhuzhou")}),
    # goals from cues, normalised to the vocabulary
    ("The Plan for Clean Ports aims at improving innovation capabilities and basic capabilities.",
     {("Goal", "manufacturing innovation capability"), ("Goal", "basic capabilities")}),
    ("The Plan for Clean Ports aims to foster green development and talent training.",
     {("Goal", "green manufacturing"), ("Goal", "talent development")}),
])
def test_mentions_table(extract, text, expected):
    assert expected <= _found(extract(text))


@pytest.mark.parametrize("text", [
    "The weather was fine and the meeting ended early.",
    "In May, growth slowed to 6.1% as exports fell.",
])
def test_sentences_without_names_yield_no_mentions(extract, text):
    assert _found(extract(text)) == set()


def test_acronym_in_parentheses_becomes_alias(extract):
    ex = extract("The Coastal Survey Commission (CSCX) was founded in 2010. Later the CSCX issued the Rules on Buoys.")
    keys = {m.key for m in ex.mentions if m.text in ("Coastal Survey Commission", "CSCX")}
    assert len(keys) == 1 and sum(m.text == "CSCX" for m in ex.mentions) == 2


def test_definite_reference_resolves_to_last_matching_name(extract):
    ex = extract("The Yangtze Delta Hydrogen Alliance was set up. The alliance has 40 members.")
    ref = [m for m in ex.mentions if m.text.lower() == "the alliance"]
    assert ref and ref[0].name == "Yangtze Delta Hydrogen Alliance"


def test_chinese_paragraph_matches_lexicon_chinese_names(extract):
    ex = extract("国务院和工业和信息化部发布了新政策。")
    assert {("GovernmentBody", "State Council"), ("GovernmentBody", "Ministry of Industry and Information Technology")} <= _found(ex)


def test_goal_phrases_no_policy_pursues_are_not_entities(extract):
    ex = extract("The Seed Fund Alliance aims to promote talent training. "
                 "The Plan for Rural Solar Power aims to support green development.")
    goals = {m.name for m in ex.mentions if m.cls == "Goal"}
    assert goals == {"green manufacturing"}  # the alliance is no policy: its aim is no kg:Goal


# The gazetteer scan replaced a compiled alternation; it must find exactly what the regex found.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ALPHABET = "Ab -_é,.1"


@settings(max_examples=400, deadline=None)
@given(names=st.lists(st.text(_ALPHABET, min_size=2, max_size=5), min_size=1, max_size=6, unique=True),
       text=st.text(_ALPHABET, max_size=60), data=st.data())
def test_name_scan_matches_the_regex_it_replaced(names, text, data):
    import re

    from kg.references import _NamePattern

    pos = data.draw(st.integers(0, len(text)))
    endpos = data.draw(st.integers(pos, len(text)))
    regex = re.compile("(?:" + "|".join(re.escape(k[0]) + r"(?<![\w-][\s\S])" + re.escape(k[1:])
                                        for k in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    expected = [(m.start(), m.end(), m.group(0)) for m in regex.finditer(text, pos, endpos)]
    found = [(m.start(), m.end(), m.group(0)) for m in _NamePattern(names).finditer(text, pos, endpos)]
    assert found == expected
