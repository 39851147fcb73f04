"""What an article page offers besides its text: related articles, reading time, a table
of contents for long articles, and its entities by kind. Pure functions first, then the
rendered page of a small site (built with the fake annotator, so no model is needed)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.render.reading import mentions_by_kind, reading_minutes
from sitegen.render.toc import heading_anchors, table_of_contents
from sitegen.site.related import related_articles, shared_entities

# --- related articles --------------------------------------------------------------------


def test_related_articles_share_entities_rarest_first() -> None:
    found = related_articles(
        {
            "a": ["us", "syria", "kerry", "lavrov"],
            "b": ["us", "kerry", "lavrov"],  # shares two rare names with a
            "c": ["us", "syria"],  # shares only syria with a
            "d": ["us", "bushfires"],  # shares only "us", which every article names
            "e": ["us", "syria", "bushfires"],
            "f": ["rain"],
            "g": ["rain"],
        },
        limit=3,
    )
    assert found["a"] == ("b", "c", "e")
    assert found["b"] == ("a",), "an article sharing nothing but 'us' is not related"
    assert found["d"] == ("e",)


def test_related_articles_ties_keep_the_given_order_and_respect_the_limit() -> None:
    found = related_articles(
        {"new": ["x"], "mid": ["x"], "old": ["x"], "lone": ["y"], "z": ["z"], "w": ["w"]}, 1
    )
    assert found["new"] == ("mid",) and found["mid"] == ("new",) and found["old"] == ("new",)
    assert found["lone"] == ()


def _related_as_first_written(
    entities_by_article: dict[str, list[str]], limit: int
) -> dict[str, tuple[str, ...]]:
    """``related_articles`` as it was first written: every score sorted in full."""
    naming: dict[str, list[str]] = {}
    for article, entities in entities_by_article.items():
        for entity in sorted(set(entities)):
            naming.setdefault(entity, []).append(article)
    too_common = max(2, len(entities_by_article) // 2)
    order = {article: i for i, article in enumerate(entities_by_article)}
    out = {}
    for article, entities in entities_by_article.items():
        scores: dict[str, float] = {}
        for entity in sorted(set(entities)):
            if len(naming[entity]) <= too_common:
                for other in naming[entity]:
                    if other != article:
                        scores[other] = scores.get(other, 0.0) + 1 / len(naming[entity])
        ranked = sorted(scores, key=lambda other: (-scores[other], order[other]))
        out[article] = tuple(ranked[:limit])
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=2),
        st.lists(st.sampled_from("pqrstuvwxyz"), max_size=6),
        max_size=12,
    ),
    st.integers(1, 4),
)
def test_related_articles_rank_as_first_written(
    entities_by_article: dict[str, list[str]], limit: int
) -> None:
    assert related_articles(entities_by_article, limit) == _related_as_first_written(
        entities_by_article, limit
    )


def test_two_articles_sharing_a_name_are_related() -> None:
    assert related_articles({"a": ["syria", "us"], "b": ["syria"]}) == {"a": ("b",), "b": ("a",)}


def test_shared_entities_keep_the_first_articles_order() -> None:
    assert shared_entities(["c", "a", "c", "b", "d"], {"b", "c", "x"}) == ("c", "b")
    assert shared_entities(["a", "b", "c"], {"a", "b", "c"}, limit=2) == ("a", "b")


# --- reading time, entities by kind --------------------------------------------------------


def test_reading_minutes_rounds_and_is_at_least_one() -> None:
    assert reading_minutes(["word " * 230, "word " * 229]) == 2
    assert reading_minutes(["word " * 1408]) == 6
    assert reading_minutes([""]) == 1
    assert reading_minutes(["a b c d"], words_per_minute=2) == 2


def test_mentions_by_kind_most_mentioned_first_in_the_given_kinds_order() -> None:
    mentions = [
        ("kerry", "PERSON"),
        ("us", "GPE"),
        ("obama", "PERSON"),
        ("assad", "PERSON"),
        ("assad", "PERSON"),
        ("syria", "GPE"),
        ("syria", "GPE"),
        ("obama", "PERSON"),
    ]
    groups = mentions_by_kind(mentions, ["PERSON", "ORG", "GPE"])
    assert groups == (
        ("PERSON", (("obama", 2), ("assad", 2), ("kerry", 1))),
        ("GPE", (("syria", 2), ("us", 1))),
    ), "ties: the entity mentioned first comes first; kinds without mentions are left out"


# --- table of contents ---------------------------------------------------------------------


def test_heading_anchors_are_unique_and_never_a_page_id() -> None:
    anchors = heading_anchors(["Who said what", "Who said what", "", "Sources", "Note 1", "main"])
    assert anchors == (
        "who-said-what",
        "who-said-what-2",
        "section",
        "sources",
        "section-note-1",
        "main-2",
    )


def test_table_of_contents_lists_two_levels_from_three_headings() -> None:
    headings = [(2, "Talks"), (3, "In  Moscow"), (4, "Detail"), (2, "Reactions")]
    toc = table_of_contents(headings)
    assert [(e.level, e.text, e.anchor) for e in toc] == [
        (1, "Talks", "talks"),
        (2, "In Moscow", "in-moscow"),
        (1, "Reactions", "reactions"),
    ]
    assert table_of_contents(headings[:2]) == (), "a short article needs no table of contents"
    deeper = table_of_contents([(3, "One"), (3, "Two"), (4, "Two a"), (3, "Three")])
    assert [e.level for e in deeper] == [1, 1, 2, 1], "the two highest levels used"


# --- the rendered pages ----------------------------------------------------------------------

LONG = """---
title: Talks go on
date: 2015-09-22
---
John Kerry spoke in Moscow. {filler}

## Before the talks

Andrew Tabler wrote about Syria. {filler}

### In Moscow

Kerry met officials in Moscow.

## After the talks

Washington waits. Kerry said the talks went well, according to the New York Times.
"""
OTHER = """---
title: Tabler on Syria
date: 2015-09-20
---
Andrew Tabler said Syria needs a settlement. He spoke to the New York Times.
"""
UNRELATED = """---
title: Nothing in common
date: 2015-09-19
---
A quiet day.
"""


@pytest.fixture
def built(make_site: Callable[..., Path], fake_annotator: SpacyAnnotator, tmp_path: Path) -> Path:
    filler = "More words here. " * 100
    site = make_site(
        {
            "content/long.md": LONG.replace("{filler}", filler),
            "content/other.md": OTHER,
            "content/unrelated.md": UNRELATED,
        }
    )
    out = tmp_path / "out"
    build_site_folder(site, fake_annotator, out)
    return out


def test_long_article_has_a_table_of_contents_linking_to_its_headings(built: Path) -> None:
    html = (built / "long" / "index.html").read_text()
    toc = html.split('<nav class="toc"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    assert links == [
        ("before-the-talks", "Before the talks"),
        ("in-moscow", "In Moscow"),
        ("after-the-talks", "After the talks"),
    ]
    for anchor, _ in links:
        assert html.count(f'id="{anchor}"') == 1, anchor
    assert '<h2 id="before-the-talks">Before the talks</h2>' in html
    short = (built / "other" / "index.html").read_text()
    assert 'class="toc"' not in short


def test_reading_time_in_the_byline_and_on_the_home_page(built: Path) -> None:
    long_page = (built / "long" / "index.html").read_text()
    byline = long_page.split('<p class="byline">')[1].split("</p>")[0]
    assert "22 September 2015" in byline and "3 min read" in byline  # 629 words
    home = (built / "index.html").read_text()
    assert "3 min read" in home and "1 min read" in home


def test_entities_by_kind_most_mentioned_first(built: Path) -> None:
    html = (built / "long" / "index.html").read_text()
    section = html.split('<section class="mentioned"')[1].split("</section>\n  </section>")[0]
    kinds = re.findall(r"<h3[^>]*>([^<]+)</h3>", section)
    assert kinds[:2] == ["People", "Organisations"]
    people = section.split("</h3>")[1]
    names = re.findall(r">([^<]+)</a> <span class=\"count\">(\d+)", people)
    assert names[0] == ("John Kerry", "3"), "Kerry, named three times, leads the people"
    assert ("Andrew Tabler", "1") in names


def test_related_articles_name_what_they_share(built: Path) -> None:
    html = (built / "long" / "index.html").read_text()
    related = html.split('<section class="related-articles"')[1].split("</section>")[0]
    assert "Tabler on Syria" in related
    assert "Nothing in common" not in related
    shared = related.split("Also names")[1]
    assert "Andrew Tabler" in shared and "Syria" in shared
    assert 'class="related-articles"' not in (built / "unrelated" / "index.html").read_text()


def test_an_edit_that_changes_the_reading_time_updates_the_listings(
    make_site: Callable[..., Path], fake_annotator: SpacyAnnotator
) -> None:
    """Listings are re-rendered only when what they show changes: the reading time too."""
    site = make_site({"content/a.md": OTHER, "content/b.md": UNRELATED})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert "1 min read" in (site / "build/index.html").read_text()
    longer = OTHER + "\n\nMore words here. " + "More words here. " * 200 + "\n"
    make_site({"content/a.md": longer})
    build_site_folder(site, fake_annotator, use_cache=True)
    home = (site / "build/index.html").read_text()
    assert "3 min read" in home, "the home page shows the new reading time"
