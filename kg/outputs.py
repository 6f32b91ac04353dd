"""Publish a build's outputs as one set: graph.ttl, graph.trig, manifest.json and the query store.

Every build writes a complete new set into ``out/.builds/<token>/`` and then
switches the link ``out/current`` to it with one rename. The names users open,
``out/graph.ttl``, ``out/graph.trig``, ``out/manifest.json`` and ``out/store``,
are links through ``current``, so a reader (or a build killed at any moment)
sees either the whole previous set or the whole new one, never a mix.

A set is written whole (kg.store.write_build) or, when few documents changed, made
from the previous set (kg.store.update_build): the manifest records what each
document's named graph is made from and where it lies in graph.trig.

The manifest records each file's SHA-256. When the published files no longer
match it (edited, truncated or damaged on disk), the next build says so and
keeps that set aside instead of deleting it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from .errors import OutputError
from .export import current_umask, fsync_dir
from .graph import PREFIXES, ontology_quads
from .store import Layout, update_build, write_build

log = logging.getLogger(__name__)

BUILDS = ".builds"
TRASH = ".trash"  # earlier sets, moved here to be deleted by a detached process
CURRENT = "current"
FILES = ("graph.ttl", "graph.trig")
MANIFEST = "manifest.json"
STATS = ".stat.json"  # unpublished: each file's stat when written, for a quick check_published
STORE = "store"
PUBLISHED = (*FILES, MANIFEST, STORE)


def publish(out_dir: Path, documents: list[dict], graph_of: Callable[[int], list[ox.Quad]],
            settings: dict | None = None, version: str = "", extra: dict[str, Callable[[], bytes]] | None = None) -> list[Path]:
    """Write a complete output set and switch ``out_dir/current`` to it (the caller holds the lock).

    ``documents`` are the manifest's entries in graph order, each naming its named graph
    (``graph``) and the ``fingerprint`` of what that graph is made from; ``graph_of(i)`` makes
    document i's quads. When the previous set is intact, was made by the same ``version`` with the
    same settings, and few documents changed (at most 16, or a quarter), only their graphs are made and
    written again (:func:`kg.store.update_build`); otherwise every graph (:func:`kg.store.write_build`).
    Either way the files are the same bytes. ``extra`` files (made when they are written) join the
    set unpublished, such as kg.incremental's index.

    Raises:
        OutputError: the folder cannot be written; the previous set is left as it was.
    """
    builds = out_dir / BUILDS
    try:
        builds.mkdir(parents=True, exist_ok=True)
        old = _read_manifest(out_dir)
        changed = check_published(out_dir, old)
        previous = (out_dir / CURRENT).resolve() if changed else None
        target = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    except OSError as exc:
        raise OutputError(f"Cannot write to {out_dir}: {exc.strerror}. Pass another --out.") from None
    try:
        target.chmod(0o777 & ~current_umask())
        documents = [dict(d) for d in documents]
        manifest = {"files": {}, "documents": documents, "settings": settings or {}, "version": version}
        plan = None if changed or old is None else _update_plan(out_dir, old, manifest, graph_of)
        layout = None
        if plan is not None:
            try:
                layout = update_build(target, *plan, PREFIXES)
            except (OSError, ValueError, SyntaxError) as exc:
                if getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
                    raise  # writing every graph needs more room still
                # the previous set could not be read as expected: start over with every graph
                log.info("Rewriting every graph: the previous outputs could not be reused (%s).", exc)
            if layout is None:  # (after the handler, which kept the failed update's store open)
                shutil.rmtree(target)
                target.mkdir(mode=0o777 & ~current_umask())
        if layout is None:
            parts = itertools.chain([list(ontology_quads())], (graph_of(i) for i in range(len(documents))))
            layout = write_build(target, parts, PREFIXES)
        manifest["ontology"] = list(layout.trig[0])
        manifest["turtle"] = {"ontology": list(layout.ttl[0]), "entities": {k: list(v) for k, v in layout.entities.items()}}
        for entry, trig, ttl in zip(documents, layout.trig[1:], layout.ttl[1:], strict=True):
            entry["trig"], entry["ttl"] = list(trig), list(ttl)
        manifest["files"] = {name: files_digest(spans) for name, spans in _spans(manifest).items()}
        with ThreadPoolExecutor(len(FILES)) as pool:  # the files reach the disk while the extra ones are made
            synced = [pool.submit(_sync, target / name) for name in FILES]
            for name, make in (extra or {}).items():
                _write_file(target / name, make())
            for done in synced:
                done.result()
        # compact: Python's JSON encoder is ten times slower with indentation (10,000 documents: 1.8 s)
        text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        _write_file(target / MANIFEST, (text + "\n").encode("utf-8"))
        _write_file(target / STATS, json.dumps({name: _stat(target / name) for name in FILES}).encode("utf-8"))
        fsync_dir(target)
        _link_names(out_dir)
        _swap(out_dir / CURRENT, Path(BUILDS) / target.name)
    except (OSError, ValueError, SyntaxError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        reason = getattr(exc, "strerror", None) or exc
        raise OutputError(f"Cannot write to {out_dir}: {reason}. Previous outputs are unchanged.") from None
    except OutputError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    if previous is not None:  # keep the changed set, and say where, rather than delete it silently
        aside = previous.with_name(previous.name + ".damaged")
        with contextlib.suppress(OSError):
            os.replace(previous, aside)
            log.warning("%s changed or damaged since the last build (digest differs from its manifest); "
                        "that output set is kept in %s and a new one was written.",
                        ", ".join(str(out_dir / name) for name in changed), aside)
    _remove_old_sets(builds, keep={target.name})
    return [out_dir / name for name in PUBLISHED]


# More changed documents than this, and than a quarter of all, and writing everything at once is faster.
REWRITE_AFTER = 16
REWRITE_SHARE = 4


def _read_manifest(out_dir: Path) -> dict | None:
    """The published set's manifest (read once a build: it is 9 MB at 10,000 documents)."""
    try:
        manifest = json.loads((out_dir / CURRENT / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _update_plan(out_dir: Path, old: dict, manifest: dict, graph_of: Callable[[int], list[ox.Quad]]):
    """(previous set, parts, previous layout, kept and dropped graphs) for :func:`kg.store.update_build`, or None when the
    previous set (whose manifest is ``old``) cannot be reused: another version or settings, a graph
    shared by two documents, or too many changes."""
    current = out_dir / CURRENT
    try:
        before = {d["graph"]: d for d in old["documents"] if "trig" in d and "ttl" in d and "fingerprint" in d}
        ontology = (tuple(old["ontology"]), tuple(old["turtle"]["ontology"]))
        entities = {iri: tuple(span) for iri, span in old["turtle"]["entities"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    documents = manifest["documents"]
    graphs = [d["graph"] for d in documents]
    if old.get("version") != manifest["version"] or old.get("settings") != manifest["settings"] \
            or len(set(graphs)) < len(graphs) or len(before) < len(old["documents"]):
        return None
    kept = [d["graph"] in before and before[d["graph"]]["fingerprint"] == d["fingerprint"] for d in documents]
    if len(documents) - sum(kept) > max(REWRITE_AFTER, len(documents) // REWRITE_SHARE):
        return None
    unchanged = {d["graph"] for d, same in zip(documents, kept, strict=True) if same}
    kept_graphs = [ox.NamedNode(g) for g in sorted(unchanged)]
    dropped = [ox.NamedNode(g) for g in sorted(set(before) - unchanged)]
    parts = itertools.chain([ontology], ((tuple(before[d["graph"]]["trig"]), tuple(before[d["graph"]]["ttl"]))
                                         if same else graph_of(i)
                                         for i, (d, same) in enumerate(zip(documents, kept, strict=True))))
    return current.resolve(), parts, Layout(entities=entities), kept_graphs, dropped


def check_published(out_dir: Path, manifest: dict | None = None) -> list[str]:
    """The published files that no longer match their manifest (edited, truncated or damaged).

    A file whose size, modification time and inode are those recorded when it was written
    (``.stat.json``) is taken as unchanged without reading it (graph files can be gigabytes);
    any other is read, each span hashed, and compared (:func:`files_digest`). ``manifest`` is the
    set's manifest when the caller has read it already."""
    current = out_dir / CURRENT
    manifest = manifest if manifest is not None else _read_manifest(out_dir)
    if manifest is None:
        return []
    try:
        stats = json.loads((current / STATS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stats = {}
    spans = None
    changed = []
    for name, digest in sorted(manifest.get("files", {}).items()):
        try:
            if stats.get(name) == _stat(current / name):
                continue  # untouched since it was written (as make and git judge files)
            if spans is None:
                try:
                    spans = _spans(manifest)
                except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                    spans = {}  # a manifest from before spans: its digests are the files' own SHA-256
            actual = _digest_of(current / name, spans[name]) if name in spans else _sha256(current / name)
        except (OSError, ValueError, IndexError):
            actual = None
        if actual != digest:
            changed.append(name)
    return changed


def files_digest(spans: list) -> str:
    """A graph file's digest: the SHA-256 of its spans' SHA-256 (hex, in file order). The spans
    (``[start, end, sha256]`` in the manifest) cover the file, so a build that copies most of a file
    hashes only what it writes."""
    return hashlib.sha256("".join(span[2] for span in spans).encode("ascii")).hexdigest()


def _spans(manifest: dict) -> dict[str, list]:
    """Each graph file's spans, in file order, from the manifest."""
    documents = manifest["documents"]
    trig = [manifest["ontology"], *(d["trig"] for d in documents)]
    turtle = manifest["turtle"]
    ttl = [turtle["ontology"], *(d["ttl"] for d in documents), *turtle["entities"].values()]
    return {"graph.trig": sorted(trig), "graph.ttl": sorted(ttl)}


def _digest_of(path: Path, spans: list) -> str:
    """:func:`files_digest` of a file as it is on disk (ValueError: the spans do not cover it)."""
    digests = []
    with open(path, "rb") as handle:
        for start, end, _ in spans:
            if handle.tell() != start:
                raise ValueError(f"{path.name}: the spans leave a gap at byte {handle.tell()}")
            digests.append(hashlib.sha256(handle.read(end - start)).hexdigest())
        if handle.read(1):
            raise ValueError(f"{path.name}: bytes after the last span")
    return files_digest([(0, 0, d) for d in digests])


def _stat(path: Path) -> list[int]:
    """What changes when a file is written, replaced or truncated: size, modification time, inode."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sync(path: Path) -> None:
    """Make a written file durable and give it ordinary permissions."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~current_umask())


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o666 & ~current_umask())


def _link_names(out_dir: Path) -> None:
    """Make out/graph.ttl, ... links through ``current`` (once); a regular file there is moved aside, not lost."""
    for name in PUBLISHED:
        path = out_dir / name
        if path.is_symlink():
            if os.readlink(path) == f"{CURRENT}/{name}":
                continue
            path.unlink()
        elif path.exists():
            aside = out_dir / f"{name}.before-links"
            log.warning("%s was a plain file or folder from an older build; moved to %s.", path, aside)
            if aside.exists():
                shutil.rmtree(aside) if aside.is_dir() else aside.unlink()
            os.replace(path, aside)
        _swap(path, Path(CURRENT) / name)


def _swap(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one atomic rename."""
    temporary = link.with_name(f".{link.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    temporary.symlink_to(target)
    os.replace(temporary, link)
    fsync_dir(link.parent)


def _remove_old_sets(builds: Path, keep: set[str]) -> None:
    """Delete earlier and half-written sets (an open reader keeps reading its files).

    They are moved aside at once and deleted by a detached ``rm``: freeing a gigabyte of graph
    files takes the file system a second or more, which the user need not wait for. What a
    deleter left (it was killed, say) is handed to the next one."""
    trash = builds.parent / TRASH
    for path in builds.iterdir():
        if path.name not in keep and not path.name.endswith(".damaged"):
            try:
                trash.mkdir(exist_ok=True)
                os.rename(path, trash / path.name)
            except OSError:
                shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        doomed = [str(trash / name) for name in os.listdir(trash)]
        if doomed:
            _delete_detached(doomed)


_deleters: list[subprocess.Popen] = []  # held (and reaped when done) so that a long-lived process keeps no zombies


def _delete_detached(paths: list[str]) -> None:
    _deleters[:] = [p for p in _deleters if p.poll() is None]
    try:
        _deleters.append(subprocess.Popen(["rm", "-rf", "--", *paths], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, start_new_session=True))
    except OSError:  # no rm: delete them here
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)


def remove_stale_temporaries(out_dir: Path) -> None:
    """Remove link temporaries a killed run left behind (the caller holds the lock)."""
    for path in out_dir.glob(".*.link-*"):
        with contextlib.suppress(OSError):
            path.unlink()
