"""Article metadata: front matter fields, and the title/byline form of the sample."""

from __future__ import annotations

import datetime as dt

from sitegen.errors import Problems
from sitegen.model import Document
from sitegen.source.load import load_source
from sitegen.source.parse import body_tokens, parse_document


def parse(text: str, path: str = "content/a-file.md") -> tuple[Document | None, Problems]:
    problems = Problems()
    source = load_source(path, text.encode(), problems)
    return (parse_document(source, problems) if source else None), problems


def test_title_and_byline_lines_become_metadata_and_leave_the_body() -> None:
    doc, _ = parse("## US, Russia talk\n\n## Thomas Gaist 21 September 2015\n\nBody text.\n")
    assert doc is not None
    assert (doc.title, doc.author, doc.date) == (
        "US, Russia talk",
        "Thomas Gaist",
        dt.date(2015, 9, 21),
    )
    assert [b.text for b in doc.blocks] == ["Body text."]
    assert all(t.type != "heading_open" for t in body_tokens(doc))


def test_block_lines_are_lines_of_the_file() -> None:
    doc, _ = parse("---\ntitle: T\n---\n\nfirst\n\nsecond\n")
    assert doc is not None
    assert [b.line for b in doc.blocks] == [5, 7]


def test_second_heading_that_is_not_a_byline_stays_in_the_body() -> None:
    doc, _ = parse("# Title\n\n## Background\n\nText.\n")
    assert doc is not None
    assert doc.title == "Title" and doc.author is None
    assert any(t.type == "heading_open" for t in body_tokens(doc))


def test_front_matter_fields_and_extra_keys() -> None:
    doc, problems = parse(
        "---\ntitle: T\ndate: 2020-01-02\nauthor: A\ntags: [x, y, x]\nsummary: S\n"
        "slug: my-slug\ndraft: false\nsection: world\n---\nText\n"
    )
    assert doc is not None and not problems.errors
    assert (doc.slug, doc.author, doc.tags, doc.summary) == ("my-slug", "A", ("x", "y"), "S")
    assert doc.date == dt.date(2020, 1, 2)
    assert dict(doc.extra) == {"section": "world"}


def test_slug_defaults_to_the_file_name() -> None:
    doc, _ = parse("---\ntitle: T\n---\nText\n", "content/2015/My Article.md")
    assert doc is not None and doc.slug == "my-article"


def test_a_date_may_have_a_time_of_day_which_is_left_out() -> None:
    """As other generators' front matter often has them (quoted: then YAML leaves it
    text)."""
    for when in (
        "2015-09-21T10:00:00Z",
        "2015-09-21t10:00:00z",
        "2015-09-21 10:00:00 +0200",
        "2015-09-21T10:00:00+02",
        "2015-09-21  10:00",
        "2015-09-21\t10:00:00.5-05:00",
    ):
        doc, problems = parse(f'---\ntitle: T\ndate: "{when}"\n---\nText\n')
        assert doc is not None and not problems.errors, when
        assert doc.date == dt.date(2015, 9, 21)


def test_a_title_left_empty_is_taken_from_the_heading() -> None:
    doc, problems = parse("---\ntitle:\n---\n# Real title\n\nText.\n")
    assert doc is not None and not problems.errors
    assert doc.title == "Real title" and [b.text for b in doc.blocks] == ["Text."]


def test_missing_date_is_a_warning() -> None:
    doc, problems = parse("---\ntitle: T\n---\nText\n")
    assert doc is not None
    assert [str(w) for w in problems.warnings] == [
        "content/a-file.md:1: no date: the article is listed after dated ones"
    ]


def test_unpaired_quote_marks_are_directional() -> None:
    doc, _ = parse('---\ntitle: T\n---\n"Opening, never closed.\n\n"Closed," he said.\n')
    assert doc is not None
    assert [b.text for b in doc.blocks] == ["“Opening, never closed.", "“Closed,” he said."]
