"""Deep nesting never loses text: what the renderer can take is shown, deeper is
an error with file and line. Fast: the fake annotator stands in for the model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder
from htmltext import text_content

from sitegen.errors import BuildFailed
from sitegen.nlp.annotator import Annotator
from sitegen.source.parse import MAX_NESTING

MakeSite = Callable[..., Path]
HEAD = "---\ntitle: Deep\ndate: 2020-01-01\n---\nJohn Kerry flew to Moscow.\n\n"
WORDS = "words at the bottom"


def quotes(depth: int) -> str:
    return ">" * depth + f" {WORDS}\n"


def bullets(depth: int) -> str:
    return (
        "".join("  " * i + "- item\n" for i in range(depth - 1))
        + "  " * (depth - 1)
        + (f"- {WORDS}\n")
    )


def outcome(site: Path, annotator: Annotator) -> str:
    """The build's first error, or "shown" if the words are on the article page."""
    try:
        build_site_folder(site, annotator)
    except BuildFailed as failed:
        return str(failed.errors[0])
    page = (site / "build" / "a" / "index.html").read_text()
    return "shown" if WORDS in text_content(page) else "LOST"


@pytest.mark.parametrize("depth", [20, 21, 50, 99])
def test_deep_block_quotes_are_shown(
    make_site: MakeSite, fake_annotator: Annotator, depth: int
) -> None:
    site = make_site({"content/a.md": HEAD + quotes(depth)})
    assert outcome(site, fake_annotator) == "shown"


@pytest.mark.parametrize("depth", [10, 11, 30, 49])
def test_deep_lists_are_shown(make_site: MakeSite, fake_annotator: Annotator, depth: int) -> None:
    site = make_site({"content/a.md": HEAD + bullets(depth)})
    assert outcome(site, fake_annotator) == "shown"


@pytest.mark.parametrize(
    ("body", "line"),
    [
        (quotes(MAX_NESTING + 1), 9),
        (quotes(5000), 9),
        (bullets(MAX_NESTING), 9 + MAX_NESTING // 2 - 1),  # a list is two levels: item, list
        ("- " + quotes(MAX_NESTING), 9),
    ],
    ids=["quotes just too deep", "5000 quotes", "list too deep", "quotes in a list"],
)
def test_too_deep_is_an_error_with_the_line(
    make_site: MakeSite, fake_annotator: Annotator, body: str, line: int
) -> None:
    site = make_site({"content/a.md": HEAD + "Fine.\n\n" + body})
    assert outcome(site, fake_annotator) == (
        f"content/a.md:{line}: nested more than {MAX_NESTING} levels deep (block quotes or "
        "lists); sitegen cannot show text this deep: flatten it"
    )


def test_no_depth_loses_text(make_site: MakeSite, fake_annotator: Annotator) -> None:
    for depth in range(1, 2 * MAX_NESTING, 13):
        for body in (quotes(depth), bullets(depth)):
            site = make_site({"content/a.md": HEAD + body}, name=f"s{depth}")
            assert outcome(site, fake_annotator) != "LOST", (depth, body[:20])


@pytest.mark.parametrize(
    "inline", ["[" * 3000 + "x" + "]" * 3000, "*" * 3000 + "x" + "*" * 3000, "`" * 3000 + "x"]
)
def test_deep_inline_markup_keeps_its_text(
    make_site: MakeSite, fake_annotator: Annotator, inline: str
) -> None:
    site = make_site({"content/a.md": HEAD + f"Before {inline} {WORDS}\n"})
    assert outcome(site, fake_annotator) == "shown"
