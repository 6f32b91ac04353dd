"""Run as a script by kg.formats.pdf_text, in a child process with limits: print a PDF's
pages as JSON. It imports nothing from kg, so the child starts small."""

import json
import sys


def read_pdf(path: str) -> dict:
    """In the child: every page's text, or the reason there is none."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return {"error": "the PDF is encrypted with a password. Decrypt it first."}
            except Exception:  # noqa: BLE001 - pypdf raises several types for unsupported encryption
                return {"error": "the PDF is encrypted. Decrypt it first."}
        title = None
        try:
            title = (reader.metadata or {}).get("/Title")
        except Exception:  # noqa: BLE001 - a broken info dictionary leaves the title unknown
            title = None
        pages = [page.extract_text() or "" for page in reader.pages]
    except MemoryError:
        return {"error": "reading the PDF went over the memory limit (a decompression bomb?). Convert it to text with another tool."}
    except (PdfReadError, Exception) as exc:  # noqa: BLE001 - pypdf raises many types on malformed files
        return {"error": f"the PDF is malformed ({type(exc).__name__}: {exc}). Convert it to text with another tool."}
    return {"pages": pages, "title": str(title) if title else None}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(read_pdf(sys.argv[1])))
