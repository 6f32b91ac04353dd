"""The checklist of ../shared/BAD_INPUTS.md: every row is reproduced by a test marked
``@pytest.mark.bad_input(row)`` (here or next to the module it exercises), and the
first test checks that no row is left without one."""

from __future__ import annotations

import ast
import errno
import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import outputs
from kg.cli import app
from kg.documents import read_document, read_documents
from kg.errors import InputError, OutputError
from kg.graph import MAX_LITERAL
from kg.pipeline import build, build_to

ROOT = Path(__file__).resolve().parent.parent
CHECKLIST_ROWS = 34
KG = "https://w3id.org/policy-kg/ns#"
GOOD = "The Ministry of Finance issued the Measures for Testing Things in May 2016.\n"
runner = CliRunner()


def _marked_rows() -> dict[int, list[str]]:
    """Row -> the tests that carry ``bad_input(row)``, read from the test sources."""
    rows: dict[int, list[str]] = {}
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            for deco in node.decorator_list:
                if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "pytest.mark.bad_input":
                    for arg in deco.args:
                        rows.setdefault(ast.literal_eval(arg), []).append(f"{path.name}::{node.name}")
    return rows


def test_every_checklist_row_is_reproduced_by_a_test():
    checklist = (ROOT.parent / "shared" / "BAD_INPUTS.md")
    if checklist.is_file():  # the number of rows, from the checklist itself where it is at hand
        numbered = [line for line in checklist.read_text(encoding="utf-8").splitlines() if line[:4].strip("| ").isdigit()]
        assert len(numbered) == CHECKLIST_ROWS
    assert sorted(_marked_rows()) == list(range(1, CHECKLIST_ROWS + 1))


def _quads(out: Path) -> set[ox.Quad]:
    store = ox.Store()
    store.load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    return set(store)


def _literals(result) -> list[str]:
    return [str(o) for _, _, o, _ in result.dataset.quads((None, None, None, None)) if not str(o).startswith("http")]


@pytest.mark.bad_input(3)
@pytest.mark.parametrize("encoding, text", [
    ("big5", "中華人民共和國工業和信息化部與德國聯邦經濟和能源部簽署了關於智能製造合作的諒解備忘錄。雙方同意建立標準化工作組。"),
    ("gb18030", "国务院发布了《中国制造2025》。工业和信息化部与德国联邦经济和能源部签署了谅解备忘录，双方同意建立工作组。"),
])
def test_cjk_encodings_are_detected_with_a_warning_and_recorded(tmp_path, caplog, encoding, text):
    path = tmp_path / "zh.txt"
    path.write_bytes(text.encode(encoding))
    with caplog.at_level(logging.WARNING):
        doc = read_document(path)
    assert doc.text.strip() == text and doc.encoding == encoding
    assert "detected" in caplog.text and "--encoding" in caplog.text
    result = build([path])
    encodings = {str(o) for _, p, o, _ in result.dataset.quads((None, None, None, None)) if str(p) == KG + "encoding"}
    assert encodings == {encoding}


@pytest.mark.bad_input(3)
def test_utf16_is_decoded_by_its_bom(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes(("\ufeff" + GOOD).encode("utf-16-le"))
    doc = read_document(path)
    assert doc.encoding == "utf-16" and doc.text.startswith("The Ministry") and "\ufeff" not in doc.text


@pytest.mark.bad_input(4)
def test_a_long_cp1252_text_is_refused_not_read_as_mojibake(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes(("The ministry’s “guidelines” for café owners — a naïve résumé. " * 30).encode("cp1252"))
    with pytest.raises(InputError, match=r"latin\.txt.*--encoding cp1252"):
        read_document(path)
    assert "naïve résumé" in read_document(path, encoding="cp1252").text


@pytest.mark.bad_input(5)
def test_invalid_utf8_mid_file_names_its_byte_offset(tmp_path):
    path = tmp_path / "broken.txt"
    data = GOOD.encode() + b"\xff\xfe\xfa" + GOOD.encode()
    path.write_bytes(data)
    with pytest.raises(InputError, match=f"offset {len(GOOD.encode())}"):
        read_document(path)
    assert read_document(path, lenient=True).text.count("\ufffd") >= 1


@pytest.mark.bad_input(8)
def test_a_20_mb_line_builds_and_long_literals_are_truncated_and_flagged(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("The State Council issued the Made in China 2025 strategy " + "x" * (20 * 1024 * 1024) + " in May 2015.\n")
    result = build([path])  # its time grows linearly with the line: tests/benchmarks/bench_build.py --long-line
    evidence = [lit for lit in _literals(result) if lit.startswith("The State Council issued")]
    assert evidence and all(lit.endswith(" [truncated]") for lit in evidence)
    assert all(len(lit.encode("utf-8")) <= MAX_LITERAL + len(" [truncated]") for lit in _literals(result))


@pytest.mark.bad_input(10)
def test_nul_and_control_characters_never_reach_literals_or_iris(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_bytes(b"The Ministry of Fin\x00ance issued the Measures for\x07 Testing\x1b Things in May 2016.\n" + GOOD.encode())
    result = build([path])
    for s, p, o, _ in result.dataset.quads((None, None, None, None)):
        for term in (s, p, o):
            assert not any(ord(ch) < 32 and ch not in "\t\n" for ch in str(term)), term
    build_to(tmp_path / "out", [path])
    ox.Store().load(path=str(tmp_path / "out" / "graph.ttl"), format=ox.RdfFormat.TURTLE)


@pytest.mark.bad_input(14)
@pytest.mark.parametrize("declared, expected", [("zh_CN", "zh-CN"), ("Chinese", "zh"), ("en-gb", "en-GB"), ("Elvish-ish", None)])
def test_declared_language_becomes_bcp47_or_is_dropped_with_a_warning(tmp_path, caplog, declared, expected):
    path = tmp_path / "doc.md"
    path.write_text(f"---\nlanguage: {declared}\n---\n{GOOD}", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        doc = read_document(path)
    assert doc.language == expected
    assert ("dropped" in caplog.text) == (expected is None)
    languages = {str(o) for _, p, o, _ in build([path]).dataset.quads((None, None, None, None))
                 if str(p) == "http://purl.org/dc/terms/language"}
    assert (expected in languages) if expected else languages == {"en"}


@pytest.mark.bad_input(18)
def test_loops_dangling_links_devices_and_folders_give_clear_reasons_without_hanging(tmp_path):
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "folder.txt" / "inner.txt").write_text(GOOD)
    items = list(read_documents([tmp_path / "loop.txt", tmp_path / "dangling.txt", Path("/dev/zero"), tmp_path / "folder.txt"]))
    reasons = [getattr(i, "reason", None) for i in items]
    assert "does not exist" in reasons[0] and "does not exist" in reasons[1]
    assert "not a regular file" in reasons[2]
    assert [Path(i.source).name for i in items[3:]] == ["inner.txt"]  # a folder named .txt is read as a folder


@pytest.mark.bad_input(19)
def test_a_full_disk_keeps_the_old_outputs_and_leaves_no_temporary_behind(tmp_path, monkeypatch):
    doc = tmp_path / "a.txt"
    doc.write_text(GOOD)
    out = tmp_path / "out"
    build_to(out, [doc])
    before = {name: (out / name).read_bytes() for name in ("graph.ttl", "graph.trig", "manifest.json")}
    for name in ("write_build", "update_build"):  # writing every graph, or updating the last set
        real = getattr(outputs, name)

        def full(folder, *args, _real=real):
            _real(folder, *args)
            (folder / "graph.trig").write_bytes((folder / "graph.trig").read_bytes()[:100])
            raise OSError(errno.ENOSPC, "No space left on device")  # the disk filled up during graph.trig
        monkeypatch.setattr(outputs, name, full)
    doc.write_text(GOOD.replace("May 2016", "June 2017"))
    with pytest.raises(OutputError, match="No space left on device. Previous outputs are unchanged"):
        build_to(out, [doc])
    assert {name: (out / name).read_bytes() for name in before} == before
    assert len(list((out / ".builds").iterdir())) == 1  # the half-written set was removed
    result = runner.invoke(app, ["build", str(doc), "--out", str(out)])
    assert result.exit_code == 1 and "No space left" in result.output


def test_a_store_load_that_fails_in_its_thread_is_the_builds_error_and_leaves_nothing(tmp_path, monkeypatch):
    """The store is bulk-loaded in a thread of its own (kg.store._Batch): its failure must still stop
    the build with a clear error, remove the half-written set, and leave no thread behind."""
    import threading

    from kg import store

    doc = tmp_path / "a.txt"
    doc.write_text(GOOD)
    out = tmp_path / "out"
    threads = threading.active_count()

    def full(self, quads, triples):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store._Batch, "_load", full)
    with pytest.raises(OutputError, match="No space left on device. Previous outputs are unchanged"):
        build_to(out, [doc])
    assert not (out / "current").exists() and list((out / ".builds").iterdir()) == []
    assert threading.active_count() == threads
    monkeypatch.undo()
    build_to(out, [doc])
    assert (out / "graph.trig").read_bytes()


@pytest.mark.bad_input(19)
def test_an_output_folder_that_cannot_be_written_is_a_clear_error(tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(GOOD)
    result = runner.invoke(app, ["build", str(doc), "--out", "/proc/kg-out"])  # /proc refuses new folders, even to root
    assert result.exit_code == 1 and "Pass another --out" in result.output


@pytest.mark.bad_input(22)
def test_one_document_failing_leaves_the_others_and_is_reported(tmp_path, monkeypatch):
    from kg import extraction

    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "b.txt").write_text("The State Council issued the Made in China 2025 strategy in May 2015.\n")
    out = tmp_path / "out"
    build_to(out, [tmp_path])

    def graph_of_a(quads: set[ox.Quad]) -> set[ox.Quad]:
        doc = next(q.subject for q in quads if q.predicate.value == "http://purl.org/dc/terms/source" and "a.txt" in q.object.value)
        return {q for q in quads if q.graph_name == doc}
    before = graph_of_a(_quads(out))
    real = extraction.extract_document

    def failing(doc, lexicon=None):
        if doc.source.endswith("b.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(doc, lexicon)
    monkeypatch.setattr(extraction, "extract_document", failing)
    (tmp_path / "b.txt").write_text("The State Council revised the Made in China 2025 strategy in May 2016.\n")
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 3 and "b.txt: extraction failed (RecursionError" in result.output
    assert "Traceback" not in result.output
    assert before and graph_of_a(_quads(out)) == before


@pytest.mark.bad_input(23)
def test_a_damaged_output_is_detected_and_kept_not_silently_overwritten(tmp_path, caplog):
    doc = tmp_path / "a.txt"
    doc.write_text(GOOD)
    out = tmp_path / "out"
    build_to(out, [doc])
    damaged = (out / "graph.ttl").read_bytes()[:100]
    (out / "graph.ttl").write_bytes(damaged)  # truncated, as a crash of another tool or a full disk leaves it
    query = runner.invoke(app, ["query", "-e", "ASK { ?s ?p ?o }", "--graph", str(out / "graph.ttl")])
    assert query.exit_code == 1 and "cannot be read as RDF" in query.output and "kg build" in query.output
    with caplog.at_level(logging.WARNING):
        build_to(out, [doc])
    assert "changed or damaged since the last build" in caplog.text
    kept = [p for p in (out / ".builds").iterdir() if p.name.endswith(".damaged")]
    assert len(kept) == 1 and (kept[0] / "graph.ttl").read_bytes() == damaged
    assert _published_digest(out, "graph.ttl") == json.loads((out / "manifest.json").read_text())["files"]["graph.ttl"]


def _published_digest(out: Path, name: str) -> str:
    """A graph file's digest worked out from its bytes: the SHA-256 of each span the manifest lists
    (which must cover the file, in order), then the SHA-256 of those."""
    manifest = json.loads((out / "manifest.json").read_text())
    data = (out / name).read_bytes()
    spans = outputs._spans(manifest)[name]
    assert spans[0][0] == 0 and spans[-1][1] == len(data) and all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    return hashlib.sha256("".join(hashlib.sha256(data[s:e]).hexdigest() for s, e, _ in spans).encode()).hexdigest()


@pytest.mark.bad_input(20, 21)
def test_sigkill_at_random_moments_leaves_the_old_set_or_the_new_one(tmp_path):
    """60 builds killed at random moments, alternating two corpora so that every build
    changes every output; each survivor must be one of the two complete sets, byte for byte."""
    import random
    import time

    corpora = []
    for n, text in enumerate((GOOD, "The State Council issued the Made in China 2025 strategy in May 2015.\n")):
        folder = tmp_path / f"corpus{n}"
        folder.mkdir()
        (folder / "doc.txt").write_text(text * 20)
        corpora.append(folder)
    out = tmp_path / "out"
    expected = []
    for folder in corpora:  # the two complete sets, as uninterrupted builds write them
        subprocess.run([sys.executable, "-m", "kg", "build", str(folder), "--out", str(out), "-q"], check=True)
        expected.append({n: (out / n).read_bytes() for n in ("graph.ttl", "graph.trig", "manifest.json")})
    started = time.perf_counter()  # how long a build takes here, so that the kills fall inside builds
    subprocess.run([sys.executable, "-m", "kg", "build", str(corpora[0]), "--out", str(out), "-q"], check=True)
    took = time.perf_counter() - started
    rng = random.Random(20)
    finished = killed = 0
    for attempt in range(60):
        child = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpora[attempt % 2]), "--out", str(out), "-q"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child.wait(timeout=rng.uniform(0.1 * took, 1.3 * took))
            finished += 1
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            killed += 1
        now = {n: (out / n).read_bytes() for n in ("graph.ttl", "graph.trig", "manifest.json")}
        assert now in expected, f"attempt {attempt}: a mixed or partial set"
        store = ox.Store.read_only(str(out / "store"))
        manifest = json.loads(now["manifest.json"])
        assert any(d["sha256"] for d in manifest["documents"]) and len(store) > 0
    assert killed >= 20 and finished >= 5  # both outcomes happened
    # the next build cleans up what the killed ones left
    subprocess.run([sys.executable, "-m", "kg", "build", str(corpora[0]), "--out", str(out), "-q"], check=True)
    assert len(list((out / ".builds").iterdir())) == 1 and not list(out.glob(".*.link-*"))


@pytest.mark.bad_input(21)
def test_concurrent_runs_never_mix_their_outputs(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD * 10)
    out = tmp_path / "out"
    outcomes = []
    for _ in range(10):
        runs = [subprocess.Popen([sys.executable, "-m", "kg", "build", str(tmp_path / "a.txt"), "--out", str(out), "-q"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for run in runs:
            _, err = run.communicate(timeout=120)
            outcomes.append(run.returncode)
            assert run.returncode == 0 or (run.returncode == 1 and "Another kg run is writing" in err), err
        manifest = json.loads((out / "manifest.json").read_text())
        assert _published_digest(out, "graph.ttl") == manifest["files"]["graph.ttl"]
        assert _published_digest(out, "graph.trig") == manifest["files"]["graph.trig"]
    assert 0 in outcomes


def test_a_folder_with_20_broken_files_among_20_good_ones_builds_the_good_ones(tmp_path):
    from tests.pdfs import encrypted_pdf, scanned_pdf

    broken = {
        "empty.txt": b"", "blank.txt": b" \n\t\n", "image.txt": b"\x89PNG\r\n\x1a\n\x00\x00", "zip.md": b"PK\x03\x04junk",
        "elf.txt": b"\x7fELF\x02\x01", "nul.txt": b"text\x00with\x00nul" * 10, "latin.txt": ("Caf\xe9 cr\xe8me " * 40).encode("cp1252"),
        "bad-utf8.txt": b"Valid start \xff\xfe then junk " * 5, "fake.pdf": b"not a pdf at all", "garbage.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 8,
        "scan.pdf": scanned_pdf(), "locked.pdf": encrypted_pdf([["The Ministry of Finance issued the Measures for Testing Things."]]),
        "nav.html": b"<html><body><nav>Home</nav></body></html>", "front.md": b"---\n: : bad yaml [\n---\nText.",
        "onlyfront.md": b"---\ntitle: x\n---\n", "date.md": b"---\ndate: not-a-date\n---\nThe text.", "gif.md": b"GIF89a\x00\x00",
        "jpeg.txt": b"\xff\xd8\xff\xe0\x00\x10JFIF", "utf16-bad.txt": b"\xff\xfe\x00\xd8", "list.md": b"---\n- a\n- b\n---\nText.",
    }
    for name, data in broken.items():
        (tmp_path / name).write_bytes(data)
    for n in range(20):
        (tmp_path / f"good{n:02d}.txt").write_text(f"The Ministry of Finance issued the Measures for Testing Thing {n} in May 2016.\n")
    result = runner.invoke(app, ["build", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 3 and "Built 20 document(s)" in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("Skipped: ")]
    assert sorted(name for name in broken if any(name in line for line in skipped)) == sorted(broken)
    assert len(skipped) == 20 and "Traceback" not in result.output
