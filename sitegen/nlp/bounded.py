"""The NLP stage's one limit: no paragraph longer than MAX_BLOCK_CHARS is annotated.

Such a paragraph gets an empty result (no entities, one sentence) without
reaching the annotator, so neither spaCy's length limit nor its memory use
can end a build; the parse stage warns about it with its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from ..model import MAX_BLOCK_CHARS, BlockNLP, Document
from .annotator import Annotator


def annotate_bounded(
    annotator: Annotator, texts: Sequence[str], progress: Callable[[int], None] | None = None
) -> list[BlockNLP]:
    """``annotator.annotate(texts)``, but texts over MAX_BLOCK_CHARS are left unannotated."""
    wanted = [i for i, text in enumerate(texts) if len(text) <= MAX_BLOCK_CHARS]
    if len(wanted) == len(texts):
        return annotator.annotate(texts, progress)
    results = [BlockNLP((), ((0, len(text)),)) for text in texts]
    found = annotator.annotate([texts[i] for i in wanted], progress) if wanted else []
    for i, result in zip(wanted, found, strict=True):
        results[i] = result
    if progress is not None:
        progress(len(texts) - len(wanted))
    return results


def annotatable(texts: Iterable[str]) -> Iterator[str]:
    """Those of ``texts`` that ``annotate_bounded`` gives the annotator."""
    return (text for text in texts if len(text) <= MAX_BLOCK_CHARS)


def annotate_documents(documents: Sequence[Document], annotator: Annotator) -> list[list[BlockNLP]]:
    """Run the annotator over every prose block of every document in one stream."""
    texts = [block.text for doc in documents for block in doc.blocks]
    if not texts:
        return [[] for _ in documents]
    flat = annotate_bounded(annotator, texts)
    out, at = [], 0
    for doc in documents:
        out.append(flat[at : at + len(doc.blocks)])
        at += len(doc.blocks)
    return out
