"""The NLP stage's one limit: no paragraph longer than MAX_BLOCK_CHARS is annotated.

Such a paragraph gets an empty result (no entities, one sentence) without
reaching the annotator, so neither spaCy's length limit nor its memory use
can end a build; the parse stage warns about it with its file and line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Iterator, Sequence

from ..model import MAX_BLOCK_CHARS, BlockNLP, Document
from .cached import CachedAnnotator


def fits(text: str) -> bool:
    """Whether ``text`` is annotated (``each_document`` gives the others no entities)."""
    return len(text) <= MAX_BLOCK_CHARS


def annotatable(texts: Iterable[str]) -> Iterator[str]:
    """Those of ``texts`` that are annotated."""
    return filter(fits, texts)


def each_document(
    documents: Sequence[Document], annotator: CachedAnnotator
) -> Generator[tuple[int, list[BlockNLP]], None, None]:
    """(index, its blocks' results) of each of ``documents``, as soon as they are all
    known (``CachedAnnotator.each``); blocks over MAX_BLOCK_CHARS are left unannotated."""
    texts = [[block.text for block in document.blocks] for document in documents]
    wanted = [list(annotatable(group)) for group in texts]
    with contextlib.closing(annotator.each(wanted)) as each:  # (closed with this one)
        for index, found in each:
            results, group = iter(found), texts[index]
            yield index, [next(results) if fits(t) else _unannotated(t) for t in group]


def _unannotated(text: str) -> BlockNLP:
    """The result of a text too long to annotate: no entities, one sentence."""
    return BlockNLP((), ((0, len(text)),))
