"""The site-wide indexes kept up to date from the articles that changed (the
preview's edits) always equal the indexes made from nothing."""

from __future__ import annotations

import functools

import pytest
from conftest import make_fake_annotator, read_article
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.memos import Memo
from sitegen.model import Article, Site
from sitegen.site.index import SiteIndex, build_site

VERSIONS = [
    "John Kerry spoke in Moscow.\n\n“We will go on,” Kerry said.\n",
    "Kerry left Syria.\n",
    "Teresa Kerry met Andrew Tabler in Moscow.\n",
    "“Nothing changes,” said Tabler, the New York Times reported.\n",
    "Washington read the New York Times. Kerry said so.\n",
    "Washington read the New York Times. Kerry said so again.\n",
]
SLUGS = "abcde"


@functools.cache
def version(slug: str, number: int) -> Article:
    """Article ``slug`` with text ``number`` (each read once; keys as the build sets)."""
    day = 1 + (number * 3 + ord(slug)) % 5  # dates collide sometimes: order by title, slug
    text = f"---\ntitle: {slug.upper()}\ndate: 2015-09-0{day}\n---\n{VERSIONS[number]}"
    annotator = make_fake_annotator([("PERSON", "Teresa Kerry")])
    return read_article(text, annotator, path=f"content/{slug}.md")


def afresh(articles: list[Article]) -> Site:
    """``build_site`` remembering nothing from earlier calls, as a new process makes it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Memo, "get", lambda self, key, make: make())
        return build_site(articles)


SITES = st.lists(
    st.dictionaries(st.sampled_from(SLUGS), st.integers(0, len(VERSIONS) - 1), min_size=1),
    min_size=1,
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(sites=SITES)
def test_updating_the_index_equals_building_it_afresh(sites: list[dict[str, int]]) -> None:
    index = SiteIndex()
    for chosen in sites:
        articles = [version(slug, number) for slug, number in chosen.items()]
        assert index.update(articles) == afresh(articles), chosen


def test_an_edit_that_names_no_one_new_keeps_every_other_entity_as_it_was() -> None:
    """What lets the render stage skip the pages of entities an edit leaves alone."""
    index = SiteIndex()
    before = index.update([version("a", 0), version("b", 1), version("c", 4)])
    after = index.update([version("a", 0), version("b", 1), version("c", 5)])
    assert after == afresh([version("a", 0), version("b", 1), version("c", 5)])
    kept = {e.id for e in after.entities if any(e is old for old in before.entities)}
    assert {"gpe/moscow", "gpe/syria"} <= kept
    assert not kept & {"person/john-kerry", "gpe/washington", "org/new-york-times"}
