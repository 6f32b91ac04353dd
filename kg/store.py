"""The persistent query store: an on-disk Oxigraph database under ``out/store``.

Turtle and TriG stay the exchange files; the store is what ``kg query`` opens,
so a query does not re-parse the graph. It holds each document's named graph
and, in the default graph, the ontology plus the merge of every document
(queries read the default graph, where each fact and label appears once).

``out/store`` is a symbolic link to a directory ``out/.store-<token>``: a build
writes a new directory and then swaps the link with one rename, so a reader or a
killed build never sees a half-written store.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, OutputError
from .export import current_umask

STORE_LINK = "store"


def write_store(out_dir: Path, trig: bytes, merged: bytes) -> Path:
    """Load a build's graph.trig (named graphs) and graph.ttl (their merge, into the default
    graph) into a fresh on-disk store, compact it, and make ``out_dir/store`` point at it.

    Raises:
        OutputError: the folder cannot be written (the previous store is left as it was).
    """
    try:
        target = Path(tempfile.mkdtemp(prefix=".store-", dir=out_dir))
        target.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; the store is an ordinary output
    except OSError as exc:
        raise OutputError(f"Cannot write the store in {out_dir}: {exc.strerror}. Pass another --out.") from None
    try:
        store = ox.Store(str(target))
        store.bulk_load(trig, format=ox.RdfFormat.TRIG)
        store.bulk_load(merged, format=ox.RdfFormat.TURTLE)
        store.optimize()  # a compacted store answers queries about twice as fast
        del store  # closes the database, so that readers may open it
        _swap_link(out_dir / STORE_LINK, target.name)
    except (OSError, ValueError, SyntaxError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise OutputError(f"Cannot write the store in {out_dir}: {exc}. Previous outputs are unchanged.") from None
    _remove_stale_stores(out_dir, keep=target.name)
    return out_dir / STORE_LINK


def merge_into_default_graph(store: ox.Store) -> ox.Store:
    """Copy every named graph's triples into the default graph (what queries read)."""
    merged = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merged)
    return store


def open_read_only(path: Path) -> ox.Store:
    """Open a store written by :func:`write_store` without taking a write lock.

    Raises:
        InputError: the folder is not an Oxigraph store.
    """
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"{path} cannot be opened as a store: {exc}. Rebuild it: kg build") from None


def _swap_link(link: Path, target_name: str) -> None:
    """Point ``link`` at ``target_name`` with one atomic rename."""
    if link.exists() and not link.is_symlink():
        raise OutputError(f"{link} exists and is not a store link. Move it away, or pass another --out.")
    temporary = link.with_name(f".{link.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    temporary.symlink_to(target_name)
    os.replace(temporary, link)
    with contextlib.suppress(OSError):
        dir_fd = os.open(link.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _remove_stale_stores(out_dir: Path, keep: str) -> None:
    """Delete earlier store directories (a reader that still has one open keeps reading it)."""
    for path in out_dir.glob(".store-*"):
        if path.name != keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
