"""Network analysis of the graph with networkx: counts, central actors, communities,
and the shortest chains of relations between two entities, each step with its evidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox

from .errors import InputError

ACTOR_CLASSES = {"GovernmentBody", "Organization", "Person", "Country"}


@dataclass
class Stats:
    by_class: Counter = field(default_factory=Counter)
    by_predicate: Counter = field(default_factory=Counter)
    degree: list[tuple[str, int]] = field(default_factory=list)  # (label, distinct neighbours)
    betweenness: list[tuple[str, float]] = field(default_factory=list)
    communities: list[list[str]] = field(default_factory=list)


def graph_stats(graph: nx.MultiDiGraph, top: int = 10) -> Stats:
    """Counts by class and predicate, the most central actors, and communities (deterministic)."""
    stats = Stats()
    stats.by_class = Counter(data["cls"] for _, data in graph.nodes(data=True))
    stats.by_predicate = Counter(data["predicate"] for _, _, data in graph.edges(data=True))
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((u, v) for u, v, p in graph.edges(keys=True) if p != "country" and u != v))
    label = {n: graph.nodes[n]["label"] or n for n in graph.nodes}
    actors = [n for n in simple if graph.nodes[n]["cls"] in ACTOR_CLASSES]
    stats.degree = sorted(((label[n], simple.degree(n)) for n in actors), key=lambda x: (-x[1], x[0]))[:top]
    between = nx.betweenness_centrality(simple, seed=7) if simple.number_of_nodes() <= 5000 else \
        nx.betweenness_centrality(simple, k=500, seed=7)
    stats.betweenness = sorted(((label[n], round(between[n], 4)) for n in actors), key=lambda x: (-x[1], x[0]))[:top]
    connected = simple.subgraph(n for n in simple if simple.degree(n) > 0)
    if connected.number_of_edges():
        groups = nx.community.louvain_communities(connected, seed=7)
        stats.communities = sorted((sorted(label[n] for n in g) for g in groups), key=lambda g: (-len(g), g))[:top]
    return stats


_FIND = """
PREFIX kg: <https://w3id.org/policy-kg/ns#>
SELECT DISTINCT ?e WHERE { ?e kg:mentionedIn ?d }"""


def find_entity(store: ox.Store, graph: nx.MultiDiGraph, name: str) -> str:
    """The IRI of the entity with this English or Chinese label or alias (case aside).

    Raises:
        InputError: no entity, or several, have that name.
    """
    wanted = name.strip().casefold()
    matches = sorted({row["e"].value for row in store.query(_FIND, use_default_graph_as_union=True)
                      if _has_name(store, row["e"], wanted)})
    matches = [m for m in matches if m in graph]
    if not matches:
        raise InputError(f"No entity is named '{name}'. Try its English or Chinese label or an alias "
                         "(kg query entities-by-class lists them).")
    if len(matches) > 1:
        raise InputError(f"'{name}' names {len(matches)} entities: {', '.join(matches)}. Use a fuller name.")
    return matches[0]


def _has_name(store: ox.Store, node, wanted: str) -> bool:
    for predicate in ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#altLabel"):
        for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None):
            if quad.object.value.casefold() == wanted:
                return True
    return False


@dataclass(frozen=True)
class Step:
    source: str
    predicate: str
    target: str
    evidence: str


def shortest_chains(graph: nx.MultiDiGraph, a: str, b: str, limit: int = 5) -> list[list[Step]]:
    """The shortest chains of relations between two entities, in either direction, each step with evidence."""
    undirected = nx.MultiGraph(graph)
    try:
        paths = nx.all_shortest_paths(undirected, a, b)
        chains = []
        for path in paths:
            chains.append([_step(graph, u, v) for u, v in zip(path, path[1:], strict=False)])
            if len(chains) >= limit:
                break
    except nx.NetworkXNoPath:
        return []
    return chains


def _step(graph: nx.MultiDiGraph, u: str, v: str) -> Step:
    label = {n: graph.nodes[n]["label"] or n for n in (u, v)}
    if graph.has_edge(u, v):
        key = sorted(graph[u][v])[0]
        data = graph[u][v][key]
        return Step(label[u], data["predicate"], label[v], data["evidence"].split(" | ")[0])
    key = sorted(graph[v][u])[0]
    data = graph[v][u][key]
    return Step(label[v], data["predicate"], label[u], data["evidence"].split(" | ")[0])
