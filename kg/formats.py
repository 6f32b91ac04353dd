"""Text out of web pages and PDFs, for the documents stage.

HTML goes through trafilatura, which keeps a page's main text and drops script,
style, navigation and footers. PDFs go through pypdf in a child process with a
time and memory limit, because a malformed PDF can loop or explode in memory;
the page boundaries are kept so that statements can say on which page they are.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
MIN_HTML_TEXT = 20  # characters: less cannot hold one sentence
PDF_TIMEOUT = 60.0  # seconds for one PDF
PDF_MEMORY = 1024 * 1024 * 1024  # address space of the PDF child, bytes
_HTML_LANG = re.compile(rb"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z_-]{2,20})", re.I)


@dataclass
class Extracted:
    """A converted file: its text and what its metadata says."""

    text: str
    title: str | None = None
    date: str | None = None
    language: str | None = None
    page_starts: tuple[int, ...] = field(default_factory=tuple)  # offset of each page's first character


def html_text(data: bytes, source: str) -> Extracted:
    """The main text of a web page, one paragraph per block, with its title, date and language.

    Raises:
        InputError: the page has no main text.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(data, include_comments=False, include_tables=True, with_metadata=True,
                                      deduplicate=False)
    text = (doc.text if doc is not None else "") or ""
    if len(text.strip()) < MIN_HTML_TEXT:  # a menu word or two is what trafilatura falls back to
        raise InputError(f"{source}: no main text was found in the page. Save the article's text as .txt instead.")
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    lang = _HTML_LANG.search(data[:65536])
    return Extracted(text="\n\n".join(paragraphs) + "\n", title=doc.title or None, date=doc.date or None,
                     language=lang.group(1).decode("ascii") if lang else None)


def pdf_text(path: Path, source: str, *, timeout: float = PDF_TIMEOUT, memory: int = PDF_MEMORY) -> Extracted:
    """The text of a PDF, page by page, read by pypdf in a child process with limits.

    Raises:
        InputError: the PDF is encrypted, has no text layer (scanned), is malformed,
            or ran past the time or memory limit.
    """
    def limit() -> None:  # runs in the child, before pypdf is imported
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    try:
        child = subprocess.run([sys.executable, "-I", str(Path(__file__).with_name("pdf_child.py")), str(path)],
                               capture_output=True, timeout=timeout,
                               preexec_fn=limit, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
    except subprocess.TimeoutExpired:
        raise InputError(f"{source}: reading the PDF took over {timeout:g} s and was stopped (malformed?). "
                         "Convert it to text with another tool.") from None
    try:
        answer = json.loads(child.stdout.decode("utf-8"))
    except ValueError:
        memory_error = b"MemoryError" in child.stderr or b"failed to map segment" in child.stderr
        detail = "over the memory limit" if memory_error else f"exit status {child.returncode}"
        raise InputError(f"{source}: the PDF could not be read ({detail}; malformed?). "
                         "Convert it to text with another tool.") from None
    if "error" in answer:
        raise InputError(f"{source}: {answer['error']}")
    pages: list[str] = answer["pages"]
    if sum(len(p.strip()) for p in pages) < 20:
        raise InputError(f"{source}: the PDF has no text layer (a scan?). Run OCR on it first, then build the text.")
    starts, parts, offset = [], [], 0
    for page in pages:
        body = "".join(paragraph + "\n\n" for paragraph in _paragraphs(page))
        starts.append(offset)
        parts.append(body)
        offset += len(body)
    return Extracted(text="".join(parts), title=answer.get("title"), page_starts=tuple(starts))


_LINE_END = re.compile(r"[.!?;:。！？；：]['\"”’)）]?$")


def _paragraphs(page: str) -> list[str]:
    """Undo a PDF's line wrapping: lines join until one ends a sentence or a blank line comes."""
    paragraphs, current = [], ""
    for raw in page.splitlines():
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line  # a word hyphenated at the line end
        elif current and _CJK_END.search(current) and _CJK_START.match(line):
            current += line  # Chinese has no spaces between wrapped lines
        else:
            current = f"{current} {line}" if current else line
        if _LINE_END.search(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


_CJK_END = re.compile(r"[\u3400-\u9fff，、]$")
_CJK_START = re.compile(r"[\u3400-\u9fff]")
