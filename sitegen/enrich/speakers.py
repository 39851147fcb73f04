"""Enrich, attributions: naming the source of each attribution.

A speaker is named by the entity its words mention ("US Defense Department
spokesman Peter Cook" -> Peter Cook, the rest kept as description); a pronoun
("he said") is the person most recently attributed or named outside a
quotation; "told the Times" names where it was said.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Attribution, Cue, Document, Mention, Span
from ..nlp.quotes import Quote

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_ANY = frozenset({"they", "it"})
#: Who a pronoun can mean: "he", "she" a person; "they", "it" a group or a place.
_PEOPLE, _GROUPS = ("PERSON",), ("ORG", "NORP", "GPE")
#: Head nouns of unnamed speakers who are people.
_PERSON_NOUNS = frozenset(
    """man woman boy girl defector official spokesman spokeswoman spokesperson minister
    president premier leader expert analyst witness worker doctor lawyer director chief
    officer commander secretary agent chairman chairwoman researcher scientist professor
    resident farmer driver student teacher survivor victim father mother son daughter wife
    husband friend neighbour neighbor diplomat envoy ambassador senator mp mayor judge
    coach captain player manager owner executive""".split()
)


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
    out: list[Attribution] = []
    found = _Mentions(mentions, unquoted)
    last: dict[bool, Attribution] = {}  # the last attribution; the last to a person
    for link in links:
        cue, cue_text = link.cue, document.blocks[link.cue_block].text
        named = _speaker(cue_text, cue.speaker, link.cue_block, found, last)
        if named is None:
            continue
        source, entity, description = named
        if cue.medium is None and link.via is not None:
            medium = _medium(document.blocks[link.block].text, link.via, link.block, found)
        else:
            medium = _medium(cue_text, cue.medium, link.cue_block, found)
        block = document.blocks[link.block]
        out.append(
            Attribution(
                id=len(out) + 1,
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
        )
        last[False] = out[-1]
        if _may_be_person(out[-1]):
            last[True] = out[-1]
    return tuple(out)


class _Mentions:
    """An article's mentions by block, and those outside quotations by position, so
    naming each source looks at its own block, not at the whole article."""

    def __init__(self, mentions: Sequence[Mention], unquoted: Sequence[Mention]) -> None:
        self.by_block: dict[int, list[Mention]] = {}
        for mention in mentions:
            self.by_block.setdefault(mention.block, []).append(mention)
        ordered = sorted(unquoted, key=lambda m: (m.block, m.start))
        self.named = {
            people: [m for m in ordered if m.label in (_PEOPLE if people else _GROUPS)]
            for people in (True, False)
        }
        self.keys = {k: [(m.block, m.start) for m in ms] for k, ms in self.named.items()}

    def inside(self, block: int, span: Span) -> list[Mention]:
        found = self.by_block.get(block, [])
        return [m for m in found if span[0] <= m.start and m.end <= span[1]]

    def last_before(self, people: bool, block: int, at: int) -> Mention | None:
        """The last person (or organisation, group, place) named before ``at``."""
        i = bisect_left(self.keys[people], (block, at))
        return self.named[people][i - 1] if i else None


def _speaker(
    text: str,
    span: Span | None,
    block: int,
    mentions: _Mentions,
    last: dict[bool, Attribution],
) -> tuple[str, str | None, str | None] | None:
    """(source, entity id, description) for a cue's speaker; None if it cannot be named."""
    if span is None:
        return None
    words = text[span[0] : span[1]].strip()
    if words.lower() in _PRONOUNS_PERSON | _PRONOUNS_ANY:
        return _antecedent(words.lower(), block, span[0], mentions, last)
    inside = mentions.inside(block, span)
    person = [m for m in inside if m.label == "PERSON"]
    head = [m for m in inside if m.end == span[1] or text[m.end : span[1]].strip() in ("", "'s")]
    chosen = person[-1] if person else (head[-1] if head else None)
    if chosen is None:
        return (_tidy_name(words), None, None)
    before = text[span[0] : chosen.start].strip(" ,")
    after = text[chosen.end : span[1]].strip(" ,")
    description = _tidy_description(before or after)
    return (chosen.name, chosen.entity, description)


def _antecedent(
    pronoun: str,
    block: int,
    at: int,
    mentions: _Mentions,
    last: dict[bool, Attribution],
) -> tuple[str, str | None, str | None] | None:
    """Who a pronoun means: the person (for they/it, the source) most recently
    attributed or named outside a quotation, whichever came last."""
    people = pronoun in _PRONOUNS_PERSON
    last_attributed = last.get(people)
    last_named = mentions.last_before(people, block, at)
    if last_named is not None and (
        last_attributed is None
        or (last_named.block, last_named.start) > (last_attributed.block, last_attributed.note_at)
    ):
        return (last_named.name, last_named.entity, None)
    if last_attributed is not None:
        return (last_attributed.source, last_attributed.entity, None)
    return None


def _may_be_person(attribution: Attribution) -> bool:
    """A person's entity, a capitalised name the model did not place ("Gambill"),
    or words for a person ("a senior official", "the defector")."""
    if attribution.entity is not None:
        return attribution.entity.startswith("person/")
    words = attribution.source.split()
    return all(w[:1].isupper() for w in words) or words[-1].lower() in _PERSON_NOUNS


def _medium(
    text: str, span: Span | None, block: int, mentions: _Mentions
) -> tuple[str, str | None] | None:
    if span is None:
        return None
    inside = mentions.inside(block, span)
    if inside:
        return (inside[-1].name, inside[-1].entity)
    return (_tidy_name(text[span[0] : span[1]]), None)


def _tidy_name(words: str) -> str:
    words = " ".join(words.split())
    return re.sub(r"^(?:the|a|an)\s+", "", words, flags=re.IGNORECASE).removesuffix("'s")


def _tidy_description(words: str) -> str | None:
    words = " ".join(words.split())
    words = re.sub(r"^(?:the|a|an)(?:\s+|$)", "", words, flags=re.IGNORECASE)
    return words or None
