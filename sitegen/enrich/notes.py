"""Enrich, notes: source-note markers placed in the text, and every note numbered.

Source notes and the author's Markdown footnotes are one system: each gets a
``note_ref``/``footnote_ref`` token where its marker goes, and all of them are
numbered together in reading order. An attribution's ``id`` is its number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from markdown_it.token import Token

from ..model import Attribution, Block
from .inline import insert_at


def place_notes(
    tokens: list[Token], blocks: Sequence[Block], attributions: Sequence[Attribution]
) -> tuple[list[Token], tuple[Attribution, ...], dict[int, int]]:
    """Insert note markers; return the tokens, renumbered attributions and footnote numbers."""
    return _number(insert_notes(tokens, blocks, attributions), attributions)


def insert_notes(
    tokens: list[Token], blocks: Sequence[Block], attributions: Sequence[Attribution]
) -> list[Token]:
    """``tokens`` with a marker for each attribution, which names it by its ``id``."""
    tokens = list(tokens)
    by_block: dict[int, list[Attribution]] = {}
    for attribution in attributions:
        by_block.setdefault(attribution.block, []).append(attribution)
    for block in blocks:
        mine = sorted(by_block.get(block.index, ()), key=lambda a: (-a.note_at, -a.id))
        if not mine:
            continue
        children = list(tokens[block.token_index].children or [])
        for attribution in mine:  # right to left, so offsets stay true
            marker = Token("note_ref", "", 0, meta={"attribution": attribution.id})
            children = insert_at(children, attribution.note_at, marker)
        tokens[block.token_index] = tokens[block.token_index].copy(children=children)
    return tokens


def _number(
    tokens: list[Token], attributions: Sequence[Attribution]
) -> tuple[list[Token], tuple[Attribution, ...], dict[int, int]]:
    by_id = {a.id: a for a in attributions}
    renumbered: list[Attribution] = []
    footnotes: dict[int, int] = {}
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        children = []
        for child in token.children:
            if child.type == "note_ref":
                number = len(renumbered) + len(footnotes) + 1
                renumbered.append(dataclasses.replace(by_id[child.meta["attribution"]], id=number))
                child = child.copy(meta={"attribution": number})
            elif child.type == "footnote_ref" and child.meta["id"] not in footnotes:
                footnotes[child.meta["id"]] = len(renumbered) + len(footnotes) + 1
            children.append(child)
        if children != token.children:
            tokens[i] = token.copy(children=children)
    return tokens, tuple(renumbered), footnotes
