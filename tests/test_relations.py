"""Relations beyond the rule table (tests/rule_table.yaml): sentences that yield nothing, modality, dates."""

import pytest


def _facts(extraction):
    names = {m.key: m.name for m in extraction.mentions}
    for code in ("CN", "DE", "FR", "US"):
        names.setdefault(f"lex:{code}", code)
    names["lex:mofcom"] = "Ministry of Commerce"
    return {(names.get(r.subject, r.subject), r.predicate, names.get(r.object, r.object)) for r in extraction.relations
            if r.predicate != "country" and r.predicate != "locatedIn"}


MOF, MOST, NDRC = "Ministry of Finance", "Ministry of Science and Technology", "National Development and Reform Commission"


@pytest.mark.parametrize("text", [
    "The Measures for Rural Credit Pilots were issued.",  # no agent: nothing to link
    "The Ministry of Finance said costs rose; the Guidelines for Lab Safety were popular.",  # no trigger linking them
    "Xi Jinping issued the State Council.",  # Person issued GovernmentBody: the contract forbids it
    "The Seed Fund Alliance aims to grow.",  # goal without a known concept or policy
])
def test_sentences_that_must_yield_nothing(extract, text):
    assert _facts(extract(text)) == set()


@pytest.mark.parametrize("text, modality", [
    ("The Ministry of Finance will revise the Guidelines for Lab Safety.", "planned"),
    ("The Ministry of Finance did not sign the Memorandum on Fishing.", "negated"),
    ("If the NDRC issued the Rules on Ports, prices would fall.", "hypothetical"),
    ("The Ministry of Finance revised the Guidelines for Lab Safety.", None),
])
def test_modality(extract, text, modality):
    rels = [r for r in extract(text).relations if r.predicate != "country"]
    assert rels and {r.modality for r in rels} == {modality}


@pytest.mark.parametrize("text, date", [
    ("In July 2015, the NDRC issued the Rules on Ports.", "2015-07"),
    ("On May 13, the State Council issued the Opinions on Cleaner Ports.", "2016-05-13"),
    ("Last year the NDRC issued the Rules on Ports.", "2015"),
    ("In April this year, the NDRC issued the Rules on Ports.", "2016-04"),
    ("On June 30th, 2014 the NDRC issued the Rules on Ports.", "2014-06-30"),
    # a date inside an aside about the subject dates only what the aside says
    ("The Alliance for Smart Shipping, founded in May 2015 by the Ministry of Transport, issued the Rules on Ports.", None),
    ("The Alliance for Smart Shipping, which the Ministry of Transport founded, issued the Rules on Ports in May.", "2016-05"),
])
def test_dates_resolve_against_document_date(extract, text, date):
    rels = [r for r in extract(text, date="2016-06-01").relations if r.predicate == "issued"]
    assert [r.date for r in rels] == [date]


def test_rule_gates_change_nothing(lexicon, monkeypatch):
    """Skipping rules and finders whose trigger words a sentence lacks, skipping rules whose relation
    no pair of the sentence's classes can take, and scanning lower-cased sentences without re.I,
    give the same relations as running everything with re.I on the text."""
    import dataclasses
    from pathlib import Path

    from kg.documents import read_document
    from kg.extraction import extract_document
    from kg.rules import relation_rules

    root = Path(__file__).resolve().parent.parent
    docs = [read_document(p) for p in [*sorted((root / "seeds").glob("*.txt")), *sorted((root / "tests" / "corpus").rglob("*.md"))]]
    gated = [extract_document(d, lexicon).relations for d in docs]
    assert sum(r.gate is not None for r in relation_rules()) >= 25  # most rules can be skipped
    ungated = tuple(dataclasses.replace(r, gate=None, lower_pattern=None) for r in relation_rules())
    import kg.extraction as extraction
    from kg.rules import mention_rules
    ungated_mentions = dataclasses.replace(mention_rules(), title_words=None, policy_nouns=None, goal_gate=None)
    original = extraction.relation_rules, extraction.mention_rules
    extraction.relation_rules, extraction.mention_rules = (lambda: ungated), (lambda: ungated_mentions)
    import kg.relations as relations
    from kg.ontology import CLASSES
    everything = frozenset(CLASSES)  # the class test skips nothing; the contract still checks each pair
    monkeypatch.setattr(relations, "SIGNATURES", {p: (everything, everything) for p in relations.SIGNATURES})
    try:
        assert [extract_document(d, lexicon).relations for d in docs] == gated
    finally:
        extraction.relation_rules, extraction.mention_rules = original


@pytest.mark.parametrize("modality, message", [
    (None, "'modality' must be a mapping"),
    ({"planned": ["will"], "negated": "not"}, "'modality.negated' must be a list of words"),
    ({"planned": ["will"], "negated": ["not"], "condition_openers": ["(if"], "conditions": ["if"],
      "consequences": ["would"]}, "'modality.condition_openers' is not a valid pattern"),
])
def test_bad_modality_cues_name_the_key(monkeypatch, modality, message):
    """The modality words are data (relations.yaml): a broken list is reported with its key, not a traceback."""
    import kg.rules
    from kg.errors import DataFileError

    read = kg.rules._read
    monkeypatch.setattr(kg.rules, "_read", lambda name: {**read(name), "modality": modality})
    kg.rules.modality_cues.cache_clear()
    try:
        with pytest.raises(DataFileError, match=message):
            kg.rules.modality_cues()
    finally:
        kg.rules.modality_cues.cache_clear()


def test_a_later_clause_with_its_own_subject_keeps_its_date(extract):
    """ "A drafted X, and B approved it on June 30": the date is the approval's, not the drafting's."""
    rels = extract("The Ministry of Transport drafted the Rules on Ports, and the State Council approved it on June 30.",
                   date="2016-07-01").relations
    dates = {r.predicate: r.date for r in rels if r.predicate in ("drafted", "issued")}
    assert dates == {"drafted": None, "issued": "2016-06-30"}
