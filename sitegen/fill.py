"""``sitegen cache fill``: annotate every prose block the cache lacks, and nothing else.

content/*.md --load--> Source --parse--> Document --annotate--> BlockNLP (cache)

The first three stages of a build, for every article (drafts and future ones
too), so a later build of any kind finds every block annotated. Files are read
one at a time and only the texts the cache lacks are kept, so a nightly fill of
a large archive holds little more than what is new; the annotation runs where
the pipeline says (this machine's cores or a Dask cluster).
"""

from __future__ import annotations

from typing import NamedTuple

from .errors import Problems
from .nlp.bounded import annotatable
from .pipeline import Pipeline
from .source.parse import parse_file


class Filled(NamedTuple):
    """What a fill did."""

    articles: int
    blocks: int
    """Prose blocks in them."""
    annotated: int
    """Blocks annotated (the others were in the cache already, or repeat one annotated)."""


def fill(pipeline: Pipeline) -> Filled:
    """Annotate into ``pipeline``'s cache every block of its site that the cache
    lacks. Bad input fails, every problem reported, before any block is annotated."""
    pipeline.refresh()
    pipeline.annotators.reach()
    problems = Problems()
    articles = blocks = 0
    missing: dict[bytes, str] = {}
    for file in pipeline.reader.read(pipeline.config.content_dir, problems):
        if (read := parse_file(file.path, file.read(), problems)) is not None:
            texts = [block.text for block in read[0].blocks]
            articles, blocks = articles + 1, blocks + len(texts)
            # as a build: a paragraph too long to annotate is left unannotated
            missing |= pipeline.annotator.missing(annotatable(texts))
    if not articles and not problems.errors:
        problems.error("no Markdown (*.md) files found", "content/")
    problems.raise_if_any()
    pipeline.annotator.annotated = 0
    pipeline.annotator.fill(missing)
    return Filled(articles, blocks, pipeline.annotator.annotated)
