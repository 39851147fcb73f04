"""The data every pipeline stage passes on.

load -> Source -> parse -> Document -> enrich -> Article -> site -> Site -> render -> Page

All types are frozen: a stage never changes what an earlier stage made, so a
per-article result is a pure function of its inputs and site-wide pages are a
pure function of the set of articles (what incremental rebuilds rely on).
Per-article types are in ``article.py``, site-wide ones in ``site.py``, the
output's in ``output.py``; every stage imports them from here.
"""

from .article import (
    DEFAULT_LABELS,
    HIGHLIGHT_MODES,
    HIGHLIGHT_STYLES,
    LABELS,
    MAX_BLOCK_CHARS,
    MONTHS,
    Article,
    Attribution,
    Block,
    BlockNLP,
    Cue,
    Document,
    EntitySpan,
    Mention,
    Source,
    Span,
)
from .output import BuildReport, OutputFile, Page
from .site import Cited, Conflict, Entity, EntityArticle, EntityPage, Passage, Quoted, Related, Site

__all__ = [
    "DEFAULT_LABELS",
    "HIGHLIGHT_MODES",
    "HIGHLIGHT_STYLES",
    "LABELS",
    "MAX_BLOCK_CHARS",
    "MONTHS",
    "Article",
    "Attribution",
    "Block",
    "BlockNLP",
    "BuildReport",
    "Cited",
    "Conflict",
    "Cue",
    "Document",
    "Entity",
    "EntityArticle",
    "EntityPage",
    "EntitySpan",
    "Mention",
    "OutputFile",
    "Page",
    "Passage",
    "Quoted",
    "Related",
    "Site",
    "Source",
    "Span",
]
