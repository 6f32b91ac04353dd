"""Sentence -> expected observations (indicator, value, unit, period)."""

import pytest


@pytest.mark.parametrize("text, expected", [
    ("In 2019, exports of robots grew by 12.5%.", [("exports of robots (change)", "12.5", "percent", "2019")]),
    ("Steel output fell by 3% year-on-year in 2020.", [("Steel output (year-on-year change)", "-3", "percent", "2020")]),
    ("The share of clean energy reached 20 percent in 2018.", [("share of clean energy", "20", "percent", "2018")]),
    ("In 2021 car sales rose 4.1%, and battery output increased by 30%.",
     [("car sales (change)", "4.1", "percent", "2021"), ("battery output (change)", "30", "percent", "2021")]),
])
def test_observations_table(extract, text, expected):
    got = [(o.indicator, o.value, o.unit, o.period) for o in extract(text).observations]
    assert got == expected


@pytest.mark.parametrize("text", ["The plan was issued in 2016.", "About 40% of firms agreed, according to a survey."])
def test_sentences_without_a_figure_of_change_give_no_observation(extract, text):
    assert extract(text).observations == ()


def test_seed_graph_has_observations_with_provenance(seed_build):
    import pyoxigraph as ox

    _, out = seed_build
    store = ox.Store()
    store.load((out / "graph.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    rows = list(store.query("""PREFIX kg: <https://w3id.org/policy-kg/ns#>
        SELECT ?i ?v ?p ?e WHERE { ?o a kg:Observation ; kg:indicator ?i ; kg:value ?v ; kg:period ?p ; kg:evidence ?e }"""))
    assert ("8.9", "2015") in {(r["v"].value, r["p"].value) for r in rows}
