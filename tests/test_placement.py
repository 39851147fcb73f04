"""Where highlights go in the HTML: one case per fixture in fixtures/placement.md.

Each case is ``title / . / markdown / . / expected HTML / .``, markdown-it-py
style; entities come from the fake annotator's fixed patterns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import read_article

from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.render.body import render_article

FIXTURES = Path(__file__).parent / "fixtures" / "placement.md"


def read_fixtures(path: Path) -> list[tuple[int, str, str, str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title, start = lines[i], i + 1
        assert lines[i + 1] == ".", f"{path.name}:{i + 2}: expected '.'"
        parts, i = [], i + 2
        for _ in range(2):
            end = lines.index(".", i)
            parts.append("\n".join(lines[i:end]))
            i = end + 1
        cases.append((start, title, parts[0], parts[1]))
    return cases


@pytest.mark.parametrize(
    ("line", "title", "markdown", "expected"),
    read_fixtures(FIXTURES),
    ids=[f"placement.md:{c[0]}" for c in read_fixtures(FIXTURES)],
)
def test_placement(
    line: int, title: str, markdown: str, expected: str, fake_annotator: SpacyAnnotator
) -> None:
    article = read_article(f"---\ntitle: T\n---\n{markdown}\n", fake_annotator, path="content/t.md")
    html = render_article(article, "t/index.html")
    assert html.strip() == expected.strip(), title
