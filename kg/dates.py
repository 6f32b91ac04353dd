"""Find date expressions in sentences and resolve them against the document date.

Absolute dates ("on June 30th, 2016", "9 July 2018", "in July 2015", "in 2016")
and relative ones ("last year", "last week", "in April this year", "on May 13", "on Monday", "last
November", "last autumn", "next month", "in April", 去年, 今年5月)
become ISO values: YYYY-MM-DD, YYYY-MM or YYYY, in the spirit of HeidelTime.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .rules import at_word_start

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}


_MONTH_NAMES = ("January February March April May June July August September October November December "
                "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
_MONTH = rf"({'|'.join(_MONTH_NAMES)})\.?"
_MONTH_AT = rf"({at_word_start(*_MONTH_NAMES)})\.?"  # _MONTH at a word's start
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_AT = r"(\d(?<!\w.)\d?)(?:st|nd|rd|th)?"  # _DAY at a word's start
_YEAR = r"((?:19|20)\d{2})"
# prepositions before a month or a year; written out in both cases (faster than re.I)
_PREPS = ("[Ii]n", "[Ss]ince", "[Bb]y", "[Ff]rom", "[Dd]uring", "[Uu]ntil", "[Ee]arly", "[Ll]ate", "[Mm]id", "[Ee]nd of",
          "[Tt]he end of")
_RELATIVE = ("[Ll]ast", "[Tt]his", "[Nn]ext")
_REL_YEAR = r"([Ll]ast|[Tt]his|[Nn]ext|[Tt]he previous|[Tt]he following) year"
_REL_YEAR_AT = rf"({at_word_start('[Ll]ast', '[Tt]his', '[Nn]ext', '[Tt]he previous', '[Tt]he following')}) year"

# Order matters: the most specific pattern first; a span taken by one is not reused.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("mdy", re.compile(rf"{_MONTH_AT} {_DAY},? {_YEAR}\b")),
    ("dmy", re.compile(rf"{_DAY_AT} {_MONTH},? {_YEAR}\b")),
    ("iso", re.compile(r"((?:1(?<!\w.)9|2(?<!\w.)0)\d{2})-(\d{2})-(\d{2})\b")),
    ("zh", re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(?:(\d{1,2})日)?")),
    ("my_rel", re.compile(rf"{_MONTH_AT},? {_REL_YEAR}")),
    ("my", re.compile(rf"{_MONTH_AT},? {_YEAR}\b")),
    ("md", re.compile(rf"{_MONTH_AT} {_DAY}\b(?!,? (?:19|20)\d{{2}})")),
    ("dm", re.compile(rf"{_DAY_AT} {_MONTH}\b(?!,? (?:19|20)\d{{2}})")),
    ("zh_rel", re.compile(r"(去年|今年|明年|前年)(?:(\d{1,2})月(?:(\d{1,2})日)?)?")),
    ("rel_month", re.compile(rf"({at_word_start('[Ll]ast', '[Nn]ext', '[Tt]his')}) {_MONTH}(?!,? (?:19|20)\d{{2}})\b")),
    ("rel_season", re.compile(rf"({at_word_start(*_RELATIVE)}) ([Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\b")),
    ("month_shift", re.compile(rf"({at_word_start(*_RELATIVE)}) month\b")),
    ("week_shift", re.compile(rf"({at_word_start(*_RELATIVE)}) week\b")),
    ("rel_year", re.compile(rf"{_REL_YEAR_AT}\b(?!['’]s\b)")),  # not "this year's fair": that names the fair
    ("m_only", re.compile(rf"{at_word_start(*_PREPS)} {_MONTH}(?![\w-]|,? \d)")),
    ("weekday", re.compile(r"\b(?i:on|last) (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    ("year", re.compile(rf"{at_word_start(*_PREPS, '[Oo]f', '[Bb]efore', '[Aa]fter')} {_YEAR}\b(?![-–/]\d)")),
]


# What each pattern cannot match without: one quick search each instead of every pattern's scan.
# A gate may match more than its patterns need (it only saves scans); none starts with \b, which
# would keep the regex engine from skipping ahead to the letters a match can start with.
_NEEDS = {
    "digit": re.compile(r"\d"),
    "year4": re.compile(r"(?:19|20)\d\d"),  # every pattern that writes the year out needs one
    "isodate": re.compile(r"-\d\d-"),
    "month": re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"),
    "year": re.compile(r"[Yy]ear"),
    "zh": re.compile(r"年"),
    "weekday": re.compile(r"day\b"),
    "relative": re.compile(r"[LlTtNn](?:ast|his|ext)\b"),
}
_YEAR_ANYWHERE = re.compile(r"(?:19|20)\d{2}")
_EXPLICIT = frozenset(["mdy", "dmy", "iso", "zh", "my", "year"])  # the kinds that write the year out
_KIND_NEEDS = {
    "mdy": {"year4", "month"}, "dmy": {"year4", "month"}, "iso": {"isodate"}, "zh": {"year4", "zh"},
    "zh_rel": {"zh"}, "rel_month": {"month", "relative"}, "rel_season": {"relative"}, "month_shift": {"relative"}, "week_shift": {"relative"},
    "rel_year": {"year"}, "m_only": {"month"}, "my_rel": {"month", "year"}, "my": {"year4", "month"},
    "md": {"digit", "month"}, "dm": {"digit", "month"}, "weekday": {"weekday"}, "year": {"year4"},
}


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: str | None  # None: relative and no document date to resolve it
    explicit: bool  # the year is written out
    # a month, day or weekday without its year read forward: "will open in October" (written in
    # August) means the coming October, "opened in October" the last one; None: same as value
    ahead: str | None = None


def find_dates(text: str, start: int = 0, end: int | None = None, doc_date: str | None = None,
               kinds: frozenset[str] | None = None) -> list[DateMention]:
    """Date expressions in ``text[start:end]``, resolved against ``doc_date`` where relative;
    ``kinds`` limits the search to some patterns (by name)."""
    end = len(text) if end is None else end
    present = {need for need, gate in _NEEDS.items() if gate.search(text, start, end)}
    if not present:
        return []
    ref = _parse_ref(doc_date)
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []  # sorted, non-overlapping spans: overlap checks by bisection
    for kind, pattern in _PATTERNS:
        if (kinds is not None and kind not in kinds) or not _KIND_NEEDS[kind] <= present:
            continue  # "mdy" needs a month name and a digit: skip the scan when either is missing
        for m in pattern.finditer(text, start, end):
            at = bisect.bisect_left(taken, (m.start(), m.start()))
            if (at < len(taken) and taken[at][0] < m.end()) or (at and taken[at - 1][1] > m.start()):
                continue  # an earlier pattern already read (part of) this span
            precise = bool(doc_date and len(doc_date) == 10)
            value, explicit = _value(kind, m.groups(), ref, precise)
            ahead = _ahead(kind, m.groups(), ref, precise) if value and kind in _AHEAD_KINDS else None
            taken.insert(at, (m.start(), m.end()))
            out.append(DateMention(m.start(), m.end(), value, explicit, ahead if ahead != value else None))
    return sorted(out, key=lambda d: d.start)


def nearest_date(dates: list[DateMention], position: int, clause: tuple[int, int] | None = None,
                 ahead: bool = False) -> str | None:
    """The resolved value of the date expression closest to ``position``, or None. Dates inside
    ``clause`` (the trigger's own clause) come first: in "drafted last autumn and approved in
    January", January dates the approval. With ``ahead`` (a planned fact), a month or day without
    its year is the next one after the document date."""
    resolved = [d for d in dates if d.value]
    if clause is not None:
        resolved = [d for d in resolved if clause[0] <= d.start and d.end <= clause[1]] or resolved
    if not resolved:
        return None
    nearest = min(resolved, key=lambda d: min(abs(d.start - position), abs(d.end - position)))
    return nearest.ahead or nearest.value if ahead else nearest.value


_CLAUSE_EDGE = re.compile(r",|;|\band\b|\bbut\b")


def clauses(text: str, start: int, end: int) -> Callable[[int], tuple[int, int]]:
    """A function giving the span between the commas, semicolons and 'and's around a position
    within [start, end); the span is scanned once for all positions. A position is expected at a
    word's end or between words (where a trigger word ends), as only there the edges of the whole
    span are those of the text on either side."""
    edges = [m.span() for m in _CLAUSE_EDGE.finditer(text, start, end)]
    ends = [b for _, b in edges]

    def around(position: int) -> tuple[int, int]:
        k = bisect.bisect_right(ends, position)  # edges[:k] end at or before the position
        after = next((a for a, _ in edges[k:] if a >= position), end)
        return (ends[k - 1] if k else start, after)
    return around


def infer_document_date(text: str) -> str | None:
    """The latest explicit date in a text (used when no date is given)."""
    # every explicit date writes its year: read only the stretches around years, merged where they touch
    windows: list[list[int]] = []
    for year in _YEAR_ANYWHERE.finditer(text):
        start, end = max(0, year.start() - 30), min(len(text), year.end() + 4)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    values = [d.value for start, end in windows for d in find_dates(text, start, end, kinds=_EXPLICIT)
              if d.explicit and d.value]
    return max(values, key=lambda v: (v + "-99-99")[:10]) if values else None


def _parse_ref(doc_date: str | None) -> dt.date | None:
    if not doc_date:
        return None
    parts = [int(p) for p in doc_date.split("-")]
    year, month, day = (parts + [12, 31][len(parts) - 1:])[:3] if len(parts) < 3 else parts
    if len(parts) == 2:
        day = 28
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _value(kind: str, g: tuple, ref: dt.date | None, precise: bool = True) -> tuple[str | None, bool]:
    if kind == "mdy":
        return _ymd(int(g[2]), _month(g[0]), int(g[1])), True
    if kind == "dmy":
        return _ymd(int(g[2]), _month(g[1]), int(g[0])), True
    if kind == "iso":
        return _ymd(int(g[0]), int(g[1]), int(g[2])), True
    if kind == "zh":
        return (_ymd(int(g[0]), int(g[1]), int(g[2])) if g[2] else f"{int(g[0]):04d}-{int(g[1]):02d}"), True
    if kind == "my":
        return f"{int(g[1]):04d}-{_month(g[0]):02d}", True
    if kind == "year":
        return g[0], True
    if ref is None:
        return None, False
    if kind == "my_rel":
        return f"{ref.year + _year_shift(g[1]):04d}-{_month(g[0]):02d}", False
    if kind == "rel_year":
        return f"{ref.year + _year_shift(g[0]):04d}", False
    if kind == "zh_rel":
        year = ref.year + {"去年": -1, "今年": 0, "明年": 1, "前年": -2}[g[0]]
        if g[1] is None:
            return f"{year:04d}", False
        return (_ymd(year, int(g[1]), int(g[2])) if g[2] else f"{year:04d}-{int(g[1]):02d}"), False
    if kind == "rel_month":
        month, word = _month(g[1]), g[0].lower()
        # "last March" is the latest March before the document; "next March" the first one after it
        year = ref.year if word == "this" else ref.year - (month >= ref.month) if word == "last" else ref.year + (month <= ref.month)
        return f"{year:04d}-{month:02d}", False
    if kind == "rel_season":
        word, season = g[0].lower(), g[1].lower()
        ends = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 2}[season]
        if word == "this":
            return f"{ref.year:04d}", False
        year = ref.year - (ref.month <= ends) if word == "last" else ref.year + (ref.month >= ends)
        return f"{year:04d}", False
    if kind == "week_shift":  # "last week": the month it fell in (the day is not said)
        day = ref + dt.timedelta(days=7 * {"last": -1, "this": 0, "next": 1}[g[0].lower()])
        return f"{day.year:04d}-{day.month:02d}", False
    if kind == "month_shift":
        index = ref.year * 12 + ref.month - 1 + {"last": -1, "this": 0, "next": 1}[g[0].lower()]
        return f"{index // 12:04d}-{index % 12 + 1:02d}", False
    if kind == "m_only":
        month = _month(g[0])
        year = ref.year if month <= ref.month else ref.year - 1  # the latest such month up to the document date
        return f"{year:04d}-{month:02d}", False
    if kind in ("md", "dm"):
        month, day = (_month(g[0]), int(g[1])) if kind == "md" else (_month(g[1]), int(g[0]))
        # Against an exact document date, the last such day; against a month or year, that year.
        year = ref.year if precise is False or (month, day) <= (ref.month, ref.day) else ref.year - 1
        return _ymd(year, month, day), False
    if kind == "weekday":
        back = (ref.weekday() - WEEKDAYS[g[0].lower()]) % 7
        return (ref - dt.timedelta(days=back)).isoformat(), False
    return None, False


_AHEAD_KINDS = frozenset(["m_only", "md", "dm", "weekday"])


def _ahead(kind: str, g: tuple, ref: dt.date, precise: bool) -> str | None:
    """``_value`` read forward: the first such month, day or weekday from the document date on."""
    if kind == "m_only":
        month = _month(g[0])
        return f"{ref.year + (month < ref.month):04d}-{month:02d}"
    if kind in ("md", "dm"):
        month, day = (_month(g[0]), int(g[1])) if kind == "md" else (_month(g[1]), int(g[0]))
        return _ymd(ref.year + (precise and (month, day) < (ref.month, ref.day)), month, day)
    if kind == "weekday":
        return (ref + dt.timedelta(days=(WEEKDAYS[g[0].lower()] - ref.weekday()) % 7)).isoformat()
    return None


def _year_shift(word: str) -> int:
    word = word.lower()
    return -1 if word in ("last", "the previous") else 1 if word in ("next", "the following") else 0


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"
