"""Read files into Documents: decoding, front matter, title, language and date."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from .datafiles import load_yaml
from .errors import InputError
from .formats import HTML_SUFFIXES, PDF_SUFFIXES, html_text, pdf_text
from .records import Document

log = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md", *HTML_SUFFIXES, *PDF_SUFFIXES)
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_BINARY_MAGIC = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"GIF8", b"\xff\xd8\xff")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CJK = re.compile(r"[\u3400-\u9fff]")  # Chinese characters (CJK Unified Ideographs)
_LATIN = re.compile(r"[A-Za-z]")
# C0 controls other than tab and newline cannot stand in RDF literals safely.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not built, and why (the user's next step included)."""

    source: str
    reason: str


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Expand files and folders (recursively) into a sorted list of the files policy-kg reads (SUFFIXES).

    Returns:
        The files, and a Skipped for each path that does not exist or is no regular file or folder.
    """
    names, problems = _find_names(paths)
    return [Path(name) for name in names], problems


def _find_names(paths: Iterable[Path]) -> tuple[list[str], list[Skipped]]:
    """:func:`find_files` as strings (a Path object per file costs 30 us, 0.3 s at 10,000 files)."""
    found: set[str] = set()
    problems: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            folder = str(path)  # a Path's string is normalised, but for "." scandir names "./x.txt"
            found.update(_walk(folder) if folder != "." else (name[2:] for name in _walk(folder)))
        elif path.is_file():
            found.add(str(path))
        elif path.exists():
            problems.append(Skipped(path.as_posix(), f"{path} is not a regular file or folder (a FIFO or device?). "
                                                     "Pass text, Markdown, HTML or PDF files, or folders."))
        else:
            problems.append(Skipped(path.as_posix(), f"{path} does not exist. Pass text, Markdown, HTML or PDF files, or folders that hold them."))
    return sorted(found), problems


def _walk(folder: str) -> Iterator[str]:
    """The files under ``folder`` with a suffix policy-kg reads, as Path.rglob("*") finds them (symbolic
    links to files followed, to folders not; unreadable folders passed over), but with os.scandir,
    which costs a tenth as much on a corpus of 10,000 files."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path)
            elif os.path.splitext(entry.name)[1].lower() in SUFFIXES and entry.is_file():
                yield entry.path
        except OSError:
            continue


def decode(data: bytes, source: str, encoding: str | None = None, lenient: bool = False) -> tuple[str, str]:
    """Decode bytes: a given encoding, else UTF-16 or UTF-8 by BOM, UTF-8, else a detected CJK encoding.

    With ``lenient``, invalid UTF-8 becomes U+FFFD and the count is logged.

    Returns:
        The text and the name of the encoding used.

    Raises:
        InputError: the bytes decode with none of them.
    """
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{source} does not decode as {encoding}: {exc}. Check --encoding.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{source} starts with a UTF-16 byte order mark but is not valid UTF-16 "
                             f"(offset {exc.start}). Re-save it as UTF-8.") from None
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if lenient:
        text = data.decode("utf-8-sig", errors="replace")
        log.warning("%s: %d invalid UTF-8 sequence(s) replaced by U+FFFD (--lenient).", source, text.count("\ufffd"))
        return text, "utf-8 (lenient)"
    detected = _detect_cjk(data)
    if detected:
        log.warning("%s: not UTF-8; read as %s (detected). Pass --encoding to be sure.", source, detected[1])
        return detected
    raise InputError(
        f"{source} is not UTF-8 (invalid byte at offset {utf8_error.start}), and its encoding cannot be detected "
        "with confidence. Pass --encoding with its encoding (e.g. --encoding cp1252 or --encoding big5), "
        "or --lenient to read it as UTF-8 with bad bytes replaced."
    )


# Detection is trusted only for the multi-byte Chinese, Japanese and Korean encodings, whose byte
# patterns are distinctive; single-byte Latin encodings (cp1252, cp1250, latin-1...) look alike and
# would give mojibake, so those need --encoding.
_CJK_ENCODINGS = {"gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "cp936": "gb18030", "hz": "hz",
                  "big5": "big5", "big5hkscs": "big5hkscs", "cp950": "cp950", "shift_jis": "shift_jis",
                  "cp932": "cp932", "euc_jp": "euc_jp", "euc_kr": "euc_kr", "cp949": "cp949"}
_MIN_DETECT_BYTES = 48


def _detect_cjk(data: bytes) -> tuple[str, str] | None:
    """Text and encoding when the bytes are, with confidence, a CJK multi-byte encoding."""
    from charset_normalizer import from_bytes

    if len(data) < _MIN_DETECT_BYTES:
        return None
    best = from_bytes(data).best()
    if best is None or best.encoding not in _CJK_ENCODINGS or best.chaos > 0.1:
        return None
    encoding = _CJK_ENCODINGS[best.encoding]
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    cjk = count_matches(CJK, text)
    if cjk < 0.3 * max(1, len(text.strip()) - count_matches(_LATIN, text) - text.count(" ")):
        return None
    return text, encoding


def read_document(path: Path, *, encoding: str | None = None, date: str | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES, root: Path | None = None, lenient: bool = False) -> Document:
    """Read one file into a Document.

    Raises:
        InputError: the file is empty, binary, too large, unreadable or undecodable.
    """
    source = _display(path, root)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"{source} is {size:,} bytes, over --max-bytes {max_bytes:,}. Split it or raise --max-bytes.")
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{source} cannot be read (permission denied). Check its permissions.") from None
    except OSError as exc:
        raise InputError(f"{source} cannot be read: {exc.strerror}.") from None
    if not data.strip():
        raise InputError(f"{source} is empty. Remove it or add text.")
    suffix = path.suffix.lower()
    extracted = None
    if suffix in PDF_SUFFIXES:
        if not data.startswith(b"%PDF"):
            raise InputError(f"{source} is named .pdf but is not a PDF. Rename it or remove it.")
        extracted = pdf_text(path, source)
        text, used = extracted.text, "pdf"
    elif data.startswith(_BINARY_MAGIC) or _mostly_binary(data):
        raise InputError(f"{source} looks binary, not text. Only text, Markdown, HTML and PDF files are read.")
    elif suffix in HTML_SUFFIXES:
        extracted = html_text(data, source)
        text, used = extracted.text, "html"
    else:
        text, used = decode(data, source, encoding, lenient)
    text = _CONTROL.sub("\ufffd", unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")))
    meta, body_start = _front_matter(text, source) if extracted is None else ({}, 0)
    if extracted is not None:
        meta = {"title": extracted.title, "date": extracted.date, "language": extracted.language}
    if not text[body_start:].strip():
        raise InputError(f"{source} has no text after its front matter. Remove it or add text.")
    doc_date, date_source = _document_date(meta, date, source)
    sha = hashlib.sha256(data).hexdigest()
    return Document(
        id=sha[:16], source=source, text=text, body_start=body_start,
        title=str(meta.get("title") or _title(text[body_start:], path)).strip(),
        sha256=sha, languages=_languages(text[body_start:]), date=doc_date, date_source=date_source,
        encoding=used, language=_declared_language(meta, source),
        page_starts=extracted.page_starts if extracted else (),
    )


def read_documents(paths: Iterable[Path], *, encoding: str | None = None, date: str | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES, lenient: bool = False) -> Iterator[Document | Skipped]:
    """Yield a Document per readable file and a Skipped per file or path that is not."""
    for _, item in read_files(paths, encoding=encoding, date=date, max_bytes=max_bytes, lenient=lenient):
        yield item


def read_files(paths: Iterable[Path], *, encoding: str | None = None, date: str | None = None,
               max_bytes: int = DEFAULT_MAX_BYTES, lenient: bool = False,
               known: Callable[[str], Document | None] | None = None) -> Iterator[tuple[str | None, Document | Skipped]]:
    """:func:`read_documents`, each with the name of the file it came from (None for a path that is no file).

    ``known(name)`` may give the Document a file gave before (unchanged since): it is not read again.
    """
    files, problems = _find_names(paths)
    for problem in problems:  # each says why; the caller reports them
        yield None, problem
    root = Path.cwd()
    seen: set[str] = set()
    for name in files:
        try:
            doc = known(name) if known else None
            if doc is None:
                doc = read_document(Path(name), encoding=encoding, date=date, max_bytes=max_bytes, root=root, lenient=lenient)
        except InputError as exc:
            yield name, Skipped(_display(Path(name), root), str(exc))
            continue
        if doc.id in seen:
            log.warning("%s has the same content as an earlier file; read once.", doc.source)
            continue
        seen.add(doc.id)
        yield name, doc


def count_matches(pattern: re.Pattern, text: str) -> int:
    """How many characters match a one-character pattern, without a list of them (text may be 100 MB)."""
    return len(text) - len(pattern.sub("", text))


def _mostly_binary(data: bytes) -> bool:
    """NULs in more than 1% of the first 4 KB mean binary; a stray NUL in text is replaced later."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 is half NULs
    sample = data[:4096]
    return sample.count(b"\x00") > max(2, len(sample) // 100)


def _display(path: Path, root: Path | None) -> str:
    try:
        return path.resolve().relative_to((root or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _front_matter(text: str, source: str) -> tuple[dict, int]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    try:
        meta = load_yaml(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: the front matter is not valid YAML ({exc.problem}). Fix it or remove it.") from None
    except (ValueError, OverflowError) as exc:  # a date-like value that is no date ("2019-31-20")
        raise InputError(f"{source}: the front matter holds an impossible value ({exc}). Fix it or remove it.") from None
    if not isinstance(meta, dict):
        raise InputError(f"{source}: the front matter must be 'key: value' lines.")
    return meta, match.end()


def _document_date(meta: dict, option: str | None, source: str) -> tuple[str | None, str | None]:
    if option:
        return _check_date(option, "--date"), "option"
    value = meta.get("date")
    if value is None:
        return None, None
    return _check_date(str(value), f"{source} front matter"), "metadata"


def _declared_language(meta: dict, source: str) -> str | None:
    value = meta.get("language") or meta.get("lang")
    if not value:
        return None
    tag = normalize_language(str(value))
    if tag is None:
        log.warning("%s: language '%s' is not a BCP 47 tag or a known language name; dropped.", source, value)
    return tag


def normalize_language(value: str) -> str | None:
    """A BCP 47 tag for 'zh_CN', 'zh-cn', 'Chinese' or 'zh'; None when it names no known language."""
    from babel import Locale, UnknownLocaleError

    value = value.strip()
    if re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", value):
        try:
            Locale.parse(value.replace("-", "_"))  # a known language (and region)
        except (UnknownLocaleError, ValueError):
            return None
        parts = value.replace("_", "-").split("-")
        return "-".join([parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() if len(p) == 2 or p.isdigit()
                                              else p.lower() for p in parts[1:]])
    names = {name.casefold(): code for code, name in Locale("en").languages.items() if "_" not in code}
    return names.get(value.casefold())


def _check_date(value: str, where: str) -> str:
    value = value.strip()[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", value.strip()) else value.strip()
    if not _ISO_DATE.match(value):
        raise InputError(f"{where}: date '{value}' is not YYYY, YYYY-MM or YYYY-MM-DD.")
    return value


def _title(body: str, path: Path) -> str:
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            return line.lstrip("#").strip()
        if len(line) <= 120 and not line.endswith((".", "。", ":", "：")):
            return line
        break
    return path.stem


def _languages(body: str) -> tuple[str, ...]:
    cjk = count_matches(CJK, body)
    latin = count_matches(_LATIN, body)
    langs = []
    if latin >= 20 or (latin and latin >= cjk):
        langs.append("en")
    if cjk >= 10 or (cjk and cjk > latin):
        langs.append("zh")
    return tuple(langs) or ("und",)
