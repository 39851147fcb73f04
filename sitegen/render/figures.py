"""Render, build-time page pieces: entity card data and the mentions-by-month chart.

Both are made at build time so pages need no server and no JavaScript to show
them; the card script only reads the data embedded in the article page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from markupsafe import escape

from ..model import LABELS, MONTHS, Article, Entity
from .urls import relative_url

CHART_HEIGHT = 64
CHART_WIDTH = 560


def cards_json(article: Article, mentioned: Sequence[Entity], page: str) -> str:
    """What the hover card shows for each entity of ``article`` (whose page is ``page``,
    an article's), as JSON safe in <script>."""
    entities = relative_url("entities/", page)  # (an article page is not under it)
    cards = {
        id: {
            "name": name,
            "kind": LABELS[label][1],
            "description": description,
            "others": found - 1,  # the entity is mentioned in this article
            "href": f"{entities}{id}/",
        }
        for id, name, label, description, found in (e.card for e in mentioned)
    }
    text = json.dumps(cards, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def month_label(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1][:3]} {year}"


def month_chart(months: Sequence[tuple[str, int]], name: str) -> str:
    """A small bar chart of mentions per month as inline SVG ("" with no dated mention)."""
    if not months:
        return ""
    peak = max(count for _, count in months)
    step = CHART_WIDTH / len(months)
    bar = max(1.0, min(step * 0.8, 28.0))
    described = ", ".join(f"{month_label(m)}: {c}" for m, c in months if c)
    parts = [
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT + 20}" role="img" '
        f'aria-label="Mentions of {escape(name)} by month. {escape(described)}." '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<line x1="0" y1="{CHART_HEIGHT}" x2="{CHART_WIDTH}" y2="{CHART_HEIGHT}" '
        f'class="chart-axis"/>',
    ]
    for i, (month, count) in enumerate(months):
        height = round(CHART_HEIGHT * count / peak, 1)
        x = round(i * step + (step - bar) / 2, 1)
        parts.append(
            f'<rect x="{x}" y="{round(CHART_HEIGHT - height, 1)}" width="{round(bar, 1)}" '
            f'height="{height}" class="chart-bar"><title>{month_label(month)}: {count}</title>'
            "</rect>"
        )
    first, last = month_label(months[0][0]), month_label(months[-1][0])
    if len(months) == 1:
        parts.append(
            f'<text x="{CHART_WIDTH / 2}" y="{CHART_HEIGHT + 16}" text-anchor="middle" '
            f'class="chart-label">{first}</text>'
        )
    else:
        parts.append(f'<text x="0" y="{CHART_HEIGHT + 16}" class="chart-label">{first}</text>')
        parts.append(
            f'<text x="{CHART_WIDTH}" y="{CHART_HEIGHT + 16}" text-anchor="end" '
            f'class="chart-label">{last}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
