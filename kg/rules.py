"""Load the rule data files (kg/data/rules/*.yaml) into typed, checked objects."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from .errors import DataFileError
from .ontology import CLASSES, SIGNATURES


def _read(name: str) -> dict:
    path = f"kg/data/rules/{name}"
    try:
        data = yaml.safe_load(resources.files("kg.data").joinpath("rules", name).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataFileError(f"Rules {path} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(f"Rules {path}: expected a mapping at the top level.")
    return data


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one instance per process
class MentionRules:
    heads: dict[str, str]  # head word (lower) -> class
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
    policy_np: re.Pattern
    goal_cue: re.Pattern
    weak_goal_cue: re.Pattern
    goal_stop: re.Pattern
    goal_strip_start: frozenset[str]
    goal_strip_end: frozenset[str]
    goals: dict[str, tuple[str, str, str | None]]  # synonym -> (concept id, label, zh)


def _words(data: dict, key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"Rules kg/data/rules/mentions.yaml: '{key}' must be a list of strings.")
    return value


@cache
def mention_rules() -> MentionRules:
    data = _read("mentions.yaml")
    heads: dict[str, str] = {}
    for cls, words in data.get("heads", {}).items():
        if cls not in CLASSES:
            raise DataFileError(f"Rules kg/data/rules/mentions.yaml, heads: class '{cls}' is not in the ontology. Known classes: {', '.join(CLASSES)}.")
        for word in words:
            heads[word.lower()] = cls
    titles = sorted(_words(data, "titles"), key=len, reverse=True)
    policy_nouns = "|".join(map(re.escape, _words(data, "policy_nouns")))
    verbs = "|".join(map(re.escape, sorted(_words(data, "policy_np_verbs"), key=len, reverse=True)))
    det = r"(?:the |a |an |its |their |our )?"
    policy_np = re.compile(
        rf"\b(?:{verbs})\s+(?:\w+ly\s+)?{det}((?!(?:and|or|to|that|which|a|the)\b)(?:[a-z][\w&-]*\s+){{0,7}}?(?:{policy_nouns})"
        rf"(?:\s+(?:for|on|of)\s+(?:[A-Za-z][\w&-]*)(?:\s+(?:and\s+(?!to\b))?(?!to\b|in\b|which\b|that\b|with\b|by\b)[A-Za-z][\w&-]*){{0,3}})?)\b"
    )
    goals: dict[str, tuple[str, str, str | None]] = {}
    gdata = _read("goals.yaml")
    for concept in gdata.get("concepts", []):
        for synonym in [concept["label"], *concept.get("synonyms", [])]:
            goals[synonym.lower()] = (concept["id"], concept["label"], concept.get("zh"))
    return MentionRules(
        heads=heads,
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
        policy_np=policy_np,
        goal_cue=re.compile(r"\b(?:" + "|".join(_words(data, "goal_cues") + _words(data, "weak_goal_cues")) + r")\s+", re.I),
        weak_goal_cue=re.compile("|".join(_words(data, "weak_goal_cues")), re.I),
        goal_stop=re.compile("|".join(_words(data, "goal_stop"))),
        goal_strip_start=frozenset(_words(data, "goal_strip_start")),
        goal_strip_end=frozenset(_words(data, "goal_strip_end")),
        goals=goals,
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
                                int(raw.get("max_gap", 8))))
    return tuple(out)
