"""Many documents annotated and enriched: a build's new articles.

Their blocks' NLP comes from the cached annotator, one stream for all of them
(one pool of workers, one progress bar). Each article is enriched as soon as
its blocks' results are known, here, while the workers annotate the next
blocks: a cold build's enrichment then overlaps its annotation, and only the
results of the articles still waiting for a block are in memory at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence

from ..catalog import Catalog
from ..errors import Problems
from ..model import Document
from ..nlp.bounded import each_document
from ..nlp.cached import CachedAnnotator
from ..stored import Enriched, Warnings
from .article import enrich
from .warnings import unattributed_warnings


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
    done, quotes = {}, {}
    # (closed when enrichment fails, which stops the workers still annotating)
    with contextlib.closing(each_document([d for _, (d, _) in todo], annotator)) as each:
        for index, results in each:
            key, (document, warnings) = todo[index]
            article = enrich(document, results, catalog, labels)
            article = dataclasses.replace(article, key=key.hex())
            quotes[key] = unattributed_warnings(article)
            done[key] = (article, warnings + quotes[key])
    for key, _ in todo:  # in the order of the files, whatever order they were done in
        problems.warnings += quotes[key]
    return done
