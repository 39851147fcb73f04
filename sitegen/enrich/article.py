"""Enrich: Document + per-block NLP results -> Article.

Mentions become ``entity_open``/``entity_close`` tokens placed in a copy of the
block's inline tokens. Placement never adds or removes visible text: text
tokens are split at mention edges, and a mention that crosses inline markup
(``*New York* Times``) is wrapped in as few well-nested pieces as it takes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Collection, Sequence
from types import MappingProxyType

from markdown_it.token import Token

from ..catalog import EMPTY_CATALOG, Catalog
from ..model import (
    DEFAULT_LABELS,
    Article,
    Attribution,
    Block,
    BlockNLP,
    Document,
    EntitySpan,
    Mention,
)
from ..source.parse import body_tokens
from .attribution import attribute
from .inline import split_at, width
from .names import entity_id, normalise, resolve_names
from .notes import insert_notes, place_notes

SUMMARY_CHARS = 300


def enrich(
    document: Document,
    results: Sequence[BlockNLP],
    catalog: Catalog = EMPTY_CATALOG,
    labels: Collection[str] = DEFAULT_LABELS,
) -> Article:
    """An article's annotations from its document and its blocks' NLP results.

    A pure function of its arguments: names are resolved within the article
    here, and across articles by the site stage.
    """
    mentions = _mentions(document, results, catalog, frozenset(labels))
    attributions, unattributed = attribute(document, results, mentions)
    numbered, footnotes = number_notes(body_tokens(document), document, mentions, attributions)
    return Article(
        document,
        tuple(mentions),
        _summary(document),
        numbered,
        MappingProxyType(footnotes),
        tuple((b, q.start, q.end) for b, q in unattributed),
        key=document.digest,
    )


def number_notes(
    tokens: list[Token],
    document: Document,
    mentions: Sequence[Mention],
    attributions: Sequence[Attribution],
) -> tuple[tuple[Attribution, ...], dict[int, int]]:
    """The attributions numbered with the footnotes in the reading order of the
    markers the render stage places (``place_annotations``), and the footnote numbers.

    A marker inside an entity link goes after it, which changes that order only when
    it passes a footnote reference inside the name (``New[^1] York``): the links are
    placed first only in the blocks with notes and footnote references both, not in
    every block (which took a fifth of enrichment)."""
    noted = {attribution.block for attribution in attributions}
    both = {
        block.index
        for block in document.blocks
        if block.index in noted
        and any(t.type == "footnote_ref" for t in tokens[block.token_index].children or ())
    }
    linked = link_mentions(tokens, document, [m for m in mentions if m.block in both])
    _, numbered, footnotes = place_notes(linked, document.blocks, attributions)
    return numbered, footnotes


def place_annotations(
    tokens: list[Token],
    document: Document,
    mentions: Sequence[Mention],
    attributions: Sequence[Attribution],
) -> list[Token]:
    """The document's tokens with entity links and note markers placed (the render
    stage's work; the attributions are numbered already, by ``number_notes``)."""
    return insert_notes(link_mentions(tokens, document, mentions), document.blocks, attributions)


def link_mentions(
    tokens: list[Token], document: Document, mentions: Sequence[Mention]
) -> list[Token]:
    """The document's tokens with an entity link around each of ``mentions``."""
    tokens = list(tokens)
    by_block: dict[int, list[tuple[int, Mention]]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        by_block[mention.block].append((index, mention))
    for block in document.blocks:
        if block.index in by_block:
            inline = tokens[block.token_index]
            tokens[block.token_index] = inline.copy(
                children=place_mentions(inline.children or [], by_block[block.index])
            )
    return tokens


def block_entities(
    block: Block, result: BlockNLP, catalog: Catalog, labels: Collection[str]
) -> list[EntitySpan]:
    """The block's entities: curated names where written, then the model's entities
    of the wanted labels that do not overlap them; only in prose, no overlaps."""
    curated = [EntitySpan(s, e, label) for s, e, label in catalog.find(block.text)]
    found = list(curated)
    for span in result.entities:
        overlaps = any(c.start < span.end and span.start < c.end for c in curated)
        if span.label in labels and not overlaps:
            found.append(span)
    return _prose_entities(block, found)


def _mentions(
    document: Document, results: Sequence[BlockNLP], catalog: Catalog, labels: Collection[str]
) -> list[Mention]:
    """Every entity mention in the prose, named by its canonical entity."""
    found = [
        (block, span, result)
        for block, result in zip(document.blocks, results, strict=True)
        for span in block_entities(block, result, catalog, labels)
    ]
    names = resolve_names(
        ((s.label, normalise(b.text[s.start : s.end])) for b, s, _ in found), catalog
    )
    mentions = []
    for block, span, result in found:
        entity = names[(span.label, normalise(block.text[span.start : span.end]))]
        if entity is None:
            continue
        label, name = entity
        mentions.append(
            Mention(
                entity=entity_id(label, name),
                name=name,
                label=label,
                text=block.text[span.start : span.end],
                block=block.index,
                start=span.start,
                end=span.end,
                line=block.line,
                sentence=_sentence_at(result.sentences, span.start, len(block.text)),
            )
        )
    return mentions


def _prose_entities(block: Block, entities: Sequence[EntitySpan]) -> list[EntitySpan]:
    """Entities wholly inside one prose range, without overlaps, in text order."""
    kept: list[EntitySpan] = []
    for span in sorted(entities, key=lambda e: (e.start, -e.end)):
        inside = any(a <= span.start and span.end <= b for a, b in block.prose)
        if inside and span.start < span.end and (not kept or kept[-1].end <= span.start):
            kept.append(span)
    return kept


def _sentence_at(sentences: Sequence[tuple[int, int]], at: int, length: int) -> tuple[int, int]:
    """The sentence holding offset ``at`` (sentences are in text order)."""
    i = bisect_right(sentences, (at, length + 1)) - 1
    if i >= 0 and sentences[i][0] <= at < sentences[i][1]:
        return sentences[i]
    return (0, length)


def _summary(document: Document) -> str:
    if document.summary:
        return document.summary.strip()
    if not document.blocks:
        return ""
    text = normalise(document.blocks[0].text)
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text.rfind(" ", 0, SUMMARY_CHARS)
    return text[: cut if cut > 0 else SUMMARY_CHARS].rstrip(",;:—– ") + "…"


def place_mentions(
    children: Sequence[Token], mentions: Sequence[tuple[int, Mention]]
) -> list[Token]:
    """A copy of ``children`` with each (index, mention) wrapped in entity tokens.

    The tokens carry the mention's index in ``Article.mentions``.
    """
    edges = sorted({m.start for _, m in mentions} | {m.end for _, m in mentions})
    pieces, spans = split_at(children, edges)
    starts, ends = [a for a, _ in spans], [b for _, b in spans]
    runs = []
    for number, mention in mentions:
        # Zero-width tokens at the edges join the link only if they open or close markup.
        first = bisect_left(starts, mention.start)
        while spans[first][1] == spans[first][0] and pieces[first].nesting != 1:
            first += 1
        last = bisect_right(ends, mention.end) - 1
        while spans[last][1] == spans[last][0] and pieces[last].nesting != -1:
            last -= 1
        runs.append((first, last, number))
    # From the end, so that wrapping one run leaves the indices of the runs before it.
    for first, last, number in sorted(runs, reverse=True):
        pieces[first : last + 1] = _wrap(pieces[first : last + 1], number)
    return pieces


def _wrap(run: Sequence[Token], number: int) -> list[Token]:
    """Wrap a run of tokens in entity links, splitting where nesting would break.

    A token whose partner lies outside the run (an ``em_close`` whose ``em_open``
    came before the mention) cannot be inside the link: the link is cut there.
    """
    outside = set()
    stack: list[int] = []
    for i, token in enumerate(run):
        if token.nesting == 1:
            stack.append(i)
        elif token.nesting == -1 and stack:
            stack.pop()
        elif token.nesting == -1:
            outside.add(i)
    outside.update(stack)
    groups: list[list[Token]] = [[]]
    for i, token in enumerate(run):
        if i in outside:
            groups += [[token], []]
        else:
            groups[-1].append(token)
    # Tokens outside the nesting have no width, so their groups stay unlinked.
    linked = [any(width(t) for t in group) for group in groups]
    parts = sum(linked)
    out: list[Token] = []
    part = 0
    for group, link in zip(groups, linked, strict=True):
        if not link:
            out.extend(group)
            continue
        meta = {"index": number, "part": part, "parts": parts}
        out.append(Token("entity_open", "a", 1, meta=meta))
        out.extend(group)
        out.append(Token("entity_close", "a", -1, meta=meta))
        part += 1
    return out
