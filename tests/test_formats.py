"""Web pages and PDFs as input: main text only, metadata, page provenance, and the
PDFs that must be skipped with a reason (BAD_INPUTS rows 15-17)."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.documents import Skipped, read_document, read_documents
from kg.errors import InputError
from kg.formats import pdf_text
from kg.pipeline import build
from tests.pdfs import bomb_pdf, encrypted_pdf, make_pdf, scanned_pdf

KG = "https://w3id.org/policy-kg/ns#"

PAGE = """<!DOCTYPE html>
<html lang="zh_CN"><head><meta charset="utf-8">
<title>Ministries sign a memorandum | Ministry news</title>
<meta name="date" content="2016-07-05">
<script>var leaked = "SCRIPT-TEXT"; document.write("SCRIPT-TEXT")</script>
<style>.x { color: red } /* STYLE-TEXT */</style>
</head>
<body onload="alert('ONLOAD-TEXT')">
<nav><a href="/">Home</a> NAV-TEXT <a href="/news">News</a></nav>
<article>
<h1>Ministries sign a memorandum</h1>
<p>In July 2015, the Ministry of Industry and Information Technology and the Federal Ministry for
Economic Affairs and Energy signed the Memorandum of Understanding on Smart Manufacturing.</p>
<p onclick="steal()">The two sides agreed to establish a joint working group on standards.
<noscript>NOSCRIPT-TEXT</noscript></p>
</article>
<footer>FOOTER-TEXT Copyright 2016</footer>
</body></html>
"""


def _graph(result) -> ox.Store:
    store = ox.Store()
    store.load(result.dataset.serialize(format="ox-nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


@pytest.mark.bad_input(15)
def test_html_gives_main_text_without_script_style_navigation_or_handlers(tmp_path):
    path = tmp_path / "news.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = read_document(path)
    assert "signed the Memorandum of Understanding on Smart Manufacturing" in doc.text.replace("\n", " ")
    for junk in ("SCRIPT-TEXT", "STYLE-TEXT", "ONLOAD", "NAV-TEXT", "NOSCRIPT-TEXT", "FOOTER-TEXT", "steal", "<p", "onclick"):
        assert junk not in doc.text, junk
    assert doc.date == "2016-07-05" and doc.date_source == "metadata"
    assert doc.title == "Ministries sign a memorandum" and doc.language == "zh-CN" and doc.encoding == "html"
    result = build([path])
    evidence = [q.object.value for q in _graph(result).quads_for_pattern(None, ox.NamedNode(KG + "evidence"), None)]
    assert evidence and not any("SCRIPT" in e or "NAV-TEXT" in e for e in evidence)
    assert any(r.predicate == "signed" for ex in result.extractions for r in ex.relations)


def test_html_page_without_main_text_is_skipped_with_reason(tmp_path):
    (tmp_path / "empty.html").write_text("<html><head><script>x()</script></head><body><nav>Home</nav></body></html>")
    (tmp_path / "good.txt").write_text("The Ministry of Finance issued the Measures for Testing Things.")
    items = list(read_documents([tmp_path]))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(skipped) == 1 and "no main text" in skipped[0].reason and len(items) == 2


def test_pdf_text_keeps_pages_and_statements_say_their_page(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf([
        ["Annual report on industrial policy.", "The State Council issued the Made in China 2025 strategy in May 2015."],
        ["In July 2015, the Ministry of Industry and Information Technology and the Federal Ministry for Economic "
         "Affairs and Energy signed the Memorandum of Understanding on Smart Manufacturing."],
    ], title="Industrial policy report"))
    doc = read_document(path)
    assert doc.encoding == "pdf" and doc.title == "Industrial policy report" and len(doc.page_starts) == 2
    # a wrapped line is joined back into its sentence
    assert "Federal Ministry for Economic Affairs and Energy signed" in doc.text
    store = _graph(build([path]))
    pages = {}
    for row in store.query(f"""SELECT ?p ?page WHERE {{ GRAPH ?g {{ ?st <{KG}page> ?page ;
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p }} }}"""):
        pages.setdefault(row["p"].value.removeprefix(KG), set()).add(int(row["page"].value))
    assert pages.get("issued") == {1} and pages.get("signed") == {2}


@pytest.mark.bad_input(16)
@pytest.mark.parametrize("kind, data, reason", [
    ("encrypted", encrypted_pdf([["The Ministry of Finance issued the Measures for Testing Things."]]), "encrypted"),
    ("scanned", scanned_pdf(), "no text layer"),
])
def test_encrypted_or_scanned_pdf_is_skipped_with_its_reason(tmp_path, kind, data, reason):
    (tmp_path / f"{kind}.pdf").write_bytes(data)
    (tmp_path / "good.txt").write_text("The Ministry of Finance issued the Measures for Testing Things.")
    result = build([tmp_path])
    assert [Path(s.source).name for s in result.skipped] == [f"{kind}.pdf"] and reason in result.skipped[0].reason
    assert result.documents == 1  # the good file is built; the PDF adds 0 triples


@pytest.mark.bad_input(17)
def test_malformed_pdfs_are_stopped_by_the_child_limits_and_skipped(tmp_path):
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 64)
    with pytest.raises(InputError, match="malformed"):
        pdf_text(garbage, "garbage.pdf")
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bomb_pdf(400))  # pypdf's own inflate limit refuses it
    with pytest.raises(InputError, match="garbage|malformed|memory"):
        pdf_text(bomb, "bomb.pdf")
    smaller = tmp_path / "bomb60.pdf"
    smaller.write_bytes(bomb_pdf(60))  # under pypdf's limit: the child's memory cap stops it
    with pytest.raises(InputError, match="memory limit"):
        pdf_text(smaller, "bomb60.pdf", memory=120 * 1024 * 1024)
    slow = tmp_path / "ok.pdf"
    slow.write_bytes(make_pdf([["The Ministry of Finance issued the Measures for Testing Things."]]))
    with pytest.raises(InputError, match="was stopped"):
        pdf_text(slow, "ok.pdf", timeout=0.01)  # the time limit kills the child
    assert "Measures for Testing Things" in pdf_text(slow, "ok.pdf").text


def test_a_file_named_pdf_that_is_not_one_is_skipped(tmp_path):
    (tmp_path / "fake.pdf").write_text("just text")
    (tmp_path / "good.txt").write_text("The Ministry of Finance issued the Measures for Testing Things.")
    result = build([tmp_path])
    assert "not a PDF" in result.skipped[0].reason
