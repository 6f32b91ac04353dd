"""Write query results: W3C SPARQL 1.1 Query Results JSON, CSV and TSV, a readable
terminal table, and Markdown."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

from .queries import QueryResult

FORMATS = ("table", "csv", "tsv", "json", "md")


def format_result(result: QueryResult, fmt: str) -> str:
    """The result as text in ``fmt`` (one of FORMATS); CONSTRUCT and DESCRIBE are always Turtle."""
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return result.turtle
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, ensure_ascii=False) + "\n"
        if fmt in ("csv", "tsv"):
            return f"_askResult\r\n{str(result.boolean).lower()}\r\n" if fmt == "csv" else f"?_askResult\n{str(result.boolean).lower()}\n"
        return ("yes" if result.boolean else "no") + "\n"
    return {"json": _json, "csv": _csv, "tsv": _tsv, "md": _markdown, "table": _table}[fmt](result)


def _json(result: QueryResult) -> str:
    bindings = []
    for row in result.rows:
        binding = {}
        for var, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            kind, value, lang, datatype = term
            item = {"type": kind, "value": value}
            if lang:
                item["xml:lang"] = lang
            elif datatype:
                item["datatype"] = datatype
            binding[var] = item
        bindings.append(binding)
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([("_:" + t[1] if t[0] == "bnode" else t[1]) if t else "" for t in row])
    return out.getvalue()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    kind, value, lang, datatype = term
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _plain(term, width: int | None = None) -> str:
    if term is None:
        return ""
    text = " ".join(term[1].split())
    if term[0] == "uri" and "/policy-kg/id/" in text:
        text = "kgr:" + text.rsplit("/", 1)[1]
    elif term[0] == "uri" and "/policy-kg/ns#" in text:
        text = "kg:" + text.rsplit("#", 1)[1]
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _table(result: QueryResult) -> str:
    width = 60
    cells = [[_plain(t, width) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[k]) for r in cells]) for k, v in enumerate(result.variables)]
    line = "  ".join(_pad(v, w) for v, w in zip(result.variables, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join([line.rstrip(), rule, *body, f"({len(cells)} row{'s' if len(cells) != 1 else ''})"]) + "\n"


def _markdown(result: QueryResult) -> str:
    def cell(term) -> str:
        return _plain(term).replace("|", "\\|")
    lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
    lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"
