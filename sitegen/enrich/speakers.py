"""Enrich, attributions: naming the source of each attribution.

A speaker is named by the entity its words mention ("US Defense Department
spokesman Peter Cook" -> Peter Cook, the rest kept as description); a pronoun
("he said") is the person most recently attributed or named outside a
quotation; "told the Times" names where it was said.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Attribution, Cue, Document, Mention, Span
from ..nlp.quotes import Quote

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_ANY = frozenset({"they", "it"})
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
    for link in links:
        cue, cue_text = link.cue, document.blocks[link.cue_block].text
        named = _speaker(cue_text, cue.speaker, link.cue_block, mentions, unquoted, out)
        if named is None:
            continue
        source, entity, description = named
        if cue.medium is None and link.via is not None:
            medium = _medium(document.blocks[link.block].text, link.via, link.block, mentions)
        else:
            medium = _medium(cue_text, cue.medium, link.cue_block, mentions)
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
    return tuple(out)


def _speaker(
    text: str,
    span: Span | None,
    block: int,
    mentions: Sequence[Mention],
    unquoted: Sequence[Mention],
    earlier: Sequence[Attribution],
) -> tuple[str, str | None, str | None] | None:
    """(source, entity id, description) for a cue's speaker; None if it cannot be named."""
    if span is None:
        return None
    words = text[span[0] : span[1]].strip()
    if words.lower() in _PRONOUNS_PERSON | _PRONOUNS_ANY:
        return _antecedent(words.lower(), block, span[0], unquoted, earlier)
    inside = [m for m in mentions if m.block == block and span[0] <= m.start and m.end <= span[1]]
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
    mentions: Sequence[Mention],
    earlier: Sequence[Attribution],
) -> tuple[str, str | None, str | None] | None:
    """Who a pronoun means: the person (for they/it, the source) most recently
    attributed or named outside a quotation, whichever came last."""
    people = pronoun in _PRONOUNS_PERSON
    attributed = [a for a in earlier if not people or _may_be_person(a)]
    named = [
        m
        for m in mentions
        if (m.block, m.start) < (block, at)
        and m.label in (("PERSON",) if people else ("ORG", "NORP", "GPE"))
    ]
    last_attributed = attributed[-1] if attributed else None
    last_named = named[-1] if named else None
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
    text: str, span: Span | None, block: int, mentions: Sequence[Mention]
) -> tuple[str, str | None] | None:
    if span is None:
        return None
    inside = [m for m in mentions if m.block == block and span[0] <= m.start and m.end <= span[1]]
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
