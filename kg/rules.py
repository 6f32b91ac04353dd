"""Load the rule data files (kg/data/rules/*.yaml) into typed, checked objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .datafiles import load_yaml
from .errors import DataFileError
from .ontology import CLASSES, SIGNATURES


def _read(name: str) -> dict:
    path = f"kg/data/rules/{name}"
    try:
        data = load_yaml(resources.files("kg.data").joinpath("rules", name).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(f"Rules {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(f"Rules {path}: expected a mapping at the top level.")
    return data


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one instance per process
class MentionRules:
    heads: dict[str, str]  # head word (lower) -> class
    reference_nouns: dict[str, str]  # no head, but "the <noun>" points back to a name of that class holding it
    leading_heads: frozenset[str]
    generic_policy_words: frozenset[str]
    agreement_words: frozenset[str]
    connectors: frozenset[str]
    not_name_start: frozenset[str]
    titles: re.Pattern
    leading_titles: frozenset[str]
    title_bodies: dict[str, str]
    quoted_policy_nouns: frozenset[str]
    place_lists: frozenset[str]
    org_lists: frozenset[str]
    supranational: tuple[str, ...]  # name openings of bodies above or across nations
    policy_np: re.Pattern
    event_np: re.Pattern  # group 1: a lowercase event after its round ("the fifth round of ...")
    event_rounds: frozenset[str]
    goal_cue: re.Pattern
    weak_goal_cue: re.Pattern
    goal_stop: re.Pattern
    goal_strip_start: frozenset[str]
    goal_strip_end: frozenset[str]
    shared_noun_adjectives: frozenset[str]  # "central and western regions": no split after these
    goals: dict[str, tuple[str, str, str | None]]  # synonym -> (concept id, label, zh)
    goal_list_intro: re.Pattern  # "three tasks:" after a cue: the goals follow the colon
    goal_list_lead: re.Pattern  # a sentence announcing a list of tasks (searched at its end)
    list_item: re.Pattern  # the marker opening a list item: "(1)", "2.", "•"
    described_org: re.Pattern  # "the (Chinese) carmaker <Name>": group 1 adjective, group 2 name
    described_org_after: re.Pattern  # "<Name>, a German maker of", "<Name>, which builds": groups name, adj, rel
    org_verb_words: frozenset[str]
    person_nouns: frozenset[str]  # "Li Wei, a researcher at ...": an apposition that makes the name a person's  # the verbs of "which builds": a sentence without one has no such name
    reported_pronoun: re.Pattern  # after a name: "said it would": group 1, the pronoun standing for the name
    org_noun_words: frozenset[str]  # the last words of those nouns: a sentence without one has no such name
    # Quick tests before a finder's regular expressions run; None runs the finder on every sentence.
    title_words: frozenset[str] | None = None  # the last word of every post: a sentence without one names no post
    policy_nouns: frozenset[str] | None = None  # a lowercase policy or body phrase ends with one of them
    body_nouns: frozenset[str] = frozenset()  # ... and is a body when it ends with one of these
    topic_policy_nouns: frozenset[str] = frozenset()  # ... and needs a topic after these ("rules on ...")
    generic_policy_references: frozenset[str] = frozenset()  # "the regulation": the last policy, whatever its name
    goal_gate: frozenset[str] | None = None  # word starts one of which a goal cue needs
    goal_cue_lower: re.Pattern | None = None  # goal_cue without re.I, for lower-cased text


def _words(data: dict, key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"Rules kg/data/rules/mentions.yaml: '{key}' must be a list of strings.")
    return value


def _pattern(data: dict, key: str) -> re.Pattern:
    try:
        return re.compile(data[key])
    except (KeyError, TypeError, re.error) as exc:
        raise DataFileError(f"Rules kg/data/rules/mentions.yaml: '{key}' must be a regular expression ({exc}).") from None


def _by_class(data: dict, key: str) -> dict[str, str]:
    """A mapping class -> words, read as word (lower) -> class."""
    out: dict[str, str] = {}
    for cls, words in data.get(key, {}).items():
        if cls not in CLASSES:
            raise DataFileError(f"Rules kg/data/rules/mentions.yaml, {key}: class '{cls}' is not in the ontology. Known classes: {', '.join(CLASSES)}.")
        for word in words:
            out[word.lower()] = cls
    return out


@cache
def mention_rules() -> MentionRules:
    data = _read("mentions.yaml")
    org_nouns, org_verbs = _words(data, "org_nouns"), _words(data, "org_verbs")
    heads, reference_nouns = _by_class(data, "heads"), _by_class(data, "reference_nouns")
    titles = sorted(_words(data, "titles"), key=len, reverse=True)
    phrase_nouns = _words(data, "policy_nouns") + _words(data, "topic_policy_nouns") + _words(data, "body_nouns")
    policy_nouns = "|".join(map(re.escape, sorted(phrase_nouns, key=len, reverse=True)))
    verbs = "|".join(map(re.escape, sorted(_words(data, "policy_np_verbs"), key=len, reverse=True)))
    # a phrase opens with no gerund ("promoting ..."), but a noun may ("working group", "steering committee")
    gerund_nouns = sorted({w.split()[0] for w in phrase_nouns if w.split()[0].endswith("ing")})
    gerund = rf"(?!(?:{'|'.join(gerund_nouns)})\b)[a-z]+ing\b" if gerund_nouns else r"[a-z]+ing\b"
    det = r"(?:the |a |an |its |their |our )?"
    goal_cue = r"\b(?:" + "|".join(_words(data, "goal_cues") + _words(data, "weak_goal_cues")) + r")\s+"
    modal = r"(?:will|shall|would|can|may|must|also)\b"  # "... on test standards and will exchange": a second verb
    # "... on humanoid robots later this year": a time after the topic is no part of it
    time = r"(?:later|this|next|last|soon|early|before|after|within|during|from|since|until|each|every|today|tomorrow|yesterday)\b"
    policy_np = re.compile(
        rf"\b(?:{verbs})\s+(?:\w+ly\s+)?{det}((?!(?:and|or|to|that|which|a|the)\b|{gerund})(?:(?!(?:the|a|an)\b)[a-z][\w&-]*\s+){{0,7}}?(?P<noun>{policy_nouns})"
        rf"(?:\s+(?:for|on|of)\s+(?:[A-Za-z][\w&-]*)(?:\s+(?:and\s+(?!to\b|{modal}))?(?!to\b|{time}|in\b(?!\s+(?!(?:the|a|an|this|that|its|their)\b)[a-z])|which\b|that\b|with\b|by\b|and\s+{modal})[A-Za-z][\w&-]*){{0,3}})?)\b"
    )
    goals: dict[str, tuple[str, str, str | None]] = {}
    gdata = _read("goals.yaml")
    for concept in gdata.get("concepts", []):
        for synonym in [concept["label"], *concept.get("synonyms", [])]:
            goals[synonym.lower()] = (concept["id"], concept["label"], concept.get("zh"))
    ordinals = "|".join(map(re.escape, _words(data, "event_ordinals")))
    rounds = _words(data, "event_rounds")
    event_np = re.compile(
        rf"\b(?:{ordinals}|\d+(?:st|nd|rd|th))\s+(?:{'|'.join(map(re.escape, rounds))})\s+of\s+(?:the\s+)?"
        rf"((?:[A-Za-z][\w-]*\s+){{1,4}}?(?:{'|'.join(map(re.escape, _words(data, 'event_nouns')))}))\b", re.I)
    return MentionRules(
        heads=heads,
        reference_nouns=reference_nouns,
        leading_heads=frozenset(w.lower() for w in _words(data, "leading_heads")),
        generic_policy_words=frozenset(w.lower() for w in _words(data, "generic_policy_words")),
        agreement_words=frozenset(_words(data, "agreement_words")),
        connectors=frozenset(_words(data, "connectors")),
        not_name_start=frozenset(_words(data, "not_name_start")),
        titles=re.compile("|".join(re.escape(t) for t in titles)),
        leading_titles=frozenset(_words(data, "leading_titles")),
        title_bodies=dict(data.get("title_bodies", {})),
        quoted_policy_nouns=frozenset(_words(data, "quoted_policy_nouns")),
        place_lists=frozenset(_words(data, "place_lists")),
        org_lists=frozenset(_words(data, "org_lists")),
        supranational=tuple(_words(data, "supranational")),
        described_org=re.compile(rf"\b(?:[Tt]he\s+)?(?:([A-Z][a-z]+)\s+)?(?:[a-z-]+\s+){{0,2}}?(?:{'|'.join(map(re.escape, org_nouns))})"
                                 r"\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})"),
        described_org_after=re.compile(
            r"(?P<name>[A-Z][\w.-]*(?:\s+(?:&\s+)?[A-Z][\w&.-]*){0,3}),\s+(?:(?:a|an|one of|the\s+[a-z]+['’]s|the(?=\s+(?:largest|biggest|leading|second-largest|main|state-owned)\b))\s+(?:the\s+)?(?:(?:largest|biggest|leading|second-largest|main|state-owned)\s+)?(?:(?P<adj>[A-Z][a-z]+)\s+)?"
            rf"(?:[a-z-]+\s+){{0,2}}?(?:{'|'.join(map(re.escape, org_nouns))})s?\b"
            rf"|(?P<rel>which|that)\s+(?:{'|'.join(map(re.escape, org_verbs))})\b)"),
        org_noun_words=frozenset(n.split()[-1] for n in org_nouns),
        org_verb_words=frozenset(org_verbs),
        person_nouns=frozenset(_words(data, "person_nouns")),
        policy_np=policy_np,
        event_np=event_np,
        event_rounds=frozenset(rounds),
        goal_cue=re.compile(goal_cue, re.I),
        weak_goal_cue=re.compile("|".join(_words(data, "weak_goal_cues")), re.I),
        goal_stop=re.compile("|".join(_words(data, "goal_stop"))),
        goal_strip_start=frozenset(_words(data, "goal_strip_start")),
        shared_noun_adjectives=frozenset(w.lower() for w in _words(data, "shared_noun_adjectives")),
        goal_strip_end=frozenset(_words(data, "goal_strip_end")),
        goals=goals,
        title_words=frozenset(t.split()[-1].lower().rstrip(".") for t in titles),
        policy_nouns=frozenset(w.lower().split()[-1] for w in phrase_nouns),
        topic_policy_nouns=frozenset(w.lower() for w in _words(data, "topic_policy_nouns")),
        generic_policy_references=frozenset(w.lower() for w in _words(data, "generic_policy_references")),
        body_nouns=frozenset(w.lower() for w in _words(data, "body_nouns")),
        goal_cue_lower=re.compile(_lower_literals(goal_cue)),
        goal_gate=required_words(goal_cue),
        goal_list_intro=_pattern(data, "goal_list_intro"),
        goal_list_lead=_pattern(data, "goal_list_lead"),
        list_item=_pattern(data, "list_item"),
        reported_pronoun=_pattern(data, "reported_pronoun"),
    )



@dataclass(frozen=True, eq=False)
class ModalityCues:
    """relations.yaml's modality words, compiled (see kg.relations._modality)."""
    planned: re.Pattern
    negated: re.Pattern
    condition: re.Pattern  # a condition opening the sentence or inside it
    consequence: re.Pattern  # "would", "could", or the condition opening the sentence


@cache
def modality_cues() -> ModalityCues:
    data = _read("relations.yaml").get("modality")
    if not isinstance(data, dict):
        raise DataFileError("Rules kg/data/rules/relations.yaml: 'modality' must be a mapping of cue lists.")

    def words(key: str) -> str:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise DataFileError(f"Rules kg/data/rules/relations.yaml: 'modality.{key}' must be a list of words.")
        alternation = "|".join(value)
        try:
            re.compile(alternation)
        except re.error as exc:
            raise DataFileError(f"Rules kg/data/rules/relations.yaml: 'modality.{key}' is not a valid pattern ({exc}).") from None
        return alternation

    return ModalityCues(
        planned=re.compile(rf"\b(?:{words('planned')})\b", re.I),
        negated=re.compile(rf"\b(?:{words('negated')})\b", re.I),
        condition=re.compile(rf"^\W*(?:{words('condition_openers')})\b|\b(?:{words('conditions')})\b", re.I),
        consequence=re.compile(rf"\b(?:{words('consequences')})\b|^\W*(?:{words('conditions')})\b", re.I),
    )

VOICES = ("active", "passive", "between", "with", "fronted", "coordinated")


@dataclass(frozen=True)
class RelationRule:
    id: str  # stable id with version, recorded as kg:rule
    predicate: str
    pattern: re.Pattern  # the trigger, matched in the text between mentions
    voice: str  # one of VOICES
    confidence: float
    inverse: bool = False  # the trigger's subject side holds the object (e.g. "X works under the guidance of Y")
    max_gap: int = 8  # words allowed between a mention and the trigger
    gate: frozenset[str] | None = None  # word starts (4 letters) one of which a sentence needs for the rule to fire
    lower_pattern: re.Pattern | None = None  # the trigger without re.I, for lower-cased text
    objects: frozenset[str] | None = None  # classes the object may have, narrower than the contract's range


def _classes(raw: dict, where: str) -> frozenset[str] | None:
    if "objects" not in raw:
        return None
    objects = raw["objects"]
    if not isinstance(objects, list) or not all(c in CLASSES for c in objects):
        raise DataFileError(f"{where}: 'objects' must be a list of ontology classes ({', '.join(CLASSES)}).")
    return frozenset(objects)


def _lower_literals(pattern: str) -> str:
    """The pattern with its letters lower-cased, escapes (\\S, \\W, \\B...) left alone: with lower-cased
    text it matches what the pattern with re.I matches in the original text."""
    out, k = [], 0
    while k < len(pattern):
        if pattern[k] == "\\" and k + 1 < len(pattern):
            out.append(pattern[k:k + 2])
            k += 2
            continue
        out.append(pattern[k].lower())
        k += 1
    return "".join(out)


def at_word_start(*alternatives: str) -> str:
    r"""``\b(?:alt|...)`` for alternatives that each open with a letter, written as "W(?<!\w.)ord":
    the letter first, then the check that no word character stands before it. Same matches, but
    the regex engine skips every position whose character opens no alternative (several times
    faster on whole texts). "[Ii]n" stands for "In" and "in"; the rest of an alternative is a
    pattern without a top-level "|"."""
    out = []
    for alt in alternatives:
        firsts, rest = (alt[1:3], alt[4:]) if alt.startswith("[") else (alt[0], alt[1:])
        out.extend(f"{re.escape(first)}(?<!\\w.){rest}" for first in firsts)
    return "(?:" + "|".join(out) + ")"


def required_words(pattern: str) -> frozenset[str] | None:
    """Word starts (up to 4 letters, lower case) one of which every match of ``pattern`` contains,
    or None when the pattern does not say. Used to skip the rules a sentence cannot trigger."""
    try:  # the regular-expression parser of the standard library (private: any failure means no gate)
        from re import _parser
        parsed = _parser.parse(pattern, re.I)
    except Exception:  # noqa: BLE001
        return None
    found = _word_starts(list(parsed), True)
    return frozenset(w[:4] for w in found) if found else None


def _word_starts(items, at_start: bool) -> frozenset[str] | None:
    """For a parsed sequence: the best set of word starts one of which each match must contain."""
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run, run_at_start = "", at_start
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            if not run:
                run_at_start = at_start
            run += chr(av)
            at_start = not chr(av).isalnum()
            continue
        if name == "AT":
            at_start = True
            continue
        consider(_run_words(run, run_at_start))
        run = ""
        if name == "SUBPATTERN":
            consider(_word_starts(list(av[-1]), at_start))
        elif name == "BRANCH":
            branches = [_word_starts(list(b), at_start) for b in av[1]]
            consider(frozenset().union(*branches) if all(branches) else None)
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
            consider(_word_starts(list(av[2]), at_start))
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and _ends_with_space(list(av[2])):
            continue  # "(?:strategic )?docking": with or without it, a word starts next
        at_start = False  # after a group or a class we no longer know where a word starts
    consider(_run_words(run, run_at_start))
    return best


def _ends_with_space(items) -> bool:
    """Whether every match of a parsed sequence ends with a space ("(?:a |an )" does)."""
    while items and str(items[-1][0]) == "SUBPATTERN":
        items = list(items[-1][1][-1])
    if items and str(items[-1][0]) == "BRANCH":
        return all(_ends_with_space(list(branch)) for branch in items[-1][1][1])
    return bool(items) and str(items[-1][0]) == "LITERAL" and chr(items[-1][1]) == " "


def _run_words(run: str, at_start: bool) -> frozenset[str] | None:
    """The longest whole-word start in a literal run ("the revision of" -> "revi")."""
    words = [(m.group(0), m.start()) for m in re.finditer(r"[a-z]+", run.lower())]
    usable = [w for w, k in words if k > 0 and not run[k - 1].isalnum() or (k == 0 and at_start)]
    usable = [w for w in usable if len(w) >= 2]
    # the rarest word makes the best gate: a common one passes nearly every sentence
    rare = [w for w in usable if w not in _COMMON] or usable
    return frozenset([max(rare, key=len)]) if rare else None


_COMMON = frozenset("a an and are as at be by for in is of on so the to was were with".split())


@cache
def relation_rules() -> tuple[RelationRule, ...]:
    data = _read("relations.yaml")
    out = []
    seen = set()
    for raw in data.get("rules", []):
        where = f"Rules kg/data/rules/relations.yaml, rule '{raw.get('id')}'"
        if raw.get("predicate") not in SIGNATURES:
            raise DataFileError(f"{where}: predicate '{raw.get('predicate')}' is not a contract relation. Known: {', '.join(SIGNATURES)}.")
        if raw["id"] in seen:
            raise DataFileError(f"{where}: the id is used twice.")
        seen.add(raw["id"])
        voice = raw.get("voice", "active")
        if voice not in VOICES:
            raise DataFileError(f"{where}: voice '{voice}' is not one of {', '.join(VOICES)}.")
        confidence = float(raw.get("confidence", 0.7))
        if not 0 <= confidence <= 1:
            raise DataFileError(f"{where}: confidence {confidence} is outside [0, 1].")
        try:
            pattern = re.compile(r"\b(?:" + "|".join(raw["verbs"]) + r")\b", re.I)
        except (re.error, KeyError, TypeError) as exc:
            raise DataFileError(f"{where}: 'verbs' must be a list of regular expressions ({exc}).") from None
        out.append(RelationRule(raw["id"], raw["predicate"], pattern, voice, confidence, bool(raw.get("inverse")),
                                int(raw.get("max_gap", 8)), required_words(pattern.pattern),
                                re.compile(_lower_literals(pattern.pattern)), _classes(raw, where)))
    return tuple(out)
