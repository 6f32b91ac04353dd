"""Split a Document into paragraphs and sentences with character offsets.

Recognises headings (Markdown '#' or short unpunctuated lines) and interview
turns ("Name: ..."), English and Chinese sentence punctuation, and abbreviations
that do not end a sentence.
"""

from __future__ import annotations

import re

from .documents import CJK, count_matches
from .records import Document, Sentence

# Language facts, not domain data: tokens after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "no nos dr mr mrs ms prof sr jr st mt vs etc al inc ltd co corp art arts sec para vol fig figs "
    "approx dept govt jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n p.r.c "
    "rev gen col lt cmdr gov sen rep pp ed eds est".split()
)
_TURN = re.compile(r"([A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3})[ \t]*[:：][ \t]*(?=\S)")
# "Ning Jizhe, Vice Chairman of the National Development and Reform Commission: ..." opens a turn too
_TURN_WITH_POST = re.compile(r"([A-Z][\w'’-]*(?: [A-Z][\w'’-]*){1,2}), (?:[A-Z][\w-]*|of|the|and|for|at)"
                             r"(?: (?:[A-Z][\w-]*|of|the|and|for|at)){0,12}[ \t]*[:：][ \t]*(?=\S)")
_CJK_TURN = re.compile(r"([\u3400-\u9fff]{2,6})[:：]")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+|$)|[。！？]+[”’」』）]*")
_OPENERS = re.compile(r"\s+[\"'“‘(\[]*(?=[A-Z0-9\u3400-\u9fff])")
_LINE = re.compile(r"[^\n]+")


def split_sentences(doc: Document) -> list[Sentence]:
    """Split ``doc`` into sentences; offsets index ``doc.text``.

    Returns:
        Sentences in text order, numbered from 0.
    """
    out: list[Sentence] = []
    paragraph = -1
    current_speaker = None  # an interview answer runs on over paragraphs until the next turn or heading
    for line_match in _LINE.finditer(doc.text, doc.body_start):
        start, end = line_match.span()
        line = doc.text[start:end]
        stripped = line.strip()
        if not stripped or stripped in ("---", "***"):
            continue
        paragraph += 1
        start += len(line) - len(line.lstrip())
        end -= len(line) - len(line.rstrip())
        language = "zh" if count_matches(CJK, stripped) * 2 > len(stripped) * 0.6 else "en"
        if stripped.startswith("#") or _looks_like_heading(stripped):
            hstart = start + (len(stripped) - len(stripped.lstrip("#").lstrip()))
            out.append(Sentence(doc.id, len(out), hstart, end, doc.text[hstart:end], paragraph, "heading", None, language))
            current_speaker = None
            continue
        speaker = None
        turn = _CJK_TURN.match(doc.text, start, end) if language == "zh" else \
            _TURN.match(doc.text, start, end) or _TURN_WITH_POST.match(doc.text, start, end)
        if turn and len(turn.group(1).split()) <= 4:
            speaker = current_speaker = turn.group(1).strip()
        speaker = speaker or current_speaker
        for s_start, s_end in _sentence_spans(doc.text, start, end):
            kind = "turn" if speaker else "text"
            out.append(Sentence(doc.id, len(out), s_start, s_end, doc.text[s_start:s_end], paragraph, kind, speaker, language))
    return out


def _looks_like_heading(line: str) -> bool:
    """A short line with no closing punctuation, mostly capitalised or short, is a heading."""
    if line[-1] in ".。!！?？:：;；,，\"”)" or len(line) > 100:
        return False
    words = line.split()
    return 1 <= len(words) <= 14 and not CJK.search(line[-1])


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    s = start
    for match in _BOUNDARY.finditer(text, start, end):
        cut = match.end()
        if match.group(0)[0] == "." and _is_abbreviation(text, s, match.start()):
            continue
        if match.group(0)[0] in ".!?" and cut < end and not _OPENERS.match(text, cut, end):
            continue  # next word is lower case: not a sentence start
        spans.append((s, cut))
        s = cut
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        spans.append((s, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")


def _is_abbreviation(text: str, sent_start: int, dot: int) -> bool:
    word_start = dot
    while word_start > sent_start and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“":
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and text[word_start].isupper():
        return True  # an initial: "J. Smith"
    return bool(_DOTTED.fullmatch(word))  # "U.S", "e.g"
