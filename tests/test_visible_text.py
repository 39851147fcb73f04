"""Annotation never changes what a reader sees, and always gives well-formed HTML.

Checked with hypothesis over generated Markdown (entities placed anywhere,
across emphasis, links, code and raw HTML) and over every article in content/
with the real model.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import pytest
from conftest import ROOT, read_article
from htmltext import nesting_problems, text_content
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.enrich.article import enrich
from sitegen.errors import Problems
from sitegen.model import Article, BlockNLP, Document, EntitySpan
from sitegen.nlp.annotator import SpacyAnnotator, trim_entity
from sitegen.render.body import render_article, render_body
from sitegen.source.load import find_content, load_source
from sitegen.source.parse import body_tokens, parse_document

WORDS = [
    "John Kerry",
    "Kerry",
    "said",
    "the",
    "New York Times",
    "Moscow",
    "talks",
    "in",
    "White House",
    "—",
    "--",
    "...",
    ",",
    ".",
    '"',
    "'",
    "“",
    "”",
    "Assad's",
    "&",
    "<3",
]


@st.composite
def inline(draw: st.DrawFn, depth: int = 0) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                ["word"] * 6 + ["em", "strong", "strike", "code", "link", "html", "break"]
                if depth < 2
                else ["word"]
            )
        )
        if kind == "word":
            pieces.append(draw(st.sampled_from(WORDS)))
        elif kind == "break":
            pieces.append(draw(st.sampled_from(["\n", "  \n", "\\\n"])) + "x")
        elif kind == "code":
            pieces.append("`" + draw(st.sampled_from(WORDS[:6])) + "`")
        elif kind == "html":
            pieces.append("<span>" + draw(inline(depth=depth + 1)) + "</span>")
        else:
            inner = draw(inline(depth=depth + 1))
            pieces.append(
                {
                    "em": f"*{inner}*",
                    "strong": f"**{inner}**",
                    "strike": f"~~{inner}~~",
                    "link": f"[{inner}](https://example.org/)",
                }[kind]
            )
    glue = draw(st.sampled_from([" ", "", " "]))
    return glue.join(pieces)


@st.composite
def markdown_doc(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(inline())
        prefix = draw(st.sampled_from(["", "", "> ", "- ", "1. ", "## "]))
        blocks.append(prefix + text.replace("\n", "\n" + " " * len(prefix)))
    return "---\ntitle: T\n---\n\n" + "\n\n".join(blocks) + "\n"


class RandomSpans:
    """An annotator that marks arbitrary spans: placement must cope with any of them."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        out = []
        for text in texts:
            spans = []
            for _ in range(self.random.randint(0, 4)):
                a, b = (
                    sorted(self.random.sample(range(len(text) + 1), 2))
                    if len(text) > 1
                    else (0, len(text))
                )
                label = self.random.choice(["PERSON", "ORG", "GPE"])
                trimmed = trim_entity(text, a, b, label)
                if trimmed:
                    spans.append(EntitySpan(*trimmed, label))
            out.append(BlockNLP(tuple(spans), ((0, len(text)),)))
        return out


def parse(text: str, path: str = "content/t.md") -> Document:
    problems = Problems()
    source = load_source(path, text.encode(), problems)
    assert source is not None, problems
    document = parse_document(source, problems)
    assert document is not None, problems.errors
    return document


def assert_invisible(document: Document, article: Article) -> None:
    plain = render_body(body_tokens(document), "a/index.html")
    annotated = render_article(article, "a/index.html")
    assert text_content(annotated) == text_content(plain)
    # Raw HTML in the Markdown may be unbalanced itself; annotation adds no problem.
    assert nesting_problems(annotated) == nesting_problems(plain)
    for mention in article.mentions:
        block = document.blocks[mention.block]
        assert block.text[mention.start : mention.end] == mention.text


@settings(max_examples=300, deadline=None)
@given(markdown_doc(), st.integers(0, 2**32))
def test_random_entity_spans_never_change_visible_text(text: str, seed: int) -> None:
    document = parse(text)
    article = enrich(document, RandomSpans(seed).annotate([b.text for b in document.blocks]))
    assert_invisible(document, article)


@settings(max_examples=150, deadline=None)
@given(text=markdown_doc())
def test_pattern_entities_never_change_visible_text(
    text: str, fake_annotator: SpacyAnnotator
) -> None:
    article = read_article(text, fake_annotator, path="content/t.md")
    assert_invisible(article.document, article)


def test_block_text_is_the_rendered_text_of_the_paragraph(fake_annotator: SpacyAnnotator) -> None:
    document = parse('---\ntitle: T\n---\n*New York* Times, `code` & "quote"[^1]\n\n[^1]: n\n')
    html = render_body(body_tokens(document), "a/index.html")
    first_paragraph = html.split("</p>")[0]
    assert text_content(first_paragraph) == document.blocks[0].text


@pytest.mark.model
@pytest.mark.parametrize(
    "path", find_content(ROOT / "content"), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_content_articles_keep_their_visible_text(path, real_annotator: SpacyAnnotator) -> None:
    shown = path.relative_to(ROOT).as_posix()
    article = read_article(path.read_text(encoding="utf-8"), real_annotator, path=shown)
    assert article.mentions, "the real model finds entities in every sample article"
    assert_invisible(article.document, article)
