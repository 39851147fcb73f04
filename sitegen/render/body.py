"""Render, part one: an article body to HTML with markdown-it's renderer.

Entity tokens placed by the enrich stage become links to entity pages. How
strongly they show is a setting: ``all`` mentions strongly, only the ``first``
of each entity strongly and later ones lightly, or ``none`` (no links at all;
the annotations stay in ``annotations.json`` and on entity pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape

from ..enrich.article import place_annotations
from ..enrich.notes import place_notes
from ..model import LABELS, Article, Document, Mention
from ..source.parse import body_tokens, new_markdown
from .sidenotes import attribution_note, footnote_contents, marker, sidenote
from .toc import heading_anchors
from .urls import relative_url

_NO_DOCUMENT = Document("", "", "", None, None, (), None, False, {}, "", ())


def render_body(
    tokens: Sequence[Token],
    page: str,
    mentions: Sequence[Mention] = (),
    highlight: str = "first",
    notes: dict[int, str] | None = None,
) -> str:
    """An article body as HTML; entity links point to their pages from ``page``.

    ``notes`` (number -> HTML) receives every note rendered, for the print list.
    """
    numbered, _, footnotes = place_notes(list(tokens), (), ())
    article = Article(_NO_DOCUMENT, tuple(mentions), "", (), footnotes)
    return _render(numbered, article, page, highlight, notes)


def render_article(
    article: Article,
    page: str,
    highlight: str = "first",
    notes: dict[int, str] | None = None,
    headings: list[tuple[int, str]] | None = None,
) -> str:
    """The body of ``article`` as HTML, with highlights and notes.

    ``headings`` receives the level and text of each heading (for a table of contents).
    """
    doc = article.document
    tokens = place_annotations(body_tokens(doc), doc, article.mentions, article.attributions)
    if headings is not None:
        headings += article_headings(tokens)
    return _render(tokens, article, page, highlight, notes)


def _render(
    tokens: list[Token],
    article: Article,
    page: str,
    highlight: str,
    notes: dict[int, str] | None,
) -> str:
    firsts: dict[str, int] = {}
    for index, mention in enumerate(article.mentions):
        firsts.setdefault(mention.entity, index)
    end = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    anchors = heading_anchors(text for _, text in article_headings(tokens))
    md = _renderer()
    env: dict[str, Any] = {
        "page": page,
        "mentions": article.mentions,
        "strong": set(firsts.values()) if highlight == "first" else None,
        "highlight": highlight,
        "attributions": {a.id: a for a in article.attributions},
        "footnote_numbers": article.footnotes,
        "links": article.document.sources,
        "notes": notes if notes is not None else {},
        "heading_ids": iter(anchors),
    }
    # Footnotes are shown as notes beside their reference, not as a list at the end.
    footnote_contents(tokens[end:], md.renderer, md.options, env)
    html: str = md.renderer.render(tokens[:end], md.options, env)
    return html


def article_headings(tokens: Sequence[Token]) -> list[tuple[int, str]]:
    """The level and plain text of each heading of a body (footnotes have none)."""
    out = []
    for i, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            break
        if token.type == "heading_open":
            children = tokens[i + 1].children or []
            text = "".join(
                " " if c.type in ("softbreak", "hardbreak") else c.content
                for c in children
                if c.type in ("text", "code_inline", "softbreak", "hardbreak")
            )
            out.append((int(token.tag[1:]), text))
    return out


def _heading_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A heading with its id, which the table of contents links to (see ``toc.py``)."""
    token = tokens[idx]
    anchor = next(env["heading_ids"], None) if "heading_ids" in env else None
    id_attr = f' id="{escape(anchor)}"' if anchor else ""
    return f"<{token.tag}{self.renderAttrs(token)}{id_attr}>"


def _entity_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    if env.get("highlight", "none") == "none":
        return ""
    meta = tokens[idx].meta
    mention = env["mentions"][meta["index"]]
    kind, singular, _ = LABELS[mention.label]
    strong = env["strong"] is None or meta["index"] in env["strong"]
    classes = f"ent ent-{kind} {'ent-strong' if strong else 'ent-light'}"
    if meta["part"]:
        classes += " ent-cont"
    href = relative_url(f"entities/{mention.entity}/", env["page"])
    return (
        f'<a class="{classes}" href="{escape(href)}" data-entity="{escape(mention.entity)}" '
        f'title="{escape(singular)}: {escape(mention.name)}">'
    )


def _entity_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "" if env.get("highlight", "none") == "none" else "</a>"


def _note_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    number = tokens[idx].meta["attribution"]
    attribution = env["attributions"][number]

    def entity_url(entity: str) -> str:
        return relative_url(f"entities/{entity}/", env["page"])

    content = attribution_note(attribution, entity_url, env["links"])
    env["notes"][number] = content
    return marker(number) + sidenote(number, content)


def _footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    number = env["footnote_numbers"][meta["id"]]
    if env.get("inside_footnote") is not None:  # "See also[^2]" inside a footnote
        env["inside_footnote"].append(meta["id"])
        return marker(number, f"noteref-{number}-in")
    if meta.get("subId", 0) > 0:  # the same footnote again: a marker for the one note
        return marker(number, f"noteref-{number}-{meta['subId']}")
    return marker(number) + _footnote_notes(meta["id"], env)


def _footnote_notes(footnote: int, env: Any) -> str:
    """The footnote's note, then those of the footnotes it refers to, each once."""
    number = env["footnote_numbers"][footnote]
    if number in env["notes"]:
        return ""
    content = env["footnote_html"].get(footnote, "")
    env["notes"][number] = content
    nested = env["footnote_nested"].get(footnote, [])
    return sidenote(number, content) + "".join(_footnote_notes(n, env) for n in nested)


def annotation_rules(md: MarkdownIt) -> None:
    """A markdown-it plugin: how headings (with ids), entity links, source notes and
    footnotes render."""
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("entity_open", _entity_open)
    md.add_render_rule("entity_close", _entity_close)
    md.add_render_rule("note_ref", _note_ref)
    md.add_render_rule("footnote_ref", _footnote_ref)


@cache
def _renderer() -> MarkdownIt:
    return new_markdown().use(annotation_rules)
