"""The extraction cache behind incremental builds: ``out/.cache/<key>.pickle`` per document.

A document is extracted again only when its bytes, its reading options or the
extractor itself (the package's code and data files) change; resolution and the
graph are then rebuilt from every document's extraction, so an incremental
build gives exactly what a clean build gives.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path

from .records import Document, Extraction


@cache
def extractor_version() -> str:
    """A hash of every source and data file of the package: any change invalidates the cache."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".ttl", ".json", ".js")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def document_key(doc: Document) -> str:
    """What the extraction depends on: the document's bytes, its path, and how it was read."""
    fields = {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc) if f.name != "text"}
    return hashlib.sha256(f"{extractor_version()}|{sorted(fields.items())!r}".encode()).hexdigest()[:32]


class ExtractionCache:
    """Pickled extractions by document key; writes are atomic, unreadable entries are misses."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()

    def get(self, doc: Document) -> Extraction | None:
        key = document_key(doc)
        self.used.add(key)
        try:
            with open(self.folder / f"{key}.pickle", "rb") as handle:
                extraction = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        return extraction if isinstance(extraction, Extraction) and extraction.document.sha256 == doc.sha256 else None

    def put(self, doc: Document, extraction: Extraction) -> None:
        key = document_key(doc)
        self.used.add(key)
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(extraction, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{key}.pickle")

    def prune(self) -> None:
        """Drop entries this build did not use (deleted or changed documents, an older extractor)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used or path.suffix != ".pickle":
                with contextlib.suppress(OSError):
                    path.unlink()
