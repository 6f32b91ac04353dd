"""The rule table (tests/rule_table.yaml): sentence -> expected facts for every rule, and negative rows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TABLE = yaml.safe_load((Path(__file__).parent / "rule_table.yaml").read_text(encoding="utf-8"))
ROWS = TABLE["rows"]


def _rule_ids() -> set[str]:
    """Every rule id a statement's kg:rule or a mention's source can carry: the data files' and the code's."""
    ids = set()
    for name in ("relations.yaml", "chinese.yaml"):
        data = yaml.safe_load((ROOT / "kg" / "data" / "rules" / name).read_text(encoding="utf-8"))
        ids |= {r["id"] for r in data.get("rules", []) + data.get("verbs", [])}
    for path in (ROOT / "kg").glob("*.py"):
        ids |= set(re.findall(r'"((?:[a-z]+\.)+v\d+)"', path.read_text(encoding="utf-8")))
    ids |= {f"name.{cls}.v1" for cls in ("governmentbody", "organization", "policy", "event", "place")}
    return ids


def test_every_rule_has_a_row():
    covered = {row["rule"] for row in ROWS}
    missing = sorted(_rule_ids() - covered - {f"name.{c}.v1" for c in ("governmentbody", "organization", "policy", "event", "place")})
    assert not missing, f"rules without a row in tests/rule_table.yaml: {missing}"


def test_every_predicate_has_a_negative_row():
    from kg.ontology import SIGNATURES
    negative = {row["rule"].split(".")[0] if not row["rule"].startswith("zh.") else "zh" for row in ROWS
                if row.get("forbid") or row.get("nothing")}
    assert {"issued", "established", "drafted", "guides", "cooperates", "goal", "country", "coref", "zh"} <= negative
    assert len([r for r in ROWS if r.get("forbid") or r.get("nothing")]) >= 12
    assert SIGNATURES  # the contract is loaded


def _label(key: str, names: dict[str, str], lexicon) -> str:
    if key.startswith("lex:") and key[4:] in lexicon.entries:
        return lexicon.entries[key[4:]].name
    return names.get(key, key)


@pytest.mark.parametrize("row", ROWS, ids=[f"{n:02d}-{r['rule']}" for n, r in enumerate(ROWS)])
def test_rule_row(extract, lexicon, row):
    ex = extract(row["text"], date=TABLE["document_date"])
    names = {m.key: m.name for m in ex.mentions if not m.source.startswith("coref")}
    facts = {(_label(r.subject, names, lexicon), r.predicate, _label(r.object, names, lexicon)): r for r in ex.relations}
    sources = {r.rule for r in ex.relations} | {m.source for m in ex.mentions} | {o.rule for o in ex.observations}
    for s, p, o in row.get("expect", []):
        assert (s, p, o) in facts, f"missing {s} --{p}--> {o}; found {sorted(facts)}"
        rel = facts[(s, p, o)]
        if "modality" in row:
            assert rel.modality == row["modality"]
        if "date" in row:
            assert rel.date == (None if row["date"] is None else str(row["date"]))  # null: the fact has no date
    for s, p, o in row.get("forbid", []):
        assert (s, p, o) not in facts, f"must not extract {s} --{p}--> {o}"
    if row.get("nothing"):
        assert [f for f in facts if f[1] not in ("country", "locatedIn")] == []
    if "observation" in row:
        label, value, period = row["observation"]
        assert any(o.indicator == label and o.value == value and o.period == period for o in ex.observations), ex.observations
    if row.get("expect") or "observation" in row:
        assert row["rule"] in sources, f"{row['rule']} did not fire; fired: {sorted(sources)}"
