"""Serialise the Dataset to Turtle and TriG and write outputs atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Dataset

from .errors import OutputError
from .graph import merged_graph


def serialize_outputs(ds: Dataset) -> dict[str, bytes]:
    """graph.ttl (the merged graph) and graph.trig (a named graph per document), as bytes.

    Serialised by Oxigraph's native writers, which emit triples in store order,
    so the same graph gives the same bytes.
    """
    return {
        "graph.ttl": merged_graph(ds).serialize(format="ox-turtle", encoding="utf-8"),
        "graph.trig": ds.serialize(format="ox-trig", encoding="utf-8"),
    }


def write_atomically(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file to a temporary file, fsync, then rename them all into place.

    A failure before the renames leaves every previous output untouched and no
    temporary file behind.

    Raises:
        OutputError: the folder cannot be created or written.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the output folder {out_dir}: {exc.strerror}. Pass another --out.") from None
    temps: list[tuple[str, Path]] = []
    try:
        for name, data in sorted(files.items()):
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            temps.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for name, tmp in temps:
            os.replace(tmp, out_dir / name)
    except OSError as exc:
        for _, tmp in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"Cannot write to {out_dir}: {exc.strerror}. Previous outputs are unchanged.") from None
    try:
        dir_fd = os.open(out_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass  # some filesystems cannot fsync a directory; the renames are done
    return [out_dir / name for name in sorted(files)]
