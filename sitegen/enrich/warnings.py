"""What an article or the site as a whole warns about: quotations no cue
attributes, and names that could be more than one entity."""

from __future__ import annotations

from ..errors import Problems, SitegenError
from ..model import Article, Conflict, Site


def warn_about(site: Site, problems: Problems) -> None:
    """What the site as a whole should warn about: ambiguous names."""
    for conflict in site.conflicts:
        problems.warn(conflict_message(conflict), conflict.sources[0] if conflict.sources else None)


def unattributed_warnings(article: Article) -> tuple[SitegenError, ...]:
    """Quotations no cue attributes, one warning each (kept with the article)."""
    warnings = []
    for block, start, end in article.unattributed:
        text = article.document.blocks[block]
        words = " ".join(text.text[start:end].split()[:8])
        warnings.append(
            SitegenError(
                f"quotation without a source: “{words}…”", article.document.source, text.line
            )
        )
    return tuple(warnings)


def conflict_message(conflict: Conflict) -> str:
    candidates = " or ".join(f"'{c}'" for c in conflict.candidates)
    return (
        f"'{conflict.name}' could be {candidates}; it is kept apart "
        f"(add it to an entity's aliases in entities.toml to decide)"
    )
