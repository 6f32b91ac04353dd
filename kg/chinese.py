"""Chinese sentences: mentions (lexicon names and 《》 titles), relations from verb lists,
and the alignment of a Chinese sentence with the English sentence it translates.

Chinese has no spaces and this module uses no segmenter: names come from the
lexicon's Chinese forms and from book-title marks, and a relation is a group of
names joined by 与/和/、, a verb from kg/data/rules/chinese.yaml, then the object
("A与B签署了《X》"), or the passive "《X》由A印发".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import yaml

from .datafiles import load_yaml
from .errors import DataFileError
from .lexicon import Lexicon
from .ontology import SIGNATURES, accepts
from .records import Mention, Relation, Sentence

_QUALIFIES = re.compile(r"[“「\"]?")
_TITLE = re.compile(r"《([^《》\n]{2,80})》")


@dataclass(frozen=True)
class ChineseVerb:
    id: str
    predicate: str
    confidence: float
    symmetric: bool


@dataclass(frozen=True, eq=False)
class ChineseRules:
    verbs: dict[str, ChineseVerb]  # verb -> rule
    verb_pattern: re.Pattern
    joiners: re.Pattern  # what may stand between two names of one group
    filler: re.Pattern  # what may stand between a group and its verb
    passive: re.Pattern
    after_verb: re.Pattern
    planned: re.Pattern
    negated: re.Pattern
    title_kinds: tuple[tuple[str, str], ...]
    post: re.Pattern  # a post, then a name of two or three characters (group 1, 2)
    country_pair: re.Pattern  # 中德双方, 中法合作: two countries' one-character names before cooperation (groups 1, 2)
    country_codes: dict[str, str]  # 德 -> DE


_ZH_DATE = r"(?:\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日|(?:今年|去年|明年)(?:\d{1,2}月)?)"


def _alternation(words: list[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def chinese_rules() -> ChineseRules:
    path = "kg/data/rules/chinese.yaml"
    try:
        data = load_yaml(resources.files("kg.data").joinpath("rules", "chinese.yaml").read_text(encoding="utf-8"))
        verbs: dict[str, ChineseVerb] = {}
        for raw in data["verbs"]:
            if raw["predicate"] not in SIGNATURES:
                raise DataFileError(f"Rules {path}, rule '{raw['id']}': '{raw['predicate']}' is not a contract relation.")
            rule = ChineseVerb(raw["id"], raw["predicate"], float(raw.get("confidence", 0.7)), bool(raw.get("symmetric")))
            for verb in raw["verbs"]:
                verbs[verb] = rule
        fillers = _alternation(data["fillers"] + data["planned"] + data["negated"])
        return ChineseRules(
            verbs=verbs,
            verb_pattern=re.compile(_alternation(list(verbs))),
            joiners=re.compile(rf"》?\s*(?:{_alternation(data['joiners'])})\s*《?"),
            # adverbs, and a date: 国务院于2015年5月发布
            filler=re.compile(rf"\s*(?:(?:{fillers}|{_ZH_DATE})\s*)*"),
            passive=re.compile(rf"(?:{_alternation(data['passive_markers'])})\s*$"),
            after_verb=re.compile(rf"\s*(?:(?:{_alternation(data['after_verb'])})\s*)*《?"),
            planned=re.compile(_alternation(data["planned"])),
            negated=re.compile(_alternation(data["negated"])),
            title_kinds=tuple((zh, en) for zh, en in data["title_kinds"]),
            post=re.compile(rf"({_alternation(data['titles'])})(?!{_alternation(data['name_ends'])})([\u4e00-\u9fff]{{2,3}}?)"
                            rf"(?={_alternation(data['name_ends'])}|[，。、；：（(,.;:]|$)"),
            country_pair=re.compile(rf"([{''.join(data['country_codes'])}])([{''.join(data['country_codes'])}])"
                                    rf"(?={_alternation(data['cooperation_after_pair'])})"),
            country_codes=dict(data["country_codes"]),
        )
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(f"Rules {path} is malformed: {exc}") from None


def english_gloss(title: str, rules: ChineseRules) -> str:
    """An English label for a Chinese title no English sentence translates: its kind, then the title."""
    kind = next((en for zh, en in rules.title_kinds if title.endswith(zh)), "Document")
    return f"{kind} 《{title}》"


def chinese_mentions(text: str, sent: Sentence, lexicon: Lexicon) -> list[Mention]:
    """Lexicon names and 《》 titles in a Chinese sentence."""
    rules = chinese_rules()
    found = [Mention(m.start, m.end, m.surface, m.entry.cls, m.entry.key, m.entry.name, "lexicon", sent.index, zh=m.surface,
                     country=m.entry.country)
             for m in lexicon.match_chinese(text, sent.start, sent.end)]
    for match in _TITLE.finditer(text, sent.start, sent.end):
        start, end, title = match.start(1), match.end(1), match.group(1).strip()
        inside = [m for m in found if start <= m.start and m.end <= end]
        if any(m.start < end and start < m.end for m in found if m not in inside):
            continue
        known = [m for m in inside if m.start == start and m.end == end and m.cls == "Policy"]
        found = [m for m in found if m not in inside]
        if known:  # the lexicon knows the policy by this Chinese title
            found.append(known[0])
            continue
        found.append(Mention(start, end, title, "Policy", "name:zh:" + title, english_gloss(title, rules), "zh.title.v1",
                             sent.index, zh=title))
    for body in [m for m in found if m.cls in ("GovernmentBody", "Organization")]:
        post = rules.post.match(text, body.end, sent.end)
        if post and not any(m.start < post.end() and post.start() < m.end for m in found):
            name = post.group(2)
            found.append(Mention(post.start(2), post.end(2), name, "Person", "name:" + name, name, "zh.person.title.v1",
                                 sent.index, zh=name, title=post.group(1)))
    return sorted(found, key=lambda m: m.start)


def _groups(text: str, mentions: list[Mention], rules: ChineseRules) -> list[list[Mention]]:
    groups: list[list[Mention]] = []
    for k, m in enumerate(mentions):
        if m.cls == "Country" and k + 1 < len(mentions) and _QUALIFIES.fullmatch(text, m.end, mentions[k + 1].start):
            continue  # 德国“工业4.0”: the country qualifies the name after it
        start = groups[-1][-1].end if groups else 0
        gap = text[start:m.start]
        if k and mentions[k - 1].cls == "Country" and groups and mentions[k - 1].start >= start:
            gap = text[start:mentions[k - 1].start]  # A与德国“B”: the country is no joiner's business
        if groups and rules.joiners.fullmatch(gap.rstrip("“「\"")) is not None:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def chinese_relations(text: str, sent: Sentence, mentions: list[Mention]):
    """(subject, predicate, object, rule, confidence, position, modality) found in a Chinese sentence."""
    rules = chinese_rules()
    for pair in rules.country_pair.finditer(text, sent.start, sent.end):  # 中德双方同意加强合作
        a, b = rules.country_codes[pair.group(1)], rules.country_codes[pair.group(2)]
        if a != b:
            yield f"lex:{a}", "cooperatesWith", f"lex:{b}", "zh.cooperates.pair.v1", 0.7, pair.start(), None
    ms = [m for m in mentions if m.cls != "Goal"]
    if len(ms) < 2:
        return
    for body, person in zip(ms, ms[1:], strict=False):
        if person.source == "zh.person.title.v1" and body.cls in ("GovernmentBody", "Organization") and \
                text[body.end:person.start] == person.title:
            yield person.key, "leads", body.key, "zh.leads.title.v1", 0.8, person.start, None
    groups = _groups(text, ms, rules)
    for verb in rules.verb_pattern.finditer(text, sent.start, sent.end):
        if any(m.start <= verb.start() < m.end for m in ms):
            continue
        rule = rules.verbs[verb.group(0)]
        before = [g for g in groups if g[-1].end <= verb.start()]
        after = [g for g in groups if g[0].start >= verb.end()]
        if not before:
            continue
        agent = before[-1]
        gap = text[agent[-1].end:verb.start()]
        if rules.filler.fullmatch(gap) is None:
            continue
        clause = text[sent.start:verb.start()]
        clause = clause[max(clause.rfind("，"), clause.rfind(","), clause.rfind("；")) + 1:]
        modality = "negated" if rules.negated.search(clause) else "planned" if rules.planned.search(clause) else None
        if rule.symmetric:
            for i, a in enumerate(agent):
                for b in agent[i + 1:]:
                    if accepts(rule.predicate, a.cls, b.cls):
                        yield a.key, rule.predicate, b.key, rule.id, rule.confidence, verb.start(), modality
            continue
        passive = rules.passive.search(text, sent.start, agent[0].start)
        if passive and len(before) >= 2:
            subjects, objects = agent, before[-2]  # 《X》由A印发
        elif after and rules.after_verb.fullmatch(text, verb.end(), after[0][0].start) is not None:
            subjects, objects = agent, after[0]
        else:
            continue
        for s in subjects:
            for o in objects:
                if s.key != o.key and accepts(rule.predicate, s.cls, o.cls):
                    yield s.key, rule.predicate, o.key, rule.id, rule.confidence, verb.start(), modality


def align_translations(sentences: list[Sentence], mentions: list[Mention],
                       relations: list[Relation]) -> tuple[list[Mention], list[Relation]]:
    """A Chinese sentence that translates an English one names the same policy: when both say that
    the same actors did the same thing to a policy, the Chinese title is the English policy's Chinese
    name, not a second policy (most shared facts win, then the nearest paragraph)."""
    by_index = {s.index: s for s in sentences}
    zh_only = {m.key for m in mentions if m.source == "zh.title.v1"}
    if not zh_only:
        return mentions, relations
    english: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for r in relations:
        sent = by_index.get(r.sentence)
        if sent is not None and sent.language != "zh" and r.object.startswith(("name:", "lex:")):
            english.setdefault((r.subject, r.predicate), []).append((r.object, sent.paragraph))
    votes: dict[str, dict[str, int]] = {}
    for r in relations:
        sent = by_index.get(r.sentence)
        if r.object not in zh_only or sent is None:
            continue
        for obj, paragraph in english.get((r.subject, r.predicate), []):
            if obj not in zh_only:
                tally = votes.setdefault(r.object, {}).setdefault(obj, [0, 0])
                tally[0] += 1
                tally[1] = max(tally[1], -abs(paragraph - sent.paragraph))
    # most shared facts first, then the nearest paragraph
    mapping = {zh: min(v.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[0] for zh, v in votes.items()}
    if not mapping:
        return mentions, relations
    names = {m.key: m for m in mentions if m.key in mapping.values() and not m.source.startswith("coref")}
    out_mentions = []
    for m in mentions:
        target = mapping.get(m.key)
        if target and target in names:
            ref = names[target]
            m = replace(m, key=target, name=ref.name, cls=ref.cls, source="zh.aligned.v1")
        out_mentions.append(m)
    out_relations = [replace(r, subject=mapping.get(r.subject, r.subject), object=mapping.get(r.object, r.object))
                     for r in relations]
    return out_mentions, out_relations
