"""NLP stage, attributions: reporting expressions found with spaCy's parser.

A cue is a communication verb ("said", "told", "cautioned", "reported") with
its subject, clausal complement and object, or an "according to X" phrase.
Cues inside quotations are quoted words, not attributions, and are skipped.
Linking cues to quotations and resolving speakers happens in the enrich stage
(``attribution.py``), which sees the whole article.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from ..model import Cue, Span
from .quotes import find_quotes, inside_quote

#: Verbs that report speech or writing, by lemma.
SPEECH_VERBS = frozenset(
    """say tell report note add state claim explain argue warn caution insist write announce
    declare acknowledge admit suggest predict conclude confirm deny reply respond recall comment
    observe emphasise emphasize stress urge ask allege assert contend maintain remark estimate
    testify concede complain reveal disclose promise vow pledge threaten accuse assure inform
    advise tweet quip concur agree boast joke demand charge propose reiterate""".split()
)
#: Verbs that report only with a clause ("agreed that..."), never alone with a quotation.
_CLAUSE_ONLY = frozenset(
    {
        "agree",
        "urge",
        "promise",
        "vow",
        "pledge",
        "threaten",
        "accuse",
        "demand",
        "charge",
        "propose",
    }
)
#: Forms of reporting verbs that are not the stem and an ending.
IRREGULAR = ("said", "told", "wrote", "written")
#: A cheap test for blocks worth parsing: a quotation mark or a form of a reporting verb.
CANDIDATE = re.compile(
    r"[“”]|‘‘|’’|\baccording\b|\b(?:"
    + "|".join(sorted({v.rstrip("e") for v in SPEECH_VERBS} | {*IRREGULAR, "point"}))
    + r")\w*",
    re.IGNORECASE,
)
_FRAME_DEPS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "aux",
        "auxpass",
        "neg",
        "advmod",
        "npadvmod",
        "prep",
        "dobj",
        "dative",
        "prt",
        "agent",
        "attr",
    }
)


def needs_parse(text: str) -> bool:
    """Whether a block may hold an attribution, so the parser should read it."""
    return CANDIDATE.search(text) is not None


def find_cues(doc: Any) -> tuple[Cue, ...]:
    """Every reporting expression of a parsed block, in text order."""
    quotes = find_quotes(doc.text)
    cues = []
    for token in doc:
        if inside_quote(quotes, token.idx, token.idx + len(token)):
            continue
        followed_by_to = token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to"
        if token.lower_ == "according" and followed_by_to:
            cue = _according(token, doc)
            cues += [cue] if cue is not None else []
        elif token.pos_ == "VERB" and _reports(token):
            cues += _speech(token, quotes)
    return tuple(cues)


def _reports(verb: Any) -> bool:
    """A verb of saying, by lemma; "point out" too."""
    lemma = verb.lemma_.lower()
    if lemma == "point":
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)
    return lemma in SPEECH_VERBS


def _speech(verb: Any, quotes: list[Any]) -> list[Cue]:
    """The cue of a speech verb; two when its clause goes on both sides of it ("A
    firefight erupted, officials said, during which ...")."""
    subject = _subject(verb, quotes)
    if subject is None:
        return []
    clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    parts = [_span(clause.subtree)] if clause is not None else _charge(verb)
    if verb.dep_ == "parataxis" and not inside_quote(quotes, verb.head.idx, verb.head.idx + 1):
        before, after = _around(verb)
        parts = [p for p in (before, parts[0] if parts else after) if p is not None]
    if not parts and verb.lemma_.lower() in _CLAUSE_ONLY:
        return []
    cue = _cue(verb, subject, quotes)
    return [dataclasses.replace(cue, clause=part) for part in parts] or [cue]


def _charge(verb: Any) -> list[Span]:
    """What "X accuses Y of Z" reports: "Y of Z"."""
    if verb.lemma_.lower() != "accuse":
        return []
    accused = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if accused is None:
        return []
    near = [*verb.children, *accused.children]
    if not any(c.dep_ == "prep" and c.lower_ == "of" and c.i > accused.i for c in near):
        return []
    doc = verb.doc
    tokens = list(doc[accused.left_edge.i : verb.right_edge.i + 1])
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    return [_span(tokens)]


def _around(verb: Any) -> tuple[Span | None, Span | None]:
    """The clause a parenthetical cue interrupts, before and after it; a part with no
    verb of its own ("Back in Virginia, he said, ...") is no clause and is left out.
    (Giving the whole sentence, cue and all, as one passage instead was tried: PolNeAR
    F1 0.687 -> 0.683.)"""
    own = {t.i for t in verb.subtree}
    rest = [t for t in verb.head.subtree if t.i not in own]
    before = _clause_part([t for t in rest if t.i < verb.left_edge.i])
    after = _clause_part([t for t in rest if t.i > verb.right_edge.i])
    return before, after


def _clause_part(tokens: list[Any]) -> Span | None:
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    if not any(t.pos_ in ("VERB", "AUX") for t in tokens):
        return None
    return _span(tokens)


def _cue(verb: Any, subject: Any, quotes: list[Any]) -> Cue:
    medium = None
    if verb.lemma_.lower() == "tell":
        medium = next((c for c in verb.children if c.dep_ in ("dobj", "dative")), None)
    if subject.head.i == verb.i:
        frame_tokens = [
            verb,
            *(t for c in verb.children if c.dep_ in _FRAME_DEPS for t in c.subtree),
        ]
    else:  # "..., saying that": the subject belongs to an earlier verb
        frame_tokens = [verb]
    frame = [t for t in frame_tokens if not inside_quote(quotes, t.idx, t.idx + len(t))]
    if subject.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":  # "the Queen, who said"
        subject = verb.head
    return Cue(
        kind="speech",
        cue=_span([verb, *(c for c in verb.children if c.dep_ == "prt")]),  # "pointed out"
        frame=_span(frame),
        speaker=_span(_speaker_tokens(subject, verb)),
        clause=None,
        medium=_span(medium.subtree) if medium is not None else None,
        head=_span([subject]),
    )


def _speaker_tokens(subject: Any, verb: Any) -> list[Any]:
    """The words naming the speaker, without relative clauses ("an official, who asked
    to remain anonymous, said")."""
    dropped = {t.i for c in subject.subtree if c.dep_ in ("relcl", "acl") for t in c.subtree}
    dropped |= {t.i for t in verb.subtree} if verb.head.i == subject.i else set()
    tokens = [t for t in subject.subtree if t.i not in dropped]
    while len(tokens) > 1 and tokens[-1].is_punct:
        tokens.pop()
    return tokens


def _subject(verb: Any, quotes: list[Any]) -> Any | None:
    """The verb's subject; for "..., saying that" the nearest earlier verb's subject.
    Quoted words are never the subject ("“... Full panic mode,” said X": X)."""
    for child in verb.children:
        quoted = inside_quote(quotes, child.idx, child.idx + len(child))
        if child.dep_ in ("nsubj", "nsubjpass") and child.tag_ != "EX" and not quoted:
            return child
    if verb.dep_ == "conj":  # "are hoping ... but are predicting": the first verb's subject
        subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return subject
    if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp"):
        for earlier in reversed(list(verb.sent[: verb.i - verb.sent.start])):
            # "X is quoted as saying": the one quoted is the subject of the saying
            quoted = earlier.lemma_.lower() in ("report", "quote", "cite")
            deps = ("nsubj", "nsubjpass") if quoted else ("nsubj",)
            subject = next((c for c in earlier.children if c.dep_ in deps), None)
            if earlier.pos_ in ("VERB", "AUX") and subject is not None:
                return subject
    return None


def _according(according: Any, doc: Any) -> Cue | None:
    to = doc[according.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    phrase = {t.i for t in according.subtree} | {t.i for t in to.subtree} | {according.i}
    head = according.head if according.head.i != according.i else None
    clause_tokens: list[Any] = []
    if head is not None:
        skip = phrase | {t.i for c in head.children if c.dep_ in ("conj", "cc") for t in c.subtree}
        clause_tokens = [t for t in head.subtree if t.i not in skip and not t.is_punct]
    return Cue(
        kind="according_to",
        cue=_span([according, to]),
        frame=_span([according, to, *source.subtree]),
        speaker=_span(source.subtree),
        clause=_span(clause_tokens) if clause_tokens else None,
    )


def _span(tokens: Iterable[Any]) -> Span:
    listed = list(tokens)
    start = min(t.idx for t in listed)
    end = max(t.idx + len(t) for t in listed)
    return (start, end)
