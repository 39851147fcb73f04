"""Render, part one: an article body to HTML with markdown-it's renderer.

Entity tokens placed by the enrich stage become links to entity pages. How
strongly they show is a setting: ``all`` mentions strongly, only the ``first``
of each entity strongly and later ones lightly, or ``none`` (no links at all;
the annotations stay in ``annotations.json`` and on entity pages).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Any

from markdown_it.token import Token
from markupsafe import escape

from .model import LABELS, Mention
from .parse import markdown

HIGHLIGHT_MODES = ("first", "all", "none")


def relative_url(target: str, page: str) -> str:
    """The link from output file ``page`` to site path ``target`` ("" is the home page)."""
    rel = posixpath.relpath(target or ".", posixpath.dirname(page) or ".")
    if target == "" or target.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return rel


def render_body(
    tokens: Sequence[Token],
    page: str,
    mentions: Sequence[Mention] = (),
    highlight: str = "first",
) -> str:
    """An article body as HTML; entity links point to their pages from ``page``."""
    firsts: dict[str, int] = {}
    for index, mention in enumerate(mentions):
        firsts.setdefault(mention.entity, index)
    env = {
        "page": page,
        "mentions": mentions,
        "strong": set(firsts.values()) if highlight == "first" else None,
        "highlight": highlight,
    }
    html: str = markdown().renderer.render(list(tokens), markdown().options, env)
    return html


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


markdown().add_render_rule("entity_open", _entity_open)
markdown().add_render_rule("entity_close", _entity_close)
