"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint over the local store, and the HTML views.

GET /sparql?query=... and POST (application/sparql-query, or a form with query=)
answer with SPARQL results JSON, CSV or TSV as the Accept header asks (Turtle for
CONSTRUCT and DESCRIBE). Every query goes through the same checks and limits as
`kg query`: updates are refused with 403, SERVICE and FROM with 400, a runaway
query stops at the timeout (503), rows are capped (a `KG-Truncated` header says so).
CORS headers let browser clients (YASGUI) call it. /views/ serves `kg view` pages.
"""

from __future__ import annotations

import json
import logging
import mimetypes
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .errors import InputError, KgError
from .queries import NamedQuery, QueryRefused, QueryTimeout, run_query
from .results import format_result

log = logging.getLogger(__name__)

MEDIA = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values"}
MAX_BODY = 1024 * 1024  # a query text over 1 MiB is refused
INDEX = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>policy-kg</title></head>
<body><h1>policy-kg</h1><p>SPARQL 1.1 endpoint (read-only): <code>/sparql</code>. Views: <a href="/views/">/views/</a>.</p>
</body></html>
"""


def make_server(store: Path, *, host: str = "127.0.0.1", port: int = 7878, views: Path | None = None,
                timeout: float = 10.0, max_rows: int = 10_000) -> ThreadingHTTPServer:
    """A server bound to ``host:port``, not yet serving (call ``serve_forever``).

    Raises:
        InputError: the store does not exist, or the address cannot be bound.
    """
    if not store.exists():
        raise InputError(f"{store} does not exist. Build the graph first: kg build")

    class Handler(_Handler):
        pass

    Handler.store, Handler.views, Handler.timeout, Handler.max_rows = store, views, timeout, max_rows
    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except OSError as exc:
        raise InputError(f"Cannot listen on {host}:{port}: {exc.strerror}. Pass another --port.") from None
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    store: Path
    views: Path | None
    timeout: float
    max_rows: int
    server_version = "policy-kg"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), format % args)

    # ---- routing

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def do_GET(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/sparql", "/query"):
            params = urllib.parse.parse_qs(url.query)
            if "update" in params:
                return self._refuse_update()
            if "query" not in params:
                return self._error(HTTPStatus.BAD_REQUEST, "Give the query as ?query=... (SPARQL 1.1 Protocol).")
            return self._query(params["query"][0])
        if url.path == "/":
            return self._send(HTTPStatus.OK, INDEX.encode(), "text/html; charset=utf-8")
        if url.path == "/views" or url.path.startswith("/views/"):
            return self._view(urllib.parse.unquote(url.path[len("/views"):]).lstrip("/") or "index.html")
        return self._error(HTTPStatus.NOT_FOUND, "Not found. The endpoint is /sparql; the views are under /views/.")

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/query", "/update"):
            return self._error(HTTPStatus.NOT_FOUND, "Not found. The endpoint is /sparql.")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The query is over 1 MiB.")
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if url.path == "/update" or kind == "application/sparql-update":
            return self._refuse_update()
        if kind == "application/sparql-query":
            return self._query(body)
        form = urllib.parse.parse_qs(body)
        if "update" in form:
            return self._refuse_update()
        if "query" in form:
            return self._query(form["query"][0])
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           "POST the query as application/sparql-query, or as a form with query=.")

    def do_PUT(self) -> None:  # noqa: N802
        self._refuse_update()

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    # ---- answers

    def _query(self, text: str) -> None:
        try:
            result = run_query(self.store, NamedQuery("-e", text), {}, timeout=self.timeout, max_rows=self.max_rows)
        except QueryRefused as exc:
            return self._error(HTTPStatus.FORBIDDEN if "update" in str(exc).lower() else HTTPStatus.BAD_REQUEST, str(exc))
        except QueryTimeout as exc:
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except InputError as exc:
            return self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except KgError as exc:
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        if result.kind in ("CONSTRUCT", "DESCRIBE"):
            return self._send(HTTPStatus.OK, result.turtle.encode(), "text/turtle; charset=utf-8")
        fmt = self._format()
        headers = {"KG-Truncated": str(self.max_rows)} if result.truncated else {}
        self._send(HTTPStatus.OK, format_result(result, fmt).encode(), f"{MEDIA[fmt]}; charset=utf-8", headers)

    def _format(self) -> str:
        accept = (self.headers.get("Accept") or "").lower()
        for fmt in ("csv", "tsv"):
            if MEDIA[fmt] in accept and MEDIA["json"] not in accept:
                return fmt
        return "json"

    def _refuse_update(self) -> None:
        self._error(HTTPStatus.FORBIDDEN, "This endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP...) "
                                          "are refused. Change the graph with kg build.")

    def _view(self, name: str) -> None:
        if self.views is None or not self.views.is_dir():
            return self._error(HTTPStatus.NOT_FOUND, "No views here. Write them first: kg view")
        root = self.views.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return self._error(HTTPStatus.NOT_FOUND, "No such view.")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, path.read_bytes(), kind + ("; charset=utf-8" if kind.startswith("text/") else ""))

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (json.dumps({"error": message}, ensure_ascii=False) + "\n").encode(), "application/json")

    def _send(self, status: HTTPStatus, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Expose-Headers", "KG-Truncated")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
