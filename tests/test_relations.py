"""Sentence -> expected relations, one row per rule, and sentences that must yield nothing."""

import pytest


def _facts(extraction):
    names = {m.key: m.name for m in extraction.mentions}
    for code in ("CN", "DE", "FR", "US"):
        names.setdefault(f"lex:{code}", code)
    names["lex:mofcom"] = "Ministry of Commerce"
    return {(names.get(r.subject, r.subject), r.predicate, names.get(r.object, r.object)) for r in extraction.relations
            if r.predicate != "country" and r.predicate != "locatedIn"}


MOF, MOST, NDRC = "Ministry of Finance", "Ministry of Science and Technology", "National Development and Reform Commission"


@pytest.mark.parametrize("rule, text, expected", [
    ("issued.active.v1", "The Ministry of Finance and the NDRC jointly issued the Measures for Rural Credit Pilots.",
     {(MOF, "issued", "Measures for Rural Credit Pilots"), (NDRC, "issued", "Measures for Rural Credit Pilots")}),
    ("issued.passive.v1", "The Opinions on Cleaner Ports were promulgated by the State Council.",
     {("State Council", "issued", "Opinions on Cleaner Ports")}),
    ("revised.active.v1", "The Ministry of Science and Technology revised and released the Guidelines for Lab Safety.",
     {(MOST, "revised", "Guidelines for Lab Safety"), (MOST, "issued", "Guidelines for Lab Safety")}),
    ("established.active.v1", "The Ministry of Finance, the NDRC and the Ministry of Science and Technology have established the Seed Fund Alliance.",
     {(MOF, "established", "Seed Fund Alliance"), (NDRC, "established", "Seed Fund Alliance"), (MOST, "established", "Seed Fund Alliance")}),
    ("established.passive.v1", "The Harbour Robotics Center, which was founded by the Ministry of Science and Technology, opened.",
     {(MOST, "established", "Harbour Robotics Center")}),
    ("signed.active.v1", "The NDRC and the Federal Ministry of Finance signed the Memorandum of Understanding on Green Hydrogen.",
     {(NDRC, "signed", "Memorandum of Understanding on Green Hydrogen"),
      ("Federal Ministry of Finance", "signed", "Memorandum of Understanding on Green Hydrogen"),
      (NDRC, "cooperatesWith", "Federal Ministry of Finance"), ("Federal Ministry of Finance", "cooperatesWith", NDRC)}),
    ("cooperates.with.v1", "The Ministry of Commerce cooperates with the World Trade Organization.",
     {("Ministry of Commerce", "cooperatesWith", "World Trade Organization"), ("World Trade Organization", "cooperatesWith", "Ministry of Commerce")}),
    ("aligned.between.v1", "They discussed the docking between Made in China 2025 and Industry 4.0.",
     {("Made in China 2025", "alignedWith", "Industry 4.0"), ("Industry 4.0", "alignedWith", "Made in China 2025")}),
    ("guides.fronted.v1", "Under the guidance of the NDRC, the Seed Fund Alliance grew fast.",
     {(NDRC, "guides", "Seed Fund Alliance")}),
    ("leads.title.v1", "Zhao Lifeng, Minister of Commerce, spoke.", {("Zhao Lifeng", "leads", "Ministry of Commerce")}),
    ("goal.policy.v1", "The Measures for Rural Credit Pilots aim to support green development.",
     {("Measures for Rural Credit Pilots", "hasGoal", "green manufacturing")}),
    ("cooperates.with.v1", "The Ministry of Commerce carried out exchanges with the industry in Chile and Peru.",
     {("Ministry of Commerce", "cooperatesWith", "Chile"), ("Ministry of Commerce", "cooperatesWith", "Peru")}),
    ("signed.active.v1", "Zhao Lifeng, Minister of Commerce, spoke.\nZhao Lifeng: Last year we signed the Memorandum on Fishing Quotas.",
     {("Ministry of Commerce", "signed", "Memorandum on Fishing Quotas")}),  # "we" is the speaker's ministry
    ("established.active.v1", "The NDRC and the Federal Ministry of Finance met in May. The two sides established the Joint Hydrogen Working Group.",
     {(NDRC, "established", "Joint Hydrogen Working Group"), ("Federal Ministry of Finance", "established", "Joint Hydrogen Working Group")}),
    ("established.active.v1", "The NDRC and the Federal Ministry of Finance signed the Memorandum on Ports, officially establishing the Joint Port Council.",
     {(NDRC, "established", "Joint Port Council"), ("Federal Ministry of Finance", "established", "Joint Port Council")}),
    ("participated.active.v1", "The NDRC and the Federal Ministry of Finance met. The two sides agreed. Both parties jointly organized the Northern Machinery Forum.",
     {(NDRC, "participatedIn", "Northern Machinery Forum"), ("Federal Ministry of Finance", "participatedIn", "Northern Machinery Forum")}),
    ("cooperates.adjective.v1", "Franco-German cooperation deepened.", {("FR", "cooperatesWith", "DE"), ("DE", "cooperatesWith", "FR")}),
])
def test_relations_table(extract, rule, text, expected):
    ex = extract(text)
    assert expected <= _facts(ex)
    assert rule in {r.rule for r in ex.relations}


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
])
def test_dates_resolve_against_document_date(extract, text, date):
    rels = [r for r in extract(text, date="2016-06-01").relations if r.predicate == "issued"]
    assert [r.date for r in rels] == [date]
