from pathlib import Path

import pytest

from kg.documents import Skipped, read_document, read_documents
from kg.errors import InputError


@pytest.mark.bad_input(2)
def test_utf8_bom_is_stripped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfThe State Council issued a plan.")
    doc = read_document(path)
    assert not doc.text.startswith("\ufeff") and doc.encoding == "utf-8"


@pytest.mark.bad_input(3)
def test_gb18030_chinese_is_decoded(tmp_path):
    path = tmp_path / "zh.txt"
    path.write_bytes("国务院发布了《中国制造2025》。工业和信息化部负责实施。".encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030" and "国务院" in doc.text and "zh" in doc.languages


@pytest.mark.bad_input(4)
def test_undecodable_file_names_file_and_suggests_encoding(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 policy and the Minist\xe8re des Finances".encode("cp1252"))
    with pytest.raises(InputError, match=r"latin\.txt.*--encoding"):
        read_document(path)


@pytest.mark.bad_input(3, 4)
def test_explicit_encoding_is_used(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Café policy".encode("cp1252"))
    assert read_document(path, encoding="cp1252").text == "Café policy"


@pytest.mark.bad_input(1, 6)
@pytest.mark.parametrize("content, reason", [(b"   \n\n ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary")])
def test_empty_and_binary_files_are_skipped_with_reason(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text("The Ministry of Finance issued the Measures for Testing Things.")
    items = list(read_documents([tmp_path]))
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert len(items) == 2 and len(skipped) == 1 and reason in skipped[0].reason and "bad.txt" in skipped[0].reason


def test_front_matter_gives_title_and_date(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A plan\ndate: 2019-11-20\n---\nThe State Council issued a plan.\n")
    doc = read_document(path)
    assert (doc.title, doc.date, doc.date_source) == ("A plan", "2019-11-20", "metadata")
    assert doc.text[doc.body_start:].startswith("The State Council")


def test_date_option_overrides_and_is_checked(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Some text here.")
    assert read_document(path, date="2016-05").date == "2016-05"
    with pytest.raises(InputError, match="YYYY"):
        read_document(path, date="May 2016")


@pytest.mark.bad_input(18)
def test_missing_path_is_skipped_with_a_clear_reason_and_the_rest_is_read(tmp_path):
    (tmp_path / "one.txt").write_text("First text.")
    items = list(read_documents([Path("/nonexistent/folder"), tmp_path]))
    assert isinstance(items[0], Skipped) and "does not exist" in items[0].reason
    assert [Path(i.source).name for i in items[1:]] == ["one.txt"]


@pytest.mark.bad_input(18)
def test_fifo_is_skipped_not_read(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    items = list(read_documents([fifo]))
    assert len(items) == 1 and "not a regular file" in items[0].reason


def test_folders_are_read_recursively_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.md").write_text("Second text.")
    (tmp_path / "one.txt").write_text("First text.")
    (tmp_path / "skip.csv").write_text("a,b")
    docs = list(read_documents([tmp_path]))
    assert [Path(d.source).name for d in docs] == ["two.md", "one.txt"] or [Path(d.source).name for d in docs] == ["one.txt", "two.md"]
    assert len(docs) == 2


def test_folder_walk_finds_what_rglob_finds(tmp_path, monkeypatch):
    """find_files walks folders with os.scandir; it keeps Path.rglob's choices: hidden folders and
    links to files are read, links to folders, FIFOs and other suffixes are not; "." gives plain names."""
    import os

    from kg.documents import SUFFIXES, find_files

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for name in ("x.txt", "a/Y.MD", "a/b/z.html", ".hidden/h.txt", "a/code.py"):
        (tmp_path / name).write_text("Some text.")
    (tmp_path / "a" / "link.txt").symlink_to(tmp_path / "x.txt")
    (tmp_path / "folder-link").symlink_to(tmp_path / "a", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe.txt")
    monkeypatch.chdir(tmp_path)
    for arg in (tmp_path, Path("."), Path("a")):
        expected = sorted({p for p in arg.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()}, key=Path.as_posix)
        assert find_files([arg]) == (expected, [])
    assert [p.as_posix() for p in find_files([Path(".")])[0]] == [".hidden/h.txt", "a/Y.MD", "a/b/z.html", "a/link.txt", "x.txt"]


@pytest.mark.bad_input(5)
def test_lenient_replaces_invalid_utf8_and_records_it(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"The State Council \xff\xfe issued a plan.")
    with pytest.raises(InputError, match="offset 18"):
        read_document(path)
    doc = read_document(path, lenient=True)
    assert doc.text.count("\ufffd") == 2 and doc.encoding == "utf-8 (lenient)"


@pytest.mark.bad_input(7)
def test_file_over_max_bytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    with pytest.raises(InputError, match="over --max-bytes 1,000"):
        read_document(path, max_bytes=1000)


@pytest.mark.parametrize("front", ["date: 2019-31-20", "date: 2016-02-30", "title: [unclosed"])
def test_impossible_or_broken_front_matter_is_a_clear_error(tmp_path, front):
    path = tmp_path / "doc.md"
    path.write_text(f"---\n{front}\n---\nThe State Council issued a plan.\n")
    with pytest.raises(InputError, match="front matter"):
        read_document(path)
