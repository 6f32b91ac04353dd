import pytest

from kg.errors import DataFileError
from kg.lexicon import load_lexicon


def test_countries_come_from_cldr_with_chinese_names(lexicon):
    assert lexicon.entries["DE"].zh == "德国" and lexicon.entries["DE"].cls == "Country"
    assert lexicon.entries["HK"].cls == "Place" and lexicon.entries["HK"].country == "CN"
    assert sum(e.cls == "Country" for e in lexicon.entries.values()) >= 190


def test_every_entry_has_a_known_class_and_country(lexicon):
    for entry in lexicon.entries.values():
        assert entry.cls in {"GovernmentBody", "Organization", "Person", "Country", "Place", "Policy", "Goal", "Event"}
        assert entry.country is None or entry.country in lexicon.entries


def _write(tmp_path, text):
    (tmp_path / "bad.yaml").write_text(text)
    load_lexicon.cache_clear()
    try:
        return load_lexicon(str(tmp_path))
    finally:
        load_lexicon.cache_clear()


def test_unknown_class_names_file_entry_and_choices(tmp_path):
    with pytest.raises(DataFileError, match=r"bad\.yaml, entry x: class 'GovermentBody' is not in the ontology\. Known classes"):
        _write(tmp_path, "entries:\n  - {id: x, name: X, class: GovermentBody}\n")


def test_bad_wikidata_and_unknown_country_are_refused(tmp_path):
    with pytest.raises(DataFileError, match="wikidata"):
        _write(tmp_path, "entries:\n  - {id: x, name: X, class: Person, wikidata: '148'}\n")
    with pytest.raises(DataFileError, match="country 'ZZ'"):
        _write(tmp_path, "entries:\n  - {id: x, name: X, class: Person, country: ZZ}\n")
