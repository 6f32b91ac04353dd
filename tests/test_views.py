"""HTML views in a real headless Chromium (Debian's chromium, driven by Playwright):
offline drawing, node count, evidence on edge click, inert hostile labels."""

import os
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import sync_playwright
from typer.testing import CliRunner

from kg.cli import app
from kg.network import to_networkx
from kg.queries import open_store
from kg.views import render_page

from .conftest import ROOT

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
runner = CliRunner()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"The view tests drive a real Chromium and found none at {CHROMIUM}: install Debian's "
                    "chromium (apt-get install chromium; .ci/run does) or set KG_CHROMIUM to a Chromium binary.")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen = {"external": [], "errors": []}

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            seen["external"].append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-drawn='1']", timeout=15000)
    return page, seen


@pytest.fixture(scope="module")
def seed_views(seed_build, tmp_path_factory):
    _, out = seed_build
    views = tmp_path_factory.mktemp("views")
    result = runner.invoke(app, ["view", "--graph", str(out / "graph.trig"), "--out", str(views), "--focus", "MIIT",
                                 "--query", "china-partners", "--param", "country=Germany"])
    assert result.exit_code == 0, result.output
    return out, views


@pytest.mark.bad_input(32)
def test_seed_page_draws_offline_with_every_node(browser, seed_views):
    out, views = seed_views
    page, seen = _open(browser, views / "graph.html")
    graph = to_networkx(open_store(out / "graph.trig", merge=False))
    assert page.evaluate("kgNetwork.body.data.nodes.length") == graph.number_of_nodes()
    assert seen["external"] == [] and seen["errors"] == []
    (ROOT / "out").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "out" / "seed-view.png"))
    page.close()


def test_click_on_an_edge_shows_its_evidence(browser, seed_views):
    _, views = seed_views
    page, _ = _open(browser, views / "graph.html")
    # a point on an edge where no node lies, found with the network's own hit tests
    target = page.evaluate("""() => {
        const net = kgNetwork, pos = net.getPositions();
        for (const e of net.body.data.edges.get()) {
            const a = net.canvasToDOM(pos[e.from]), b = net.canvasToDOM(pos[e.to]);
            for (const f of [0.5, 0.4, 0.6, 0.3, 0.7]) {
                const p = {x: a.x + f * (b.x - a.x), y: a.y + f * (b.y - a.y)};
                if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === e.id) return {x: p.x, y: p.y, evidence: e.evidence[0]};
            }
        }
        return null;
    }""")
    assert target is not None
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    assert page.locator("#panel .evidence").first.text_content() == target["evidence"]
    page.close()


@pytest.mark.bad_input(34)
def test_views_write_nothing_outside_their_folder(seed_build, tmp_path, monkeypatch):
    _, out = seed_build
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = runner.invoke(app, ["view", "--graph", str(out / "graph.trig"), "--out", str(tmp_path / "pages")])
    assert result.exit_code == 0, result.output
    assert list(cwd.iterdir()) == [] and (tmp_path / "pages" / "index.html").exists()


def test_focus_and_query_pages_are_listed_in_the_index(seed_views):
    _, views = seed_views
    index = (views / "index.html").read_text()
    assert "graph.html" in index and "Around Ministry of Industry and Information Technology" in index
    assert "Query china-partners" in index
    assert len(list(views.glob("*.html"))) == 4


XSS = ['<img src=x onerror="window.__xss=1">', '</script><script>window.__xss=2</script>',
       '<a href="javascript:window.__xss=3">href</a>', '"><svg onload=window.__xss=4>', "<b>bold</b> 中文",
       "<iframe srcdoc=\"<script>parent.__xss=5</script>\"></iframe>", "javascript:window.__xss=6",
       "<details open ontoggle=window.__xss=7>", "{{constructor.constructor('window.__xss=8')()}}",
       "<style>@import 'http://127.0.0.1:9/x.css';</style><body onload=window.__xss=9>"]


@pytest.mark.bad_input(30, 31)
def test_hostile_labels_render_as_inert_text(browser, tmp_path):
    graph = nx.MultiDiGraph()
    for n, label in enumerate(XSS):
        graph.add_node(f"https://w3id.org/policy-kg/id/x{n}", label=label, label_zh="", cls="Organization",
                       country="", documents=label)
    graph.add_edge("https://w3id.org/policy-kg/id/x0", "https://w3id.org/policy-kg/id/x1", key="cooperatesWith",
                   predicate="cooperatesWith", evidence=XSS[1], documents="", date="", modality="", rule="r", confidence=0.5)
    page_path = tmp_path / "xss.html"
    page_path.write_text(render_page(graph, XSS[0]))
    page, seen = _open(browser, page_path)
    for node in page.evaluate("kgNetwork.body.data.nodes.getIds()"):
        position = page.evaluate(f"kgNetwork.canvasToDOM(kgNetwork.getPositions(['{node}'])['{node}'])")
        box = page.locator("#graph").bounding_box()
        page.mouse.move(box["x"] + position["x"], box["y"] + position["y"])
        page.wait_for_timeout(200)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#title").text_content() == XSS[0]
    assert sorted(page.evaluate("kgNetwork.body.data.nodes.get().map(n => n.label)")) == sorted(XSS)
    assert seen["external"] == []
    page.close()


@pytest.mark.bad_input(33)
def test_a_5000_node_graph_draws_from_a_precomputed_layout(browser, tmp_path):
    """Positions come with the page and physics is off, so the browser only draws; how long
    that takes is measured by tests/benchmarks/bench_views.py, not asserted here."""
    graph = nx.MultiDiGraph()
    for n in range(5000):
        graph.add_node(f"https://w3id.org/policy-kg/id/n{n}", label=f"Actor {n}", label_zh="", cls="Organization",
                       country="", documents="")
    for n in range(1, 5000):
        graph.add_edge(f"https://w3id.org/policy-kg/id/n{n}", f"https://w3id.org/policy-kg/id/n{n // 3}", key="memberOf",
                       predicate="memberOf", evidence="e", documents="", date="", modality="", rule="r", confidence=0.5)
    page_path = tmp_path / "big.html"
    page_path.write_text(render_page(graph, "5,000 nodes"))
    page, seen = _open(browser, page_path)
    assert page.evaluate("kgNetwork.body.data.nodes.length") == 5000
    assert page.evaluate("kgNetwork.body.data.nodes.get().every(n => Number.isFinite(n.x) && Number.isFinite(n.y))")
    assert page.evaluate("kgNetwork.physics.options.enabled") is False
    assert page.locator("#graph canvas").count() == 1 and seen["external"] == [] and seen["errors"] == []
    page.close()
