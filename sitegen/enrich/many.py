"""Many documents annotated and enriched: a build's new articles.

Their blocks' NLP comes from the cached annotator. Past ENRICH_CHUNK articles
(with a cache to hold the results) every block is first annotated into the
cache in one stream (one pool of workers, one progress bar) and the articles
are then enriched a chunk at a time, so their NLP results are never all in
memory at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..catalog import Catalog
from ..errors import Problems
from ..model import Document
from ..nlp.bounded import annotatable, annotate_documents
from ..nlp.cached import CachedAnnotator
from ..stored import Enriched, Warnings
from .article import enrich
from .warnings import unattributed_warnings

#: Articles enriched at a time: their blocks' NLP results are all in memory at once.
ENRICH_CHUNK = 1000


def enrich_documents(
    documents: dict[bytes, tuple[Document, Warnings]],
    annotator: CachedAnnotator,
    catalog: Catalog,
    labels: Sequence[str],
    problems: Problems,
) -> dict[bytes, Enriched]:
    """Each of ``documents`` (by key, with its reading warnings) annotated and
    enriched, with its warnings and those of the quotes it leaves unattributed.
    The article's ``key`` is the document's: the file and the settings."""
    annotator.annotated = 0
    todo = list(documents.items())
    step = ENRICH_CHUNK if annotator.cache is not None else max(1, len(todo))
    if len(todo) > step:  # annotated into the cache in one stream, then read by chunks
        texts = (block.text for _, (document, _) in todo for block in document.blocks)
        annotator.fill(annotator.missing(annotatable(texts)))
    done = {}
    for at in range(0, len(todo), step):
        chunk = todo[at : at + step]
        results = annotate_documents([document for _, (document, _) in chunk], annotator)
        for (key, (document, warnings)), result in zip(chunk, results, strict=True):
            article = enrich(document, result, catalog, labels)
            article = dataclasses.replace(article, key=key.hex())
            quotes = unattributed_warnings(article)
            done[key] = (article, warnings + quotes)
            problems.warnings += quotes
    return done
