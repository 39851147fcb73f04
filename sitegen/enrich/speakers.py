"""Enrich, attributions: naming the source of each attribution.

A speaker is the entity at the head of the cue's subject ("US Defense
Department spokesman Peter Cook" -> Peter Cook, the rest kept as description),
else a person its words name ("her spokesman Luis Mora"), else the entity they
end with ("a spokesman for Maersk"); a name the model did not find there is the
one person of the article it names ("Scholz said" -> Olaf Scholz); a bare title
is the person the article named with it ("the President" -> President Ana
Silva); a pronoun is resolved by
the reader's state (``discourse.py``); "I" is the article's author. Words that
only point ("that", "which") or hold no letter are never a source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Attribution, Cue, Document, Mention, Span
from ..nlp.quotes import Quote
from .discourse import ROLE_NOUNS, Discourse
from .names import SUFFIXES

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_ANY = frozenset({"they", "it"})
#: Words that refer but do not name: never a source on their own.
_NOT_SOURCES = frozenset("this that these those which who whom what there here one".split())


@dataclass(frozen=True)
class Link:
    """A cue's claim on a passage, before its source is named."""

    block: int
    cue: Cue
    cue_block: int
    kind: str
    span: Span
    anchor: int
    quote: Quote | None = None
    via: Span | None = None
    """Where it was said, from an "according to X" around a quotation (same block)."""


def name_sources(
    document: Document,
    links: Sequence[Link],
    mentions: Sequence[Mention],
    unquoted: Sequence[Mention],
) -> tuple[Attribution, ...]:
    """One attribution per link whose source can be named, in the links' order."""
    by_block: dict[int, list[Mention]] = {}
    for mention in mentions:
        by_block.setdefault(mention.block, []).append(mention)
    reader = Discourse(document, unquoted)
    people = _people(mentions)
    out: list[Attribution] = []
    for link in links:
        cue, cue_text = link.cue, document.blocks[link.cue_block].text
        reader.advance(link.cue_block, cue.cue[0])
        found = by_block.get(link.cue_block, [])
        named = _speaker(cue_text, link.cue_block, cue, found, reader, document.author)
        if named is not None and named[1] is None and named[0] in people:
            named = (*people[named[0]], named[2])  # "Scholz", whom the model missed there
        if named is None:
            continue
        out.append(_attribution(document, link, named, by_block, len(out) + 1))
        reader.spoke(out[-1], _may_be_person(out[-1]), (link.cue_block, cue.cue[0]))
    return tuple(out)


def _people(mentions: Sequence[Mention]) -> dict[str, tuple[str, str]]:
    """The persons of the article, (name, entity id), by the names that point to one
    of them alone: the whole name, and its last word ("Scholz", "Olaf Scholz")."""
    found: dict[str, set[tuple[str, str]]] = {}
    for m in mentions:
        if m.label == "PERSON":
            words = [w for w in m.name.split() if w.strip(".,").lower() not in SUFFIXES]
            for form in {m.name, *words[-1:]}:
                found.setdefault(form, set()).add((m.name, m.entity))
    return {form: next(iter(people)) for form, people in found.items() if len(people) == 1}


def _attribution(
    document: Document,
    link: Link,
    named: tuple[str, str | None, str | None],
    by_block: dict[int, list[Mention]],
    number: int,
) -> Attribution:
    cue, cue_text = link.cue, document.blocks[link.cue_block].text
    source, entity, description = named
    if cue.medium is None and link.via is not None:
        text = document.blocks[link.block].text
        medium = _medium(text, link.via, by_block.get(link.block, []))
    else:
        medium = _medium(cue_text, cue.medium, by_block.get(link.cue_block, []))
    block = document.blocks[link.block]
    return Attribution(
        id=number,
        source=source,
        entity=entity,
        description=description,
        cue=cue_text[cue.cue[0] : cue.cue[1]],
        kind=link.kind,
        text=block.text[link.span[0] : link.span[1]],
        block=link.block,
        start=link.span[0],
        end=link.span[1],
        medium=medium[0] if medium else None,
        medium_entity=medium[1] if medium else None,
        line=block.line,
        note_at=link.anchor,
    )


def _speaker(
    text: str,
    block: int,
    cue: Cue,
    mentions: Sequence[Mention],
    reader: Discourse,
    author: str | None,
) -> tuple[str, str | None, str | None] | None:
    """(source, entity id, description) for a cue's speaker; None if it cannot be named."""
    span = cue.speaker
    if span is None:
        return None
    words = text[span[0] : span[1]].strip()
    head = text[cue.head[0] : cue.head[1]] if cue.head else words.split()[-1]
    if words.lower() in _PRONOUNS_PERSON | _PRONOUNS_ANY:
        return reader.antecedent(words.lower(), block, span[0])
    if words.lower() in ("i", "we"):
        return (author, None, None) if author and words.lower() == "i" else None
    inside = [m for m in mentions if span[0] <= m.start and m.end <= span[1]]
    chosen = _chosen(text, span, cue.head, inside)
    if chosen is not None:
        return (chosen.name, chosen.entity, _rest(text, span, chosen))
    if head.lower() in ROLE_NOUNS:
        titled = reader.titled(head, words)
        if titled is not None:
            return (titled.name, titled.entity, _tidy_description(words))
    if cue.head is not None and _named(text, span, cue.head):
        words = text[span[0] : cue.head[1]]
    name = _tidy_name(words)
    if not any(ch.isalpha() for ch in name) or name.lower() in _NOT_SOURCES:
        return None
    return (name, None, None)


def _chosen(text: str, span: Span, head: Span | None, inside: Sequence[Mention]) -> Mention | None:
    """The mention naming the speaker: the one at the head word ("spokesman Peter
    Cook"), else a person in the words ("her spokesman Luis Mora"), else the one the
    words end with or belong to ("a spokesman for Maersk")."""
    if head is not None:
        at_head = [m for m in inside if m.start <= head[0] and head[1] <= m.end]
        if at_head:
            return at_head[0]
    person = [m for m in inside if m.label == "PERSON"]
    if person:
        return person[-1]
    if head is not None and _named(text, span, head):
        return None  # "Trump, speaking to a group in Virginia, said": Trump, not Virginia
    ending = [m for m in inside if text[m.end : span[1]].strip() in ("", "'s", "’s")]
    return ending[-1] if ending else None


def _named(text: str, span: Span, head: Span) -> bool:
    """Whether the subject opens with a capitalised name up to its head word."""
    words = text[span[0] : head[1]].split()
    return bool(words) and all(w[:1].isupper() for w in words) and words[0] not in ("The", "A")


def _rest(text: str, span: Span, chosen: Mention) -> str | None:
    """The words around the speaker's name, as its description."""
    before = text[span[0] : chosen.start].strip(" ,")
    after = text[chosen.end : span[1]].strip(" ,")
    return _tidy_description(before or after)


def _may_be_person(attribution: Attribution) -> bool:
    """A person's entity, a capitalised name the model did not place ("Gambill"),
    or words for a person ("a senior official", "the defector")."""
    if attribution.entity is not None:
        return attribution.entity.startswith("person/")
    words = attribution.source.split()
    return all(w[:1].isupper() for w in words) or words[-1].lower() in ROLE_NOUNS


def _medium(
    text: str, span: Span | None, mentions: Sequence[Mention]
) -> tuple[str, str | None] | None:
    if span is None:
        return None
    inside = [m for m in mentions if span[0] <= m.start and m.end <= span[1]]
    if inside:
        return (inside[-1].name, inside[-1].entity)
    return (_tidy_name(text[span[0] : span[1]]), None)


def _tidy_name(words: str) -> str:
    words = " ".join(words.split())
    return re.sub(r"^(?:the|a|an)\s+", "", words, flags=re.IGNORECASE).removesuffix("'s")


def _tidy_description(words: str) -> str | None:
    """A description without a leading article ("policy expert"), except one that
    leads its source ("a spokesman for" Maersk), which reads as written."""
    words = " ".join(words.split()).strip(" ,")
    if not re.search(r"\b(?:for|of|at|from|with)$", words, flags=re.IGNORECASE):
        words = re.sub(r"^(?:the|a|an)(?:\s+|$)", "", words, flags=re.IGNORECASE)
    return words or None
