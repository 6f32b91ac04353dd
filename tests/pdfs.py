"""Small PDFs written byte by byte for tests: text pages, a scan without text, an
encrypted copy, a decompression bomb. No PDF library is needed to write them."""

from __future__ import annotations

import io
import textwrap
import zlib


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(paragraphs: list[str]) -> bytes:
    ops = ["BT", "/F1 10 Tf", "50 760 Td", "13 TL"]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, 95):
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("T*")  # a blank line between paragraphs
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def make_pdf(pages: list[list[str]], title: str | None = None, streams: list[bytes] | None = None,
             filters: list[str] | None = None) -> bytes:
    """A PDF with one page per item: its paragraphs as text (or a raw content stream)."""
    streams = streams or [_content(p) for p in pages]
    filters = filters or [""] * len(streams)
    n = len(streams)
    objects: list[bytes] = []
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, (stream, filt) in enumerate(zip(streams, filters, strict=True)):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>".encode())
        objects.append(f"<< /Length {len(stream)}{filt} >>\nstream\n".encode() + stream + b"\nendstream")
    info = None
    if title:
        objects.append(f"<< /Title ({_escape(title)}) >>".encode())
        info = len(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page that is only a filled rectangle, as a scan without a text layer looks."""
    return make_pdf([[]], streams=[b"q 0.5 g 50 50 500 700 re f Q"])


def encrypted_pdf(pages: list[list[str]]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(pages))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def bomb_pdf(megabytes: int = 400) -> bytes:
    """A page whose content stream inflates from well under 1 MB to ``megabytes`` of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    data = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()
    return make_pdf([[]], streams=[data], filters=[" /Filter /FlateDecode"])
