"""References back and later mentions: names found once are found again (gazetteer),
"the alliance" and "the guidelines" point to the last matching name, "we" in an
interview answer is the speaker's body, and "the two sides" the last pair of actors."""

from __future__ import annotations

import bisect
import re
from functools import cache

from .lexicon import Lexicon
from .records import Mention, Sentence
from .rules import MentionRules, at_word_start

# The scans below run over whole documents. Case is written out rather than re.I, which makes a
# scan several times slower, and the words open with their letter (rules.at_word_start), which
# makes it three to four times faster again.
_DAY_OR_MONTH = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|" \
    r"September|October|November|December)\b"  # "the fair on Sunday" refers back; "the Plan for X" is a name


@cache
def _definite(rules: MentionRules) -> re.Pattern:
    """ "the alliance", "this plan"; a word that makes a short name of a policy may stand before the head
    ("the action plan", "the new guidelines": rules.generic_policy_words)."""
    modifiers = "|".join(sorted(map(re.escape, rules.generic_policy_words), key=len, reverse=True))
    heads = "|".join(sorted(map(re.escape, [*rules.heads, *rules.reference_nouns]), key=len, reverse=True))  # only these refer back
    # ("this year's fair": a yearly event named earlier)
    return re.compile(at_word_start("[Tt]he", "[Tt]his", "[Tt]hat", "[Tt]hese", "[Bb]oth", "[Tt]his year['’]s", "[Ll]ast year['’]s",
                                    "[Nn]ext year['’]s")
                      + rf"\s+(?:(?:{modifiers})\s+(?=[a-z]))?((?i:{heads}))s?\b(?!\s+(?:[Oo]f|[Ff]or|[Oo]n)\s+(?!{_DAY_OR_MONTH})[A-Za-z])")


def gazetteer_pass(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[Mention]:
    """Names that the rules found once are mentions wherever else they appear in the document."""
    known: dict[str, Mention] = {}
    for m in mentions:
        if m.source not in ("lexicon",) and m.cls not in ("Goal",) and len(m.text) >= 2:
            known.setdefault(m.text, m)
    short = _short_person_names(mentions, known)
    known.update(short)
    if not known:
        return mentions
    pattern = _NamePattern(known)
    out = list(mentions)
    for sent, match in _free_matches(pattern, text, sentences, mentions):
        ref = known[match.group(0)]
        if match.group(0) in short and _CAPITAL_NEXT.match(text, match.end()):
            continue  # "Wang" of "Wang Yi", a name the rules did not find: not the known Wang
        out.append(Mention(match.start(), match.end(), match.group(0), ref.cls, ref.key, ref.name,
                           "gazetteer.v1", sent.index, zh=ref.zh, country=ref.country, title=None))
    return out


_CAPITAL_NEXT = re.compile(r" [A-Z]")
_NOT_SHORT = frozenset(["The", "A", "An", "He", "She", "It", "We", "They", "In", "On", "At", "By", "Of", "And", "Mr", "Ms", "Dr"])


def _short_person_names(mentions: list[Mention], known: dict[str, Mention]) -> dict[str, Mention]:
    """A person's surname or given name alone ("Schulz said", "Jin said") is that person when no other
    person of the document shares it."""
    people: dict[str, Mention] = {}
    for m in mentions:
        if m.cls == "Person" and not m.source.startswith("coref") and 2 <= len(m.name.split()) <= 4:
            people.setdefault(m.key, m)
    owners: dict[str, set[str]] = {}
    for m in people.values():
        words = m.name.split()
        for word in {words[0], words[-1]}:
            if word[:1].isupper() and len(word) >= 2 and word not in _NOT_SHORT:
                owners.setdefault(word, set()).add(m.key)
    return {word: people[next(iter(keys))] for word, keys in owners.items() if len(keys) == 1 and word not in known}


class _NameMatch:
    __slots__ = ("_start", "_end", "_text")

    def __init__(self, start: int, end: int, text: str):
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self._text


class _NamePattern:
    """The matches of ``(?<![\\w-])(?:Name|...)(?![\\w-])``, longest name first, found with str.find:
    the names differ in every document, and compiling their alternation cost more than all the
    other extraction stages' regexes put together."""

    def __init__(self, names):
        self.names = list(names)

    def finditer(self, text: str, pos: int, endpos: int):
        found = []
        for name in self.names:
            at = text.find(name, pos, endpos)
            while at >= 0:
                end = at + len(name)
                if not (at > 0 and _joins(text[at - 1])) and not (end < endpos and _joins(text[end])):
                    found.append((at, -len(name), name))
                at = text.find(name, at + 1, endpos)
        found.sort()
        last = pos
        for at, length, name in found:
            if at >= last:
                last = at - length
                yield _NameMatch(at, last, name)


def _joins(char: str) -> bool:
    """Whether a character glues onto a name beside it (regex ``[\\w-]``)."""
    return char.isalnum() or char in "_-"


_NAME_WORD = re.compile(r"[\w-]+")


def short_names(mentions: list[Mention], rules: MentionRules) -> list[Mention]:
    """ "the Guidance Opinions" after "the Guiding Opinions on Deepening ...": a policy name made only
    of generic words and a head is the last longer policy with the same head, not a new policy."""
    ordered = sorted(mentions, key=lambda m: m.start)
    out = []
    for m in ordered:
        words = [w.lower() for w in _NAME_WORD.findall(m.name) if w.lower() != "the"]
        if m.cls == "Policy" and not m.key.startswith("lex:") and 1 <= len(words) <= 3 and words[-1] in rules.heads \
                and rules.heads[words[-1]] == "Policy" and all(w in rules.generic_policy_words or w in rules.heads for w in words):
            stem = words[-1].rstrip("s")
            longer = [p for p in out if p.cls == "Policy" and p.end <= m.start and len(p.name) > len(m.name)
                      and _word_starts_with(p.name, stem) and p.source != "coref.short.v1"]
            if longer:
                ref = longer[-1]
                m = Mention(m.start, m.end, m.text, ref.cls, ref.key, ref.name, "coref.short.v1", m.sentence,
                            zh=ref.zh, country=ref.country)
        out.append(m)
    return out


_TOPIC = re.compile(r"\s(?:on|for)\s+(.+)$")


def described_policies(mentions: list[Mention]) -> list[Mention]:
    """ "released new rules on cross-border data flows" and, before or after, "the Provisions on ...
    Cross-Border Data Flows": a policy described in lower case is the one policy named in the document
    whose name holds every word of the description's topic."""
    named = [m for m in mentions if m.cls == "Policy" and m.source not in ("policy.phrase.v1",) and not m.source.startswith("coref")]
    out = []
    for m in mentions:
        topic = _TOPIC.search(m.name) if m.source == "policy.phrase.v1" else None
        words = _content_words(topic.group(1)) if topic else set()
        if len(words) >= 2:
            keys = {n.key: n for n in named if words <= _content_words(n.name)}
            if len(keys) == 1:
                ref = next(iter(keys.values()))
                m = Mention(m.start, m.end, m.text, ref.cls, ref.key, ref.name, "coref.described.v1", m.sentence,
                            zh=ref.zh, country=ref.country)
        out.append(m)
    return out


_SMALL_WORDS = frozenset(["the", "a", "an", "of", "and", "for", "on", "in", "to"])


def _content_words(name: str) -> set[str]:
    """The words of a name that carry meaning, singular and lower-cased ("Batteries" -> "battery")."""
    words = set()
    for word in _NAME_WORD.findall(name.lower()):
        if word not in _SMALL_WORDS:
            words.add(word[:-3] + "y" if word.endswith("ies") else word[:-1] if word.endswith("s") else word)
    return words


_RELATIVE_BEFORE = re.compile(r",\s*(?:which|that)\b")


def definite_references(text: str, sentences: list[Sentence], mentions: list[Mention], rules: MentionRules,
                        lexicon: Lexicon) -> list[Mention]:
    """ "the alliance", "the guidelines": the last entity mentioned before whose name has that head;
    in an interview answer, "the ministry" is first the speaker's own when that is a ministry."""
    ordered = sorted(mentions, key=lambda m: m.start)
    first_of: dict[int, Mention] = {}
    for m in ordered:
        if m.cls not in ("Goal", "Country", "Place"):
            first_of.setdefault(m.sentence, m)
    bodies = speaker_bodies(mentions, rules, lexicon)
    # the people who head (or deputise at) the body their post names: "the ministry" after them is theirs
    leaders = {m.name for m in mentions if m.cls == "Person" and m.title and m.name in bodies
               and (body := body_of_title(m.title, mentions, rules, lexicon)) is not None and body[1] != "staff"}
    out = list(mentions)
    for sent, match in _free_matches(_definite(rules), text, sentences, mentions):
        head = match.group(1).lower()
        cls = rules.heads.get(head) or rules.reference_nouns.get(head)
        if cls is None or cls == "Place":
            continue
        start, end = match.start(), match.end()
        stem = head.rstrip("s")

        own = bodies.get(sent.speaker or "")
        if own is not None and match.group(0).lower().startswith("the ") and _word_starts_with(own.name, stem):
            previous = [own]
        elif posts := _posts_before(ordered, bodies, leaders, start, sent.index - 2, stem):
            previous = posts[-1:]  # "Vice Minister A of X said ... He said the ministry will ...": A's ministry
        else:
            previous = [m for m in ordered if m.end <= start and m.sentence >= sent.index - 6
                        and m.cls not in ("Goal", "Country", "Person")
                        and _names_start_with(m, stem, lexicon) and (head in rules.heads or m.cls == cls)
                        and not _post_body(text, m, rules)]
        if not previous and head in rules.generic_policy_references:
            # "The regulation was proposed by ..." after "the Critical Raw Materials Act": the last policy named
            previous = [m for m in ordered if m.end <= start and m.sentence >= sent.index - 2 and m.cls == "Policy"][-1:]
        if not previous:
            # "Jin Zhuanglong, Minister of Industry and ..., said the ministry will ...": the body a post names
            previous = _posts_before(ordered, bodies, bodies, start, sent.index - 6, stem)[-1:]
        if not previous:
            continue
        # the salient one: the latest that opened its sentence (a subject), else the latest that stands
        # in no relative clause ("issued X, which supports the national Y. The plan ...": X)
        subjects = [m for m in previous if m is first_of.get(m.sentence)]
        ref = subjects[-1] if subjects and subjects[-1].sentence >= previous[-1].sentence - 1 else previous[-1]
        if ref is previous[-1] and len(previous) > 1 and previous[-2].sentence == ref.sentence and \
                _RELATIVE_BEFORE.search(text, previous[-2].end, ref.start):
            ref = previous[-2]
        out.append(Mention(start, end, text[start:end], ref.cls, ref.key, ref.name, "coref.definite.v1",
                           sent.index, zh=ref.zh, country=ref.country))
    return out


_NATIONAL = re.compile(at_word_start("the") + r" ([A-Z][a-z]+) (ministry|government|side|commission|delegation|partners?|authorities)\b")


def national_references(text: str, sentences: list[Sentence], mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """ "the German ministry", "the French side": the last body named before of that country, or
    for "side", "government" and "authorities" with no such body, the country itself."""
    ordered = sorted(mentions, key=lambda m: m.start)
    out = list(mentions)
    for sent, match in _free_matches(_NATIONAL, text, sentences, mentions):
        country = lexicon.country_of_adjective(match.group(1))
        if not country:
            continue
        noun = match.group(2).lower()
        classes = ("GovernmentBody",) if noun in ("ministry", "commission") else ("GovernmentBody", "Organization")
        previous = [m for m in ordered if m.end <= match.start() and m.cls in classes and m.country == country
                    and m.sentence >= sent.index - 8]
        if previous:
            ref = previous[-1]
            cls, key, name, zh, of_country = ref.cls, ref.key, ref.name, ref.zh, ref.country
        elif noun in ("side", "government", "authorities"):
            entry = lexicon.entries[country]
            cls, key, name, zh, of_country = entry.cls, entry.key, entry.name, entry.zh, None
        else:
            continue
        start = match.start(1)
        out.append(Mention(start, match.end(), text[start:match.end()], cls, key, name, "coref.national.v1", sent.index,
                           zh=zh, country=of_country))
    return out


# a post and the body it names: "Vice Minister of Industry and Information Technology"
_POST = re.compile(r"((?:Vice |Deputy )?[A-Z][\w-]*(?: [A-Z][\w-]*)?)(?: (of|for) (.+))?$")
_THE = re.compile(r"^the\s+", re.I)
_VICE = re.compile(r"^(?:Vice|Deputy) ")


def without_rank(post: str) -> str:
    """ "Vice Governor" -> "Governor": the post a deputy's post is the deputy of."""
    return _VICE.sub("", post)


def is_deputy(post: str) -> bool:
    return _VICE.match(post) is not None
# "Parliamentary State Secretary at the ...", "senior researcher at the ..." (a post held at a body)
_POST_AT = re.compile(r"(?:(?:[A-Z][\w-]* )*[A-Z][\w-]* at|(?:[a-z][\w-]* )*[a-z][\w-]* (?:at|with|from|of)) (.+)$")


def body_of_title(title: str, mentions: list[Mention], rules: MentionRules, lexicon: Lexicon,
                  earlier: list[Mention] = ()) -> tuple[str, str] | None:
    """The entity key of the body a post names ("Minister of Finance" -> the Ministry of Finance)
    and the post's rank there: "head", "deputy", or "staff" for a post held at a body ("State
    Secretary at the Federal Ministry of ..." works there but does not lead it); None when the post
    names no known body."""
    at = _POST_AT.match(title)
    if at:
        key = _named_body(_THE.sub("", at.group(1)), at.group(1), mentions, lexicon)
        return (key, "staff") if key else None
    match = _POST.match(title)
    if not match or not match.group(3):
        return None
    if match.group(1) not in rules.leading_titles:  # "Spokesperson of the Ministry of ...": of the body, not its head
        key = _named_body(_THE.sub("", match.group(3)), match.group(3), mentions, lexicon)
        return (key, "staff") if key else None
    rank = "deputy" if match.group(1).startswith(("Vice", "Deputy")) else "head"
    noun = rules.title_bodies.get(match.group(1)) or rules.title_bodies.get(without_rank(match.group(1)), "")
    name = f"{noun} {match.group(2)} {match.group(3)}".strip()
    key = _named_body(name, match.group(3), mentions, lexicon)
    if key is None and noun:
        # "Vice Governor of Guangdong" after "the People's Government of Guangdong Province": a body of an earlier
        # sentence, when its name has the post's body noun and what the post is of
        named, noun = _THE.sub("", match.group(3)).lower(), noun.split()[-1].lower()
        key = next((m.key for m in reversed(earlier) if m.cls == "GovernmentBody" and named in m.name.lower()
                    and _word_starts_with(m.name, noun)), None)
    return (key, rank) if key else None


def _named_body(name: str, named: str, mentions: list[Mention], lexicon: Lexicon) -> str | None:
    """The key of the body called ``name`` in the lexicon, else of the first body mentioned whose
    name holds ``named`` (the post's words after "of")."""
    entry = lexicon.entry_named(name)
    if entry is not None:
        return entry.key
    named = _THE.sub("", named).lower()
    inside = [m for m in mentions if m.cls in ("GovernmentBody", "Organization") and named in m.name.lower()]
    return inside[0].key if inside else None


def _posts_before(ordered: list[Mention], bodies: dict[str, Mention], people, start: int, first_sentence: int,
                  stem: str) -> list[Mention]:
    """The bodies, with ``stem`` in their names, that the posts of ``people`` name, for the people mentioned
    before ``start`` from ``first_sentence`` on."""
    return [bodies[m.name] for m in ordered if m.cls == "Person" and m.end <= start and m.sentence >= first_sentence
            and m.name in people and _word_starts_with(bodies[m.name].name, stem)]


_POST_OF = re.compile(r"\b([a-z]+)\s+(?:of|at)\s+(?:the\s+)?$")


def _post_body(text: str, m: Mention, rules: MentionRules) -> bool:
    """Whether ``m`` names only a person's post ("Mao Ning, a spokesperson of the Ministry of ..."): no
    antecedent for "the ministry" then."""
    post = _POST_OF.search(text, max(0, m.start - 30), m.start)
    return post is not None and post.group(1) in rules.person_nouns


def _names_start_with(m: Mention, stem: str, lexicon: Lexicon) -> bool:
    """Whether a word of the mention's name, or of another name the lexicon knows it by, starts with ``stem``
    ("the fair" after "Hannover Messe", also called "Hanover Fair")."""
    if _word_starts_with(m.name, stem):
        return True
    entry = lexicon.entries.get(m.key[4:]) if m.key.startswith("lex:") else None
    return entry is not None and any(_word_starts_with(alias, stem) for alias in entry.aliases)


def _word_starts_with(name: str, stem: str) -> bool:
    """Whether a word of ``name`` starts with ``stem``, ignoring case ("alliance" in "the Alliance of ...")."""
    low, stem = name.lower(), stem.lower()
    at = low.find(stem)
    while at >= 0:
        if at == 0 or not (low[at - 1].isalnum() or low[at - 1] == "_"):
            return True
        at = low.find(stem, at + 1)
    return False


def speaker_bodies(mentions: list[Mention], rules: MentionRules, lexicon: Lexicon) -> dict[str, Mention]:
    """Speaker name -> the body their post names ("Minister of X" -> the Ministry of X)."""
    bodies: dict[str, Mention] = {}
    by_key = {m.key: m for m in mentions if m.cls in ("GovernmentBody", "Organization")}
    for m in mentions:
        if m.cls == "Person" and m.title and m.name not in bodies:
            body = body_of_title(m.title, mentions, rules, lexicon)
            if body and (body[0] in by_key or body[0][4:] in lexicon.entries):
                ref = by_key.get(body[0])
                entry = lexicon.entries.get(body[0][4:]) if body[0].startswith("lex:") else None
                bodies[m.name] = ref or Mention(0, 0, "", entry.cls, body[0], entry.name, "lexicon", 0, zh=entry.zh,
                                                country=entry.country)
    # a turn may be labelled with the surname alone ("Wang: We issued ..."): when only one speaker has it
    short: dict[str, set[str]] = {}
    for name in bodies:
        for word in {name.split()[0], name.split()[-1]}:
            short.setdefault(word, set()).add(name)
    for word, names in short.items():
        if len(names) == 1 and word not in bodies:
            bodies[word] = bodies[next(iter(names))]
    return bodies


_OUR_BODY = r"(?:[Dd]epartment|[Mm]inistry|[Cc]ommission|[Aa]gency|[Bb]ureau|[Aa]dministration|[Gg]overnment|[Oo]ffice)"
_WE = re.compile(at_word_start("[Ww]e", f"[Oo]ur {_OUR_BODY}") + r"\b")


def speaker_references(text: str, sentences: list[Sentence], mentions: list[Mention], rules: MentionRules,
                        lexicon: Lexicon) -> list[Mention]:
    """In an interview, "we" and "our ministry" are the speaker's body (known from the speaker's post,
    or from "we at <body>" in their answers)."""
    bodies = {**_we_at_bodies(text, sentences, mentions), **speaker_bodies(mentions, rules, lexicon)}
    if not bodies:
        return mentions
    out = list(mentions)
    for sent, match in _free_matches(_WE, text, sentences, mentions):
        body = bodies.get(sent.speaker or "")
        if body is not None:
            out.append(Mention(match.start(), match.end(), match.group(0), body.cls, body.key, body.name,
                               "coref.speaker.v1", sent.index, zh=body.zh, country=body.country))
    return out


_WE_AT = re.compile(at_word_start("[Ww]e") + r"\s+(?:here\s+)?at\s+(?:the\s+)?")


def _we_at_bodies(text: str, sentences: list[Sentence], mentions: list[Mention]) -> dict[str, Mention]:
    """Speaker name -> the body of "We at <body> advise ..." in their answers (the first one they name)."""
    bodies: dict[str, Mention] = {}
    starts = {m.start: m for m in mentions if m.cls in ("GovernmentBody", "Organization")}
    for sent in sentences:
        if sent.speaker and sent.speaker not in bodies:
            for match in _WE_AT.finditer(text, sent.start, sent.end):
                # the body's mention may hold the article: "We at the chamber" refers back with "the chamber"
                body = starts.get(match.end()) or starts.get(match.end() - 4 if text.startswith("the ", match.end() - 4) else -1)
                if body is not None:
                    bodies[sent.speaker] = body
                    break
    return bodies


_PAIR = re.compile(at_word_start("[Tt]he two", "[Bb]oth")
                   + r"(\s+)([Ss]ides|[Pp]arties|[Mm]inistries|[Cc]ountries|[Gg]overnments|[Pp]artners)\b")
_PAIR_CLASSES = {"countries": ("Country",), "ministries": ("GovernmentBody",), "governments": ("GovernmentBody", "Country")}
# how the two bodies of a pair stand in their sentence: "A and B", "A is working with B"
_AND_THE = re.compile(r"\s*(?:,\s*)?and\s+(?:the\s+)?", re.I)
_WORKING_WITH = re.compile(r"\s+(?:[\w'()-]+\s+){1,14}?with\s+(?:the\s+)?", re.I)


def pair_references(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[Mention]:
    """ "the two sides", "both parties": the last two actors named together ("A and B").

    The phrase is split into two mentions ("the two" | "sides"), one per referent, so
    that the relation rules see a coordinated pair.
    """
    actors = sorted((m for m in mentions if m.cls in ("GovernmentBody", "Organization", "Country") and m.source != "coref.pair.v1"),
                    key=lambda m: m.start)
    out = list(mentions)
    last: tuple[tuple[Mention, Mention], int] | None = None  # the pair the previous reference found, and where
    for sent, match in _free_matches(_PAIR, text, sentences, mentions):
        allowed = _PAIR_CLASSES.get(match.group(2).lower(), ("GovernmentBody", "Organization", "Country"))
        pair = None
        bilateral = match.group(2).lower() in ("sides", "parties", "countries", "governments")
        for a, b in zip(reversed(actors[:-1]), reversed(actors[1:]), strict=True):
            if b.end > match.start() or a.sentence < sent.index - 8:
                if a.sentence < sent.index - 8:
                    break
                continue
            between = text[a.end:b.start]
            if a.key != b.key and a.cls in allowed and b.cls in allowed and a.sentence == b.sentence and (
                    _AND_THE.fullmatch(between)
                    or _WORKING_WITH.fullmatch(between)):  # "we are working with B"
                if bilateral and a.sentence < sent.index - 1 and not (a.country and b.country and a.country != b.country):
                    # "both sides" of a bilateral text are its two countries' bodies: remember a
                    # nearer pair only as the fallback
                    pair = pair or (a, b)
                    continue
                pair = (a, b)
                break
        if pair is None and last is not None and sent.index - last[1] <= 4:
            pair = last[0]  # "the two sides ... the two parties ...": a chain of references to one pair
        if pair is None:
            continue
        last = (pair, sent.index)
        first_end = match.start(1)  # "the two" | "sides"
        for ref, (start, end) in zip(pair, ((match.start(), first_end), (match.start(2), match.end(2))), strict=True):
            out.append(Mention(start, end, text[start:end], ref.cls, ref.key, ref.name, "coref.pair.v1",
                               sent.index, zh=ref.zh, country=ref.country))
    return out


_NUMBERS = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_GROUP_NOUNS = r"(ministries|departments|commissions|agencies|bureaus|administrations|governments|countries)\b"
_GROUP = re.compile(at_word_start("[Tt]he", "[Aa]ll") + rf"(?:\s+({'|'.join(_NUMBERS)}|[3-9]))?\s+" + _GROUP_NOUNS)
_GROUP_NOUN = re.compile(_GROUP_NOUNS)
_IN_GROUP = re.compile(r"\s*,\s*(?:and\s+)?(?:the\s+)?|\s+(?:and|as well as)\s+(?:the\s+)?")  # between members


def group_references(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[Mention]:
    """ "the four ministries", "all three departments", "the ministries": the last bodies named together
    ("A, B, C and D") that are as many as the phrase says (two or more for a bare plural). The phrase
    is cut into one piece per referent, so that the relation rules see a coordinated group."""
    if not _GROUP_NOUN.search(text):
        return mentions  # most texts have no plural of a body's head noun: nothing to resolve
    actors = sorted((m for m in mentions if m.cls in ("GovernmentBody", "Country") and not m.source.startswith("coref")),
                    key=lambda m: m.start)
    runs: list[list[Mention]] = []  # coordinated runs of actors, in text order
    for m in actors:
        last = runs[-1][-1] if runs else None
        if last is not None and last.sentence == m.sentence and last.cls == m.cls and last.end <= m.start \
                and _IN_GROUP.fullmatch(text, last.end, m.start):
            runs[-1].append(m)
        else:
            runs.append([m])
    out = list(mentions)
    for sent, match in _free_matches(_GROUP, text, sentences, mentions):
        count = _NUMBERS.get(match.group(1) or "", int(match.group(1)) if (match.group(1) or "").isdigit() else None)
        cls = "Country" if match.group(2) == "countries" else "GovernmentBody"
        group = next((run for run in reversed(runs) if run[-1].end <= match.start() and sent.index - 8 <= run[0].sentence
                      and run[0].cls == cls and len({m.key for m in run}) == len(run)
                      and (len(run) == count if count else len(run) >= 2)), None)
        if group is None:
            continue
        start, length = match.start(), match.end() - match.start()
        for k, ref in enumerate(group):
            a, b = start + k * length // len(group), start + (k + 1) * length // len(group)
            out.append(Mention(a, b, text[a:b], ref.cls, ref.key, ref.name, "coref.group.v1", sent.index,
                               zh=ref.zh, country=ref.country))
    return out


_ITS = re.compile(r"Its\b(?= [a-z-]+(?: [a-z-]+)?, [A-Z])")  # "Its chairman, Name, said": the previous subject's
_POLICY_VERB = re.compile(r"\s+(?:also\s+)?(?:serves|aims|focuses|covers|targets|seeks|calls for|applies|replaces|builds on|sets out|"
                          r"takes effect|took effect|will take effect|supports)\b")
_HE = re.compile(r"(He|She)\b(?= (?:also |then |later |has |had |have |will |would )?[a-z]+ed\b| (?:met|led|said|told|spoke|signed|visited|held|took|saw|went|made)\b)")  # not the surname "He"
_IT = re.compile(r"(?:^|(?<=: ))It\b(?!\s+(?:is|was|has been|will be|would be|seems|appears)\s+(?:\w+\s+)?(?:that|to|said|reported|expected|understood|important|necessary|clear|worth|possible|likely|hoped|learned|learnt|known)\b)")


# "it" as the object of a verb in the past tense, ending its clause or followed by a time or place (written
# "it" first, so the regex engine skips to the letters)
# "took part in drafting them": "them" after a gerund or past tense stands for a policy named in the plural
_IT_OBJECT = re.compile(r"(it|them)(?:(?<=[a-z]ed\sit)|(?<=[a-z]ing\sit)|(?<=[a-z]ed\sthem)|(?<=[a-z]ing\sthem)|(?<=under\sit))\b"
                        r"(?=\s*(?:[.,;]|$|\s(?:in|on|at|last|this|next|early|late|by|with|together)\b))")
_PLURAL_POLICY = re.compile(r"^(?:\S+\s+){0,3}?(?:Guidelines|Measures|Opinions|Regulations|Rules|Provisions|Standards)\b", re.I)
_SPEAKING_CLASSES = ("GovernmentBody", "Organization", "Country")  # a person is "he" or "she"


def pronoun_references(text: str, sentences: list[Sentence], mentions: list[Mention], rules: MentionRules) -> list[Mention]:
    """A sentence that opens with "It" continues the previous sentence's subject: the body or
    policy named first there ("The X Alliance was founded in 2016. It works with Y."). In reported
    speech, "it" is the speaker: "The ministry said it would ..." """
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    out = list(mentions)
    policies = sorted((m for m in mentions if m.cls == "Policy"), key=lambda m: m.start)
    policy_starts = [m.start for m in policies]
    for sent, match in _free_matches(_IT_OBJECT, text, sentences, mentions):
        at, word = match.start(1), match.group(1)
        # "formulated the plan in 2016 and revised it in June", "The State Council approved it": the
        # last policy named in this sentence or the one before
        k = bisect.bisect_left(policy_starts, at) - 1
        if k >= 0 and policies[k].sentence >= sent.index - 1 and (word == "it" or _PLURAL_POLICY.match(policies[k].name)):
            ref = policies[k]
            out.append(Mention(at, at + len(word), word, ref.cls, ref.key, ref.name, "coref.object.v1", sent.index,
                               zh=ref.zh, country=ref.country))
    for m in mentions:
        said = rules.reported_pronoun.match(text, m.end) if m.cls in _SPEAKING_CLASSES else None
        if said and said.end() <= sentences[m.sentence].end:
            out.append(Mention(said.start(1), said.end(1), said.group(1), m.cls, m.key, m.name, "coref.reported.v1",
                               m.sentence, zh=m.zh, country=m.country))
    for k, sent in enumerate(sentences):
        if k == 0 or sent.language == "zh":
            continue
        he = _HE.match(text, sent.start)
        if he:  # "Minister A led a delegation to X. He met ...": the person who opened the sentence before
            previous = sorted(by_sentence.get(sentences[k - 1].index, []), key=lambda m: m.start)
            person = next((m for m in previous if m.cls == "Person"), None)
            if person is not None and len(text[sentences[k - 1].start:person.start].split()) <= 10 and \
                    all(m.cls in ("Place", "Country") or m.start >= person.start for m in previous):
                out.append(Mention(he.start(1), he.end(1), he.group(1), "Person", person.key, person.name,
                                   "coref.pronoun.v1", sent.index, zh=person.zh, country=person.country))
            continue
        match = _IT.match(text[sent.start:sent.end]) or (
            sent.speaker and _IT.match(text[sent.start:sent.end], len(sent.speaker) + 2)) or _ITS.match(text, sent.start)
        if not match:
            continue
        previous = sorted(by_sentence.get(sentences[k - 1].index, []), key=lambda m: m.start)
        subject = next((m for m in previous if m.cls not in ("Goal", "Country", "Place", "Person", "Event")), None)
        policy = next((m for m in reversed(previous) if m.cls == "Policy"), None) if \
            _POLICY_VERB.match(text, sent.start + match.end() if match.re is _IT else match.end()) else None
        if policy is not None:  # "It serves the ... goals", "It aims to ...": what a policy does, the last one named
            subject = policy
        elif subject is None or len(text[sentences[k - 1].start:subject.start].split()) > 6:
            continue  # the first name is no subject when it comes late in the sentence
        start = sent.start + match.start() if match.re is _IT else match.start()
        end = start + len(match.group(0))
        out.append(Mention(start, end, text[start:end], subject.cls, subject.key, subject.name, "coref.pronoun.v1",
                           sent.index, zh=subject.zh, country=subject.country))
    return out


def _free_matches(pattern: re.Pattern | _NamePattern, text: str, sentences: list[Sentence], mentions: list[Mention]):
    """(sentence, match) for each match in English sentences that overlaps no mention yet."""
    spans = sorted((m.start, m.end) for m in mentions)
    starts = [s for s, _ in spans]
    longest = max((e - s for s, e in spans), default=0)
    sentence_starts = [s.start for s in sentences]
    if not sentences:
        return
    # one scan of the text, each match then placed in its sentence (faster than a scan per sentence)
    for match in pattern.finditer(text, sentences[0].start, sentences[-1].end):
        sent = sentences[bisect.bisect_right(sentence_starts, match.start()) - 1]
        if sent.language == "zh" or match.end() > sent.end or match.start() < sent.start:
            continue
        # only spans that start before the match ends and at most `longest` before it can overlap
        lo = bisect.bisect_left(starts, match.start() - longest)
        hi = bisect.bisect_left(starts, match.end())
        if not any(e > match.start() for _, e in spans[lo:hi]):
            yield sent, match
