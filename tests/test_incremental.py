"""Incremental builds: unchanged documents come from the extraction cache, changed and
deleted ones are redone or dropped, `kg remove` takes documents out, parallel extraction
gives the same graph, and every such build equals a clean build of the same corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import InputError
from kg.pipeline import build_to, remove_documents

runner = CliRunner()
DOCS = {
    "a.txt": "In May 2015, the State Council issued the Made in China 2025 strategy. It aims to promote green manufacturing.",
    "b.txt": "In July 2015, the Ministry of Industry and Information Technology and the Federal Ministry for Economic "
             "Affairs and Energy signed the Memorandum of Understanding on Smart Manufacturing.",
    "c.txt": "The Ministry of Finance and the State Council jointly revised the Measures for Testing Things in 2016.",
}
OUTPUTS = ("graph.ttl", "graph.trig")


def _write(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for path in folder.iterdir():
        path.unlink()
    for name, text in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def test_an_incremental_build_equals_a_clean_build(tmp_path):
    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    first = build_to(out, [corpus])
    assert first.extracted == 3
    again = build_to(out, [corpus])
    assert again.extracted == 0 and _outputs(out) == {n: (out / n).read_bytes() for n in OUTPUTS}
    changed = {name: text for name, text in DOCS.items() if name != "b.txt"}
    changed["a.txt"] = DOCS["a.txt"].replace("2015", "2016")  # a changed document
    changed["d.txt"] = "The State Council established the National Manufacturing Power Building Leading Group."  # a new one
    _write(corpus, changed)  # b.txt deleted
    incremental = build_to(out, [corpus])
    assert incremental.extracted == 2  # a.txt and d.txt; c.txt came from the cache
    clean = build_to(tmp_path / "clean", [corpus], cache=None)
    assert clean.extracted == 3
    assert _outputs(out) == _outputs(tmp_path / "clean")
    assert len(list((out / ".cache").iterdir())) == 3  # the entries of b.txt and the old a.txt are gone


def test_earlier_sets_are_deleted_after_the_build_returns(tmp_path):
    """The previous set leaves .builds at once; a detached rm deletes it, and what one leaves the next takes."""
    from kg import outputs

    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    first = (out / "current").resolve()
    (tmp_path / "corpus" / "c.txt").write_text("The State Council revised the Measures for Testing Things.\n")
    build_to(out, [corpus])
    assert not first.exists() and [p.name for p in (out / ".builds").iterdir()] == [(out / "current").resolve().name]
    outputs._deleters[-1].wait(timeout=60)
    assert list((out / outputs.TRASH).iterdir()) == []
    (out / outputs.TRASH / "left-by-a-killed-rm").mkdir()
    build_to(out, [corpus])
    outputs._deleters[-1].wait(timeout=60)
    assert list((out / outputs.TRASH).iterdir()) == []


def test_parallel_extraction_gives_the_same_bytes(tmp_path):
    corpus = _write(tmp_path / "corpus", DOCS)
    build_to(tmp_path / "one", [corpus], jobs=1)
    parallel = build_to(tmp_path / "two", [corpus], jobs=2)
    assert parallel.extracted == 3 and _outputs(tmp_path / "one") == _outputs(tmp_path / "two")


def test_kg_remove_drops_a_document_and_keeps_entities_others_name(tmp_path):
    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    result = runner.invoke(app, ["remove", "a.txt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "(0 extracted, 2 unchanged)" in result.output
    sources = [d["source"] for d in json.loads((out / "manifest.json").read_text())["documents"]]
    assert not any(s.endswith("a.txt") for s in sources) and len(sources) == 2
    store = ox.Store()
    store.load(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)
    labels = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}
    assert "State Council" in labels  # c.txt names it too
    assert "Made in China 2025" not in labels  # only a.txt named it
    build_to(tmp_path / "clean", [corpus / "b.txt", corpus / "c.txt"], cache=None)
    assert _outputs(out) == _outputs(tmp_path / "clean")
    with pytest.raises(InputError, match="No document of the last build"):
        remove_documents(out, ["nope.txt"])
    missing = runner.invoke(app, ["remove", "x.txt", "--out", str(tmp_path / "nothing")])
    assert missing.exit_code == 1 and "Build first" in missing.output


def _quads(out: Path) -> set:
    store = ox.Store.read_only(str(out / "store"))
    return set(store.quads_for_pattern(None, None, None, None))


def test_a_few_changes_update_the_previous_set_to_what_a_clean_build_gives(tmp_path, monkeypatch):
    """The update path (kg.store.update_build): unchanged graphs are copied, changed ones replaced,
    and a triple leaves the merge only when no document states it any more."""
    from kg import outputs

    ways = []
    for name in ("update_build", "write_build"):
        real = getattr(outputs, name)
        monkeypatch.setattr(outputs, name, lambda *a, _real=real, _name=name: (ways.append(_name), _real(*a))[1])
    docs = dict(DOCS)
    docs["e.txt"] = "Li Wen, Vice Minister of Finance, said that the Ministry of Finance supports the strategy."
    corpus = _write(tmp_path / "corpus", docs)
    out = tmp_path / "out"
    build_to(out, [corpus])
    steps = [
        ("a.txt", DOCS["a.txt"].replace("2015", "2016")),  # one document's facts change
        # a new document gives Li Wen a second post: e.txt's graph, which describes Li Wen, changes too
        ("f.txt", "Li Wen, Director of the Pilot Office, visited the Ministry of Finance in Shanghai."),
        ("b.txt", None),  # a deleted document: its graph and the facts only it stated go
    ]
    for n, (name, text) in enumerate(steps):
        if text is None:
            docs.pop(name)
        else:
            docs[name] = text
        _write(corpus, docs)
        ways.clear()
        build_to(out, [corpus])
        assert ways == ["update_build"], name
        clean = tmp_path / f"clean{n}"
        build_to(clean, [corpus], cache=None)
        assert _outputs(out) == _outputs(clean), name
        assert _quads(out) == _quads(clean), name
    titles = {q.object.value for q in _quads(out) if q.predicate.value.endswith("#title")}
    assert {"Vice Minister of Finance", "Director of the Pilot Office"} <= titles
    result = runner.invoke(app, ["remove", "e.txt", "--out", str(out)])  # kg remove takes the same path
    assert result.exit_code == 0, result.output
    assert ways[-1] == "update_build"
    docs.pop("e.txt")
    build_to(tmp_path / "clean-removed", [_write(corpus, docs)], cache=None)
    assert _outputs(out) == _outputs(tmp_path / "clean-removed") and _quads(out) == _quads(tmp_path / "clean-removed")


def test_another_version_or_settings_rewrite_every_graph(tmp_path, monkeypatch):
    from kg import outputs

    ways = []
    real = outputs.write_build
    monkeypatch.setattr(outputs, "write_build", lambda *a: (ways.append("write_build"), real(*a))[1])
    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    build_to(out, [corpus], date="2016-01")  # another setting: every graph again
    build_to(out, [corpus], date="2016-01", base="https://example.org/id/")  # another IRI base: again
    assert ways == ["write_build"] * 3
    build_to(tmp_path / "clean", [corpus], cache=None, date="2016-01", base="https://example.org/id/")
    assert _outputs(out) == _outputs(tmp_path / "clean")


def test_a_previous_store_that_cannot_be_read_means_every_graph_again(tmp_path, monkeypatch):
    from kg import outputs

    ways = []
    for name in ("update_build", "write_build"):
        real = getattr(outputs, name)
        monkeypatch.setattr(outputs, name, lambda *a, _real=real, _name=name: (ways.append(_name), _real(*a))[1])
    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    for path in (out / "store").resolve().iterdir():
        path.unlink()  # the last set's store is gone (its files are not in the manifest's checksums)
    _write(corpus, {**DOCS, "a.txt": DOCS["a.txt"].replace("2015", "2016")})
    ways.clear()
    build_to(out, [corpus])
    assert ways == ["update_build", "write_build"]
    build_to(tmp_path / "clean", [corpus], cache=None)
    assert _outputs(out) == _outputs(tmp_path / "clean") and _quads(out) == _quads(tmp_path / "clean")


def _triples_of(path: Path) -> set:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return {q.triple for q in store}


def test_random_edits_keep_graph_ttl_the_merge_and_equal_to_a_clean_build(tmp_path):
    """graph.ttl is laid out in sections (the ontology, each document's own nodes, one block per
    entity) so that an update rewrites only what changed; after each of a run of random edits to
    documents that share entities, it still holds exactly the store's merge, and the same bytes as
    a clean build."""
    import random

    dev = Path(__file__).parent / "corpus" / "dev"
    docs = {p.name: p.read_text(encoding="utf-8") for p in sorted(dev.glob("*.md"))[:6]}
    corpus = _write(tmp_path / "corpus", docs)
    out = tmp_path / "out"
    build_to(out, [corpus])
    rng = random.Random(11)
    gone: dict[str, str] = {}
    for step in range(5):
        name = rng.choice(sorted(docs))
        action = rng.choice(["year", "delete", "borrow"] + (["restore"] if gone else []))
        if action == "year":  # the same facts, dated otherwise
            docs[name] = docs[name].replace("20", "19", 1)
        elif action == "delete" and len(docs) > 2:
            gone[name] = docs.pop(name)
        elif action == "borrow":  # a sentence of another document: its entities gain a document
            other = docs[rng.choice(sorted(set(docs) - {name}))]
            docs[name] += "\n" + max(other.split(". "), key=len) + ".\n"
        elif action == "restore":
            back = rng.choice(sorted(gone))
            docs[back] = gone.pop(back)
        _write(corpus, docs)
        build_to(out, [corpus])
        clean = tmp_path / f"clean{step}"
        build_to(clean, [corpus], cache=None)
        assert _outputs(out) == _outputs(clean), (step, action, name)
        merge = {q.triple for q in ox.Store.read_only(str(out / "store")).quads_for_pattern(None, None, None, ox.DefaultGraph())}
        assert _triples_of(out / "graph.ttl") == merge, (step, action, name)


def test_the_extraction_cache_ignores_only_files_extraction_never_runs():
    """kg.cache.OUTPUT_FILES leave the extractor's version out: each exists, and none is imported,
    directly or not, by kg.extraction (else a change there would reuse stale extractions)."""
    import ast

    from kg.cache import OUTPUT_FILES

    package = Path(__file__).resolve().parents[1] / "kg"
    assert all((package / name).is_file() for name in OUTPUT_FILES)
    reached, todo = set(), ["extraction.py"]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        for node in ast.walk(ast.parse((package / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                todo += [f"{node.module}.py"] if node.module else [f"{a.name}.py" for a in node.names]
    assert "lexicon.py" in reached and "relations.py" in reached
    assert not reached & OUTPUT_FILES


def test_a_build_reads_only_the_files_that_changed_since_the_last(tmp_path, monkeypatch):
    """kg.incremental's index: a file whose stat is unchanged is not read again; a touched one is
    read but not extracted; a changed document whose previous extraction left the cache, or a
    build from another working directory (sources are relative to it), starts from scratch."""
    import os
    import shutil

    from kg import documents

    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    read: list[str] = []
    real = documents.read_document
    monkeypatch.setattr(documents, "read_document", lambda path, **kw: (read.append(path.name), real(path, **kw))[1])
    assert build_to(out, [corpus]).extracted == 0 and read == []
    (corpus / "a.txt").write_text(DOCS["a.txt"].replace("2015", "2017") + "\n", encoding="utf-8")
    assert build_to(out, [corpus]).extracted == 1 and read == ["a.txt"]
    read.clear()
    os.utime(corpus / "c.txt")
    assert build_to(out, [corpus]).extracted == 0 and read == ["c.txt"]
    read.clear()
    shutil.rmtree(out / ".cache")  # the previous extraction of b.txt is gone
    (corpus / "b.txt").write_text(DOCS["b.txt"].replace("July", "June") + "\n", encoding="utf-8")
    assert build_to(out, [corpus]).extracted == 3 and read[-3:] == ["a.txt", "b.txt", "c.txt"]
    build_to(tmp_path / "clean", [corpus], cache=None)
    assert _outputs(out) == _outputs(tmp_path / "clean")
    read.clear()
    monkeypatch.chdir(corpus)
    build_to(out, [corpus])
    assert sorted(read) == ["a.txt", "b.txt", "c.txt"]


def test_an_output_file_touched_but_unchanged_is_verified_by_its_spans_and_kept(tmp_path, caplog):
    """check_published trusts an unchanged stat; a file whose stat changed is read and each span
    hashed: the same bytes keep the set (and its update path), other bytes set it aside."""
    import logging
    import os

    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    os.utime(out / "graph.trig")  # a backup tool touched it
    with caplog.at_level(logging.WARNING):
        build_to(out, [corpus])
    assert "changed or damaged" not in caplog.text
    trig = (out / "graph.trig").resolve()
    data = bytearray(trig.read_bytes())
    data[len(data) // 2] ^= 1  # one bit flipped, same size
    trig.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING):
        build_to(out, [corpus])
    assert "graph.trig changed or damaged" in caplog.text


def test_graphs_made_again_from_documents_whose_extractions_the_cache_lost(tmp_path):
    """Every graph is made again (the previous store is gone) while the extraction cache is empty too:
    unchanged documents are read and extracted again, and the result is still a clean build's."""
    import shutil

    corpus = _write(tmp_path / "corpus", DOCS)
    out = tmp_path / "out"
    build_to(out, [corpus])
    shutil.rmtree(out / ".cache")
    for path in (out / "store").resolve().iterdir():
        path.unlink()
    result = build_to(out, [corpus])
    assert result.extracted == 0 and len(list((out / ".cache").iterdir())) == 3  # made again, from the files
    build_to(tmp_path / "clean", [corpus], cache=None)
    assert _outputs(out) == _outputs(tmp_path / "clean") and _quads(out) == _quads(tmp_path / "clean")
