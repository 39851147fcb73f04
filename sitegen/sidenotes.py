"""Render, notes: source notes and footnotes as numbered sidenotes.

Each note is a marker in the text (``role="doc-noteref"``) and the note itself
right after it (``role="doc-footnote"``): in the margin on wide screens, opened
in place by following the marker (``:target``) on narrow ones, and listed as
footnotes when printed. No JavaScript is involved. Markers and notes carry
``data-note`` so tools can tell them from the article's own text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup, escape

from .catalog import key
from .model import Attribution

KIND_LABELS = {"direct": "Quote", "indirect": "Reported", "according_to": "Source"}


def marker(number: int) -> str:
    return (
        f'<sup class="note-ref" data-note><a href="#note-{number}" id="noteref-{number}" '
        f'role="doc-noteref" aria-label="Note {number}">{number}</a></sup>'
    )


def sidenote(number: int, content: str) -> str:
    return (
        f'<span class="sidenote" id="note-{number}" role="doc-footnote" data-note>'
        f'<span class="note-number">{number}</span> {content} '
        f'<a class="note-back" href="#noteref-{number}" aria-label="Back to the text">↩</a>'
        "</span>"
    )


def attribution_note(
    attribution: Attribution,
    entity_url: Any,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """What a source note says: kind, source (linked), description, cue, medium, link."""
    a = attribution
    source = escape(a.source)
    if a.entity:
        source = Markup(f'<a href="{escape(entity_url(a.entity))}">{source}</a>')
    described = Markup(f"{source}, {escape(a.description)},") if a.description else source
    if a.kind == "according_to":
        sentence = Markup(f"According to {described}").rstrip(",")
    else:
        medium = ""
        if a.medium:
            name = escape(a.medium)
            if a.medium_entity:
                name = Markup(f'<a href="{escape(entity_url(a.medium_entity))}">{name}</a>')
            medium = Markup(f" {name}")
        sentence = Markup(f"{described} {escape(a.cue)}{medium}")
    label = KIND_LABELS[a.kind]
    html: str = f'<span class="note-kind">{label}</span> {sentence}.'
    for title, url in links:
        if key(title) in {key(a.source), key(a.medium or "")}:
            html += (
                f' <a class="note-link" href="{escape(url)}" rel="external">{escape(title)} ↗</a>'
            )
    return html


def footnote_contents(
    tokens: Sequence[Token], renderer: Any, options: Any, env: Any
) -> dict[int, str]:
    """The HTML of each Markdown footnote's text, by the footnote plugin's id."""
    contents: dict[int, list[str]] = {}
    current: int | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta["id"]
            contents[current] = []
        elif token.type == "footnote_close":
            current = None
        elif token.type == "inline" and current is not None:
            contents[current].append(renderer.renderInline(token.children or [], options, env))
    return {k: " ".join(v) for k, v in contents.items()}


def note_numbers(attributions: Sequence[Attribution], footnotes: Mapping[int, int]) -> list[int]:
    return sorted([a.id for a in attributions] + list(footnotes.values()))
