"""Self-contained, offline HTML views of the graph drawn by vis-network (from pyvis).

Layout is computed up front with networkx (fixed seed) and physics is off, so a
page draws at once. Everything the page needs is inline; a content security
policy allows only the page's own scripts, and every text reaches the page as
JSON data shown with textContent, so labels cannot execute.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import re
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.network import Network

STYLE = {  # class -> (colour, vis-network shape)
    "GovernmentBody": ("#1f77b4", "box"), "Organization": ("#2ca02c", "ellipse"), "Person": ("#d62728", "dot"),
    "Country": ("#9467bd", "diamond"), "Place": ("#8c564b", "triangle"), "Policy": ("#ff7f0e", "box"),
    "Goal": ("#17becf", "ellipse"), "Event": ("#e377c2", "star"),
}
DEFAULT_MAX_NODES = 300


def _vis_js() -> str:
    lib = resources.files("pyvis").joinpath("templates", "lib", "vis-9.1.2", "vis-network.min.js")
    return lib.read_text(encoding="utf-8")


def _app_js() -> str:
    return resources.files("kg.data").joinpath("view.js").read_text(encoding="utf-8")


def layout(graph: nx.Graph, seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic positions: a spring layout for small graphs, a few spring iterations from a
    circle up to 3,000 nodes, and a circle beyond (the whole-graph page is bounded anyway)."""
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v in graph.edges() if u != v))
    n = simple.number_of_nodes()
    if n == 0:
        return {}
    if n <= 1000:
        pos = nx.spring_layout(simple, seed=seed, iterations=50, k=3 / math.sqrt(n))
    elif n <= 3000:
        pos = nx.spring_layout(simple, pos=nx.circular_layout(simple), seed=seed, iterations=5)
    else:  # beyond a few thousand nodes a force layout costs tens of seconds: a circle, searchable and filterable
        pos = nx.circular_layout(simple)
    scale = 120 * math.sqrt(n) + 200
    return {node: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for node, (x, y) in pos.items()}


def bounded(graph: nx.MultiDiGraph, max_nodes: int) -> tuple[nx.MultiDiGraph, str]:
    """The most connected entities when the graph is too large to read, and a note saying so."""
    if graph.number_of_nodes() <= max_nodes:
        return graph, ""
    degree = nx.Graph(graph).degree()
    keep = sorted(graph.nodes, key=lambda n: (-degree[n], n))[:max_nodes]
    note = (f"Showing the {max_nodes} most connected of {graph.number_of_nodes()} entities. "
            "See more with kg view --max-nodes N, or one entity's neighbourhood with kg view --focus NAME.")
    return graph.subgraph(keep).copy(), note


def render_page(graph: nx.MultiDiGraph, title: str, note: str = "") -> str:
    """One HTML page for ``graph`` (nodes and edges as built by kg.network.to_networkx)."""
    positions = layout(graph)
    net = Network(directed=True)
    # pyvis's node and edge lists are filled directly: from_nx and add_node are far slower on large graphs
    for node, data in graph.nodes(data=True):
        colour, shape = STYLE.get(data.get("cls", ""), ("#7f7f7f", "dot"))
        x, y = positions.get(node, (0.0, 0.0))
        tooltip = "\n".join(part for part in (
            data.get("label", ""), data.get("label_zh", ""), f"class: {data.get('cls', '')}",
            f"country: {data['country']}" if data.get("country") else "",
            f"documents: {data.get('documents', '')}") if part)
        net.nodes.append({"id": node, "label": data.get("label") or node, "title": tooltip, "group": data.get("cls", ""),
                          "color": colour, "shape": shape, "x": x, "y": y, "labelZh": data.get("label_zh", "")})
    for n, (u, v, key, data) in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))):
        net.edges.append({"id": n, "from": u, "to": v, "label": key, "title": key, "arrows": "to",
                          "predicate": key, "evidence": data.get("evidence", "").split(" | "),
                          "documents": data.get("documents", ""), "date": data.get("date", ""),
                          "modality": data.get("modality", ""), "confidence": data.get("confidence", "")})
    payload = {"title": title, "note": note, "nodes": net.nodes, "edges": net.edges,
               "classes": {c: STYLE[c][0] for c in sorted({d.get("cls", "") for _, d in graph.nodes(data=True)}) if c in STYLE},
               "predicates": sorted({e["predicate"] for e in net.edges})}
    data_json = json.dumps(payload, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    scripts = [_vis_js(), _app_js()]
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    csp = f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ margin: 0; font: 14px system-ui, sans-serif; display: grid; grid-template-columns: 1fr 360px; grid-template-rows: auto 1fr; height: 100vh; }}
header {{ grid-column: 1 / 3; padding: 6px 10px; border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }}
#graph {{ min-height: 0; }}
#panel {{ border-left: 1px solid #ddd; padding: 8px; overflow: auto; }}
.legend span {{ display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; }}
.note {{ color: #a33; }}
blockquote {{ margin: 6px 0; padding-left: 8px; border-left: 3px solid #ccc; }}
</style></head>
<body>
<header><strong id="title"></strong><input id="search" type="search" placeholder="Find an entity (English or 中文)">
<span class="legend" id="legend"></span><span id="classes"></span><span id="predicates"></span><span class="note" id="note"></span></header>
<div id="graph"></div>
<aside id="panel"><p>Click an edge to read the sentences that state it; hover a node for its details.</p></aside>
<script type="application/json" id="kg-data">{data_json}</script>
<script>{scripts[0]}</script>
<script>{scripts[1]}</script>
</body></html>
"""


def index_page(pages: list[tuple[str, str]]) -> str:
    items = "\n".join(f'<li><a href="{html.escape(href)}">{html.escape(title)}</a></li>' for href, title in pages)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>policy-kg views</title></head>
<body><h1>policy-kg views</h1><ul>
{items}
</ul></body></html>
"""


def page_name(title: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-")[:60] or "view"
    return f"{slug}-{hashlib.sha256(title.encode()).hexdigest()[:6]}.html"


def write_pages(pages: dict[str, str], out_dir: Path) -> list[Path]:
    """Write the pages and index.html atomically, nothing outside ``out_dir``."""
    from .export import write_atomically

    return write_atomically(out_dir, {name: text.encode("utf-8") for name, text in pages.items()})


def render_views(graph_path: Path, *, focus: str | None = None, depth: int = 1, query: str | None = None,
                 params: dict[str, str] | None = None, max_nodes: int = DEFAULT_MAX_NODES) -> dict[str, str]:
    """The pages to write: the whole graph (bounded), an ego view, a query's view, and index.html.

    Raises:
        KgError: the graph is missing, the entity unknown, or the query refused.
    """
    from .analysis import find_entity
    from .network import to_networkx
    from .queries import find_query, open_store, run_query

    store = open_store(graph_path, merge=False)
    graph = to_networkx(store)
    pages: dict[str, str] = {}
    listed: list[tuple[str, str]] = []

    def add(title: str, subgraph: nx.MultiDiGraph, note: str = "") -> None:
        name = "graph.html" if title == "Whole graph" else page_name(title)
        pages[name] = render_page(subgraph, title, note)
        listed.append((name, f"{title} ({subgraph.number_of_nodes()} entities, {subgraph.number_of_edges()} relations)"))

    whole, note = bounded(graph, max_nodes)
    add("Whole graph", whole, note)
    if focus:
        center = find_entity(store, graph, focus)
        keep = nx.ego_graph(nx.Graph(graph), center, radius=depth).nodes
        add(f"Around {graph.nodes[center]['label']} (depth {depth})", graph.subgraph(keep).copy())
    if query:
        result = run_query(graph_path, find_query(query), params or {})
        iris = {t[1] for row in result.rows for t in row if t and t[0] == "uri"}
        iris |= set(re.findall(r"<([^>]+)>", result.turtle))
        add(f"Query {query}", graph.subgraph(n for n in graph if n in iris).copy())
    pages["index.html"] = index_page(listed)
    return pages
