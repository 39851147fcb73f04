"""The machine-readable annotations of one article (``annotations.json``).

The shape is documented in the README; ``schema`` changes when a field's
meaning does. ``sitegen annotate`` prints the same data for a single file.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ..model import Article

SCHEMA = "sitegen.annotations/1"


def article_annotations(article: Article) -> dict[str, Any]:
    """The article's entities and attributions as plain JSON data."""
    doc = article.document
    entities: dict[str, dict[str, Any]] = {}
    for mention in article.mentions:
        entry = entities.setdefault(
            mention.entity,
            {"id": mention.entity, "name": mention.name, "label": mention.label, "mentions": []},
        )
        entry["mentions"].append(
            {
                "text": mention.text,
                "block": mention.block,
                "start": mention.start,
                "end": mention.end,
            }
        )
    return {
        "schema": SCHEMA,
        "article": {
            "slug": doc.slug,
            "title": doc.title,
            "author": doc.author,
            "date": doc.date.isoformat() if doc.date else None,
            "source": doc.source,
        },
        "entities": list(entities.values()),
        "attributions": [
            {
                "id": a.id,
                "source": a.source,
                "entity": a.entity,
                "description": a.description,
                "cue": a.cue,
                "kind": a.kind,
                "text": a.text,
                "block": a.block,
                "start": a.start,
                "end": a.end,
                "medium": a.medium,
            }
            for a in article.attributions
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    """Stable, readable JSON: same data, same bytes. The bytes of ``json.dumps(data,
    ensure_ascii=False, indent=2)``, made ten times faster by msgspec (``json`` with
    an indent encodes in Python: a tenth of rendering a cold build's article pages)."""
    return msgspec.json.format(msgspec.json.encode(data), indent=2).decode() + "\n"


def to_text(data: dict[str, Any]) -> str:
    """A reading of the annotations for people: each entity with its mentions."""
    article = data["article"]
    byline = ", ".join(x for x in (article["author"], article["date"]) if x)
    lines = [f"{article['title']}" + (f" ({byline})" if byline else ""), ""]
    for entity in data["entities"]:
        count = len(entity["mentions"])
        lines.append(
            f"{entity['label']:<7} {entity['name']}  [{entity['id']}]  "
            f"{count} mention{'s' if count != 1 else ''}"
        )
        for m in entity["mentions"]:
            lines.append(f"          block {m['block']} [{m['start']}:{m['end']}] {m['text']!r}")
    if not data["entities"]:
        lines.append("no entities found")
    lines.append("")
    for a in data["attributions"]:
        who = a["source"] + (f", {a['description']}," if a["description"] else "")
        medium = f" {a['medium']}" if a["medium"] else ""
        lines.append(f"[{a['id']}] {a['kind']:<12} {who} {a['cue']}{medium}: {a['text']!r}")
    if not data["attributions"]:
        lines.append("no attributions found")
    return "\n".join(lines) + "\n"
