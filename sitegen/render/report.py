"""What ``sitegen entities`` prints: each entity as a row, for people curating entities.toml."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Entity
from ..site.entity_page import aliases


def entity_row(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "label": entity.label,
        "aliases": list(aliases(entity)),
        "articles": len(entity.articles),
        "mentions": entity.mention_count,
        "description": entity.description,
        "url": entity.url,
    }


def format_entities(rows: Sequence[dict[str, Any]]) -> str:
    """A plain table: kind, name, counts and the names seen, one entity a line."""
    if not rows:
        return "no entities found"
    width = max(len(r["name"]) for r in rows)
    lines = [f"{'TYPE':<7} {'NAME':<{width}} {'ARTICLES':>8} {'MENTIONS':>8}  WRITTEN AS"]
    for r in rows:
        seen = ", ".join(r["aliases"])
        lines.append(
            f"{r['label']:<7} {r['name']:<{width}} {r['articles']:>8} {r['mentions']:>8}  {seen}"
        )
    return "\n".join(lines)
