"""Stated figures ("high-tech manufacturing grew by 8.9% in 2015") as observations:
an indicator, a value, a unit and a period, with the sentence that states them."""

from __future__ import annotations

import re

from .dates import find_dates, nearest_date
from .records import Document, Observation, Sentence

_UP = "grew|grow|grows|increased|increase|increases|rose|rise|rises|climbed|expanded|jumped"
_DOWN = "fell|fall|falls|declined|decline|declines|dropped|drop|drops|decreased|decrease|shrank|slipped|slid"
_LEVEL = "reached|reach|reaches|stood at|was|were|accounted for|amounted to"
_FIGURE = re.compile(
    rf"(?P<verb>\b(?:{_UP}|{_DOWN}|{_LEVEL})\b)\s+(?:by\s+(?P<by>)|to\s+(?P<to>))?(?:about\s+|nearly\s+|more than\s+)?"
    r"(?P<value>\d+(?:\.\d+)?)\s?(?P<unit>%|percent\b|per cent\b)(?P<yoy>\s+year-on-year)?",
    re.I,
)
_NP_START = re.compile(r"(?:^|[,;:]\s*|\b(?:and|but|while|that|of which)\s+)(?=[^,;:]*$)", re.I)
_DETERMINERS = re.compile(r"^(?:the|a|an|its|their|this|that|and|but|while)\s+", re.I)
_DOWN_RE = re.compile(rf"^(?:{_DOWN})$", re.I)
_UP_RE = re.compile(rf"^(?:{_UP})$", re.I)
# trimming the indicator's clause: "in 2015 the profits of ... have"
_CLAUSE_EDGE = re.compile(r"[,;:]|\b(?:and|but|while|whereas)\b")
_DATE_OPENER = re.compile(r"^(?:in|from|by|during|since)\s+[^,]*?\b(?:19|20)\d{2}\b\s*", re.I)
_OF_FOR = re.compile(r"^(?:of|for)\s+")
_AUXILIARY_END = re.compile(r"\s+(?:has|have|had|also|further|again)$")
_WORDLIKE = re.compile(r"[A-Za-z]{3}")


def find_observations(doc: Document, sentences: list[Sentence]) -> list[Observation]:
    """Observations in ``doc``: one per stated percentage with a subject before its verb."""
    out: list[Observation] = []
    for sent in sentences:
        if sent.language != "en" or "%" not in sent.text and "percent" not in sent.text.lower() and "per cent" not in sent.text.lower():
            continue
        dates = find_dates(doc.text, sent.start, sent.end, doc.date)
        for match in _FIGURE.finditer(doc.text, sent.start, sent.end):
            indicator = _indicator(doc.text[sent.start:match.start()])
            if not indicator:
                continue
            verb = match.group("verb").lower()
            value = float(match.group("value"))
            change = match.group("by") is not None or (match.group("to") is None and (_UP_RE.match(verb) or _DOWN_RE.match(verb)))
            if change and _DOWN_RE.match(verb):
                value = -value
            kind = ("year-on-year change" if match.group("yoy") else "change") if change else None
            label = f"{indicator} ({kind})" if kind else indicator
            period = nearest_date(dates, match.end())
            out.append(Observation(label, f"{value:g}", "percent", period, sent.index, "observation.percent.v1", 0.7))
    return out


def _indicator(before: str) -> str | None:
    """The noun phrase before the verb, within its clause: "the profits of industrial enterprises"."""
    clause = _CLAUSE_EDGE.split(before)[-1].strip()
    clause = _DATE_OPENER.sub("", clause)
    clause = _OF_FOR.sub("", _DETERMINERS.sub("", clause).strip())
    clause = _AUXILIARY_END.sub("", clause).strip()
    words = clause.split()
    if not 1 <= len(words) <= 10 or not _WORDLIKE.search(clause):
        return None
    return clause

