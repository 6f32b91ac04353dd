"""kg stats and kg path on the seed's graph."""

from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT

runner = CliRunner()
MIIT = "Ministry of Industry and Information Technology"


def test_stats_lists_counts_central_actors_and_communities(seed_build):
    _, out = seed_build
    result = runner.invoke(app, ["stats", "--graph", str(out / "graph.trig")])
    assert result.exit_code == 0, result.output
    assert "Entities by class:" in result.output and "Relations by predicate:" in result.output
    central = result.output.split("Most connected actors")[1].splitlines()[1]
    assert central.strip().endswith(MIIT)
    assert "Communities (Louvain" in result.output and "1. " in result.output


def test_path_gives_chains_with_evidence_found_by_chinese_name(seed_build):
    _, out = seed_build
    result = runner.invoke(app, ["path", "工业和信息化部", "Federal Ministry for Economic Affairs and Energy",
                                 "--graph", str(out / "graph.trig")])
    assert result.exit_code == 0, result.output
    assert "Chain 1 (1 step)" in result.output and "--cooperatesWith-->" in result.output
    evidence = result.output.splitlines()[2].strip().strip('"')
    seed_text = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")
    assert len(evidence) > 40 and evidence in seed_text


def test_path_unknown_name_says_what_to_do(seed_build):
    _, out = seed_build
    result = runner.invoke(app, ["path", "Atlantis Ministry", "MIIT", "--graph", str(out / "graph.trig")])
    assert result.exit_code == 1 and "No entity is named 'Atlantis Ministry'" in result.output
