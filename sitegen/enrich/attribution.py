"""Enrich, attributions: link cues to quotations and name each source.

Per article, from the NLP stage's cues and the quotations in each block:

- a quotation right before or after a cue's frame ("“...,” said Kerry",
  "Kerry said, “...”"), or inside the clause it reports ("saying that ... were
  “doomed to failure”"), is a direct attribution;
- a quotation that opens in one paragraph and closes in a later one shares its
  cue; a quotation right after an attributed one ("“...,” she said. “...”")
  continues it;
- a cue with a reported clause and no quotation is indirect speech ("Tabler
  cautioned that ..."); "according to X" is its own kind;
- speakers are named by the entity their words mention ("US spokesman Peter
  Cook" -> Peter Cook, with the rest as description); pronouns ("he said")
  are the person most recently attributed or named.

Quotations left without a cue are reported back, never given a made-up source.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..model import Attribution, BlockNLP, Cue, Document, Mention, Span
from ..nlp.quotes import OPEN, Quote, find_quotes, inside_quote
from .speakers import Link, name_sources

_GAP_BEFORE = re.compile(r"^[\s,;:—–-]*$")
_GAP_AFTER = re.compile(r"^[\s,:—–-]*$")
_QUESTION = re.compile(r"(?:how|what|whether|why|when|where|who|whom|which)\b", re.I)
_TRAILING = re.compile(r"[.,;:!?”’)\]]*")
#: A quotation this short with no speaker is a scare quote ("rebel"), not a quotation.
MIN_QUOTE_WORDS = 4


def attribute(
    document: Document, results: Sequence[BlockNLP], mentions: Sequence[Mention]
) -> tuple[tuple[Attribution, ...], list[tuple[int, Quote]]]:
    """The article's attributions in reading order, and its unattributed quotations."""
    # Footnotes are the author's own notes: no source notes inside them.
    quotes = [[] if block.footnote else find_quotes(block.text) for block in document.blocks]
    results = [
        BlockNLP() if block.footnote else result
        for block, result in zip(document.blocks, results, strict=True)
    ]
    links, linked = _direct_links(document, results, quotes)
    links += _chain_links(document, quotes, links, linked)
    links += _indirect_links(document, results, quotes, links)
    links += _follow_on_links(document, quotes, links, linked)
    links = _according_to_quotes(results, links)
    links.sort(key=lambda link: (link.block, link.anchor, link.span))
    unattributed = [
        (b, q)
        for b, found in enumerate(quotes)
        for q in found
        if (b, q) not in linked
        and len(document.blocks[b].text[q.start : q.end].split()) >= MIN_QUOTE_WORDS
    ]
    outside = [m for m in mentions if not inside_quote(quotes[m.block], m.start, m.end)]
    return name_sources(document, links, mentions, outside), unattributed


def _direct_links(
    document: Document, results: Sequence[BlockNLP], quotes: list[list[Quote]]
) -> tuple[list[Link], set[tuple[int, Quote]]]:
    """Quotations next to a cue, or inside the clause a cue reports."""
    links: list[Link] = []
    linked: set[tuple[int, Quote]] = set()
    for b, (block, result) in enumerate(zip(document.blocks, results, strict=True)):
        text = block.text
        for cue in (c for c in result.cues if c.kind == "speech"):
            for quote in quotes[b]:
                if (b, quote) in linked:
                    continue
                # A cue that reports a clause of its own does not also own the
                # quotation before it ("“...” Despite that, the service says X").
                owns = cue.clause is None or _overlaps(cue.clause, quote.outer)
                before = (
                    owns
                    and quote.outer[1] <= cue.frame[0]
                    and _GAP_BEFORE.match(text[quote.outer[1] : cue.frame[0]])
                )
                # One quoted word right after a verb is its object ("predicting
                # “nasty” conditions"), not what was said.
                after = (
                    cue.frame[1] <= quote.outer[0]
                    and len(text[quote.start : quote.end].split()) > 1
                    and _GAP_AFTER.match(text[cue.frame[1] : quote.outer[0]])
                )
                if before or after:
                    anchor = cue.frame[1] if before else quote.outer[1]
                    links.append(
                        Link(
                            b,
                            cue,
                            b,
                            "direct",
                            _words(text, quote),
                            _after_punctuation(text, anchor),
                            quote,
                        )
                    )
                    linked.add((b, quote))
            link = _partial_quotes(b, text, cue, quotes[b], linked)
            if link is not None:
                links.append(link)
    return links, linked


def _partial_quotes(
    b: int, text: str, cue: Cue, quotes: list[Quote], linked: set[tuple[int, Quote]]
) -> Link | None:
    """A reported clause that quotes some words ("saying that X were “doomed to failure”")
    is one attribution of the whole clause: direct when it quotes more than a word."""
    if cue.clause is None:
        return None
    inside = [q for q in quotes if (b, q) not in linked and _overlaps((q.start, q.end), cue.clause)]
    if not inside:
        return None
    clause = _clause(text, (cue.clause[0], max(cue.clause[1], *(q.outer[1] for q in inside))))
    if clause is None:
        return None
    linked.update((b, q) for q in inside)
    quoted_words = max(len(text[q.start : q.end].split()) for q in inside)
    kind = "direct" if quoted_words > 1 else "indirect"
    anchor = max(clause[1], cue.frame[1], *(q.outer[1] for q in inside))
    return Link(b, cue, b, kind, clause, _after_punctuation(text, anchor))


def _chain_links(
    document: Document,
    quotes: list[list[Quote]],
    links: list[Link],
    linked: set[tuple[int, Quote]],
) -> list[Link]:
    """The other parts of multi-paragraph quotations whose cue is known."""
    added: list[Link] = []
    owners: dict[tuple[int, Quote | None], tuple[int, Link]] = {}
    for number, link in enumerate(links):
        owners.setdefault((link.block, link.quote), (number, link))
    for chain in _chains(document, quotes):
        found = [owners[part] for part in chain if part in owners]
        if not found:
            continue
        owner = min(found, key=lambda nl: nl[0])[1]  # as links lists them
        for b, quote in chain:
            if (b, quote) not in linked:
                text = document.blocks[b].text
                added.append(_continuing(owner, b, text, quote))
                linked.add((b, quote))
    return added


def _follow_on_links(
    document: Document,
    quotes: list[list[Quote]],
    links: list[Link],
    linked: set[tuple[int, Quote]],
) -> list[Link]:
    """Quotations with no cue of their own right after an attributed passage, with
    nothing but space between: in the same paragraph ("“...,” she said. “...”", "X
    also said he welcomed it. “...”") or opening the next one. In reading order, so a
    run of such quotations all continue the first speaker."""
    by_block: dict[int, list[Link]] = {}
    for link in sorted(links, key=lambda link: (link.block, link.anchor)):
        by_block.setdefault(link.block, []).append(link)
    added: list[Link] = []
    last: Link | None = None
    for b, found in enumerate(quotes):
        mine, i = by_block.get(b, []), 0
        for quote in found:
            while i < len(mine) and mine[i].anchor <= quote.outer[0]:
                last, i = mine[i], i + 1
            if (b, quote) in linked or last is None or not _adjacent(document, last, b, quote):
                continue
            last = _continuing(last, b, document.blocks[b].text, quote)
            added.append(last)
            linked.add((b, quote))
        if i < len(mine):
            last = mine[-1]
    return added


def _adjacent(document: Document, last: Link, b: int, quote: Quote) -> bool:
    """Only space between ``last``'s passage and ``quote``. After reported speech the
    passage must end a sentence ("X said he welcomed it. “...”", not "blamed them for
    “...”"). A quotation opening the next paragraph must hold more than one word and
    have no words after it but other quotations ("“...?” Vitter demanded": his own)."""
    text = document.blocks[b].text
    if last.block == b:
        gap = text[last.anchor : quote.outer[0]]
        ended = last.quote is not None or text[: last.anchor].rstrip()[-1:] in (".", "!", "?")
        return ended and not gap.strip()
    if last.block != b - 1 or len(text[quote.start : quote.end].split()) < 2:
        return False
    after = text[quote.outer[1] :].split(OPEN, 1)[0]
    if any(ch.isalnum() for ch in after):
        return False
    return not (document.blocks[last.block].text[last.anchor :] + text[: quote.outer[0]]).strip()


def _continuing(owner: Link, b: int, text: str, quote: Quote) -> Link:
    """A quotation spoken by the same source as ``owner``."""
    anchor = _after_punctuation(text, quote.outer[1])
    return Link(b, owner.cue, owner.cue_block, "direct", _words(text, quote), anchor, quote)


def _according_to_quotes(results: Sequence[BlockNLP], links: list[Link]) -> list[Link]:
    """“...,” he said, according to the Times: the Times is where it was said."""
    out = []
    for link in links:
        around = [
            c
            for c in results[link.block].cues
            if c.kind == "according_to"
            and c.clause is not None
            and c.speaker is not None
            and link.quote is not None
            and _overlaps(c.clause, link.quote.outer)
        ]
        out.append(dataclasses.replace(link, via=around[0].speaker) if around else link)
    return out


def _indirect_links(
    document: Document,
    results: Sequence[BlockNLP],
    quotes: list[list[Quote]],
    links: list[Link],
) -> list[Link]:
    used = {(link.cue_block, link.cue) for link in links}
    added = []
    for b, (block, result) in enumerate(zip(document.blocks, results, strict=True)):
        for cue in result.cues:
            if (b, cue) in used or cue.clause is None:
                continue
            clause = _clause(block.text, cue.clause)
            if not clause or any(_overlaps(q.outer, clause) for q in quotes[b]):
                continue
            if _QUESTION.match(block.text, clause[0]):  # "did not say how many..."
                continue
            kind = "according_to" if cue.kind == "according_to" else "indirect"
            anchor = max(clause[1], cue.frame[1])
            added.append(Link(b, cue, b, kind, clause, _after_punctuation(block.text, anchor)))
    return added


def _chains(document: Document, quotes: list[list[Quote]]) -> list[list[tuple[int, Quote]]]:
    """Quotations running across paragraphs, as lists of their parts.

    A part that does not close and is followed by a new opening mark (at the
    start of the next paragraph, or straight after it where paragraphs were run
    together) continues one quotation, as news style writes it.
    """
    chains: list[list[tuple[int, Quote]]] = []
    for b, found in enumerate(quotes):
        for quote in found:
            if chains and _continues(document, chains[-1][-1], (b, quote)):
                chains[-1].append((b, quote))
            else:
                chains.append([(b, quote)])
    return [chain for chain in chains if len(chain) > 1]


def _continues(document: Document, last: tuple[int, Quote], part: tuple[int, Quote]) -> bool:
    (b0, q0), (b1, q1) = last, part
    if q0.closed or not q1.opened:
        return False
    if b1 == b0:
        return not document.blocks[b1].text[q0.outer[1] : q1.outer[0]].strip()
    return b1 == b0 + 1 and not document.blocks[b1].text[: q1.outer[0]].strip()


def _words(text: str, quote: Quote) -> Span:
    """The quoted words, without a trailing comma or space before the closing mark."""
    end = quote.end
    while end > quote.start and text[end - 1] in ", ":
        end -= 1
    return (quote.start, end) if end > quote.start else (quote.start, quote.end)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _clause(text: str, span: Span) -> Span | None:
    start, end = span
    if match := re.match(r"that\s+", text[start:end], re.IGNORECASE):
        start += match.end()
    while end > start and text[end - 1] in " ,;:":
        end -= 1
    return (start, end) if end > start else None


def _after_punctuation(text: str, at: int) -> int:
    match = _TRAILING.match(text, at)
    return match.end() if match else at
