"""Find, check and run SPARQL queries: the named ones in queries/, a file, or text.

Queries are read-only: after parsing, SERVICE, FROM / FROM NAMED and every
update (LOAD, INSERT, DELETE, CLEAR, DROP...) are refused before anything runs.
Parameters are bound as RDF terms written by pyoxigraph (escaped), never by
pasting the user's text. A query runs in a forked child with a time and memory limit, and its
rows are capped.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, KgError
from .ontology import KG_NS, KGR_NS
from .store import merge_into_default_graph, open_read_only

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 10_000
MEMORY_LIMIT = 2 * 1024**3
_HEADER = re.compile(r"^#\s*(title|answers|parameters|example)\s*:\s*(.*)$", re.I)
_PARAM_LINE = re.compile(r"^#\s+-\s*(\w+)\s*(?:\(optional\))?\s*:?\s*(.*)$")


class QueryRefused(KgError):
    """The query asks for something policy-kg never does (network, files, updates)."""


class QueryTimeout(KgError):
    """The query ran past its time limit and was stopped."""

    exit_code = 4


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str = ""
    answers: str = ""
    parameters: dict[str, str] = field(default_factory=dict)  # name -> description
    optional: frozenset[str] = frozenset()
    example: str = ""
    source: str = "-e"


@dataclass
class QueryResult:
    kind: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    variables: list[str] = field(default_factory=list)
    rows: list[list[tuple | None]] = field(default_factory=list)  # terms as (type, value, lang, datatype)
    boolean: bool | None = None
    turtle: str = ""
    truncated: bool = False


def queries_folder() -> Path:
    """queries/ of the project: next to the package when installed in place, else the working directory."""
    for base in (Path(__file__).resolve().parent.parent, Path.cwd()):
        if (base / "queries").is_dir():
            return base / "queries"
    raise InputError("No queries/ folder found. Run from the project folder or pass a .rq file.")


def parse_header(name: str, text: str, source: str) -> NamedQuery:
    fields: dict[str, str] = {}
    params: dict[str, str] = {}
    optional: set[str] = set()
    in_params = False
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match:
            key = match.group(1).lower()
            fields[key] = match.group(2).strip()
            in_params = key == "parameters"
            continue
        param = _PARAM_LINE.match(line)
        if in_params and param:
            params[param.group(1)] = param.group(2).strip()
            if "(optional)" in line:
                optional.add(param.group(1))
    return NamedQuery(name, text, fields.get("title", ""), fields.get("answers", ""), params, frozenset(optional),
                      fields.get("example", ""), source)


def example_params(query: NamedQuery) -> dict[str, str]:
    """The --param values of the query's example line (for tests and benchmarks)."""
    import shlex

    words = shlex.split(query.example) if query.example else []
    out = {}
    for flag, value in zip(words, words[1:], strict=False):
        if flag in ("--param", "-p"):
            key, _, val = value.partition("=")
            out[key] = val
    return out


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    folder = folder or queries_folder()
    return [load_query_file(p) for p in sorted(folder.glob("*.rq"))]


def load_query_file(path: Path) -> NamedQuery:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}.") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 (invalid byte at offset {exc.start}). Save it as UTF-8.") from None
    return parse_header(path.stem, text, str(path))


def find_query(name_or_path: str, folder: Path | None = None) -> NamedQuery:
    """A named query (queries/NAME.rq) or a .rq file."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return load_query_file(path)
    folder = folder or queries_folder()
    candidate = folder / f"{name_or_path}.rq"
    if candidate.is_file():
        return load_query_file(candidate)
    names = ", ".join(q.name for q in list_queries(folder))
    raise InputError(f"No query named '{name_or_path}'. Available names: {names}. Or pass a .rq file or -e 'SPARQL'.")


def check_query(text: str, source: str = "query") -> str:
    """Parse ``text`` and refuse anything that is not a read-only local query.

    Returns:
        The query form: SELECT, ASK, CONSTRUCT or DESCRIBE.

    Raises:
        QueryRefused: SERVICE, FROM/FROM NAMED or an update; the message names the clause.
        InputError: a syntax error, with line and column.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            update = parseUpdate(text)
        except ParseException:
            raise InputError(f"{source} does not parse (line {exc.lineno}, column {exc.col}): {exc.msg}.") from None
        ops = [op.name for op in update.request] if hasattr(update, "request") else []
        clause = ops[0].upper() if ops else "UPDATE"
        raise QueryRefused(f"{source} is a SPARQL update ({_clause_name(clause)}); policy-kg queries are read-only. "
                           "Use SELECT, ASK, CONSTRUCT or DESCRIBE.") from None
    names = _node_names(tree, set())
    if "ServiceGraphPattern" in names:
        raise QueryRefused(f"{source} uses SERVICE, which would query another endpoint over the network; "
                           "policy-kg answers from its own graph only. Remove the SERVICE clause.")
    if "DatasetClause" in names:
        raise QueryRefused(f"{source} uses FROM or FROM NAMED, which would load another graph (a file or URL); "
                           "policy-kg answers from its own graph only. Remove the clause; use GRAPH to pick a document.")
    for kind in ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"):
        if kind in names:
            return kind.removesuffix("Query").upper()
    raise InputError(f"{source} is not a SELECT, ASK, CONSTRUCT or DESCRIBE query.")


def _clause_name(op: str) -> str:
    return {"INSERTDATA": "INSERT DATA", "DELETEDATA": "DELETE DATA", "DELETEWHERE": "DELETE WHERE",
            "MODIFY": "DELETE/INSERT"}.get(op, op)


def _node_names(node, acc: set[str]) -> set[str]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        acc.add(node.name)
        for value in node.values():
            _node_names(value, acc)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for value in node:
            _node_names(value, acc)
    return acc


def bind_parameters(query: NamedQuery, params: dict[str, str]) -> dict[ox.Variable, ox.Literal | ox.NamedNode]:
    """Values for the query's variables: IRIs when written <...> or kgr:..., literals otherwise.

    Raises:
        InputError: a parameter the query does not declare, or a required one missing.
    """
    declared = set(query.parameters)
    unknown = set(params) - declared
    if declared and unknown:  # a query without a parameters header accepts any variable
        raise InputError(f"Query '{query.name}' has no parameter {sorted(unknown)}. Its parameters: {', '.join(sorted(declared))}.")
    missing = declared - set(params) - set(query.optional)
    if missing:
        raise InputError(f"Query '{query.name}' needs --param {sorted(missing)[0]}=VALUE ({query.parameters[sorted(missing)[0]]}).")
    out: dict[ox.Variable, ox.Literal | ox.NamedNode] = {}
    for name, value in params.items():
        # ?NAME_en / ?NAME_zh: the value as an English or Chinese label, so that a
        # query can look labels up by index instead of scanning them.
        for lang in ("en", "zh"):
            if f"?{name}_{lang}" in query.text:
                out[ox.Variable(f"{name}_{lang}")] = ox.Literal(value, language=lang)
        # ?NAME_kg: the value as a term of the ontology (a class or relation name)
        if f"?{name}_kg" in query.text and re.fullmatch(r"[A-Za-z]\w*", value):
            out[ox.Variable(f"{name}_kg")] = ox.NamedNode(KG_NS + value)
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise InputError(f"--param {name}=...: a parameter name is a SPARQL variable name (letters, digits, _).")
        if value.startswith("<") and value.endswith(">"):
            term: ox.Literal | ox.NamedNode = ox.NamedNode(value[1:-1])
        elif value.startswith("kgr:"):
            term = ox.NamedNode(KGR_NS + value[4:])
        else:
            term = ox.Literal(value)
        out[ox.Variable(name)] = term
    return out


def bound_text(query: NamedQuery, params: dict[str, str]) -> str:
    """The query text with its parameters bound by a VALUES block at the start of every
    WHERE group (the query's and each subquery's), for an endpoint that takes text only.

    Each value is written as an RDF term by pyoxigraph, which escapes it, so a value can
    never become query text; the result is checked again before it is sent.
    """
    text = with_values(query.text, bind_parameters(query, params))
    if text != query.text:
        check_query(text, query.source)
    return text


def with_values(text: str, bound: dict[ox.Variable, ox.Literal | ox.NamedNode]) -> str:
    """``text`` with a one-row VALUES block of ``bound`` at the start of each WHERE group.

    Locally the values are also substituted; the block is there for the query planner,
    which sees a VALUES block but plans as if substituted variables were free (a label
    lookup then became a scan of every label: 20 times slower at 10,000 documents).
    """
    if not bound:
        return text
    block = f" VALUES ({' '.join(str(v) for v in bound)}) {{ ({' '.join(str(t) for t in bound.values())}) }} "
    positions = _where_braces(text)
    if not positions:
        return text + "\n" + block.strip() + "\n"  # no WHERE keyword: a trailing VALUES clause
    for at in reversed(positions):
        text = text[:at] + block + text[at:]
    return text


_WHERE = re.compile(r"WHERE\s*\{", re.I)


def _where_braces(text: str) -> list[int]:
    """Offsets just after the '{' of each ``WHERE {``, outside comments, strings and IRIs."""
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif ch in "\"'":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
        elif ch == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i = text.index(">", i) + 1
        elif (ch in "Ww") and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_?$:")):
            match = _WHERE.match(text, i)
            if match:
                out.append(match.end())
                i = match.end()
            else:
                i += 1
        else:
            i += 1
    return out


def open_store(graph: Path, merge: bool = True) -> ox.Store:
    """The store to query: the build's on-disk store (a folder), or a graph.trig/.ttl loaded in memory.

    Each document stays in its named graph, and the default graph holds their
    merge (plus the ontology): queries read the default graph, where each fact
    and label appears once, which is much faster than a union of graphs.
    ``merge=False`` (a file only) keeps the named graphs apart, for exports and views.
    """
    if graph.is_dir():
        if not merge:
            raise InputError(f"{graph} is a query store; give a graph.trig for this command (e.g. out/graph.trig).")
        return open_read_only(graph)
    if not graph.is_file():
        raise InputError(f"{graph} does not exist. Build the graph first: kg build")
    store = ox.Store()
    fmt = ox.RdfFormat.TRIG if graph.suffix == ".trig" else ox.RdfFormat.TURTLE
    try:
        store.bulk_load(path=str(graph), format=fmt)
    except (SyntaxError, ValueError, OSError) as exc:
        raise InputError(f"{graph} cannot be read as RDF: {exc}. Rebuild it: kg build") from None
    return merge_into_default_graph(store) if merge else store


def default_graph_path(out_dir: Path = Path("out")) -> Path:
    """What queries read when no --graph is given: the last build's store, else its graph.trig."""
    store = out_dir / "store"
    return store if store.is_dir() else out_dir / "graph.trig"


def run_query(store: ox.Store | Path, query: NamedQuery, params: dict[str, str] | None = None, *,
              timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS) -> QueryResult:
    """Check and run a query in a child process with a time and memory limit.

    ``store`` may be a graph file: the child then loads it itself, so the parent
    forks nothing large (the CLI does this).

    Raises:
        QueryRefused, InputError: before anything runs.
        QueryTimeout: the query ran past ``timeout`` seconds.
    """
    kind = check_query(query.text, query.source if query.source != "-e" else "the query")
    substitutions = bind_parameters(query, params or {})
    text = with_values(query.text, substitutions)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, store, text, kind, substitutions, max_rows), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"The query ran for more than {timeout:g} s and was stopped. "
                               "Narrow it (LIMIT, more specific patterns) or raise --timeout.")
        status, payload = receiver.recv()
    except EOFError:
        raise KgError("The query process ended without an answer (out of memory?). Narrow the query.") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if status == "error":
        raise InputError(payload)
    _drop_columns(payload, set(query.parameters) | {f"{p}_{suffix}" for p in query.parameters for suffix in ("en", "zh", "kg")})
    return payload


def _drop_columns(result: QueryResult, names: set[str]) -> None:
    """Parameters are projected so that they can be substituted; they are not output columns."""
    keep = [k for k, v in enumerate(result.variables) if v not in names]
    if len(keep) != len(result.variables):
        result.variables = [result.variables[k] for k in keep]
        result.rows = [[row[k] for k in keep] for row in result.rows]


def _child(sender, store: ox.Store | Path, text: str, kind: str, substitutions, max_rows: int) -> None:
    try:
        soft = MEMORY_LIMIT + _current_vm()
        resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
    except (ValueError, OSError):
        pass
    try:
        if isinstance(store, Path):
            store = open_store(store)
        answer = store.query(text, substitutions=substitutions)
        result = QueryResult(kind)
        if isinstance(answer, ox.QueryBoolean):
            result.boolean = bool(answer)
        elif isinstance(answer, ox.QuerySolutions):
            result.variables = [v.value for v in answer.variables]
            for n, solution in enumerate(answer):
                if n >= max_rows:
                    result.truncated = True
                    break
                result.rows.append([_term(solution[v]) for v in result.variables])
        else:
            triples = []
            for n, triple in enumerate(answer):
                if n >= max_rows:
                    result.truncated = True
                    break
                triples.append(triple)
            result.turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                                         prefixes={"kg": "https://w3id.org/policy-kg/ns#", "kgr": KGR_NS}).decode()
        sender.send(("ok", result))
    except Exception as exc:  # noqa: BLE001 - every failure must reach the parent as a message
        message = str(exc).removeprefix("Error: ")
        if "SELECT projection" in message:
            message += ". A --param variable must appear in the SELECT clause."
        sender.send(("error", f"The query failed: {message}"))
    finally:
        sender.close()
        os._exit(0)


def _current_vm() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _term(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None, None)
    datatype = term.datatype.value if term.datatype else None
    if term.language or datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    return ("literal", term.value, term.language, datatype)
