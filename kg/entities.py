"""Find mentions: lexicon matches first, then rules for names the lexicon does not know.

Order of passes per document: lexicon (English tokens, Chinese names), then
rules (capitalised names with head words, quoted titles, people with titles,
places in "such as" lists, acronyms defined in parentheses, lowercase policy
phrases after verbs, goals after cues), then the passes of kg.references: a
document gazetteer and references back ("the alliance", "we", "the two sides").
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import cache

from .chinese import chinese_mentions
from .dates import MONTHS, WEEKDAYS
from .lexicon import Lexicon, tokenize
from .records import Document, Mention, Sentence
from .references import (
    body_of_title,
    definite_references,
    described_policies,
    gazetteer_pass,
    group_references,
    national_references,
    pair_references,
    pronoun_references,
    short_names,
    speaker_references,
)
from .rules import MentionRules

_QUOTED = re.compile(r"[\"“]([^\"“”\n]{1,150})[\"”]")
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z&]{1,9})\)")
_DATING_PREPOSITIONS = frozenset(["by", "in", "before", "after", "until", "since", "from", "of"])  # "Strategy of 2020"
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_SUFFIX = re.compile(r"\s*\((?:\d{4}(?:[-–]\d{4})?)\)")
_CAP = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-ž][\w'’.-]*|\d+(?:st|nd|rd|th)|\d[\d.]*|Sino-\w+)$")
# Latin letters with accents count: "Markus Söder", "Zoë Müller-Lüdenscheidt", "Maroš Šefčovič" (Latin Extended-A
# alternates capital and small letters: the whole block stands in both classes)
_ACCENTED_UP = "À-ÖØ-ÞĀ-ž"
_UP, _LOW = "A-Z" + _ACCENTED_UP, "a-zß-öø-ÿĀ-ž"
_NAME_TOKEN = re.compile(rf"^[{_UP}][{_LOW}]+(?:-[a-z{_UP}][{_LOW}]+)?$")
_DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_ORDINAL_SUFFIX = frozenset(["i", "ii", "iii", "iv", "v", "vi", "2.0", "3.0", "4.0"])


# patterns of the hot paths, compiled once (a module-level re call looks its pattern up each time)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)
_QUOTES_AND_MARKS = re.compile(r"[\"\u200b-\u200f\u202a-\u202e]")
_SPACES = re.compile(r"\s+")
_BETWEEN_COMMAS = re.compile(r"[^,]+")
_AND_TO = re.compile(r"\s+and\s+(?:to\s+)?")
_PIECE = re.compile(r"^(?:(?:and|or)\s+)?(.*?)(?:\s+(?:and|or))?$", re.S)
_GOAL_WORD = re.compile(r"[\w'-]+")
_AND_TO_INFINITIVE = re.compile(r"\s+and\s+to\s+")
_MODIFIERS = frozenset(["national", "state", "central", "federal", "joint", "international", "global", "european"])
_BY_YEAR = re.compile(r"\s+by\s+(?:the end of\s+)?(?:19|20)\d\d\b")
_AND_ARTICLE = re.compile(r"\s+and\s+(?:a|an|the)\s+")
_COMPOUND_SUFFIX = re.compile(r"-(?:oriented|friendly|based|driven)$")
_POSSESSIVE = re.compile(r"['’]s\s+(?:own\s+)?")


def name_key(name: str) -> str:
    """Normalise a name into a resolution key: case, articles, quotes and spacing do not count."""
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("“", '"').replace("”", '"')
    text = _ARTICLE.sub("", text.strip())
    text = _QUOTES_AND_MARKS.sub("", text)
    return "name:" + _SPACES.sub(" ", text).strip(" ,.;:").casefold()


def find_mentions(doc: Document, sentences: list[Sentence], lexicon: Lexicon, rules: MentionRules) -> list[Mention]:
    """All mentions of ``doc``, sorted by position, without overlaps.

    Returns:
        Mentions in text order. Rule mentions carry their rule id in ``source``.
    """
    found: list[Mention] = []
    for sent in sentences:
        found.extend(_sentence_mentions(doc.text, sent, lexicon, rules))
    found = gazetteer_pass(doc.text, sentences, found)
    found = short_names(found, rules)
    found = described_policies(found)
    found = definite_references(doc.text, sentences, found, rules, lexicon)
    found = speaker_references(doc.text, sentences, found, rules, lexicon)
    found = pair_references(doc.text, sentences, found)
    found = group_references(doc.text, sentences, found)
    found = pronoun_references(doc.text, sentences, found, rules)
    found = national_references(doc.text, sentences, found, lexicon)
    found.extend(_list_goals(doc.text, sentences, rules))
    return sorted(found, key=lambda m: (m.start, -m.end))


_TASK_HEADING = re.compile(r"(?:[IVX]{1,4}\.|\d{1,2}\.|[一二三四五六七八九十]{1,3}、)?\s*(?:[A-Z][a-z]+ ){0,2}[Tt]asks")


def _list_goals(text: str, sentences: list[Sentence], rules: MentionRules) -> list[Mention]:
    """The items of a task list announced by the sentence before them ("... the following main tasks:",
    then "(1) promote customised production;"), as goals; kg.relations gives them to that sentence's policy."""
    out: list[Mention] = []
    listing = False
    for sent in sentences:
        marker = rules.list_item.match(text, sent.start, sent.end) if listing else None
        if marker is None:
            line = text[sent.start:sent.end].rstrip()
            # "... the following main tasks:", or a section heading "I. Main tasks"
            listing = sent.language != "zh" and (line[-1:] in (":", "：") or _TASK_HEADING.fullmatch(line) is not None) and \
                rules.goal_list_lead.search(text, sent.start, sent.end) is not None
            continue
        start, end = marker.end(), sent.end
        while end > start and text[end - 1] in ";.。；,，":
            end -= 1
        goal = _goal_concept(text[start:end], rules)
        if goal is not None:
            key, label, zh, (gs, ge) = goal
            out.append(Mention(start + gs, start + ge, text[start + gs:start + ge], "Goal", key, label, "goal.list.v1",
                               sent.index, zh=zh))
    return out


def _sentence_mentions(text: str, sent: Sentence, lexicon: Lexicon, rules: MentionRules) -> list[Mention]:
    if sent.language == "zh":
        return chinese_mentions(text, sent, lexicon)
    tokens = tokenize(text, sent.start, sent.end)
    lows = [t[0].lower() for t in tokens]
    mentions = _lexicon_mentions(text, tokens, lows, sent, lexicon)
    taken = _Spans(mentions)
    words = frozenset(lows)  # for the finders' quick "can this sentence match?" tests
    issuers = []
    for policy, issuer in _issued_titles(text, sent, lexicon, rules, taken, words):
        # "the Notice of the General Office of the State Council on ...": one policy, its issuer named inside it
        taken.remove(taken.inside(policy.start, policy.end))
        taken.add(policy)
        issuers.append(issuer)
    for finder in (_people, _org_lists, _capitalised_names, _place_governments, _quoted_titles, _place_lists, _place_appositions,
                   _policy_phrases, _event_phrases, _described_orgs, _speaker):
        for mention in finder(text, tokens, sent, rules, lexicon, taken, words):
            inner = taken.inside(mention.start, mention.end)
            if finder is _described_orgs and mention.country and [(m.cls, m.start, m.end, m.country) for m in inner] == [
                    ("Organization", mention.start, mention.end, None)]:
                taken.remove(inner)  # "Baowu Steel Group, the largest Chinese steelmaker": the name found, with its country
                taken.add(replace(inner[0], country=mention.country))
                continue
            if mention.title and [(m.cls, m.start, m.end, m.title) for m in inner] == [("Person", mention.start, mention.end, None)]:
                # a known person with a post ("Minister ... Miao Wei"): the lexicon's entry, with the post
                taken.remove(inner)
                taken.add(replace(inner[0], title=mention.title))
                continue
            # a title in quotes, or a name a noun calls a company ("the carmaker SAIC Motor"), is what it says:
            # it wins over the shorter names inside it (a policy's, or for a company any class's)
            explicit = finder in (_quoted_titles, _described_orgs) and \
                all(m.end - m.start < mention.end - mention.start for m in inner)
            if finder in (_capitalised_names, _place_governments, _quoted_titles, _described_orgs) and inner and all(
                    m.cls in ("Country", "Place") or _acronym_modifier(m, text, rules) or _trailing_acronym(m, text) or (m.cls == "Policy" and (
                        m.start > mention.start or explicit or _NARROWED.match(text, m.end, mention.end)))
                    or (finder is _described_orgs and explicit) for m in inner):
                # "Guidelines for ... of China's ...": the longer name wins, the country stays as its country;
                # so does "Sino-German Industry 4.0 Dialogue" over the policy inside it (but "Made in China
                # 2025 Plan" is the known policy), and a title in quotes over any shorter name inside it
                taken.remove(inner)
                narrowed = next((m for m in inner if m.cls == "Policy" and m.country and m.start == mention.start), None)
                if narrowed is not None and mention.cls == "Policy" and not mention.country:
                    mention = replace(mention, country=narrowed.country)  # a national plan's field plan is national
                # "Bank of China", "China Centre": the body's country; "Institute for China Studies": its topic
                # (a policy "for China's Rural Roads" is China's)
                # (a body "in China" is there, not of it: "EU Chamber of Commerce in China"; a plan "in Jiangsu" is China's)
                places = [m for m in inner if m.cls in ("Country", "Place") and (mention.cls == "Policy" or text[m.start - 4:m.start] != " in ") and not (
                    mention.cls != "Policy" and _TOPIC_BEFORE.search(text, mention.start, m.start))]
                countries = {m.country or m.key[4:] for m in places}
                if len(countries) == 1:  # "... between Bavaria and Shandong": two countries' places give none
                    mention = replace(mention, country=mention.country or countries.pop())
            if taken.free(mention.start, mention.end):
                taken.add(mention)
    mentions = taken.mentions
    low = text[sent.start:sent.end].lower()
    if rules.goal_gate is None or any(key in low for key in rules.goal_gate):  # a looser test than word starts
        mentions.extend(_goals(text, low, sent, rules, taken))
    return _acronyms(text, mentions) + issuers


_DOC_TYPES = r"(?:(?:Guiding |Implementation |Implementing |Several )?(?:Notice|Opinions|Circular|Decision|Reply|Announcement|Measures|" \
             r"Provisions|Regulations|Rules|Guidelines|Outline|Plan|Action Plan))"
_DOC_TYPE_WORDS = frozenset(["notice", "opinions", "circular", "decision", "reply", "announcement", "measures", "provisions",
                             "regulations", "rules", "guidelines", "outline", "plan"])
_ISSUED_TITLE = re.compile(
    rf"\b({_DOC_TYPES}) of (?:the )?((?:[A-Z][\w'’-]*|of|the|and|for)(?: (?:[A-Z][\w'’-]*|of|the|and|for))*?) on "
    r"((?:[A-Z][\w'’-]*(?:\.\d+)?|\d[\w.]*\w|of|the|and|for|in|on|to|with|a|an|by|at)"
    r"(?: (?:[A-Z][\w'’-]*(?:\.\d+)?|\d[\w.]*\w|of|the|and|for|in|on|to|with|a|an|by|at))*)")


def _issued_titles(text: str, sent: Sentence, lexicon: Lexicon, rules: MentionRules, taken: _Spans, words: frozenset[str]):
    """Chinese official titles name their issuer: "Notice of the General Office of the State Council on
    Promoting ...", "Guiding Opinions of the Ministry of X on ...". Yields (the policy, its issuer)."""
    if _DOC_TYPE_WORDS.isdisjoint(words) or "on" not in words:
        return
    for match in _ISSUED_TITLE.finditer(text, sent.start, sent.end):
        body, topic = match.group(2), match.group(3)
        while topic.split() and not topic.split()[-1][:1].isupper() and not topic.split()[-1][:1].isdigit():
            topic = topic.rsplit(" ", 1)[0] if " " in topic else ""  # the name ends with a capitalised word
        head = _head_class(body.split(), rules)
        known = lexicon.entry_named(body)
        if not topic or len(topic.split()) < 2 or (head not in ("GovernmentBody", "Organization") and not (
                known is not None and known.cls in ("GovernmentBody", "Organization"))):
            continue
        start, end = match.start(), match.start(3) + len(topic)
        suffix = _YEAR_SUFFIX.match(text, end, sent.end)
        end = suffix.end() if suffix else end
        if any(m.start < start < m.end or m.start < end < m.end for m in taken.mentions):
            continue  # it would cut a name in two
        name = text[start:end]
        b_start = match.start(2)
        b_end = b_start + len(body)
        if known is not None:
            issuer = Mention(b_start, b_end, body, known.cls, known.key, known.name, "issuer.title.v1",
                             sent.index, zh=known.zh, country=known.country)
        else:
            inner = [m for m in taken.mentions if b_start <= m.start and m.end <= b_end and m.country]
            issuer = Mention(b_start, b_end, body, head, name_key(body), body, "issuer.title.v1", sent.index,
                             country=inner[0].country if inner else None)
        yield Mention(start, end, name, "Policy", name_key(name), name, "name.policy.v1", sent.index), issuer


class _Spans:
    """Mentions of one sentence with a quick overlap test."""

    def __init__(self, mentions: Iterable[Mention]):
        self.mentions = list(mentions)

    def free(self, start: int, end: int) -> bool:
        return all(m.end <= start or m.start >= end for m in self.mentions)

    def add(self, mention: Mention) -> None:
        self.mentions.append(mention)

    def free_but_places(self, start: int, end: int, known_prefix: bool = False) -> bool:
        """No mention overlaps the span but places and countries inside it ("Bayern Innovativ"), or, with
        ``known_prefix``, a known organisation opening it ("Volkswagen Anhui, a joint venture")."""
        return all(start <= m.start and m.end <= end and (
            m.cls in ("Place", "Country") or (known_prefix and m.start == start and m.cls == "Organization" and m.end < end))
            for m in self.mentions if m.start < end and m.end > start)

    def inside(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]

    def remove(self, mentions: list[Mention]) -> None:
        self.mentions = [m for m in self.mentions if m not in mentions]


def _lexicon_mentions(text: str, tokens, lows: list[str], sent: Sentence, lexicon: Lexicon) -> list[Mention]:
    """Longest lexicon names, left to right; ``lows`` are the tokens lower-cased."""
    out = []
    resume = 0  # the first token after the last name found
    first_words = lexicon.first_words
    for i in [k for k, low in enumerate(lows) if low in first_words]:  # where a name can start
        if i < resume:
            continue
        match = lexicon.match_tokens(text, tokens, i)
        if match is None:
            continue
        j = i + 1
        while j < len(tokens) and tokens[j][1] < match.end:
            j += 1
        if i > 0 and match.entry.cls == "GovernmentBody" and tokens[i - 1][0] in _SUBNATIONAL:
            continue  # "Saxon State Ministry of Transport": a state's ministry, not the national one the lexicon knows
        if match.entry.cls == "Organization" and (longer := _OF_NAME.match(text, match.end)) and \
                _country_of_place(longer.group(1), lexicon) is None:
            # "Nanjing University of Aeronautics ...": a longer name than the one the lexicon knows; the
            # place it opens with stays, for the longer name's country
            match = lexicon.match_tokens(text, tokens[:j - 1], i)
            if match is None or match.entry.cls not in ("Country", "Place"):
                continue
            j = i + 1
            while j < len(tokens) and tokens[j][1] < match.end:
                j += 1
        start, country = match.start, match.entry.country
        # "the German Ministry of ...": a country adjective in front names the country.
        if i > 0 and match.entry.cls not in ("Country", "Place"):
            adjective = lexicon.country_of_adjective(tokens[i - 1][0])
            if adjective:
                start, country = tokens[i - 1][1], adjective
        entry = match.entry
        # "China's Ministry of Science and Technology": the possessive country belongs to the name
        if out and out[-1].cls == "Country" and entry.cls not in ("Country", "Place") and \
                _POSSESSIVE.fullmatch(text[out[-1].end:start]):
            country, start = out[-1].key[4:], out[-1].start
            out.pop()
        out.append(Mention(start, match.end, text[start:match.end], entry.cls, entry.key, entry.name, "lexicon",
                           sent.index, zh=entry.zh, country=country))
        resume = j
    return out


def _strip_start(tokens, rules: MentionRules):
    while tokens and (tokens[0][0] in rules.not_name_start or tokens[0][0] in rules.connectors):
        tokens = tokens[1:]
    if len(tokens) > 2 and tokens[0][0] in ("Article", "Art.", "Chapter", "Section") and tokens[1][0][:1].isdigit():
        return _strip_start(tokens[2:], rules)  # "Article 1 These Measures ...": the article's number opens no name
    # "President of the China ... Association": a post before the body's name is not part of it
    for k in (2, 1):
        if len(tokens) > k + 2 and tokens[k][0] in ("of", "for") and rules.titles.fullmatch(" ".join(t[0] for t in tokens[:k])):
            tokens = tokens[k + 1:]
            while tokens and tokens[0][0] in rules.connectors:
                tokens = tokens[1:]
            break
    while tokens and tokens[-1][0] in rules.connectors:
        tokens = tokens[:-1]
    # "... Agreement on Investment by 2020": a preposition and a year that end the run date it
    if len(tokens) > 2 and tokens[-2][0] in _DATING_PREPOSITIONS and _YEAR.fullmatch(tokens[-1][0]):
        return _strip_start(tokens[:-2], rules)
    return tokens


def _head_class(words: list[str], rules: MentionRules) -> str | None:
    """The class a name's head word gives: first word, word before of/for/on, or last word."""
    lower = [w.lower() for w in words]
    while len(lower) > 2 and (lower[-1] in _ORDINAL_SUFFIX or lower[-2] == "phase" or _YEAR.fullmatch(lower[-1])):
        lower = lower[:-1]  # "... Investment Fund Phase II", "... Strategy 2030": the head is before the phase or year
    if lower and lower[-1] == "phase":
        lower = lower[:-1]
    if not lower:
        return None
    candidates = [0, 1] if len(lower) > 2 and lower[0] in _MODIFIERS else [0]  # "National Platform Future of ..."
    for k, w in enumerate(lower):
        if w in ("of", "for", "on") and k > 0:
            candidates.append(k - 1)
            break
    candidates.append(len(lower) - 1)
    if len(lower) > 1 and lower[0] not in rules.leading_heads and lower[-1] in rules.heads and \
            rules.heads[lower[-1]] == "Policy" and rules.heads.get(lower[0]) not in (None, "Policy"):
        candidates.insert(0, len(lower) - 1)  # "Port Safety Act": a policy's head word ends it, whatever opens it
    for k in candidates:
        if k > 0 and f"{lower[k - 1]} {lower[k]}" in rules.heads:
            return rules.heads[f"{lower[k - 1]} {lower[k]}"]
        if lower[k] in rules.heads:
            return rules.heads[lower[k]]
    return None


def _known_acronym(m: Mention) -> bool:
    """A body the lexicon knows, written as its acronym ("EU")."""
    return m.cls == "Organization" and m.source == "lexicon" and m.text.isupper()


_TO_THE = re.compile(r"[A-Z][\w-]* (?:to|in) the $")


def _trailing_acronym(m: Mention, text: str) -> bool:
    """A known body's acronym that ends a longer name ("China Chamber of Commerce to the EU"): the name's."""
    return _known_acronym(m) and _TO_THE.search(text, max(0, m.start - 40), m.start) is not None


_NEXT_WORDS = re.compile(r"(?: [A-Z][a-z]+){1,4}\b")


def _acronym_modifier(m: Mention, text: str, rules: MentionRules) -> bool:
    """A known body's acronym that opens a longer name ("EU Chamber of Commerce in China"), or its full name
    before a few capitalised words ending in a head ("European Union Chamber of Commerce", "State Council
    Information Office"): the longer name's."""
    if m.cls not in ("Organization", "GovernmentBody") or m.source != "lexicon" or text[m.end:m.end + 1] != " " \
            or not text[m.end + 1:m.end + 2].isupper():
        return False
    if m.text.isupper() and m.cls == "Organization":
        return True
    words = _NEXT_WORDS.match(text, m.end)
    return words is not None and any(rules.heads.get(w.lower()) in ("Organization", "GovernmentBody")
                                     for w in words.group(0).split())


def _capitalised_names(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """Runs of capitalised words joined by small words, kept when a head word gives a class."""
    runs, current = [], []
    # tokens inside a name already found (a country or place inside a longer name does not count)
    blocked = set()
    if taken.mentions:
        starts = [tok[1] for tok in tokens]
        for m in taken.mentions:
            # tokens overlapping the mention: those starting before its end, from the one holding its start
            for k in range(max(bisect.bisect_right(starts, m.start) - 1, 0), bisect.bisect_left(starts, m.end)):
                tok = tokens[k]
                if tok[2] > m.start and (m.cls not in ("Country", "Place", "Policy") or tok[1] < m.start or tok[2] > m.end) \
                        and not _acronym_modifier(m, text, rules) and not _trailing_acronym(m, text):
                    blocked.add(k)
    connectors, capitalised = rules.connectors, _CAP.match
    for k, tok in enumerate(tokens):
        word = tok[0]
        first = word[0]
        # the cheap test first: most words are neither capitalised nor a connector inside a name
        if ((("A" <= first <= "Z" or first.isdecimal() or "À" <= first <= "Þ" or "Ā" <= first <= "ž") and capitalised(word))
                or (current and word in connectors)) \
                and k not in blocked and not (current and word.lower() in _DATE_WORDS) \
                and not (first.isdigit() and _next_to_month(tokens, k)):
            # ("... Working Group in May 2015": a month or weekday ends the name, and so does a day of the
            # month: "... Pilot Zones on 18 November 2019")
            current.append(tok)
            continue
        if current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    for run in runs:
        for part in _split_coordination(run, rules):
            part = _strip_start(part, rules)
            # "... Dairy Quotas with the German side": a country adjective after a connector ends the name
            if len(part) > 2 and part[-2][0] in rules.connectors and lexicon.country_of_adjective(part[-1][0]):
                part = _strip_start(part[:-1], rules)
            # "Germany's Plattform Industrie 4.0": a country's possessive before a name is its country
            owner = next((m for m in taken.mentions if m.cls == "Country" and m.start == part[0][1] and m.end == part[0][2]),
                         None) if len(part) > 3 and part[1][0] in ("'s", "’s") else None
            if owner is not None:
                part = _strip_start(part[2:], rules)
            if not part:
                continue
            words = [t[0] for t in part]
            cls = _head_class(words, rules)
            if "with" in words[1:-1]:
                # "... Leading Group with Vice Premier <person>": the name ends before "with" and a post
                cut = words.index("with", 1)
                # (or "... Trucks with the Hubei provincial government": a place's government is the partner)
                if _head_class(words[:cut], rules) is not None and all(w[0].isupper() for w in words[cut + 1:] if w != "the") and (
                        rules.titles.search(" ".join(words[cut + 1:])) or _GOVERNMENT_AFTER.match(text, part[-1][2], sent.end)):
                    part, words = part[:cut], words[:cut]
                    cls = _head_class(words, rules)
            # ("signed the Memorandum on X in Berlin": a policy's name ends before the city it was signed in)
            if cls is None or (cls in ("Organization", "GovernmentBody", "Event") and _ends_in_known_place(part, taken)
                               and not _foreign_body_in(part, rules, lexicon, taken)) or (
                    cls == "Policy" and _ends_in_known_place(part, taken, ("Place",)) and _signed_where(text, part, rules)):
                place = _located_name(text, part, rules, lexicon, sent, taken)
                if place:
                    yield from place
                    continue
            start, end = part[0][1], part[-1][2]
            speech = _SPEECH.match(text, end, sent.end) if len(words) > 1 else None
            if speech:  # "her State of the Union address": a speech is an event, its noun part of the name
                cls, end = "Event", speech.end()
            if cls is None or (len(words) == 1 and cls != "Place"):
                continue
            if cls == "Policy":
                suffix = _YEAR_SUFFIX.match(text, end, sent.end)
                if suffix:
                    end = suffix.end()
            name = text[start:end]
            # "German Electrical ... Association": a country adjective opening the name gives its country, as does
            # one after "of" ("Association of German Chambers of Commerce")
            country = lexicon.country_of_adjective(words[0]) if cls not in ("Place", "Policy") else None
            if country is None and cls in ("Organization", "GovernmentBody"):
                country = next((lexicon.country_of_adjective(b) for a, b in zip(words, words[1:], strict=False) if a == "of"
                                and lexicon.country_of_adjective(b)), None)
            if owner is not None and cls != "Place":
                country = country or owner.key[4:]
            elif cls != "Place" and (body := _possessor(text, start, taken)) is not None:
                country = country or body.country  # "the Federal Government's China Strategy" is Germany's
            yield Mention(start, end, name, cls, name_key(name), name, f"name.{cls.lower()}.v1", sent.index, country=country)


_OWNED = re.compile(r"['’]s\s+$")


def _possessor(text: str, start: int, taken: _Spans) -> Mention | None:
    """The body whose possessive stands right before ``start`` ("the Federal Government's ..."), or None."""
    if text[start - 3:start - 1] not in ("'s", "’s"):
        return None  # the common case, tested without a regular expression
    owned = _OWNED.search(text, max(0, start - 4), start)
    if owned is None:
        return None
    return next((m for m in taken.mentions if m.end == owned.start() and m.cls in ("GovernmentBody", "Organization")), None)


def _ends_in_known_place(part, taken: _Spans, classes: tuple[str, ...] = ("Place", "Country")) -> bool:
    """ "... Alliance in Ningbo": the run ends with "in" and a place the lexicon knows."""
    return len(part) > 2 and part[-2][0] in ("in", "at") and any(
        m.cls in classes and m.start == part[-1][1] for m in taken.mentions)


def _signed_where(text: str, part, rules: MentionRules) -> bool:
    """ "the Memorandum on X in Berlin", "the Energy Partnership in Berlin": an agreement's name ends before the
    city it is signed or held in; a plan's does not ("Implementation Plan for Smart Factories in Jiangsu (2023-2025)")."""
    words = {t[0].lower() for t in part}
    return not _YEAR_SUFFIX.match(text, part[-1][2]) and any(
        w in words for w in (*rules.agreement_words, "partnership"))


def _foreign_body_in(part, rules: MentionRules, lexicon, taken: _Spans) -> bool:
    """ "German Chamber of Commerce in China", "EU Chamber of Commerce in China": a body of one country
    (or of a union of them) in another keeps "in <country>" in its name."""
    where = next((m for m in taken.mentions if m.cls in ("Country", "Place") and m.start == part[-1][1]), None)
    if where is None:
        return False
    first = part[1][0] if part[0][0].lower() == "the" else part[0][0]
    own = lexicon.country_of_adjective(first) or lexicon.country_named(first)
    if where.cls == "Place":  # "German Embassy in Beijing": a national body in another country's city
        return own is not None and where.country is not None and own != where.country
    union = any(m.start == part[0][1] and _known_acronym(m) for m in taken.mentions)  # "EU Chamber of ..."
    return (own is not None and f"lex:{own}" != where.key) or first.startswith(rules.supranational) or union


def _next_to_month(tokens, k: int) -> bool:
    near = [tokens[j][0].lower() for j in (k - 1, k + 1) if 0 <= j < len(tokens)]
    return any(w in MONTHS for w in near)


def _located_name(text: str, part, rules: MentionRules, lexicon, sent: Sentence, taken: _Spans):
    """ "Sino-German Mobility Research Centre in Munich": a body's name, then the place it is in."""
    for k in range(len(part) - 2, 0, -1):
        if part[k][0] not in ("in", "at"):
            continue
        left, right = part[:k], part[k + 1:]
        cls = _head_class([t[0] for t in left], rules)
        words = [t[0] for t in right]
        if cls not in ("Organization", "GovernmentBody", "Event", "Policy") or len(left) < 2 or not 1 <= len(words) <= 2 \
                or not all(_NAME_TOKEN.match(w) and w.lower() not in rules.heads and w not in rules.not_name_start for w in words):
            return None
        country = lexicon.country_of_adjective(left[0][0]) if cls != "Policy" else None  # "German ... Centre in Munich"
        if cls != "Policy" and _foreign_body_in(part, rules, lexicon, taken):  # "German Embassy in Beijing": one name
            name = text[part[0][1]:part[-1][2]]
            return [Mention(part[0][1], part[-1][2], name, cls, name_key(name), name, f"name.{cls.lower()}.v1", sent.index,
                            country=country)]
        name, place = text[left[0][1]:left[-1][2]], text[right[0][1]:right[-1][2]]
        found = [Mention(left[0][1], left[-1][2], name, cls, name_key(name), name, f"name.{cls.lower()}.v1", sent.index,
                         country=country)]
        if taken.free(right[0][1], right[-1][2]):  # a place the lexicon knows stays the lexicon's
            found.append(Mention(right[0][1], right[-1][2], place, "Place", name_key(place), place, "place.in.v1", sent.index))
        return found
    return None


def _split_coordination(run, rules: MentionRules):
    """Split "A Commission and the B Bureau" or "X, Y" into separate names."""
    if len(run) == 1:
        return [run]  # most runs are one capitalised word
    parts, current = [], []
    for k, tok in enumerate(run):
        word = tok[0]
        nxt = run[k + 1][0] if k + 1 < len(run) else ""
        if word in (",", ";"):
            parts.append(current)
            current = []
            continue
        if word == "and" and current and (
            nxt == "the"
            or nxt.lower() in rules.leading_heads
            or (current[-1][0].lower() in rules.heads and (_head_class([t[0] for t in run[k + 1:]], rules)
                                                           or _plain_name(run[k + 1:], rules)))
            or _two_headed(current, run[k + 1:], rules)
        ):  # "the X Society and Veritas Nord": a name with its head ends before "and"
            parts.append(current)
            current = []
            continue
        if word == "with" and current and _head_class([t[0] for t in current], rules) == "Policy" and (
                _head_class([t[0] for t in run[k + 1:] if t[0] != "the"], rules) in ("Organization", "GovernmentBody")
                or (k + 2 < len(run) and run[k + 2][0] in ("'s", "’s"))):  # "... Tugs with Germany's Port Strategy"
            # "the Memorandum on ... Standards with the German Robotics Association": a partner, not the name
            parts.append(current)
            current = []
            continue
        current.append(tok)
    parts.append(current)
    return [p for p in parts if p]


def _two_headed(left, right, rules: MentionRules) -> bool:
    """ "Technical University of X and Sun Yat-sen University": a name headed before its "of", then a
    short name of plain words ending in a head (not "Ministry of Industry and Information Technology")."""
    words = []
    for tok in right:
        if tok[0] in (",", ";", "and"):
            break
        words.append(tok[0])
    return 1 < len(words) <= 4 and words[-1].lower() in rules.heads and not any(w in rules.connectors for w in words) \
        and any(w in ("of", "for") for w, *_ in left[1:]) and _head_class([t[0] for t in left], rules) is not None


def _plain_name(tokens, rules: MentionRules) -> bool:
    """Whether ``tokens`` are one to three capitalised words with no small word: another name."""
    return 0 < len(tokens) <= 3 and all(t[0][:1].isupper() and t[0] not in rules.connectors for t in tokens)


def _quoted_titles(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    for match in _QUOTED.finditer(text, sent.start, sent.end):
        inner = match.group(1).strip()
        start = match.start(1) + (len(match.group(1)) - len(match.group(1).lstrip()))
        end = start + len(inner)
        if not inner or len(inner.split()) > 16 or inner[-1] in ".!?,":
            continue
        if len(inner) < 2 and not inner.isalnum():
            continue
        after = text[match.end():match.end() + 30].split()
        follows = after[0].lower().strip(",.;") if after else ""
        if not (inner[0].isupper() or inner[0].isdigit()) and (follows not in ("goals", "targets") or len(inner.split()) > 4):
            continue  # a quoted phrase in lower case names the goals it is said of ("the 'dual carbon' goals"), no plan
        words = inner.split()
        cls = _head_class(words, rules) if len(words) > 1 else None
        before = text[max(sent.start, match.start() - 20):match.start()].split()
        if before and before[-1].lower() in rules.quoted_policy_nouns and inner[0].isupper():
            cls = "Policy"  # 'its programme "Industrie 4.0 Collaborations"': the noun before the quote says what it is
        if cls != "Policy" and follows not in rules.quoted_policy_nouns:
            continue
        if len(inner) < 3 and follows not in rules.quoted_policy_nouns:
            continue
        yield Mention(start, end, inner, "Policy", name_key(inner), inner, "quoted.policy.v1", sent.index)


_NAME_WORD = rf"[{_UP}][{_LOW}]+(?:-[a-z{_UP}][{_LOW}]+)?"
_PARTICLES = ("von der", "van der", "von", "van", "de", "der", "da", "di", "du", "zu")  # "Ursula von der Leyen"
_NAME = rf"{_NAME_WORD}(?: (?:{'|'.join(_PARTICLES)}) {_NAME_WORD}| {_NAME_WORD}){{1,2}}"
_NAME_RE = re.compile(_NAME)
_PARTICLE_WORDS = frozenset(w for p in _PARTICLES for w in p.split())
_NON_SPACE = re.compile(r"\S+")
_CAPITALISED_WORD = re.compile(r"[A-Z][\w-]+")
_TOPIC_BEFORE = re.compile(r"\b(?:for|on|about|with|to)\s+(?:the\s+)?$")  # a place after these is a topic
# "the 14th Five-Year Plan for Intelligent Manufacturing": a known policy's name narrowed to a field is another policy
_NARROWED = re.compile(r"\s+(?:for|on)\s+(?:the\s+)?[A-Z]")
_QUANTITY_OF = re.compile(r"(?:number|lot|series|batch|set) of\b")  # "a number of X" names no policy


_DATE_TAIL = re.compile(r"\s+(?:on|in|at|last|this|next)\s+(?:" + "|".join(w.capitalize() for w in (*MONTHS, *WEEKDAYS)) + r")\b.*$", re.S)
_OF_NAME = re.compile(r" of ([A-Z][\w-]+)")
_SUBNATIONAL = frozenset(["State", "Provincial", "Municipal", "Regional", "County", "District", "Prefectural"])
_WORD_BEFORE = re.compile(r"\b([A-Z][a-z]+)\s+$")
_WHO = re.compile(rf"\b({_NAME}),\s+who\b")
_COUNTERPART = re.compile(rf"\b(?:[Hh]is|[Hh]er|[Tt]heir)\s+(?:([A-Z][a-z]+)\s+)?counterpart,?\s+({_NAME})\b")


@cache
def _apposed_person(rules: MentionRules) -> re.Pattern:
    nouns = "|".join(sorted(map(re.escape, rules.person_nouns), key=len, reverse=True))
    body = r"(?:the )?[A-Z][\w&'’-]*(?: (?:and|of|for|the|&) [A-Z][\w&'’-]*| [A-Z][\w&'’-]*)*"
    # ("Clas Neumann is a board member of ...": or after "is")
    # ("By Katja Hoffmann, senior analyst at ...": a byline's post has no article)
    return re.compile(rf"\b({_NAME})(?:,|\s+(?:is|was|has been)(?:\s+also)?)\s+(?P<article>(?:a|an|the)\s+)?(?:([A-Z][a-z]+)\s+)?((?:[a-z-]+\s+){{0,3}}?(?:{nouns})\b"
                      rf"(?:\s+for\s+[A-Z][\w-]*)?(?:\s+(?:at|with|from|of)\s+{body})?)")  # "board member for China at X"


@cache
def _people_patterns(rules: MentionRules) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    title = rules.titles.pattern
    body = r"(?:the )?[A-Z][\w&'’-]*(?: (?:and|of|for|the|&) [A-Z][\w&'’-]*| [A-Z][\w&'’-]*)*"
    before = re.compile(rf"\b((?:{title})(?: (?:of|for) {body},)?) ({_NAME})\b(?! [A-Z])")
    # "Vice Minister of Finance Lu Jianping": the name is the last two or three capitalised words
    before_bare = re.compile(rf"\b((?:{title}) (?:of|for) {body}) ({_NAME})\b(?! [A-Z])")
    # "Brigitte Zypries, German Federal Minister for ...": a country's adjective may stand before the post
    # a post in lower case names its body: "Zhao Lifeng, head of the Ministry of Commerce"
    # "Olaf Lies, Lower Saxony's Minister of ...": a place's possessive may stand before the post (group 2)
    after = re.compile(rf"\b({_NAME})(?:, | is (?=[A-Z]))(?:the |([A-Z][\w-]+(?: [A-Z][\w-]+){{0,2}})['’]s )?(?:(?!(?:{title})\b)[A-Z][a-z]+ (?=(?:{title})\b))?"
                       rf"((?:{title})(?: (?:of|for|at) {body})?|(?i:{title}) (?:of|for|at) {body})")
    # "Its secretary-general, Fu Bingfeng, said": a post of the body "its" stands for, in lower case
    owned = re.compile(rf"\b[Ii]ts ((?i:{title})), ({_NAME}),")
    # "Maria Schulz was appointed chair of the ...": a post given
    appointed = re.compile(rf"\b({_NAME}) (?:was|has been|had been|is|will be) (?:appointed|named|elected|made)(?: as)? (?:the )?"
                           rf"(?:new )?((?i:{title})(?: (?:of|for|at) {body})?)")
    return before, before_bare, after, owned, appointed


@cache
def _place_list_pattern(rules: MentionRules) -> re.Pattern:
    nouns = "|".join(map(re.escape, rules.place_lists))
    return re.compile(rf"\b(?i:{nouns})\s+(?:such as|including|like)\s+((?:[A-Z][\w-]+(?:,\s*|\s+and\s+|\s+or\s+)?)+)")


def _people(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """People named with a post: "Premier Li Keqiang", "Xin Guobin, Vice Minister of ..."; and a name a
    relative "who" follows ("Zhao Lifeng, who heads the ministry, ...")."""
    if "who" in words:
        for match in _WHO.finditer(text, sent.start, sent.end):
            name = match.group(1)
            if _plausible_name(name, rules, lexicon, surname_first=True) and taken.free(match.start(1), match.end(1)):
                yield Mention(match.start(1), match.end(1), name, "Person", name_key(name), name, "person.who.v1", sent.index)
    if "counterpart" in words:  # "his German counterpart Lena Vogt": a person, of the adjective's country
        for match in _COUNTERPART.finditer(text, sent.start, sent.end):
            name = match.group(2)
            if _plausible_name(name, rules, lexicon) and taken.free(match.start(2), match.end(2)):
                country = lexicon.country_of_adjective(match.group(1)) if match.group(1) else None
                yield Mention(match.start(2), match.end(2), name, "Person", name_key(name), name, "person.counterpart.v1",
                              sent.index, country=country)
    if not rules.person_nouns.isdisjoint(words):
        # "Li Wei, a senior researcher at ...", "Anna Roth, the German consul"
        for match in _apposed_person(rules).finditer(text, sent.start, sent.end):
            name, start = match.group(1), match.start(1)
            first, _, rest = name.partition(" ")
            if first in rules.not_name_start and " " in rest:  # "By Katja Hoffmann, senior analyst": the name after "By"
                name, start = rest, start + len(first) + 1
            if not match.group("article") and not _BYLINE.search(text, max(sent.start, start - 4), start) and \
                    re.match(rules.titles.pattern, match.group(4), re.I):
                continue  # without an article, a post the title list knows is the post rule's ("Zhao Lifeng, head of ...")
            if _plausible_name(name, rules, lexicon, surname_first=True) and taken.free(start, start + len(name)):
                country = lexicon.country_of_adjective(match.group(3)) if match.group(3) else None
                # "senior researcher at the X": a post there; "the chief executive of X": a post the title list knows
                post = _capitalised_post(_FOR_REGION.sub("", match.group(4)), rules) if " " in match.group(4) else None
                yield Mention(start, start + len(name), name, "Person", name_key(name), name, "person.apposition.v1",
                              sent.index, title=post, country=country)
    if not _SPEAKING_POSTS.isdisjoint(words):  # "Ministry of Commerce spokesperson He Yadong": a post in lower case
        for match in _POST_NAME.finditer(text, sent.start, sent.end):
            name = match.group(2)
            if _plausible_name(name, rules, lexicon, surname_first=True) and taken.free(match.start(2), match.end(2)):
                yield Mention(match.start(2), match.end(2), name, "Person", name_key(name), name, "person.title.v1",
                              sent.index, title=match.group(1))
    if rules.title_words is not None and rules.title_words.isdisjoint(words):
        return
    before, before_bare, after, owned, appointed = _people_patterns(rules)
    yield from _posts_before_names(text, sent, rules, lexicon)
    for pattern, name_group, title_group in ((after, 1, 3), (before, 2, 1), (before_bare, 2, 1), (owned, 2, 1), (appointed, 1, 2)):
        for match in pattern.finditer(text, sent.start, sent.end):
            name = match.group(name_group)
            # "He Lifeng, Chairman of ...": before a comma and a post, "He" is a surname
            if not _plausible_name(name, rules, lexicon, surname_first=pattern is after):
                continue
            if pattern is not after and pattern is not appointed and _named_before(text, match.start(), sent, rules, lexicon):
                continue  # "Chen Ming, Minister of New Energy Vehicles, said": the person is named before the post
            post = _capitalised_post(match.group(title_group).rstrip(", "), rules)
            start = match.start(name_group)
            adjective = _WORD_BEFORE.search(text, max(sent.start, match.start() - 24), match.start()) \
                if pattern not in (after, appointed) else None  # "French President Emile Bonnard": the country's adjective
            country = lexicon.country_of_adjective(adjective.group(1)) if adjective else None
            if pattern is after:  # "<place>'s Minister", "Vice Governor of <place>": the place's country
                country = _country_of_place(match.group(2), lexicon) or _country_of_place(_post_tail(post), lexicon)
            elif country is None and pattern is not appointed and (
                    owner := _PLACE_OWNER.search(text, max(sent.start, match.start() - 40), match.start())):
                country = _country_of_place(owner.group(1), lexicon)  # "North Rhine-Westphalia's Minister of ... A"
            yield Mention(start, start + len(name), name, "Person", name_key(name), name, "person.title.v1",
                          sent.index, title=post, country=country)


def _country_of_place(name: str | None, lexicon: Lexicon) -> str | None:
    """The country key of a country or place the lexicon knows by exactly ``name``."""
    entry = lexicon.entry_named(name) if name else None
    if entry is None or entry.cls not in ("Country", "Place"):
        return None
    return entry.id if entry.cls == "Country" else entry.country


def _post_tail(post: str) -> str | None:
    """ "Vice Governor of Guangdong" -> "Guangdong": what the post is of."""
    _, of, tail = post.partition(" of ")
    return _ARTICLE.sub("", tail) if of else None


def _capitalised_post(post: str, rules: MentionRules) -> str:
    """ "head of the Ministry of X" -> "Head of the Ministry of X": the post as the title list writes it."""
    if not post[:1].islower():
        return post
    title = re.match(rules.titles.pattern, post, re.I)
    if title is None:
        return post
    words = "-".join(w[:1].upper() + w[1:] for w in title.group(0).split("-"))
    return " ".join(w[:1].upper() + w[1:] for w in words.split(" ")) + post[title.end():]


def _posts_before_names(text, sent, rules: MentionRules, lexicon):
    """ "Federal Minister for Economic Affairs and Energy Peter Altmaier", "Chinese Minister of ... Miao Wei":
    where the body ends and the name begins is where the lexicon knows the body the post names."""
    pos = sent.start
    while (match := _post_run(rules).search(text, pos, sent.end)) is not None:
        pos = match.end(1)
        if _named_before(text, match.start(), sent, rules, lexicon):
            continue  # "Chen Ming, Minister of New Energy Vehicles, said": the person is named before the post
        words = [(w.group(0), match.start(2) + w.start()) for w in _NON_SPACE.finditer(match.group(2))]
        # the name ends the run or stands before "and" (another person may follow)
        ends = [k for k in range(3, len(words) + 1) if k == len(words) or words[k][0] == "and"]
        for k, size in ((k, size) for k in ends for size in (2, 3)):
            name_words = words[k - size:k]
            name = " ".join(w for w, _ in name_words)
            post = f"{match.group(1)} {' '.join(w for w, _ in words[:k - size])}"
            if k - size < 1 or not _plausible_name(name, rules, lexicon) or not body_of_title(post, [], rules, lexicon):
                continue
            start = name_words[0][1]
            owner = _PLACE_OWNER.search(text, max(sent.start, match.start() - 40), match.start())
            yield Mention(start, start + len(name), name, "Person", name_key(name), name, "person.title.v1", sent.index,
                          title=post, country=_country_of_place(owner.group(1), lexicon) if owner else None)
            pos = start + len(name)
            break


@cache
def _post_run(rules: MentionRules) -> re.Pattern:
    """A post, "of" or "for", then a run of capitalised words (and small words) holding a body and a name."""
    return re.compile(rf"\b((?:{rules.titles.pattern}) (?:of|for))((?: (?:and|of|for|the|&))*(?: [A-Z][\w&'’-]*)+(?:(?: (?:and|of|for|the|&))+(?: [A-Z][\w&'’-]*)+)*)")


_PRONOUN_SURNAMES = frozenset(["He", "Yu", "An"])  # Chinese surnames that are also English small words


def _plausible_name(name: str, rules: MentionRules, lexicon: Lexicon, surname_first: bool = False) -> bool:
    words = name.split()
    # "Liu He", "Wang Yi": a given name may look like a small word; the first word may not,
    # unless the structure says it is a name ("He Lifeng:" opening a turn, "He Lifeng, Chairman of")
    first_ok = words[0] not in rules.not_name_start or (surname_first and words[0] in _PRONOUN_SURNAMES)
    return first_ok and all(
        _NAME_TOKEN.match(w) and w.lower() not in rules.heads and not lexicon.country_of_adjective(w)
        for w in words if w not in _PARTICLE_WORDS)


def _speaker(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """The speaker of an interview turn ("Name: ...") is a person unless the lexicon knows better."""
    if sent.kind != "turn" or not sent.speaker or not text.startswith(sent.speaker, sent.start):
        return
    name = sent.speaker
    if _NAME_RE.fullmatch(name) and _plausible_name(name, rules, lexicon, surname_first=True):
        yield Mention(sent.start, sent.start + len(name), name, "Person", name_key(name), name, "person.speaker.v1", sent.index)


_LEVEL = r"(?:provincial|municipal|state|regional|city|county|district|prefectural|local|autonomous region|people's)"
_GOVERNMENT_AFTER = re.compile(rf"\s+(?:({_LEVEL})\s+)?government\b")
_GOVERNMENT_OF = re.compile(rf"\b(?:({_LEVEL})\s+)?government\s+of\s+(?:the\s+)?$")
_REGION_GOVERNMENT = re.compile(rf"\b([A-Z][a-z]+)\s+(?:{_LEVEL}\s+)?government\b")


def _place_governments(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """A place's government in lower case is a body of the place's country: "the Guangdong provincial
    government", "the state government of Saxony", "the Bavarian state government"."""
    if "government" not in words:
        return
    for place in [m for m in taken.mentions if m.cls == "Place"]:
        after = _GOVERNMENT_AFTER.match(text, place.end, sent.end)
        if after:
            name = text[place.start:after.end()]
            yield Mention(place.start, after.end(), name, "GovernmentBody", name_key(name), name, "gov.place.v1",
                          sent.index, country=place.country)
            continue
        before = _GOVERNMENT_OF.search(text, max(sent.start, place.start - 40), place.start)
        if before:  # one key for "the provincial government of X" and "the X provincial government"
            level = f"{before.group(1)} " if before.group(1) else ""
            name = text[before.start():place.end]
            yield Mention(before.start(), place.end, name, "GovernmentBody", name_key(f"{place.text} {level}government"),
                          name, "gov.place.v1", sent.index, country=place.country)
    for match in _REGION_GOVERNMENT.finditer(text, sent.start, sent.end):
        region = lexicon.region_adjectives.get(match.group(1).lower())
        if region and taken.free(match.start(), match.end()):
            name = match.group(0)
            yield Mention(match.start(), match.end(), name, "GovernmentBody", name_key(name), name, "gov.place.v1",
                          sent.index, country=lexicon.country_of_adjective(match.group(1)))


_NAMED_BEFORE = re.compile(rf"\b({_NAME}),\s+(?:the\s+)?$")


def _named_before(text: str, start: int, sent: Sentence, rules: MentionRules, lexicon: Lexicon) -> bool:
    """Whether a person's name and a comma stand right before ``start`` ("Chen Ming, Minister of ...")."""
    named = _NAMED_BEFORE.search(text, max(sent.start, start - 40), start)
    return named is not None and _plausible_name(named.group(1), rules, lexicon, surname_first=True) and \
        not any(w in rules.heads for w in named.group(1).lower().split())
_SPEAKING_POSTS = frozenset(["spokesperson", "spokesman", "spokeswoman"])
_POST_NAME = re.compile(rf"\b(spokesperson|spokesman|spokeswoman) ({_NAME})\b(?! [A-Z])")
_PLACE_OWNER = re.compile(r"\b([A-Z][\w-]+(?: [A-Z][\w-]+){0,2})['’]s\s+$")
_SPEECH = re.compile(r" (?:address|speech|keynote speech|keynote|lecture)\b")
_FOR_REGION = re.compile(r"\s+for\s+[A-Z][\w-]*(?=\s+(?:at|with|from|of)\s)")  # "board member for China at X"
_BYLINE = re.compile(r"\b[Bb]y\s+$")
_PLACE_NOUNS = frozenset(["district", "city", "town", "county", "village", "suburb", "province", "region", "municipality", "prefecture"])
_PLACE_APPOSITION = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?),\s+(?:a|an|the)\s+(?:[a-z-]+\s+)?(?:district|city|town|county|"
                               r"village|suburb|province|region|municipality|prefecture)\s+(?:of|in|near)\s+[A-Z]")


def _place_appositions(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """ "Anting, a district of Shanghai": a place, in the place after it."""
    if _PLACE_NOUNS.isdisjoint(words) or "," not in sent.text:
        return
    for match in _PLACE_APPOSITION.finditer(text, sent.start, sent.end):
        name = match.group(1)
        if name.split()[0] not in rules.not_name_start:
            yield Mention(match.start(1), match.end(1), name, "Place", name_key(name), name, "place.apposition.v1", sent.index)


def _place_lists(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """Hearst lists: "cities such as A, B and C" names places."""
    if rules.place_lists.isdisjoint(words):
        return
    for match in _place_list_pattern(rules).finditer(text, sent.start, sent.end):
        for name in _CAPITALISED_WORD.finditer(match.group(1)):
            start = match.start(1) + name.start()
            word = name.group(0)
            if word in rules.not_name_start:
                break
            yield Mention(start, start + len(word), word, "Place", name_key(word), word, "place.list.v1", sent.index)


@cache
def _org_list_pattern(rules: MentionRules) -> re.Pattern:
    nouns = "|".join(map(re.escape, rules.org_lists))
    return re.compile(rf"\b(?:{nouns})\s+(?:such as|including|like)\s+"
                      rf"((?:[A-Z][\w&-]*(?:\s+(?:of\s+)?[A-Z][\w&-]*){{0,3}}(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)?)+)")


_LIST_ADJECTIVE = re.compile(r"\b([A-Z][a-z]+)\s+(?:[a-z-]+\s+)?$")  # "German utilities such as ...": the adjective


def _org_lists(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """Hearst lists: "German utilities such as EnBW and RWE" names organisations of the adjective's country."""
    if rules.org_lists.isdisjoint(words):
        return
    for match in _org_list_pattern(rules).finditer(text, sent.start, sent.end):
        adjective = _LIST_ADJECTIVE.search(text, max(sent.start, match.start() - 30), match.start())
        country = lexicon.country_of_adjective(adjective.group(1)) if adjective else None
        for item in _LIST_ITEM.finditer(match.group(1)):
            start = match.start(1) + item.start()
            name = item.group(0)
            if name.split()[0] in rules.not_name_start:
                break
            yield Mention(start, start + len(name), name, "Organization", name_key(name), name, "org.list.v1", sent.index,
                          country=country)


_LIST_ITEM = re.compile(r"[A-Z][\w&-]*(?:\s+(?:of\s+)?[A-Z][\w&-]*){0,3}")


def _policy_phrases(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """Lowercase policies and bodies as verb objects: "established a joint working mechanism", "set up a
    working group on ..."."""
    if rules.policy_nouns is not None and rules.policy_nouns.isdisjoint(words):
        return
    for match in rules.policy_np.finditer(text, sent.start, sent.end):
        phrase = _DATE_TAIL.sub("", match.group(1))  # "... on green hydrogen on Tuesday": the date is no part of it
        start = match.start(1)
        end = start + len(phrase.rstrip())
        if not taken.free(start, end) or len(phrase.split()) < 2 or _QUANTITY_OF.match(phrase) and "series" not in phrase:
            continue
        noun = match.group("noun").lower()
        if match.end("noun") == end and (noun in rules.body_nouns or noun in rules.topic_policy_nouns):
            continue  # "a joint working group", "new rules" alone say too little to be one thing across documents
        if noun in rules.body_nouns:  # "set up a working group on ...": a body
            yield Mention(start, end, text[start:end], "Organization", name_key(text[start:end]), text[start:end],
                          "org.phrase.v1", sent.index)
            continue
        yield Mention(start, end, text[start:end], "Policy", name_key(text[start:end]), text[start:end],
                      "policy.phrase.v1", sent.index)


def _described_orgs(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """ "the Chinese carmaker SAIC Motor", "Nucera, a German maker of ...": a name a common noun calls an
    organisation, with the country its adjective gives; "Sungrow Power, which builds ...": a company."""
    if rules.org_noun_words.isdisjoint(words) and rules.org_verb_words.isdisjoint(words):
        return
    for match in rules.described_org.finditer(text, sent.start, sent.end):
        name_words = match.group(2).split()
        while name_words and (name_words[-1] in rules.not_name_start or name_words[-1] in rules.connectors):
            name_words.pop()  # "... SAIC Motor On Monday": a date word is no part of the name
        if not name_words or name_words[0] in rules.not_name_start:
            continue
        start = match.start(2)
        name = " ".join(name_words)
        end = start + len(name)
        if text[start:end] != name:
            continue
        country = lexicon.country_of_adjective(match.group(1)) if match.group(1) else None
        yield Mention(start, end, name, "Organization", name_key(name), name, "org.described.v1", sent.index, country=country)
    if ", " not in sent.text:
        return  # "<Name>, a maker of", "<Name>, which builds": an apposition or a relative clause after a comma
    for match in rules.described_org_after.finditer(text, sent.start, sent.end):
        tokens = _strip_start([(w, 0, 0) for w in match.group("name").split()], rules)
        name = " ".join(t[0] for t in tokens)
        start, end = match.end("name") - len(name), match.end("name")
        if not name or text[start:end] != name or not (taken.free_but_places(start, end, known_prefix=True) or [
                (m.start, m.end, m.cls) for m in taken.inside(start, end)] == [(start, end, "Organization")]):
            continue
        if match.group("rel") and len(tokens) < 2:
            continue  # a one-word name before "which builds" may be a town: only an apposition names it a company
        country = lexicon.country_of_adjective(match.group("adj")) if match.group("adj") else None
        yield Mention(start, end, name, "Organization", name_key(name), name, "org.apposition.v1", sent.index, country=country)


def _event_phrases(text, tokens, sent, rules: MentionRules, lexicon, taken: _Spans, words: frozenset[str]):
    """Lowercase events after their round: "the fifth round of intergovernmental consultations"."""
    if rules.event_rounds.isdisjoint(words):
        return
    for match in rules.event_np.finditer(text, sent.start, sent.end):
        start, end = match.span(1)
        name = text[start:end]
        if taken.free(start, end):
            yield Mention(start, end, name, "Event", name_key(name), name, "event.phrase.v1", sent.index)


def _goals(text: str, low: str, sent: Sentence, rules: MentionRules, taken: _Spans) -> list[Mention]:
    """Goal phrases after cues (``low`` is the sentence lower-cased), split at coordination and
    mapped to the goal vocabulary."""
    out: list[Mention] = []
    if len(low) == sent.end - sent.start:  # scanning lower-cased text without re.I is much faster
        cues = [(sent.start + m.start(), sent.start + m.end()) for m in rules.goal_cue_lower.finditer(low)]
    else:
        cues = [m.span() for m in rules.goal_cue.finditer(text, sent.start, sent.end)]
    for cue_start, cue_end in cues:
        weak = bool(rules.weak_goal_cue.fullmatch(text[cue_start:cue_end].strip()))
        intro = rules.goal_list_intro.match(text, cue_end, sent.end)
        cue_end = intro.end() if intro else cue_end
        stop = rules.goal_stop.search(text, cue_end, sent.end)
        end = stop.start() if stop else sent.end
        for start, stop_at in _goal_items(text, cue_end, end, rules):
            if not taken.free(start, stop_at):
                # "make China a major AI innovation centre": the goal is what follows the name
                start = max((m.end for m in taken.mentions if start <= m.start < stop_at and m.cls == "Country"), default=start)
                if not taken.free(start, stop_at):
                    continue
            span = text[start:stop_at]
            goal = _goal_concept(span, rules)
            if goal is None or (weak and not goal[0].startswith("goal:") ) or (weak and goal[0].startswith("goal:name:")):
                continue
            key, label, zh, (gs, ge) = goal
            gs, ge = start + gs, start + ge
            out.append(Mention(gs, ge, text[gs:ge], "Goal", key, label, "goal.cue.v1", sent.index, zh=zh))
    return out


def _goal_items(text: str, start: int, end: int, rules: MentionRules) -> list[tuple[int, int]]:
    phrase = text[start:end]
    has_list = "," in phrase
    pieces = []
    for m in _BETWEEN_COMMAS.finditer(phrase):
        piece_start, piece = start + m.start(), m.group(0)
        subparts = _join_shared_nouns(_AND_TO.split(piece), piece, rules)
        # "raise X and to improve Y": coordinated infinitives are always two goals; so are two noun
        # phrases with their own articles ("closer ties and a larger share of Y")
        infinitives = _AND_TO_INFINITIVE.search(piece) is not None or _AND_ARTICLE.search(piece) is not None
        # "industrial internet platforms and green factories": two phrases of two words or more are two goals
        simple = all(len(p.split()) <= 2 for p in subparts) or has_list or all(len(p.split()) >= 2 for p in subparts)
        # "innovation capabilities and basic capabilities": two phrases that share their head noun
        shared_head = len(subparts) == 2 and all(p.split() for p in subparts) and \
            subparts[0].split()[-1].lower() == subparts[1].split()[-1].lower()
        if len(subparts) > 1 and (shared_head or infinitives or (simple and " of " not in piece)):
            offset = 0
            for sub in subparts:
                k = piece.index(sub, offset)
                pieces.append((piece_start + k, piece_start + k + len(sub)))
                offset = k + len(sub)
        else:
            pieces.append((piece_start, piece_start + len(piece)))
    out = []
    for s, e in pieces:
        while s < e and text[s] in " \t":
            s += 1
        while e > s and text[e - 1] in " \t":
            e -= 1
        piece = _PIECE.match(text[s:e])
        s, e = s + piece.start(1), s + piece.end(1)
        if e > s:
            out.append((s, e))
    return out


def _join_shared_nouns(parts: list[str], piece: str, rules: MentionRules) -> list[str]:
    """Joins back the parts split after an adjective that shares the next part's noun ("the central" |
    "western regions"); a joined part is the piece's own text, so offsets still hold."""
    spans: list[list[int]] = []
    offset = 0
    for part in parts:
        k = piece.index(part, offset)
        offset = k + len(part)
        words = piece[spans[-1][0]:spans[-1][1]].split() if spans else []
        if words and words[-1].lower() in rules.shared_noun_adjectives:
            spans[-1][1] = offset
        else:
            spans.append([k, offset])
    return [piece[a:b] for a, b in spans]


def _goal_concept(span: str, rules: MentionRules):
    """(key, label, zh, (start, end) within span) or None for phrases that are no goal."""
    span = _BY_YEAR.split(span, 1)[0]  # "... innovation centre by 2030": the deadline is no part of the goal
    words = list(_GOAL_WORD.finditer(span))
    while words and (words[0].group(0).lower() in rules.goal_strip_start or words[0].group(0).isdigit()) and not (
            len(words) > 1 and words[1].group(0).lower() in ("of", "for", "on", "in")):  # "training of pilots" keeps its noun
        words.pop(0)  # "build about 10 ... platforms": the verb, the article and the count are no part of it
    core = list(words)
    while len(core) > 1 and core[-1].group(0).lower() in rules.goal_strip_end:
        core.pop()
    if not core or len(core) > 12:
        return None
    s, e = words[0].start(), words[-1].end()
    phrase = " ".join(w.group(0) for w in core).lower()
    candidates = [phrase, _COMPOUND_SUFFIX.sub("", phrase)]
    for candidate in candidates:
        if candidate in rules.goals:
            concept, label, zh = rules.goals[candidate]
            return f"goal:{concept}", label, zh, (s, e)
    if len(core) == 1 and len(words) > 1:  # "noise levels": the generic noun is needed after all
        core = words
        phrase = " ".join(w.group(0) for w in core).lower()
    if len(core) == 1 or not any(c.isalpha() for c in phrase):
        return None  # a lone unknown adjective is no goal on its own
    # the label keeps the text's commas ("exports of A, B and C"); the key does not, so both spellings are one goal
    label = _SPACES.sub(" ", span[core[0].start():core[-1].end()]).lower()
    return "goal:" + name_key(phrase), label, None, (s, e)


def _acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """'Full Name (ABC)' adds ABC as a name of the same entity, found later by the gazetteer."""
    out = []
    for m in mentions:
        match = _ACRONYM.match(text, m.end)
        if match and m.cls != "Goal":
            out.append(Mention(match.start(1), match.end(1), match.group(1), m.cls, m.key, m.name, "acronym.paren.v1",
                               m.sentence, zh=m.zh, country=m.country))
    return mentions + out
