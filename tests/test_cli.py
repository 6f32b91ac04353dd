"""The CLI: exit codes and messages, and the README documenting every command."""

import re

from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT, SEED

runner = CliRunner()


def test_build_prints_summary_and_writes_outputs(tmp_path):
    result = runner.invoke(app, ["build", str(SEED), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Built 1 document(s)" in result.output and "Relations (" in result.output
    assert (tmp_path / "graph.ttl").exists() and (tmp_path / "graph.trig").exists()


def test_build_with_a_broken_file_builds_the_rest_and_exits_3(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("The State Council issued the Opinions on Cleaner Ports.")
    (docs / "empty.txt").write_text("  ")
    result = runner.invoke(app, ["build", str(docs), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "empty.txt is empty" in result.output
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_build_missing_path_exits_1_with_message(tmp_path):
    result = runner.invoke(app, ["build", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "out").exists()


def test_build_without_seeds_folder_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 1 and "no seeds/ folder" in result.output


def test_eval_reports_scores_and_min_f1_gate():
    gold = str(ROOT / "tests/gold/seed_mic2025_interview.yaml")
    result = runner.invoke(app, ["eval", gold])
    assert result.exit_code == 0, result.output
    assert "rel F1" in result.output and "missed relations" in result.output
    assert runner.invoke(app, ["eval", gold, "--min-f1", "0.99"]).exit_code == 2


def test_lexicon_check():
    result = runner.invoke(app, ["lexicon", "check"])
    assert result.exit_code == 0 and "Country" in result.output


def test_every_command_has_help_and_is_in_readme():
    readme = (ROOT / "README.md").read_text()
    for command in ("build", "eval", "query", "export", "validate", "view", "stats", "path", "lexicon check"):
        assert runner.invoke(app, [*command.split(), "--help"]).exit_code == 0
        assert f"kg {command}" in readme


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(pip install .*)$", readme, re.M)
    assert commands[:2] == ["pip install -e . && kg build", "pip install -e '.[test]' && pytest"]


def test_eval_explain_lists_missed_facts_with_the_triggers_that_nearly_fired(tmp_path):
    doc = tmp_path / "far.md"
    doc.write_text("The Ministry of Finance, in a move that was praised by many observers and partners abroad, "
                   "finally issued the Rules on Coastal Fishing.\n", encoding="utf-8")
    gold = tmp_path / "far.yaml"
    gold.write_text(f"document: {doc}\nsplit: dev\nentities:\n"
                    "  mof: {label: Ministry of Finance, class: GovernmentBody}\n"
                    "  rules: {label: Rules on Coastal Fishing, class: Policy}\n"
                    "relations:\n  - {s: mof, p: issued, o: rules}\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--explain", str(gold)])
    assert result.exit_code == 0, result.output
    assert "missed Ministry of Finance --issued--> Rules on Coastal Fishing" in result.output
    assert "triggers present: issued.active.v2 'issued'" in result.output
