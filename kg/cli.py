"""The `kg` command line: a thin layer over the library.

Exit codes: 0 done; 1 bad input or nothing could be built (or a refused or
malformed query); 2 a check ran and found problems (eval below --min-f1);
3 built, but some documents were skipped; 4 a query ran past its time limit.
"""

from __future__ import annotations

import logging
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .errors import KgError

app = typer.Typer(help="policy-kg: turn policy texts into a knowledge graph with sentence-level evidence.",
                  no_args_is_help=True, add_completion=False)
lexicon_app = typer.Typer(help="Inspect and check the lexicon.", no_args_is_help=True)
app.add_typer(lexicon_app, name="lexicon")

EXIT_SKIPPED = 3


def _params(items: list[str] | None) -> dict[str, str]:
    """--param NAME=VALUE options as a dict."""
    params = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"'{item}' is not NAME=VALUE.", param_hint="--param")
        params[key.strip()] = value
    return params


def _fail(exc: KgError) -> typer.Exit:
    typer.echo(f"Error: {exc}", err=True)
    return typer.Exit(code=exc.exit_code)


@app.command()
def build(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (.txt, .md, .html, .pdf). Default: seeds/")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out"),
    date: Annotated[str | None, typer.Option(help="Document date (YYYY, YYYY-MM or YYYY-MM-DD) for relative dates.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Decode every file with this encoding (e.g. gb18030, cp1252).")] = None,
    max_bytes: Annotated[int, typer.Option(help="Refuse files larger than this.")] = 200 * 1024 * 1024,
    lenient: Annotated[bool, typer.Option(help="Replace invalid UTF-8 by U+FFFD instead of skipping the file.")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Extract in this many processes (default: the number of cores).")] = os.cpu_count() or 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Build the knowledge graph: publishes OUT/graph.ttl, graph.trig, manifest.json and the query store as one set."""
    from .pipeline import build_to

    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="Warning: %(message)s")
    if not paths:
        if not Path("seeds").is_dir():
            raise _fail(KgError("No paths given and there is no seeds/ folder here. Pass files or folders: kg build PATH..."))
        paths = [Path("seeds")]
    progress = None
    if not quiet and sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            if total >= 20:
                typer.echo(f"\r{done}/{total} documents", nl=done == total, err=True)
    try:
        result = build_to(out, paths, date=date, encoding=encoding, max_bytes=max_bytes, lenient=lenient,
                          progress=progress, jobs=jobs)
    except KgError as exc:
        raise _fail(exc) from None
    _report_build(result, quiet)


def _report_build(result, quiet: bool) -> None:
    for skipped in result.skipped:
        typer.echo(f"Skipped: {skipped.reason}", err=True)
    if not quiet:
        classes = ", ".join(f"{c} {n}" for c, n in sorted(result.entities_by_class.items()))
        predicates = ", ".join(f"{p} {n}" for p, n in sorted(result.relations_by_predicate.items()))
        typer.echo(f"Built {result.documents} document(s) ({result.extracted} extracted, "
                   f"{result.documents - result.extracted} unchanged), {result.sentences} sentences, "
                   f"{result.words:,} words in {result.seconds:.2f} s")
        typer.echo(f"Entities ({sum(result.entities_by_class.values())}): {classes}")
        typer.echo(f"Relations ({sum(result.relations_by_predicate.values())}): {predicates}")
        typer.echo("Wrote " + ", ".join(str(p) for p in result.outputs))
    if result.skipped:
        raise typer.Exit(code=EXIT_SKIPPED)


@app.command()
def remove(
    documents: Annotated[list[str], typer.Argument(help="Documents of the last build: source path, file name or SHA-256 prefix.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder of the build.")] = Path("out"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
) -> None:
    """Remove documents from the last build: their named graphs go, entities other documents name stay."""
    from .pipeline import remove_documents

    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, format="Warning: %(message)s")
    try:
        result = remove_documents(out, documents)
    except KgError as exc:
        raise _fail(exc) from None
    _report_build(result, quiet)


@app.command("eval")
def eval_(
    gold: Annotated[list[Path], typer.Argument(help="Gold annotation files (YAML), e.g. tests/gold/*.yaml")],
    graph: Annotated[Path | None, typer.Option(help="A built graph.trig or graph.ttl; default: build the gold documents now.")] = None,
    explain: Annotated[bool, typer.Option(help="List each missed and wrong relation with its evidence.")] = False,
    min_f1: Annotated[float, typer.Option(help="Exit 2 when the overall relation F1 is below this.")] = 0.0,
) -> None:
    """Precision, recall and F1 of entities and relations against gold annotations."""
    from .evaluate import Score, evaluate, load_gold
    from .pipeline import build

    try:
        golds = [load_gold(p) for p in gold]
        if graph is not None:
            from .graph import new_dataset
            if not graph.is_file():
                raise KgError(f"{graph} does not exist. Build it first: kg build")
            ds = new_dataset()
            ds.parse(graph, format="ox-trig" if graph.suffix == ".trig" else "ox-turtle")
        else:
            ds = build([Path(g.document) for g in golds]).dataset
        reports = [evaluate(g, ds, explain) for g in golds]
    except KgError as exc:
        raise _fail(exc) from None
    totals = {split: (Score(), Score(), Score()) for split in sorted({r.split for r in reports})}
    typer.echo(f"{'document':44} {'split':8} {'ent P':>6} {'ent R':>6} {'rel P':>6} {'rel R':>6} {'rel F1':>6} {'relax F1':>8} {'dates':>6}")
    for r in reports:
        dates = f"{r.dates_right}/{r.dates_stated}"
        typer.echo(f"{Path(r.document).name[:44]:44} {r.split:8} {r.entities.precision:6.2f} {r.entities.recall:6.2f} "
                   f"{r.relations.precision:6.2f} {r.relations.recall:6.2f} {r.relations.f1:6.2f} {r.relaxed.f1:8.2f} {dates:>6}")
        for total, score in zip(totals[r.split], (r.entities, r.relations, r.relaxed), strict=True):
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
    for split, (ent, rel, relaxed) in totals.items():
        typer.echo(f"{'ALL ' + split:44} {split:8} {ent.precision:6.2f} {ent.recall:6.2f} {rel.precision:6.2f} "
                   f"{rel.recall:6.2f} {rel.f1:6.2f} {relaxed.f1:8.2f}")
    for r in reports:
        typer.echo(f"\n== {r.document}")
        if r.duplicates:
            typer.echo("  duplicate entities: " + "; ".join(r.duplicates))
        typer.echo("  missed entities: " + ("; ".join(r.missed_entities) or "none"))
        typer.echo("  missed relations:" + "".join(f"\n    - {m}" for m in r.missed) if r.missed else "  missed relations: none")
        typer.echo("  wrong relations:" + "".join(f"\n    - {w}" for w in r.wrong) if r.wrong else "  wrong relations: none")
        for line in r.explanations:
            typer.echo(f"  * {line}")
    overall = Score()
    for _, rel, _ in totals.values():
        overall.tp += rel.tp
        overall.fp += rel.fp
        overall.fn += rel.fn
    if overall.f1 < min_f1:
        typer.echo(f"Error: relation F1 {overall.f1:.2f} is below --min-f1 {min_f1:.2f}.", err=True)
        raise typer.Exit(code=2)


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    md = "md"


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="A named query (see --list) or a .rq file.")] = None,
    expression: Annotated[str | None, typer.Option("-e", "--expression", help="SPARQL text to run instead of a named query.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, bound safely to ?NAME (repeatable).")] = None,
    graph: Annotated[Path | None, typer.Option(help="The store folder or graph file to query (default: the last build's out/store).")] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format.")] = ResultFormat.table,
    timeout: Annotated[float, typer.Option(help="Stop the query after this many seconds (exit 4).")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Return at most this many rows; a notice says when more were cut.")] = 10_000,
    list_: Annotated[bool, typer.Option("--list", help="List the named queries with their titles.")] = False,
    endpoint: Annotated[str | None, typer.Option(help="Run on this SPARQL 1.1 endpoint instead of the local store.")] = None,
) -> None:
    """Run a read-only SPARQL query on the graph: SELECT, ASK, CONSTRUCT or DESCRIBE."""
    from .queries import NamedQuery, default_graph_path, find_query, list_queries, run_query
    from .results import format_result

    try:
        if list_:
            for q in list_queries():
                params = f"  [{', '.join(q.parameters)}]" if q.parameters else ""
                typer.echo(f"{q.name:20} {q.title}{params}")
            return
        if (name is None) == (expression is None):
            raise KgError("Give a query name, a .rq file, or -e 'SPARQL' (one of them). See: kg query --list")
        chosen = NamedQuery("-e", expression) if expression is not None else find_query(name)
        params = _params(param)
        if endpoint:
            from .remote import query_endpoint
            result = query_endpoint(endpoint, chosen, params, timeout=timeout, max_rows=max_rows)
        else:
            graph = graph or default_graph_path()
            if not graph.exists():
                raise KgError(f"{graph} does not exist. Build the graph first: kg build")
            result = run_query(graph, chosen, params, timeout=timeout, max_rows=max_rows)
    except KgError as exc:
        raise _fail(exc) from None
    typer.echo(format_result(result, fmt.value), nl=False)
    if result.truncated:
        typer.echo(f"Note: results truncated at {max_rows:,} rows; raise --max-rows to see more.", err=True)


@app.command()
def push(
    endpoint: Annotated[str, typer.Option(help="The server's SPARQL endpoint (used for the Graph Store URL when --graph-store is not given).")],
    graph_store: Annotated[str | None, typer.Option(help="The server's Graph Store Protocol URL (e.g. http://host:7878/store).")] = None,
    graph: Annotated[Path, typer.Option(help="The build to push (default: the last build's graph.trig).")] = Path("out/graph.trig"),
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each answer.")] = 60.0,
) -> None:
    """Load each document's named graph into a SPARQL 1.1 server (replacing it there, so pushing twice is harmless)."""
    from .remote import push as push_graphs

    try:
        if not graph.exists():
            raise KgError(f"{graph} does not exist. Build the graph first: kg build")
        report = push_graphs(graph, graph_store or endpoint, timeout=timeout)
    except KgError as exc:
        raise _fail(exc) from None
    rate = report.triples / report.seconds if report.seconds else 0
    typer.echo(f"Pushed {report.graphs} graphs, {report.triples:,} triples in {report.seconds:.2f} s ({rate:,.0f} triples/s) "
               f"to {graph_store or endpoint}")


@app.command()
def serve(
    graph: Annotated[Path, typer.Option(help="The store folder or graph file to serve.")] = Path("out/store"),
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 7878,
    views: Annotated[Path, typer.Option(help="Folder of kg view pages to serve under /views/.")] = Path("out/views"),
    timeout: Annotated[float, typer.Option(help="Stop each query after this many seconds (HTTP 503).")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Return at most this many rows per query.")] = 10_000,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint (/sparql) over the local store, and the HTML views (/views/)."""
    from .server import make_server

    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        server = make_server(graph, host=host, port=port, views=views, timeout=timeout, max_rows=max_rows)
    except KgError as exc:
        raise _fail(exc) from None
    typer.echo(f"Serving {graph} at http://{host}:{server.server_address[1]}/sparql (read-only) and /views/; Ctrl-C stops.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    ntriples = "ntriples"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    all = "all"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="The format, or all of them.")] = ExportFormat.all,
    graph: Annotated[Path, typer.Option(help="The graph to export (default: the last build).")] = Path("out/graph.trig"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the exported files.")] = Path("out/export"),
) -> None:
    """Export the graph for other tools: RDF (Turtle, TriG, N-Quads, N-Triples, JSON-LD), GraphML, GEXF, CSV."""
    from .export import FORMATS, export_graph, write_atomically
    from .queries import open_store

    try:
        store = open_store(graph, merge=False)
        files: dict[str, bytes] = {}
        for name in FORMATS if fmt is ExportFormat.all else (fmt.value,):
            files.update(export_graph(store, name))
        written = write_atomically(out, files)
    except KgError as exc:
        raise _fail(exc) from None
    typer.echo("Wrote " + ", ".join(str(p) for p in written))


@app.command()
def validate(
    graph: Annotated[Path, typer.Argument(help="A graph.trig or graph.ttl (default: the last build).")] = Path("out/graph.trig"),
) -> None:
    """Check a graph against the contract's SHACL shapes; exit 0 when it conforms, 2 when not."""
    from .validate import validate_graph

    try:
        violations = validate_graph(graph)
    except KgError as exc:
        raise _fail(exc) from None
    if not violations:
        typer.echo(f"{graph} conforms to the contract's shapes (kg/data/shapes.ttl).")
        return
    typer.echo(f"{graph} does not conform: {len(violations)} violation(s).")
    for violation in violations:
        typer.echo(f"  - {violation}")
    raise typer.Exit(code=2)


@app.command()
def view(
    graph: Annotated[Path, typer.Option(help="The graph (default: the last build).")] = Path("out/graph.trig"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the pages.")] = Path("out/views"),
    focus: Annotated[str | None, typer.Option(help="Also draw the neighbourhood of this entity (label or alias, English or Chinese).")] = None,
    depth: Annotated[int, typer.Option(help="How many steps around --focus.")] = 1,
    query: Annotated[str | None, typer.Option(help="Also draw the entities a named query returns.")] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE for --query (repeatable).")] = None,
    max_nodes: Annotated[int, typer.Option(help="Entities on the whole-graph page; the most connected are kept.")] = 300,
) -> None:
    """Write interactive, offline HTML pages of the graph under OUT, with an index.html."""
    from .views import render_views, write_pages

    params = _params(param)
    try:
        written = write_pages(render_views(graph, focus=focus, depth=depth, query=query, params=params,
                                           max_nodes=max_nodes), out)
    except KgError as exc:
        raise _fail(exc) from None
    typer.echo("Wrote " + ", ".join(str(p) for p in written))


@app.command()
def stats(
    graph: Annotated[Path, typer.Option(help="The graph (default: the last build).")] = Path("out/graph.trig"),
    top: Annotated[int, typer.Option(help="How many actors and communities to list.")] = 10,
) -> None:
    """Counts by class and predicate, the most central actors (degree, betweenness) and communities."""
    from .analysis import graph_stats
    from .network import to_networkx
    from .queries import open_store

    try:
        result = graph_stats(to_networkx(open_store(graph, merge=False)), top)
    except KgError as exc:
        raise _fail(exc) from None
    typer.echo("Entities by class: " + ", ".join(f"{c} {n}" for c, n in sorted(result.by_class.items())))
    typer.echo("Relations by predicate: " + ", ".join(f"{p} {n}" for p, n in sorted(result.by_predicate.items())))
    typer.echo("\nMost connected actors (distinct neighbours, country links left out):")
    for name, degree in result.degree:
        typer.echo(f"  {degree:4}  {name}")
    typer.echo("\nBrokers (betweenness centrality):")
    for name, value in result.betweenness:
        typer.echo(f"  {value:.3f}  {name}")
    typer.echo("\nCommunities (Louvain, seed 7):")
    for n, members in enumerate(result.communities, 1):
        typer.echo(f"  {n}. " + "; ".join(members))


@app.command()
def path(
    a: Annotated[str, typer.Argument(help="An entity's label or alias (English or Chinese).")],
    b: Annotated[str, typer.Argument(help="Another entity's label or alias.")],
    graph: Annotated[Path, typer.Option(help="The graph (default: the last build).")] = Path("out/graph.trig"),
) -> None:
    """The shortest chains of relations between two entities, each step with its evidence."""
    from .analysis import find_entity, shortest_chains
    from .network import to_networkx
    from .queries import open_store

    try:
        store = open_store(graph, merge=False)
        network = to_networkx(store)
        chains = shortest_chains(network, find_entity(store, network, a), find_entity(store, network, b))
    except KgError as exc:
        raise _fail(exc) from None
    if not chains:
        typer.echo(f"No chain of relations links '{a}' and '{b}'.")
        raise typer.Exit(code=2)
    for n, chain in enumerate(chains, 1):
        typer.echo(f"Chain {n} ({len(chain)} step{'s' if len(chain) != 1 else ''}):")
        for step in chain:
            typer.echo(f"  {step.source} --{step.predicate}--> {step.target}")
            typer.echo(f"      \"{step.evidence}\"")


@lexicon_app.command("check")
def lexicon_check() -> None:
    """Load and check every lexicon and rule file; print counts by class."""
    from collections import Counter

    from .lexicon import load_lexicon
    from .rules import mention_rules, relation_rules

    try:
        lexicon = load_lexicon()
        mention_rules()
        rules = relation_rules()
    except KgError as exc:
        raise _fail(exc) from None
    counts = Counter(e.cls for e in lexicon.entries.values())
    typer.echo("Lexicon OK: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) + f"; {len(rules)} relation rules.")
