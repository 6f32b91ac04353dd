"""Turn sentences with mentions into Relations, each with its rule id, confidence,
modality and date.

Mentions that stand next to each other joined by "and" or commas form one
coordinated group, so "A, B and C have established X and Y" gives six facts.
Triggers come from kg/data/rules/relations.yaml; classes are checked against
the contract and a relation the contract forbids is not emitted.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Iterable

from .chinese import chinese_relations
from .dates import clauses, find_dates, nearest_date
from .lexicon import Lexicon
from .ontology import ACTOR_CLASSES, SIGNATURES, SYMMETRIC, accepts
from .records import Document, Mention, Relation, Sentence
from .references import body_of_title, is_deputy, without_rank
from .rules import MentionRules, ModalityCues, RelationRule, modality_cues

_JOIN = re.compile(r"^\s*(?:,\s*)?(?:(?:and|as well as|&|together with|or)\s+)?(?:the\s+)?$", re.I)
_CLAUSE_BREAK = re.compile(r"[;:]|,\s*(?:which|who|while|but|and then)\b|\bwhich\b|\bwho\b|\bthat\b")
# "A, President of the C," : a title between a person and the body it names (then a comma, "and" or the end)
_TITLE_OF = re.compile(r"\s*,\s*(?:the\s+)?(?:[A-Za-z][\w-]*\s+){1,4}(?:of|for|at)\s+(?:the\s+)?")
_COMMA_GAP = re.compile(r"\s*,\s*")
_COMMA_OR_AND = re.compile(r"\s*,\s*|\s+and\s+")
_TITLE_END = re.compile(r"\s*(?:[,;.]|and\b|$)")
_CLOSING_COMMA = re.compile(r"\s*,\s*(?=(?:(?:will|shall|would|can|has|have|had|is|are|was|were|also|jointly)\s+)*[a-z])")
# what opens a clause or phrase about the name before it: "X, which ...", "X, a think tank under Y,",
# "X, set up in 2016 under the guidance of Y,"
_RELATIVE_OPENER = re.compile(r",\s*(?:which|who|an?\s|(?:\w+ly\s+)?(?:[a-z]+ed|set up|built|run|led|held|founded|known|based)\s+(?:in|on|at|by|under|with|since|during|from|as|last|this)\b)")
_CLAUSE_PUNCT = re.compile(r"[,;:]")
_SIGNED_WITH = re.compile(r"\s+with\s+(?:the\s+)?")
# "A and the Chinese carmaker B": what a described name's noun adds does not break the coordination
_JOIN_COUNTERPART = re.compile(r"\s*,?\s*(?:and|as well as|&)\s+(?:his|her|their)\s+(?:[A-Z][a-z]+\s+)?counterpart,?\s+")
# "Volkswagen and the Chinese electric carmaker XPeng": a company the lexicon knows, introduced by its noun
_JOIN_COMPANY = re.compile(r"\s*,?\s*(?:and|as well as|&|or)\s+(?:the\s+)?(?:[A-Z][a-z]+\s+)?(?:[a-z-]+\s+){0,2}(?:carmaker|automaker|"
                           r"company|firm|bank|manufacturer|maker|chipmaker|supplier|operator|start-up|startup|conglomerate|"
                           r"giant|producer|developer|utility|insurer|lender|shipbuilder|airline|retailer)\s+")
_JOIN_DESCRIBED = re.compile(r"\s*,?\s*(?:and|as well as|&|or)\s+(?:the\s+)?(?:[A-Z][a-z]+\s+)?[a-z][a-z -]*\s+")
# "A drafted X together with B" (B drafted it too), "A launched X in 2019 in cooperation with B" (B cooperated)
_AFTER_OBJECT = r"\s*,?\s*(?:(?:in|on|at|during|last|this)\s+[\w ]{1,20}?\s+)?"  # ", in 2019", before the partner
_TOGETHER_WITH = re.compile(_AFTER_OBJECT + r"(?:together|jointly|along) with\s+(?:the\s+)?")
_IN_COOPERATION_WITH = re.compile(_AFTER_OBJECT + r"in (?:close )?(?:cooperation|partnership|collaboration) with\s+(?:the\s+)?")
_PAREN_OPEN = re.compile(r"\s*\(\s*")
# "according to a statement released by": the noun before a passive verb is its object
_NOUN_BEFORE = re.compile(r"\b(?:a|an|the|its|their)\s+[a-z]+\s+$")
_RELATIVE_ASIDE = re.compile(r",\s*(?:which|who|an?)\s+[^,;:]+,\s*(?:(?:has|have|had|will|would|also|\w+ly)\s+){0,2}")
_POST_RELATIVE = re.compile(r"\s*,\s*(?:the\s+)?(?:[A-Za-z][\w-]*\s+){1,4}(?:of|for|at)\s+(?:the\s+)?[A-Z][^,;:]*,\s*who\s+"
                            r"(?:(?:has|have|had|also|now|still|will|would|\w+ly)\s+){0,2}")
# "the Regulation, which the Administration revised", "the goals that President Xi announced"
_OBJECT_RELATIVE = re.compile(r"[\"”’]?\s*(?:goals?|targets?|plans?|policy|policies|strategy)?\s*,?\s*(?:which|that)\s+(?:the\s+)?(?:[A-Z][a-z]+\s+){0,2}")
_OWNED = re.compile(r"['’]s\s+$")
_CONTROL_GAP = re.compile(r"\s+(?:\w+ly\s+)?(?:have\s+|has\s+)?(?:agreed|decided|agree|agrees|decide|decides|pledged|promised|vowed|"
                          r"plan|plans|planned|intend|intends|intended|hope|hopes|hoped)\s+to\s+[^;:,.]*?\band\s+(?:to\s+)?")
_AND_VERB = re.compile(r"[\"”’]?\s*(?:[A-Z]\w*\s*)?,?\s*and\s+(?:\w+ly\s+)?(?:also\s+)?[a-z]+(?:s|es)\b")
_LIST_COLON = re.compile(r":\s*(?:[a-z]+\s+)?$")  # (and a verb the goal drops: "building")
_PAREN_CLOSE = re.compile(r"\s*\)")
_ACRONYM_GAP = re.compile(r"\s*(?:\([^()]{1,20}\))?\s*")
_POSSESSIVE = re.compile(r"['’]s\s+")
_PARTICIPLE = re.compile(r"[a-z]+(?:ed|en)|set up|built|led|run|held|made|founded|established")
_PREPOSITION_AFTER = re.compile(r"\s+(?:in|on|at|under|with|since|during|from|last|this)\b")
# "an executive meeting of the": the object is the meeting, not the body after "of"
_NOUN_OF = re.compile(r"\b[a-z][a-z-]+\s+of\s+(?:the\s+)?$")
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|with|from|of|at|for|to|by|on)\s+(?:the\s+)?$")
_MEETING_OF = re.compile(r"\b(?:meeting|session|round|plenary|sitting)s?\s+of\s+(?:the\s+)?$")  # of a partnership, too
_ARTICLE_START = re.compile(r"^the\s+", re.I)
# "A and Premier B": between two people, the words after "and" are the second one's post
_AND_TITLE = re.compile(r"\s*,?\s*(?:and|as well as|&|or)\s+(?:[A-Z][\w.'’-]*\s+){1,5}(?:(?:of|for|and|the)\s+(?:[A-Z][\w.-]*\s+)+)*")
# "Anja Karliczek, Federal Minister of ..., and Wang Zhigang": two people, each with a post
_APPOSED = re.compile(r"\s*,\s*(?:the\s+|an?\s+)?[A-Za-z][^,;:]{0,100},\s*and\s+")  # "A, Minister of X, and B"
# "... of the MIIT and cooperates with": the verb is coordinated with an earlier one, not with the MIIT
# "It builds on the X action plan and is closely linked to": the verb after "and" is the clause subject's
# "formulated the plan in 2016 and revised it": a time or place may close the first verb's phrase
_VP_AND_AFTER_NOUN = re.compile(r"(?:\s+[a-z]+){1,3}\s*,?\s+and\s+(?:is|are|was|were|has|have|had|will|also)\s+(?:\w+ly\s+)?")
_VP_AND = re.compile(r"(?:\s+(?:in|on|at|last|this|next|early|late)(?:\s+(?:[A-Z][\w-]*|\d{1,4}|year|month|week)){1,3})?"
                     r"\s*,?\s*and\s+(?:(?:is|are|was|were|has|have|had|will)\s+)?(?:\w+ly\s+)?(?:also\s+)?", re.I)
# "X, which has ... <verb>" / "X, which was founded in 2016 and cooperates with": a relative clause about X
_RELATIVE = re.compile(r"\s*(?:(?:on|in)\s+(?:[A-Z][a-z]+|\d{4})(?:\s+\d{1,2})?\s*)?,?\s*(?:which|who)\s+(?:(?:has|have|had|also|now|still|will|would|\w+ly)\s+){0,2}", re.I)
# "with the industry in Korea, ...": up to three words and "in" between "with" and the partner's name
_WITH = re.compile(r"\bwith\s+(?:the\s+)?(?:[a-z]+\s+){0,3}?(?:in\s+)?(?=[A-Z\u3400-\u9fff])")
_BARE_WITH = re.compile(r"\bwith\s+")
# ", and the Ministry ...", ", and in 2019 we ...": a clause with its own subject (after a fronted time or place)
_NEXT_CLAUSE = re.compile(r",\s*(?:and|but|while|whereas)\s+(?:(?:in|on|at|since|last|this|early|late)\s+[\w ]{1,20}?,?\s+)?"
                          r"(?:the\s+)?(?:[A-Z]|(?:we|they|he|she|it)\b)|;"
                          # "... were drafted by A and take effect on May 1": the date is when they take effect
                          r"|\s+and\s+(?:will\s+)?(?:take|takes|took|come|comes|came|enter|enters|entered)\s+(?:effect|into force)\b")
_VP_AND_BE = re.compile(r"\s+(?:is|are|was|were|has|have|had)\b[^,;:]{0,60}?\band\s+(?:will\s+|would\s+|shall\s+|has\s+|have\s+|had\s+)?"
                        r"(?:be|been|is|are|was|were)\s+(?:\w+ly\s+)?")
_FRONTED_WITH = re.compile(r"(?:[A-Z][\w .'-]{0,40}:\s*)?(?:[A-Z][^,:]{0,25},\s*)?(?:[Tt]ogether|[Jj]ointly|[Aa]long) with\s+(?:the\s+)?")
# a post named with a person is a standing fact, not an event of the sentence's date
_UNDATED = frozenset(["leads.title.v1", "leads.post.v1", "country.post.v1"])
_REPORTED_THAT = re.compile(r"\b(?:said|says|told|announced|stated|noted|added)\b[^.;]{0,120}?\bthat\b")
_UNTIL = re.compile(r"\b(?:until|till|through|up to|lasting to)\s+$")  # the end of a period, not when a fact happened
_ASIDE = re.compile(r",\s*(?:(?:which|who|whose|set up|[a-z]+ed)\b[^,;:]*,|(?:which|who)\b[^,;:]*$)")  # or a relative clause ending the sentence
_COOPERATION_NOUN = re.compile(r"\s+(?:cooperation|collaboration|partnership|relations|dialogue|exchanges|ties)\b", re.I)


# small patterns of the gaps between mentions and triggers
_IN_AT = re.compile(r"\s*(?:in|at)\s+(?:the\s+)?")  # "the Centre in Munich"
_WITH_AT_END = re.compile(r"\bwith\s+(?:the\s+)?$")
# "by Vice Premier X", "with German Vice Chancellor and Minister for Economic Affairs X"
_POST_WORDS = re.compile(r"(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,3}(?:(?:and|for|of)\s+(?:[A-Z][\w.-]*\s+){1,4}){0,3}")
_BY_AT_END = re.compile(r"\bby\s+(?:the\s+)?$")
_AND_AT_END = re.compile(r"\band\s+(?:\w+ly\s+)?$")
_BETWEEN_STOP = re.compile(r"[;:]|,\s*(?:which|and)\b")  # where "between A and B" ends
_AND_OR_AMPERSAND = re.compile(r"\band\b|&")
_NAME_NOUN_COMMA = re.compile(r"(?:\s+[a-z]+){0,2}\s*,\s*(?:the\s+)?", re.I)  # "To implement the X strategy, the"
# "Speaking at the X on Monday, Vice Premier B": a time, the comma, and the post of the person who follows
_TIME_COMMA_POST = re.compile(r"(?:\s+(?:on|in|last|this)(?:\s+[\w-]+){1,3}?)?\s*,\s*(?:the\s+)?(?:[A-Z][\w-]*\s+){0,3}")
# a policy's goals are its own unless a clause ends between them ("X, adopted in 2016, ...")
_GOAL_GAP_BREAK = re.compile(r"[;:]|,\s+(?!which\b)(?:and\s+)?[a-z]+(?:ed|s)?\b(?!\s+(?:and|or)\b)")
_COMMA_WHICH = re.compile(r",\s*which\b")
_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?")
_NATIONAL_WORD = re.compile(r"\bNational\b")  # "Guidelines for ... the National ... System": the country's policy
_NATIONAL_NAME = re.compile(r"(?:the\s+)?(?:National|State|Central)\b")  # a national body of the document's country


def extract_relations(doc: Document, sentences: list[Sentence], mentions: list[Mention],
                      rules: tuple[RelationRule, ...], mention_rules: MentionRules, lexicon: Lexicon) -> list[Relation]:
    """All relations the rules find in ``doc``.

    Returns:
        Relations in sentence order; duplicates within one sentence removed.
    """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    out: list[Relation] = []
    gates = _gate_index(rules)
    cues = modality_cues()
    earlier: list[Mention] = []  # the bodies of the sentences before, for a post that names one
    fronted_rules = {r.id for r in rules if r.voice == "fronted"}  # their verb comes after the fronted phrase
    article_paragraph = -1
    heading_policy = next((m for m in mentions if m.cls == "Policy" and m.sentence == 0 and sentences
                           and sentences[0].kind == "heading"), None)  # the policy a legal text is
    for sent in sentences:
        ms = sorted(by_sentence.get(sent.index, []), key=lambda m: m.start)
        if any(m.source == "issuer.title.v1" for m in ms):  # an issuer inside a title overlaps it: no group takes it
            out.extend(_issuer_relations(ms, sent, lexicon))
            ms = [m for m in ms if m.source != "issuer.title.v1"]
        if sent.language == "zh":
            out.extend(_chinese_sentence(doc, sent, ms))
            continue
        if not ms:
            for s, p, o, rule, conf, _ in _adjective_cooperation(doc.text, sent, lexicon):
                out.extend((Relation(s, p, o, sent.index, rule, conf), Relation(o, p, s, sent.index, rule, conf)))
            continue
        found: list[tuple[str, str, str, str, float, int]] = []  # s, p, o, rule, conf, trigger position
        entities = [m for m in ms if m.cls != "Goal"]
        groups = _groups(doc.text, entities)
        inside_name = _inside_any(ms)
        low = doc.text[sent.start:sent.end].lower() if len(entities) >= 2 else ""
        fast = len(low) == sent.end - sent.start  # lower() kept every offset (it almost always does)
        classes = {m.cls for m in entities}
        for rule in _candidate_rules(gates, rules, low) if len(entities) >= 2 else ():  # every rule links two mentions
            domain, range_ = SIGNATURES[rule.predicate]
            if classes.isdisjoint(domain) or classes.isdisjoint(range_):
                continue  # no pair of these mentions is one the contract allows for the rule's relation
            # scanning the lower-cased sentence without re.I is much faster and finds the same triggers
            matches = ((sent.start + m.start(), sent.start + m.end()) for m in rule.lower_pattern.finditer(low)) \
                if fast and rule.lower_pattern is not None \
                else ((m.start(), m.end()) for m in rule.pattern.finditer(doc.text, sent.start, sent.end))
            for trig in matches:
                if inside_name(trig[0]):
                    continue  # inside a name ("Development Research Center")
                for s, o, conf, *other in _apply(doc.text, sent, rule, trig, groups):
                    if not other and rule.objects is not None and o.cls not in rule.objects:
                        continue  # "opened the Centre" sets it up; "opened the Conference" takes part in it
                    predicate, rule_id = other[0] if other else (rule.predicate, rule.id)  # a fact beside the rule's
                    found.append((s.key, predicate, o.key, rule_id, conf, trig[0]))
        found.extend(_sub_units(doc.text, entities))
        if "members" in low:
            found.extend(_listed_members(doc.text, sent, groups))
        found.extend(_goal_relations(doc.text, ms, mention_rules))
        found.extend(_title_relations(doc.text, ms, entities, mention_rules, lexicon, earlier))
        found.extend(_own_events(doc.text, entities))
        if sent.text.startswith("Article "):
            article_paragraph = sent.paragraph
        if sent.paragraph == article_paragraph:  # the sentences of an article's paragraph
            found.extend(_article_duties(doc.text, sent, groups, heading_policy))
        found.extend(_adjective_cooperation(doc.text, sent, lexicon))
        modality: dict[int, str | None] = {}  # by trigger position: many facts share one trigger
        fronted = {f[5] for f in found if f[3] in fronted_rules}
        for pos in {f[5] for f in found}:
            modality[pos] = _modality(doc.text, sent, pos, cues, pos in fronted)
        out.extend(_emit(doc, sent, [(*f, modality[f[5]]) for f in found], by_clause=True))
        earlier.extend(m for m in entities if m.cls == "GovernmentBody")
    out.extend(_list_goal_relations(sentences, mentions, mention_rules))
    out = _dateline_dates(doc, sentences, out)
    out.extend(_country_relations(doc, sentences, mentions, mention_rules))
    out.extend(_country_of_leaders(out, lexicon))
    return out


_DATELINE = re.compile(r"(?:[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}), ((?:\d{1,2} )?[A-Z][a-z]+\.?(?: \d{1,2})?(?:,? \d{4})?)[.:]\s")


def _dateline_dates(doc: Document, sentences: list[Sentence], relations: list[Relation]) -> list[Relation]:
    """A news item's dateline ("Berlin, June 9.") dates the facts of its first paragraph that the
    sentences themselves leave undated and state as done."""
    first = next((s for s in sentences if s.kind == "text" and s.language == "en"), None)
    if first is None:
        return relations
    match = _DATELINE.match(doc.text + " ", first.start)
    if not match or match.start() != first.start:
        return relations
    values = [d.value for d in find_dates(doc.text, match.start(1), match.end(1), doc.date) if d.value]
    if not values:
        return relations
    in_paragraph = {s.index for s in sentences if s.paragraph == first.paragraph}
    return [dataclasses.replace(r, date=values[0]) if r.date is None and r.modality is None and
            r.sentence in in_paragraph and r.predicate not in ("country", "locatedIn") and r.rule not in _UNDATED else r
            for r in relations]


def _list_goal_relations(sentences: list[Sentence], mentions: list[Mention], rules: MentionRules) -> list[Relation]:
    """Each goal of a task list belongs to the policy the sentence announcing the list names last
    ("The opinions set out the following main tasks:"); the item is the evidence."""
    out = []
    for goal in (m for m in mentions if m.source == "goal.list.v1"):
        lead = goal.sentence - 1
        while lead > 0 and rules.list_item.match(sentences[lead].text):  # items before it, with a goal or not
            lead -= 1
        policies = [m for m in mentions if m.sentence == lead and m.cls == "Policy"] or \
            [m for m in mentions if lead - 3 <= m.sentence < lead and m.cls == "Policy"]  # a heading "I. Main tasks"
        if policies:
            policy = max(policies, key=lambda m: m.start)
            out.append(Relation(policy.key, "hasGoal", goal.key, goal.sentence, "goal.list.v1", 0.7))
    return out


def _country_of_leaders(relations: list[Relation], lexicon: Lexicon) -> list[Relation]:
    """A person who leads a national body belongs to its country ("Minister of Finance" of China)."""
    countries: dict[str, str] = {}
    for r in relations:
        if r.predicate == "country":
            countries.setdefault(r.subject, r.object)
        elif r.predicate == "leads" and r.object.startswith("lex:"):
            entry = lexicon.entries.get(r.object[4:])
            if entry is not None and entry.country:
                countries.setdefault(r.object, f"lex:{entry.country}")
    have = set(countries)
    stated = {r.subject for r in relations if r.predicate == "country"}
    out = []
    for r in relations:
        if r.predicate == "leads" and r.object in countries and r.subject not in have \
                and r.modality is None:
            have.add(r.subject)
            out.append(Relation(r.subject, "country", countries[r.object], r.sentence, "country.leads.v1", 0.75))
        if r.predicate == "leads" and r.object in countries and r.object not in stated and r.object.startswith("lex:"):
            # a body known from a post only ("Federal Minister for ..."): the lexicon gives its country
            stated.add(r.object)
            out.append(Relation(r.object, "country", countries[r.object], r.sentence, "country.lexicon.v1", 0.9))
    return out


def _inside_any(mentions: list[Mention]):
    """A test "is this position inside one of the mentions?" (sorted by start) by bisection."""
    starts = [m.start for m in mentions]
    reach, furthest = [], -1
    for m in mentions:
        furthest = max(furthest, m.end)
        reach.append(furthest)

    def inside(pos: int) -> bool:
        k = bisect.bisect_right(starts, pos) - 1
        return k >= 0 and reach[k] > pos
    return inside


_WORD = re.compile(r"[a-z]+")


_TRIGGER_WORD = re.compile(r"\w+(?:\s+by\b)?")


def _trigger_end(text: str, pos: int) -> int:
    """The end of the word at ``pos`` plus a following "by <agent>": the clause of "approved by X in May"."""
    word = _TRIGGER_WORD.match(text, pos)
    return word.end() if word else pos


def _candidate_rules(gates: tuple, rules: tuple[RelationRule, ...], low: str) -> list[RelationRule]:
    """The rules whose trigger a lower-cased sentence can hold, in their order: those without a
    gate, and those with one of their gate's word starts among the sentence's words (``gates``
    from _gate_index)."""
    ungated, by_start, lengths, keys = gates
    words = set(_WORD.findall(low))
    chosen = set(ungated)
    for start in keys.intersection({w[:n] for w in words for n in lengths}):
        chosen.update(by_start[start])
    return [rules[k] for k in sorted(chosen)]


_GATE_INDEXES: dict[int, tuple] = {}  # id(rules) -> (rules, index): hashing the rules costs more than the index


def _gate_index(rules: tuple[RelationRule, ...]) -> tuple:
    """The rules (by position) without a gate; those of each gate word start; the starts' lengths; the starts."""
    cached = _GATE_INDEXES.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    by_start: dict[str, list[int]] = {}
    for k, rule in enumerate(rules):
        for start in rule.gate or ():
            by_start.setdefault(start, []).append(k)
    index = (tuple(k for k, rule in enumerate(rules) if rule.gate is None),
             {start: tuple(ks) for start, ks in by_start.items()},
             tuple(sorted({len(start) for start in by_start})), frozenset(by_start))
    _GATE_INDEXES[id(rules)] = (rules, index)
    return index


def _chinese_sentence(doc: Document, sent: Sentence, ms: list[Mention]) -> list[Relation]:
    found = list(chinese_relations(doc.text, sent, ms))
    found += [(*c, None) for c in _cosigners([f[:6] for f in found])]
    return _emit(doc, sent, found, by_clause=False)


def _emit(doc: Document, sent: Sentence, found: list[tuple], by_clause: bool) -> list[Relation]:
    """Relations from (subject, predicate, object, rule, confidence, position, modality) rows: each
    fact once per sentence, symmetric ones both ways, dated by the date nearest the trigger (with
    ``by_clause``, preferring a date in the trigger's own clause)."""
    dates = [d for d in find_dates(doc.text, sent.start, sent.end, doc.date)
             if d.value and not _UNTIL.search(doc.text, max(sent.start, d.start - 16), d.start)] if found else []
    around = clauses(doc.text, sent.start, sent.end) if dates and by_clause else None
    # "X, set up in February 2016 under ..., signed": a date inside an aside dates only the facts inside it,
    # and those take no date from outside ("X, formulated by A, took effect on March 1")
    asides = [m.span() for m in _ASIDE.finditer(doc.text, sent.start, sent.end)] if dates and by_clause else []
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    next_clause: dict[int, re.Match | None] = {}  # by trigger position
    for s, p, o, rule, conf, pos, modality in found:
        if s == o or (s, p, o) in seen:
            continue
        date = None
        if dates and rule not in _UNDATED:  # most sentences date nothing: no clause to find then
            # "A drafted X, and B approved it on June 30": a date in a later clause with its own subject dates only that one
            if pos not in next_clause:
                next_clause[pos] = _NEXT_CLAUSE.search(doc.text, pos, sent.end)
            later = next_clause[pos]
            inside = next(((a, b) for a, b in asides if a <= pos < b and doc.text[b - 1] == ","), None)  # a closed aside
            # "X said on Thursday that the ministry will issue ...": the date is the saying's, not the fact's
            reported = _REPORTED_THAT.search(doc.text, sent.start, pos)
            usable = [d for d in dates if not any(a <= d.start and d.end <= b and not a <= pos < b for a, b in asides)
                      and not (later and d.start >= later.start())
                      and not (reported and d.end <= reported.end())
                      and (inside is None or inside[0] <= d.start < inside[1])]  # a fact in an aside: its dates
            date = nearest_date(usable, pos, around(_trigger_end(doc.text, pos)) if around else None,
                                ahead=modality == "planned") if usable else None
        for a, b in ((s, o), (o, s)) if p in SYMMETRIC else ((s, o),):
            if (a, p, b) not in seen:
                seen.add((a, p, b))
                out.append(Relation(a, p, b, sent.index, rule, round(conf, 2), modality, date))
    return out


def _groups(text: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Coordinated runs: "A, B and the C" is one group of three. A comma alone between two names
    does not coordinate them: "Under the guidance of A, the B ..." is two groups. The body of a
    person's title ("A, President of the C, and B") is in no group: the people are coordinated."""
    groups: list[list[Mention]] = []
    previous = None
    after_acronym: dict[int, int] = {}  # id of a name -> where the text goes on after its "(ACRONYM)"
    for k, m in enumerate(mentions):
        if k + 1 < len(mentions) and mentions[k + 1].cls == "Person" and m.cls in ("GovernmentBody", "Organization") \
                and _is_post_of(text, m, mentions[k + 1]):
            continue  # "A and European Commission Executive Vice-President B": the body names B's post
        if previous is not None and previous.cls == "Person" and m.cls != "Person" and \
                _TITLE_OF.fullmatch(text, previous.end, m.start) and _TITLE_END.match(text, m.end):
            continue
        if previous is not None and previous.cls == "Person" and m.cls in ("Country", "Place") and \
                _COMMA_OR_AND.fullmatch(text, previous.end, m.start) and text.startswith(("'s ", "’s "), m.end):
            continue  # "A, Lower Saxony's Minister of ..., and B", "A and Norway's Prime Minister B": the place names a post
        if previous is not None and m.key == previous.key and _PAREN_OPEN.fullmatch(text, previous.end, m.start):
            close = _PAREN_CLOSE.match(text, m.end)
            if close:  # "the Ministry of ... (MIIT) and the ...": the acronym is the name again
                after_acronym[id(previous)] = close.end()
                continue
        previous = m
        if groups:
            last = groups[-1][-1]
            gap_start = after_acronym.get(id(last), last.end)
            same_kind = (last.cls in ACTOR_CLASSES) == (m.cls in ACTOR_CLASSES) or (
                {last.cls, m.cls} == {"Organization", "Policy"} and _AND.search(text[last.end:m.start]))
            if same_kind and m.start >= last.end and (_JOIN.match(text[gap_start:m.start]) or (
                    m.source == "org.described.v1" and _JOIN_DESCRIBED.fullmatch(text, gap_start, m.start)) or (
                    m.cls == "Organization" and _JOIN_COMPANY.fullmatch(text, gap_start, m.start)) or (
                    m.source == "person.counterpart.v1" and _JOIN_COUNTERPART.fullmatch(text, gap_start, m.start)) or (
                    last.cls == m.cls == "Person" and (_APPOSED.fullmatch(text, last.end, m.start)
                                                       or _AND_TITLE.fullmatch(text, last.end, m.start)))):
                groups[-1].append(m)
                continue
        groups.append([m])
    out = []
    for group in groups:
        if len(group) > 2 and _UNDER_OF.search(text, max(0, group[0].start - 60), group[0].start) and \
                not _COORDINATOR.search(text[group[0].end:group[1].start]):
            out.append(group[:1])  # "under the deployment of A, B, together with C, ...": A stands apart
            group = group[1:]
        joins = [text[a.end:b.start] for a, b in zip(group, group[1:], strict=False)]
        if len(group) == 2 and "," in joins[0] and (not _COORDINATOR.search(joins[0]) or _COMMA_AND.match(joins[0])) \
                and not _AND_OTHERS.match(text, group[-1].end):  # ("A, B and four other departments": a list)
            # "A, B": no list; "A, and the B approved it": two clauses (a list of two takes no comma)
            out.extend([m] for m in group)
        else:
            out.append(group)
    return out


_AGENTIVE = frozenset(["issued", "revised", "drafted", "signed", "established", "implements", "leads", "guides",
                       "participatedIn"])  # "X was <verb>ed" makes X no agent of these; "X is linked to Y" still links
_NOUN_TRIGGER = re.compile(r"(?:the|a|an|one of the)\s", re.I)
_BE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being|be)\s+(?:\w+ly\s+)?$")
_UNDER_OF = re.compile(r"\b[Uu]nder the (?:[a-z]+ )?(?:guidance|supervision|leadership|auspices|deployment|arrangement) of (?:the )?$")
_AND_OTHERS = re.compile(r"\s+and\s+(?:\w+\s+){0,2}(?:other|more)\s")
_COMMA_AND = re.compile(r"\s*,\s*and\b")
_GAP_WORD = re.compile(r"[\w'-]+")
_CLAUSE_SPLIT = re.compile(r"[,;]\s+")
_AND = re.compile(r"\band\b")
_COORDINATOR = re.compile(r"\b(?:and|or)\b|&|together with|as well as")
_COMMA_BEFORE = re.compile(r",\s*(?:\w+ly\s+)?$")
_TO = re.compile(r"\s+to\s+")
# "issued by", "revised in 2019 by", "released last year jointly by": a short time may stand before "by"
_BY_AGENT = re.compile(r"(?:\s+(?:in|on|at|last|this|early|late)(?:\s+(?:[A-Z][a-z]+|\d{1,4}|year|month|week)){1,2})?"
                       r"\s+(?:(?:jointly|mainly|directly)\s+)?(?:by|under the (?:leadership|guidance|direction|auspices) of)\s+")
_INCLUDING = re.compile(r"\s*(?:\d+|several|many|a number of|a series of)?\s*(?:[a-z-]+\s+){0,3}"
                        r"(?:guidelines|documents|policies|plans|measures|regulations|rules|programmes|notices),?\s+including\s+(?:the\s+)?")
_OF_WITH = re.compile(r"\s+with\s+(?:[A-Z][a-z]+['’]s\s+)?(?:the\s+)?")  # "of A with Germany's B"
_BETWEEN = re.compile(r"\s+(?:\w+\s+){0,3}?between\s+")


def _more_words_than(text: str, start: int, end: int, limit: int) -> bool:
    """Whether a gap holds more than ``limit`` words, articles not counted (stops counting there:
    the gap before a verb can be the rest of a long sentence)."""
    count = 0
    for word in _GAP_WORD.finditer(text, start, end):
        if word[0].lower() not in ("the", "a", "an"):
            count += 1
            if count > limit:
                return True
    return False


def _before(text: str, groups, pos: int, limit: int, sent_start: int):
    """The subject of the verb at ``pos``: the nearest group before it with no clause break in between;
    for "X, which ... <verb>" the X before the relative pronoun; for "X ... and <verb>" the clause's subject."""
    earlier = [g for g in groups if g[-1].end <= pos]
    if not earlier:
        return None
    group = earlier[-1]
    if len(earlier) > 1 and all(m.cls in ("GovernmentBody", "Organization") for m in earlier[-2] + group) and \
            _SUB_UNIT.search(earlier[-2][-1].name) and _OF_THE.fullmatch(text, earlier[-2][-1].end, group[0].start):
        group = earlier[-2]  # "The Cybersecurity Bureau of the Ministry of ... will": the bureau is the subject
    gap = text[group[-1].end:pos]
    if _VP_AND.fullmatch(gap) or _VP_AND_AFTER_NOUN.fullmatch(gap):
        clause = max(sent_start, text.rfind(":", sent_start, pos) + 1, text.rfind(";", sent_start, pos) + 1)
        first = next((g for g in earlier if g[0].start >= clause), None)
        return first if first is not None and first is not group else None
    if _RELATIVE_ASIDE.fullmatch(gap):
        return group  # "X, which builds engines, joined": the clause between names nothing
    relative = _RELATIVE.fullmatch(gap)
    if relative:
        k = len(earlier) - 1
        # "the Centre in Munich, which ...": the relative clause is about the Centre, not the place
        while k > 0 and all(m.cls in ("Place", "Country") for m in earlier[k]) and \
                _IN_AT.fullmatch(text, earlier[k - 1][-1].end, earlier[k][0].start):
            k -= 1
        return earlier[k]
    if group[-1].cls == "Person" and _POST_RELATIVE.fullmatch(gap):
        return group  # "A, the chief executive of Siemens, who had chaired ...": the clause is about A
    closing = _CLOSING_COMMA.match(text, group[-1].end)  # (the verb after the comma is past the gap)
    if closing and closing.end() <= pos:
        # "X, which is supervised by Y, will organize": the relative clause closes; X is the subject
        opener = next(reversed(list(_RELATIVE_OPENER.finditer(text, sent_start, group[0].start))), None)
        antecedent = next((g for g in reversed(earlier) if opener and g[-1].end <= opener.start()), None)
        if antecedent is not None and _ACRONYM_GAP.fullmatch(text, antecedent[-1].end, opener.start()) \
                and not _CLAUSE_BREAK.search(text, closing.end(), pos):
            return antecedent
    if _CONTROL_GAP.fullmatch(gap):
        return group  # "The two sides agreed to deepen cooperation ... and to launch X": they launch it
    if _CLAUSE_BREAK.search(gap) or _more_words_than(text, group[-1].end, pos, limit):
        return None
    return group


def _after(text: str, groups, pos: int, limit: int):
    for group in groups:
        if group[0].start >= pos:
            gap = text[pos:group[0].start]
            if _INCLUDING.fullmatch(gap):
                return group  # "issued 11 supporting guidelines, including the Guidelines for ...": the ones named
            if _more_words_than(text, pos, group[0].start, limit) or _CLAUSE_PUNCT.search(gap):
                return None
            owned = _POSSESSIVE.match(text, group[-1].end)
            if owned:
                # "with Germany's Plattform Industrie 4.0": the object is what is Germany's; "implement the
                # agreement's commitments": an unnamed part of a policy stands for the policy
                owned_name = next((g for g in groups if g[0].start == owned.end()), None)
                return owned_name or (group if all(m.cls == "Policy" for m in group) else None)
            if _NOUN_OF.search(gap) and (all(m.cls in ACTOR_CLASSES for m in group) or (
                    _MEETING_OF.search(gap) and all(m.cls != "Event" for m in group))):
                return None  # "presided over a meeting of the State Council": the meeting is the object
            if _WITH_AT_END.search(gap):
                return None  # "opened a help desk with the Ministry": the desk is the object, the Ministry a partner
            return group
    return None


def _working_together(group: list[Mention], partners: list[Mention]):
    """Cooperation of the actors of one group with those of another ("A drafted X together with B");
    _emit adds the reverse direction."""
    for a in group:
        for b in partners:
            if a.cls in ACTOR_CLASSES and b.cls in ACTOR_CLASSES and a.key != b.key:
                yield a, b, 0.7, ("cooperatesWith", "cooperates.together.v1")


def _actors_before(groups, clause: int, pos: int) -> list[Mention]:
    """The actors of the last group between ``clause`` and ``pos`` that holds any."""
    before = [g for g in groups if clause <= g[0].start and g[-1].end <= pos and any(m.cls in ACTOR_CLASSES for m in g)]
    return [m for m in before[-1] if m.cls in ACTOR_CLASSES] if before else []


def _together_mid_clause(text: str, groups, clause: int, pos: int, end: int):
    """ "A ... together with B" inside a clause: B works with the actors named last before it in the clause."""
    actors = _actors_before(groups, clause, pos)
    partner = _after(text, groups, end, 0)
    if actors and partner:
        yield from _working_together(actors, partner)


def _titled_agent(text: str, groups, pos: int):
    """The group after ``pos`` when all that stands before it is its first person's post ("by Minister of
    Commerce Zhao Lifeng and ..."), else None."""
    group = next((g for g in groups if g[0].start >= pos), None)
    if group is None or group[0].cls != "Person" or not group[0].title:
        return None
    gap = text[pos:group[0].start].strip()
    return group if gap in (group[0].title, "the " + group[0].title) else None


def _agents_after(text: str, groups, pos: int):
    """The agents after "by": the first group, unless words stand before it; "A and the C's B": B, not C."""
    group = next((g for g in groups if g[0].start >= pos), None)
    if group is None or (_more_words_than(text, pos, group[0].start, 1) and not _titled_agent(text, groups, pos)):
        return None  # words before the agent, unless they are its post ("by Minister of X Zhao Lifeng")
    owned = _POSSESSIVE.match(text, group[-1].end)
    named = next((g for g in groups if owned and g[0].start == owned.end()), None)
    return group[:-1] + named if named else group


def _pairs(subjects: Iterable[Mention], objects: Iterable[Mention], predicate: str, conf: float):
    objects = list(objects)
    for s in subjects:
        for o in objects:
            if predicate == "locatedIn" and s.cls in ("Country", "Person"):
                continue  # "the French side in Lyon", "A met B in Beijing": a country or a person is not located there
            if accepts(predicate, s.cls, o.cls):
                penalty = 0.9 if "coref" in s.source or "coref" in o.source else 1.0
                yield s, o, conf * penalty


def _apply(text: str, sent: Sentence, rule: RelationRule, trig: tuple[int, int], groups):
    pos, end = trig
    trigger = text[pos:end]
    p = rule.predicate
    if rule.voice == "active":
        if _BY_AGENT.match(text[end:end + 40]) and not trigger.lower().endswith(("ing", "s")):
            return  # "X was issued by", "X, headed by": a passive, the passive rule takes it
        if p in _AGENTIVE and _BE_BEFORE.search(text, max(sent.start, pos - 24), pos) and not trigger.lower().endswith("ing") \
                and not _NOUN_TRIGGER.match(trigger):
            return  # "X was established in 2012 under Y": a passive with no agent (not "X will be the partner of Y")
        if _COMMA_BEFORE.search(text, sent.start, pos) and _PARTICIPLE.fullmatch(trigger.lower()) \
                and _PREPOSITION_AFTER.match(text, end):
            return  # "The alliance, set up in 2016 under ...,": X was set up; no agent is named

        subject = _before(text, groups, pos, rule.max_gap, sent.start)
        if subject and p == "locatedIn" and (_WITH_AT_END.search(text, max(sent.start, subject[0].start - 12), subject[0].start)
                                             or all(m.cls in ("Person", "Country") or (m.cls == "GovernmentBody" and m.key.startswith("lex:"))
                                                    for m in subject)):
            # "opened a desk with the Ministry in Shanghai", "met the Ministry of Transport in Qingdao": the place
            # is the desk's or the meeting's; a national body the lexicon knows is no news about its seat
            return
        if trigger.lower().endswith("ing") and _COMMA_BEFORE.search(text, sent.start, pos):
            # ", officially establishing X": the participle's subject is the main clause's subject
            clause = max(sent.start, text.rfind(":", sent.start, pos) + 1)  # not an interview turn's speaker
            subject = next((g for g in groups if clause <= g[0].start and g[-1].end <= pos
                            and any(m.cls in ACTOR_CLASSES for m in g)), subject)
        obj = _after(text, groups, end, min(rule.max_gap, 6))
        fronted = _FRONTED_WITH.match(text, sent.start) if subject and p in _AGENTIVE else None
        if fronted:  # "Together with B, we have revised X": B revised it too
            partner = next((g for g in groups if g[0].start == fronted.end()), None)
            if partner and subject[0].start > partner[-1].end and _COMMA_GAP.match(text, partner[-1].end) and \
                    all(m.cls in ACTOR_CLASSES for m in partner):
                subject = subject + partner
        if subject and _TO.fullmatch(text, subject[-1].end, pos):
            # "we will work with B and C to set up X": the one working with them sets it up too
            partner = _before(text, [g for g in groups if g[-1].end <= subject[0].start], subject[0].start, 8, sent.start)
            if partner and _WITH_AT_END.search(text[partner[-1].end:subject[0].start]):
                subject = partner + subject
        if subject and obj and not rule.inverse:
            # "A drafted the plan together with B": B is an agent too (B may have joined the object's group)
            cooperation_only = False
            cut = next((k for k in range(1, len(obj)) if _TOGETHER_WITH.fullmatch(text, obj[k - 1].end, obj[k].start)), None)
            if cut is not None:
                obj, partner = obj[:cut], obj[cut:]
            else:
                partner = next((g for g in groups if g[0].start >= obj[-1].end), None)
                if partner and p in ("signed", "revised", "drafted", "issued") and \
                        _SIGNED_WITH.fullmatch(text, obj[-1].end, partner[0].start) and all(m.cls in ACTOR_CLASSES for m in partner):
                    # "A signed X with B", "A revised X with B": B did it too, and they cooperate
                    if p != "signed":  # (for signing, cooperates.with says so)
                        yield from _working_together(subject, partner)
                    subject = subject + partner
                    partner = None
                elif partner and _IN_COOPERATION_WITH.fullmatch(text, obj[-1].end, partner[0].start):
                    cooperation_only = True  # "A launched X in cooperation with B": they cooperate; A launched it
                elif partner and not _TOGETHER_WITH.fullmatch(text, obj[-1].end, partner[0].start):
                    partner = None
            if partner and all(m.cls in ACTOR_CLASSES for m in partner):
                yield from _working_together(subject, partner)  # working together: they cooperate
                if not cooperation_only:
                    subject = subject + partner
        if subject and not rule.inverse and (obj is None or not any(accepts(p, subject[0].cls, o.cls) for o in obj)):
            # "the Regulation, which the Administration revised last year": the object comes first (also when a
            # name the relation cannot take follows: "the goals that President Xi announced at the United Nations ...")
            k = next((k for k, g in enumerate(groups) if g is subject), None)
            if k and _OBJECT_RELATIVE.fullmatch(text, groups[k - 1][-1].end, subject[0].start):
                obj = groups[k - 1]
        if subject and obj:
            if rule.inverse:
                subject, obj = obj, subject
            yield from _pairs(subject, obj, p, rule.confidence)
    elif rule.voice == "passive":
        by = _BY_AGENT.match(text[end:end + 30])
        if not by:
            return
        agent = _after(text, groups, end + by.end(), 3)
        if agent and not _POST_WORDS.fullmatch(text, end + by.end(), agent[0].start):
            agent = None  # only a post may stand between "by" and the agent: "headed by Vice Premier X"
        agent = agent or _titled_agent(text, groups, end + by.end())
        cut = next((k for k in range(1, len(agent or ())) if _TOGETHER_WITH.fullmatch(text, agent[k - 1].end, agent[k].start)), None)
        if cut is not None:  # "prepared by A together with B": both prepared it, working together
            yield from _working_together(agent[:cut], agent[cut:])
        elif p == "participatedIn" and agent and len([m for m in agent if m.cls in ACTOR_CLASSES]) >= 2 and \
                not trigger.lower().startswith("attend"):  # (attending one event together is no cooperation)
            actors = [m for m in agent if m.cls in ACTOR_CLASSES]  # "organised by A and B": they work together
            yield from _working_together(actors[:1], actors[1:])
        # the object stands before the verb: "X was issued by", "X, which was formed by", "X, founded by"
        obj = None
        for k in range(len(groups) - 1, -1, -1):
            group = groups[k]
            if group[-1].end <= pos:
                gap = text[group[-1].end:pos]
                if _BY_AT_END.search(text[max(sent.start, group[0].start - 12):group[0].start]) and \
                        _AND_AT_END.search(gap):
                    # "X was drafted by A last autumn and approved by B": A is an agent; the object is X
                    obj = next((g for g in groups[:k] if g[0].start >= sent.start and not any(m.cls in ACTOR_CLASSES for m in g)), None)
                    break
                if (not _more_words_than(text, group[-1].end, pos, 6) and ";" not in gap and ":" not in gap
                        and not _NOUN_BEFORE.search(gap)) or _VP_AND_BE.fullmatch(gap):
                    obj = group  # ("X is open to others and will be chaired by A": X, the clause's subject)
                break
        if agent and obj:
            yield from _pairs(agent, obj, p, rule.confidence)
    elif rule.voice == "between":
        between = _BETWEEN.match(text[end:end + 40])
        if not between:
            of = _OF_THE.match(text, end)  # "the docking of A with (Germany's) B"
            first = _after(text, groups, of.end(), 0) if of else None
            if first and (with_ := _OF_WITH.match(text, first[-1].end)):
                second = next((g for g in groups if with_.start() < g[0].start <= with_.end() and g[0].cls == first[-1].cls), None)
                if second:
                    yield from _symmetric([first[-1], second[0]], p, rule.confidence)
            return
        # "between A and B": the first two mentions that fit, a country that only
        # qualifies the next name ("Germany's 'Industry 4.0'") left aside.
        stop = _BETWEEN_STOP.search(text, end, sent.end)
        limit = stop.start() if stop else sent.end
        members = [m for g in groups for m in g if end + between.end() <= m.start < limit]
        members = [m for k, m in enumerate(members)
                   if not (m.cls == "Country" and k + 1 < len(members) and members[k + 1].start - m.end <= 4)]
        if len(members) >= 2 and _AND_OR_AMPERSAND.search(text, members[0].end, members[1].start):
            yield from _symmetric(members[:2], p, rule.confidence)
    elif rule.voice == "with":
        subject = _before(text, groups, pos, rule.max_gap, sent.start)
        with_match = _WITH.search(text, end, min(sent.end, end + 150))
        bare = _BARE_WITH.search(text, end, with_match.start() if with_match else min(sent.end, end + 150))
        if bare and any(g[0].start == bare.end() for g in groups):
            with_match = bare  # "work with the ministries": a reference, in lower case, is the partner
        if with_match and _CLAUSE_PUNCT.search(text, end, with_match.start()):
            with_match = None  # "with" belongs to another clause
        if subject and with_match:
            obj = _after(text, groups, with_match.end(), 0) or next(
                (g for g in groups if g[0].start >= with_match.end() and g[0].cls == "Person"  # "with German Vice
                 and _POST_WORDS.fullmatch(text, with_match.end(), g[0].start)), None)  # Chancellor B": B
            if obj:
                yield from _pairs(subject, obj, p, rule.confidence)
    elif rule.voice == "coordinated":
        by = _BY_AGENT.match(text[end:end + 40])  # "negotiated by A and B": the agents after "by"
        subject = _agents_after(text, groups, end + by.end()) if by else _before(text, groups, pos, rule.max_gap, sent.start)
        if subject and not by and _PREPOSITION_BEFORE.search(text, max(sent.start, subject[0].start - 12), subject[0].start):
            return  # "exchanges with the industry in A, B and C to strengthen cooperation": no subject
        if subject and len(subject) >= 2:
            yield from _symmetric(subject, p, rule.confidence)
    elif rule.voice == "fronted":
        around = next((g for g in groups if g[0].end <= pos and g[-1].start >= end
                       and "," in text[max(m.end for m in g if m.end <= pos):pos]), None) if p == "cooperatesWith" else None
        if around:  # "A, together with B and C, issued ...": one group of agents; A works with B and C
            yield from _working_together([m for m in around if m.end <= pos][-1:], [m for m in around if m.start >= end])
            return
        if p == "cooperatesWith":  # "A, in conjunction with B, shall publish ...": A before the comma works with B
            before = next((g for g in reversed(groups) if g[-1].end <= pos), None)
            partner = _after(text, groups, end, 0)
            if before and partner and _COMMA_GAP.fullmatch(text, before[-1].end, pos) and \
                    _COMMA_GAP.match(text, partner[-1].end):
                yield from _working_together([m for m in before if m.cls in ACTOR_CLASSES], partner)
                return
        clause = max(sent.start, text.rfind(",", sent.start, pos) + 1, text.rfind(":", sent.start, pos) + 1)
        if len(text[clause:pos].split()) > 1:
            if p == "cooperatesWith":  # "commissioned A to run it together with B": B works with A
                yield from _together_mid_clause(text, groups, clause, pos, end)
            elif p == "implements":  # "A will pilot faster clearance under the plan": A implements it
                actors = _actors_before(groups, clause, pos)
                policies = _after(text, groups, end, 1)
                if actors and policies:
                    yield from _pairs(actors, policies, p, rule.confidence * 0.9)
            return  # "under the guidance of" fronts a clause; mid-clause it is the "under" rule's
        group = _after(text, groups, end, 0)
        if group:
            # "Under the guidance of A and B, the C ...": the agents end at the first bare comma
            cut = next((k for k in range(1, len(group)) if "," in text[group[k - 1].end:group[k].start]
                        and "and" not in text[group[k - 1].end:group[k].start]), len(group))
            agent, target = group[:cut], group[cut:]
            if not target:
                rest = [g for g in groups if g[0].start >= agent[-1].end]
                # "Under the guidance of A, the B Alliance": the name after the comma is guided
                if rest and (_NAME_NOUN_COMMA.fullmatch(text, agent[-1].end, rest[0][0].start) or (
                        rule.predicate == "participatedIn" and _TIME_COMMA_POST.fullmatch(text, agent[-1].end, rest[0][0].start))):
                    target = rest[0]
            if target:
                if rule.inverse:  # "To implement X, A formulated ...": A implements X
                    agent, target = target, agent
                yield from _pairs(agent, target, p, rule.confidence)


def _symmetric(group: list[Mention], predicate: str, conf: float):
    for i, a in enumerate(group):
        for b in group[i + 1:]:
            if accepts(predicate, a.cls, b.cls):
                yield a, b, conf


def _goal_relations(text: str, ms: list[Mention], rules: MentionRules):
    """A goal belongs to the policy that is the subject of its cue: the nearest name before the
    goal's cue is that policy, in the same clause ("The plan, which ..., aims to" counts; "we studied
    the plan and focused on" does not; "The declaration commits both sides to ...": the declaration)."""
    goals = [m for m in ms if m.cls == "Goal"]
    cues = [c.start() for c in rules.goal_cue.finditer(text, ms[0].start, goals[-1].start)] if goals else []
    for goal in goals:
        k = bisect.bisect_right(cues, goal.start - 1)
        limit = cues[k - 1] if k else goal.start  # the last cue before the goal
        named = [m for m in ms if m.end <= limit and m.cls not in ("Goal", "Country")]  # "make China a ..."
        while len(named) > 1 and named[-1].cls == "Policy" and named[-2].cls == "Policy" and \
                _ACCORDING_TO.search(text, max(0, named[-1].start - 30), named[-1].start):
            named.pop()  # "The Measures are formulated in accordance with the Law in order to ...": the Measures aim
        if not named or named[-1].cls != "Policy":
            continue
        policy = named[-1]
        first_goal = next(g for g in goals if g.start >= policy.end)
        if _AND_VERB.match(text, policy.end, first_goal.start):
            # "The vision supports the Initiative and aims at ...": the clause's first policy aims
            clause = max(text.rfind(";", 0, policy.start), text.rfind(":", 0, policy.start), text.rfind(". ", 0, policy.start))
            policy = next((m for m in named if m.start > clause and m.cls == "Policy"), policy)
        gap = _LIST_COLON.sub("", text[policy.end:first_goal.start])  # "focuses on three tasks: A, ..."
        if _GOAL_GAP_BREAK.search(gap) and not _COMMA_WHICH.search(gap):
            continue
        yield policy.key, "hasGoal", goal.key, "goal.policy.v1", 0.7, goal.start


_ACCORDING_TO = re.compile(r"\b(?:in accordance with|pursuant to|according to|on the basis of|in line with)\s+(?:the\s+)?$")
_UNIT = r"(?:Department|Bureau|Office|Division|Directorate|Secretariat)"
_SUB_UNIT = re.compile(rf"^(?:the\s+)?{_UNIT}\b|\b{_UNIT}$")


def _sub_units(text: str, entities: list[Mention]):
    """ "the Energy Saving Department of the ministry", "the Commission's Directorate-General for Trade":
    a department named with its ministry is part of it."""
    for a, b in zip(entities, entities[1:], strict=False):
        if _SUB_UNIT.search(a.name) and b.cls == "GovernmentBody" and a.key != b.key and \
                _OF_THE.fullmatch(text, a.end, b.start):
            yield a.key, "partOf", b.key, "partof.of.v1", 0.75, a.end
        if text[a.end:a.end + 1] in ("'", "’") and _POSSESSIVE.fullmatch(text, a.end, b.start) and \
                a.cls in ("GovernmentBody", "Organization") and a.key != b.key and _SUB_UNIT.search(b.name):
            yield b.key, "partOf", a.key, "partof.of.v1", 0.75, b.start


_HIS_HER = re.compile(r"\b(?:his|her)\s+(?:\w+\s+)?$")


_DUTY = re.compile(r"\s*(?:,[^,]{0,60},\s*)?(?:is|are|shall be) (?:responsible for|in charge of)\b|\s*(?:,[^,]{0,60},\s*)?shall\b")


def _issuer_relations(ms: list[Mention], sent: Sentence, lexicon: Lexicon):
    """ "the Notice of the General Office of the State Council on ...": the issuer named inside the title issued
    it, and a unit "of" a body the lexicon knows is part of that body."""
    for issuer in (m for m in ms if m.source == "issuer.title.v1"):
        policy = next((m for m in ms if m.cls == "Policy" and m.start <= issuer.start and issuer.end <= m.end), None)
        if policy is not None:
            yield Relation(issuer.key, "issued", policy.key, sent.index, "issued.title.v1", 0.85)
        parent = _parent_body(issuer, lexicon)
        if parent is not None:
            yield Relation(issuer.key, "partOf", parent, sent.index, "partof.of.v1", 0.75)


_UNIT_OF = re.compile(r"^(?:[A-Z][\w-]* )*(?:Department|Bureau|Office|Division|Directorate|Secretariat) of (?:the )?(.+)$")


def _parent_body(unit: Mention, lexicon: Lexicon) -> str | None:
    """The key of the body the lexicon knows that a unit's name is "of" ("General Office of the State Council")."""
    match = _UNIT_OF.match(unit.name) if not unit.key.startswith("lex:") else None
    if match is None:
        return None
    entry = lexicon.entry_named(match.group(1))
    return entry.key if entry is not None else None


def _article_duties(text: str, sent: Sentence, groups, policy: Mention | None):
    """ "Article 2 The Ministry of Commerce is responsible for ...", "... shall carry out inspections": in a
    legal text, the bodies an article gives a duty carry out the text's policy (named in its heading)."""
    if policy is None:
        return
    for group in groups:
        actors = [m for m in group if m.cls in ACTOR_CLASSES and m.cls != "Country"]
        if actors and _DUTY.match(text, group[-1].end) and not _CLAUSE_PUNCT.search(text, sent.start, group[0].start):
            for m in actors:
                yield m.key, "implements", policy.key, "implements.article.v1", 0.65, group[-1].end


def _own_events(text: str, entities: list[Mention]):
    """ "announced by <person> in her State of the Union address": the person took part in the event."""
    for k, event in enumerate(entities):
        if event.cls == "Event" and _HIS_HER.search(text, max(0, event.start - 24), event.start):
            person = next((m for m in reversed(entities[:k]) if m.cls == "Person"), None)
            if person is not None:
                yield person.key, "participatedIn", event.key, "participated.possessive.v1", 0.7, event.start


def _title_relations(text: str, ms: list[Mention], entities: list[Mention], rules: MentionRules, lexicon: Lexicon,
                     earlier: list[Mention]):
    """ "<person>, Minister of X" and "X President <person>": the person leads X; "<person>, State
    Secretary at X": the person is of X's country."""
    for person in (m for m in ms if m.cls == "Person" and m.title):
        body, rule = body_of_title(person.title, entities, rules, lexicon, earlier), "leads.title.v1"
        if body is None:
            body, rule = _body_before_post(text, person, entities, rules), "leads.post.v1"
        if body is None:
            body, rule = _body_after_name(text, person, entities, rules), "leads.post.v1"
        if body is None and rules.title_bodies.get(without_rank(person.title)) == "Government":
            # "Governor Xu Kunlin said the People's Government of Jiangsu Province would ...": the government named
            government = next((m for m in [*entities, *reversed(earlier)] if m.cls == "GovernmentBody" and "Government" in m.name), None)
            body = (government.key, "deputy" if is_deputy(person.title) else "head") if government else None
        if body is None:
            continue
        key, rank = body
        entry = lexicon.entries.get(key[4:]) if key.startswith("lex:") else None
        if person.country and entry is not None and entry.country and entry.country != person.country:
            continue  # "Hesse's Minister of Transport": not the ministry of another country the lexicon knows
        if rank != "staff":
            yield person.key, "leads", key, rule, 0.75 if rank == "deputy" else 0.85, person.start
            continue
        if _MEMBER_POST.search(person.title):  # "A, board member for China at Volkswagen": a member of it
            yield person.key, "memberOf", key, "memberof.post.v1", 0.7, person.start
        # "X, State Secretary at the Federal Ministry of ...": a national body's staff are of its country
        country = next((m.country for m in entities if m.key == key and m.country), None) or \
            (lexicon.entries[key[4:]].country if key.startswith("lex:") and key[4:] in lexicon.entries else None)
        if country:
            yield person.key, "country", f"lex:{country}", "country.post.v1", 0.7, person.start



_MEMBER_POST = re.compile(r"\b(?:board |council |committee |supervisory board )?member\b", re.I)
_NAME_OF = re.compile(r"\s+of\s+(?:the\s+)?")


def _body_after_name(text: str, person: Mention, entities: list[Mention], rules: MentionRules) -> tuple[str, str] | None:
    """ "Parliamentary State Secretary Thomas Bareiß of the Federal Ministry ...": the body after the name, and
    the post's rank there."""
    body = next((m for m in entities if m.start >= person.end and m.cls in ("GovernmentBody", "Organization")), None)
    if body is None or not person.title or not _NAME_OF.fullmatch(text, person.end, body.start):
        return None
    if person.title.lower() not in _lower_titles(rules):
        return body.key, "staff"
    return body.key, "deputy" if is_deputy(person.title) else "head"


def _body_before_post(text: str, person: Mention, entities: list[Mention], rules: MentionRules) -> tuple[str, str] | None:
    """ "European Commission Executive Vice-President <person>", "Siemens President <person>": the body
    named right before a leading post, and the post's rank (None when no body stands there)."""
    body = next((m for m in entities if m.cls in ("GovernmentBody", "Organization") and (
        _is_post_of(text, m, person) or _headed_with(text, m, person)
        or (m.text == "Its" and _ITS_POST.fullmatch(text, m.end, person.start)))), None)
    if body is None:
        return None
    if person.title.lower() not in _lower_titles(rules):
        return body.key, "staff"  # "Ministry of Commerce spokesperson <person>": of the body, not its head
    return body.key, "deputy" if _DEPUTY.search(text, body.end, person.start) else "head"


# the words of a post before its title word: "Executive Vice-" (President)
_POST_WORDS_BEFORE = re.compile(r"\s+(?:[A-Z][a-z]+[ -])*")
_DEPUTY = re.compile(r"\b(?:Vice|Deputy)\b")


@functools.cache
def _lower_titles(rules: MentionRules) -> frozenset[str]:
    return frozenset(t.lower() for t in rules.leading_titles)


def _headed_with(text: str, body: Mention, person: Mention) -> bool:
    """ "the Leading Group with Vice Premier <person>" (a group with its head, as Chinese texts name them):
    a group, committee or delegation, "with", then only the person's post."""
    return bool(_GROUP_HEAD.search(body.name)) and _post_after(text, body, person, _WITH_POST)


_ITS_POST = re.compile(r"\s+[a-z-]+(?:\s+[a-z-]+)?,\s+")  # "Its secretary-general, <person>"
_GROUP_HEAD = re.compile(r"\b(?:Group|Committee|Commission|Council|Delegation|Task Force)\b")
_WITH_POST = re.compile(r"\s+(?:headed\s+)?with\s+(?:the\s+)?(?:[A-Z][a-z]+[ -])*")


def _is_post_of(text: str, body: Mention, person: Mention) -> bool:
    """Whether only ``person``'s post stands between ``body`` and ``person``: "<body> <post> <person>"."""
    return _post_after(text, body, person, _POST_WORDS_BEFORE)


def _post_after(text: str, body: Mention, person: Mention, gap: re.Pattern) -> bool:
    """Whether ``person``'s post stands right before the person, and ``gap`` fills the text from ``body`` to it."""
    if not person.title or body.end >= person.start:
        return False
    title_at = person.start - len(person.title) - 1
    return text.startswith(person.title + " ", title_at) and bool(gap.fullmatch(text, body.end, title_at))


def _adjective_cooperation(text: str, sent: Sentence, lexicon: Lexicon):
    """ "Sino-German cooperation", "the China-France High Level Dialogue", "the Sino-German Innovation
    Platform": two countries named together before cooperation or a joint body cooperate."""
    if "-" not in text[sent.start:sent.end]:
        return
    for match in _PAIR_NAME.finditer(text[sent.start:sent.end]):
        a, b = _country_word(match.group(1), lexicon), _country_word(match.group(2), lexicon)
        after = sent.start + match.end()
        if a and b and a != b and (_COOPERATION_NOUN.match(text, after, sent.end) or _JOINT_BODY.match(text, after, sent.end)):
            yield f"lex:{a}", "cooperatesWith", f"lex:{b}", "cooperates.adjective.v1", 0.7, sent.start + match.start()


_PAIR_NAME = re.compile(r"\b([A-Z][a-z]+)-([A-Z][a-z]+)\b")
# "... High Level Economic and Financial Dialogue": up to seven name words, then a joint body or meeting
_JOINT_BODY = re.compile(r"(?:\s+(?:[A-Z0-9][\w.-]*|[a-z]+(?=\s+(?i:consultations|talks|dialogue|summit|forum))|and|of|for|on))*?"
                         r"\s+(?:Dialogue|Summit|Forum|Commission|Committee|Council|"
                         r"Working Group|Centre|Center|Platform|Institute|Alliance|Consultations|Partnership|Cooperation|"
                         r"Conference|Expo|Symposium|Meeting|Talks|Fund|Programme|Program|Project|Park|Zone|Group|"
                         r"consultations|talks|dialogue|summit|forum)\b")


def _country_word(word: str, lexicon: Lexicon) -> str | None:
    """The country a word names: an adjective ("German", "Sino") or the country's own name ("China")."""
    return lexicon.country_of_adjective(word) or lexicon.country_named(word)


# "The Alliance has 40 members, including A and B", "the Alliance, whose members include A and B"
_MEMBERS_LISTED = re.compile(r"\b(?:has|have|had|brings together|counts|with|whose|its)\s+(?:[\w,-]+\s+){0,4}?members"
                             r"(?:\s*,)?\s+(?:including|such as|include|includes|included|are|like)\s+(?:the\s+)?")


def _listed_members(text: str, sent: Sentence, groups: list[list[Mention]]):
    """Members an organisation's sentence lists after "members, including": each is a member of it."""
    for match in _MEMBERS_LISTED.finditer(text, sent.start, sent.end):
        owner = next((g for g in reversed(groups) if g[-1].end <= match.start()), None)
        members = next((g for g in groups if g[0].start == match.end()), None)
        if owner is None or members is None or _CLAUSE_SPLIT.search(text, owner[-1].end, match.start()) and \
                "whose" not in match.group(0):
            continue  # the organisation stands right before ("X has ...", "X, whose members ...")
        body = owner[-1]
        if body.cls not in ("Organization", "GovernmentBody"):
            continue
        for m in members:
            if m.cls in ACTOR_CLASSES and m.key != body.key:
                yield m.key, "memberOf", body.key, "memberof.listed.v1", 0.7, match.start()


def _cosigners(found):
    """Parties that signed the same agreement in one sentence cooperate with each other."""
    by_agreement: dict[str, list[tuple[str, int]]] = {}
    for s, p, o, _rule, _conf, pos in found:
        if p == "signed":
            by_agreement.setdefault(o, []).append((s, pos))
    out = []
    for parties in by_agreement.values():
        for i, (a, pos) in enumerate(parties):
            for b, _ in parties[i + 1:]:
                if a != b:
                    out.append((a, "cooperatesWith", b, "cooperates.cosigned.v1", 0.7, pos))
    return out


def _country_relations(doc: Document, sentences: list[Sentence], mentions: list[Mention],
                       rules: MentionRules) -> list[Relation]:
    """kg:country from the lexicon or an adjective in the text, and for places and
    bodies the rules found, the country the document is mostly about."""
    out: list[Relation] = []
    done: set[tuple[str, str]] = set()
    countries = Counter(m.key for m in mentions if m.cls == "Country")
    countries.update(f"lex:{m.country}" for m in mentions if m.country and m.cls != "Country")
    # the country the document is about, when one clearly dominates what it names
    top = countries.most_common(1)
    main = top[0][0] if top and top[0][1] * 3 >= sum(countries.values()) * 2 else None
    # explicit names first: a reference ("we", "the ministry") is evidence only when nothing else is
    for m in sorted(mentions, key=lambda m: (m.source.startswith("coref"), m.start)):
        if m.cls in ("Country", "Goal", "Event"):
            continue
        if m.country:
            target, rule, conf = f"lex:{m.country}", "country.lexicon.v1", 0.9
            if m.source != "lexicon" or not m.key.startswith("lex:"):
                rule, conf = "country.adjective.v1", 0.8
        elif main and m.source != "lexicon" and (m.cls in ("Place", "GovernmentBody") or (
                m.cls == "Organization" and _NATIONAL_NAME.match(m.name)) or (
                m.cls == "Policy" and _NATIONAL_WORD.search(m.name))) \
                and not _ARTICLE_START.sub("", m.name).startswith(rules.supranational) \
                and not _PAIR_NAME.search(m.name) \
                and not _OWNED.search(doc.text, max(0, m.start - 60), m.start):  # "the Commission's X": its owner's
            # (a "China-Germany ..." body belongs to both countries: no country from the context)
            target, rule, conf = main, "country.context.v1", 0.5
        else:
            continue
        predicate = "locatedIn" if m.cls == "Place" else "country"
        if (m.key, target) in done or m.key == target:
            continue
        done.add((m.key, target))
        out.append(Relation(m.key, predicate, target, m.sentence, rule, conf))
    return out


def _modality(text: str, sent: Sentence, pos: int, cues: ModalityCues, fronted: bool = False) -> str | None:
    before = text[sent.start:pos]
    clause = _CLAUSE_SPLIT.split(before)[-1] if before else ""
    if cues.condition.search(before) and cues.consequence.search(before):
        return "hypothetical"
    if cues.negated.search(clause[-40:]):
        return "negated"
    if cues.planned.search(clause[-60:]):
        return "planned"
    opening = clause.strip()
    if fronted and (not opening or opening == f"{sent.speaker}:"):
        # "Together with B, we will publish ...": a fronted phrase; the main clause's verb tells
        comma = text.find(",", pos, sent.end)
        main = text[comma + 1:comma + 41] if comma >= 0 else ""
        if cues.negated.search(main):
            return "negated"
        if cues.planned.search(main):
            return "planned"
    return None

