"""Render, notes: source notes and footnotes as numbered sidenotes.

Each note is a marker in the text (``role="doc-noteref"``) and the note itself
right after it (``role="doc-footnote"``): in the margin on wide screens, opened
in place by following the marker (``:target``) on narrow ones, and listed as
footnotes when printed. No JavaScript is involved. Markers and notes carry
``data-note`` so tools can tell them from the article's own text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token
from markupsafe import Markup, escape

from ..catalog import key
from ..model import Attribution

#: A description ending with one of these words leads the source it describes.
_LEADS = re.compile(r"\b(?:for|of|at|from|with)$", re.IGNORECASE)
KIND_LABELS = {"direct": "Quote", "indirect": "Reported", "according_to": "Source"}


def marker(number: int, anchor: str | None = None) -> str:
    """The numbered link to a note; ``anchor`` is its id (``noteref-N`` unless given)."""
    anchor = anchor or f"noteref-{number}"
    return (
        '<sup class="note-ref" data-note data-pagefind-ignore>'
        f'<a href="#note-{number}" id="{anchor}" '
        f'role="doc-noteref" aria-label="Note {number}">{number}</a></sup>'
    )


def sidenote(number: int, content: str) -> str:
    return (
        f'<span class="sidenote" id="note-{number}" role="doc-footnote" data-note '
        "data-pagefind-ignore>"
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
    described = _described(source, a.description)
    if a.kind == "according_to":
        sentence = Markup(f"According to {described}").rstrip(",")
    else:
        medium = ""
        if a.medium:
            name = escape(a.medium)
            if a.medium_entity:
                name = Markup(f'<a href="{escape(entity_url(a.medium_entity))}">{name}</a>')
            told = a.cue.lower() in ("told", "tell", "tells", "telling")
            medium = Markup(f" {name}" if told else f", according to {name}")
        if a.cue.lower().endswith("ing") and not described.endswith(","):
            described = Markup(f"{described},")  # "David Chen, adding"
        sentence = Markup(f"{described} {escape(a.cue)}{medium}")
    label = KIND_LABELS[a.kind]
    html: str = f'<span class="note-kind">{label}</span> {sentence}.'
    for title, url in links:
        if key(title) in {key(a.source), key(a.medium or "")}:
            html += (
                f' <a class="note-link" href="{escape(url)}" rel="external">{escape(title)} ↗</a>'
            )
    return html


def _described(source: Markup, description: str | None) -> Markup:
    """The source with its description: "Peter Cook, US Defense Department spokesman,";
    a description that ends in "for" or "of" leads ("A spokesman for Maersk")."""
    if not description:
        return source
    if _LEADS.search(description):
        return Markup(f"{escape(description[:1].upper() + description[1:])} {source}")
    return Markup(f"{source}, {escape(description)},")


def footnote_contents(
    tokens: Sequence[Token], renderer: Any, options: Any, env: Any
) -> dict[int, str]:
    """The HTML of each Markdown footnote's text, by the footnote plugin's id.

    The last footnote is rendered first, so a footnote that refers to a later
    one ("See also[^2]") finds that one's text ready in ``env["footnote_html"]``.
    Paragraphs are joined with spaces; other blocks (code, lists) keep their text.
    """
    parts: dict[int, list[Token]] = {}
    current: int | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = token.meta["id"]
            parts[current] = []
        elif token.type == "footnote_close":
            current = None
        elif current is not None and token.type in ("inline", "code_block", "fence"):
            parts[current].append(token)
    contents: dict[int, str] = env.setdefault("footnote_html", {})
    nested: dict[int, list[int]] = env.setdefault("footnote_nested", {})
    for footnote in sorted(parts, reverse=True):
        html = []
        env["inside_footnote"] = nested.setdefault(footnote, [])
        for token in parts[footnote]:
            if token.type == "inline":
                html.append(renderer.renderInline(token.children or [], options, env))
            else:
                html.append(f"<code>{escape(token.content.strip())}</code>")
        contents[footnote] = " ".join(html)
    env["inside_footnote"] = None
    return contents
