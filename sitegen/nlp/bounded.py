"""The NLP stage's one limit: no paragraph longer than MAX_BLOCK_CHARS is annotated.

Such a paragraph gets an empty result (no entities, one sentence) without
reaching the annotator, so neither spaCy's length limit nor its memory use
can end a build; the parse stage warns about it with its file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from ..model import MAX_BLOCK_CHARS, BlockNLP, Document
from .cached import CachedAnnotator


def annotatable(texts: Iterable[str]) -> Iterator[str]:
    """Those of ``texts`` that ``annotate_bounded`` gives the annotator."""
    return (text for text in texts if len(text) <= MAX_BLOCK_CHARS)


def each_document(
    documents: Sequence[Document], annotator: CachedAnnotator
) -> Iterator[tuple[int, list[BlockNLP]]]:
    """(index, its blocks' results) of each of ``documents``, as soon as they are all
    known (``CachedAnnotator.each``); blocks over MAX_BLOCK_CHARS are left unannotated."""
    texts = [[block.text for block in document.blocks] for document in documents]
    for index, found in annotator.each([list(annotatable(group)) for group in texts]):
        results = iter(found)
        yield (
            index,
            [
                next(results) if len(text) <= MAX_BLOCK_CHARS else BlockNLP((), ((0, len(text)),))
                for text in texts[index]
            ],
        )
