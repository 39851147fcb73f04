"""An entity named in many articles has its page in pages of ``[entities] page_size``
articles: the first shows what is worked out from all of them, the others only their
own articles (and quotes), and an edit renders again only the pages it touches. The
site's sources page, too, lists only so many articles of a source."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site_folder
from test_golden import tree
from test_incremental import fresh_build, rendered_by

from sitegen.errors import BuildFailed
from sitegen.nlp.annotator import SpacyAnnotator

MakeSite = Callable[..., Path]
KERRY = "entities/person/john-kerry/"


def kerry_site(count: int = 5, page_size: int = 2) -> dict[str, str]:
    """``count`` articles naming John Kerry, one a day (a1 the oldest), and Moscow in the
    newest only."""
    files = {
        "sitegen.toml": f'[site]\nbase_url = "https://example.org/"\n\n'
        f"[entities]\npage_size = {page_size}\n",
    }
    for n in range(1, count + 1):
        place = " in Moscow" if n == count else ""
        front = f"---\ntitle: Day {n}\ndate: 2015-09-{n:02d}\n---\n"
        files[f"content/a{n}.md"] = f"{front}John Kerry spoke{place} on day {n}.\n"
    return files


def titles(html: str) -> list[str]:
    """The articles an entity page lists, in order."""
    return re.findall(r'<h3 id="a-[^"]*"><a href="[^"]*">([^<]*)</a>', html)


def test_an_entity_page_is_split_into_pages_newest_first(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(kerry_site())
    build_site_folder(site, fake_annotator)
    out = site / "build"
    first = (out / KERRY / "index.html").read_text()
    second = (out / KERRY / "page/2/index.html").read_text()
    third = (out / KERRY / "page/3/index.html").read_text()
    assert not (out / KERRY / "page/4").exists()
    assert [titles(p) for p in (first, second, third)] == [
        ["Day 5", "Day 4"],
        ["Day 3", "Day 2"],
        ["Day 1"],
    ]
    # Every page says how many articles there are in all, and which page it is.
    for number, html in enumerate((first, second, third), start=1):
        assert "Mentioned 5 times in 5 articles." in html
        assert f"Articles, page {number} of 3" in html
    assert "<title>John Kerry, page 2 · " in second
    # The pager links the neighbours; what is worked out from every article (here the
    # entities named with it) is on the first page only, which alone is searched.
    assert 'rel="next" href="page/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../3/"' in second
    assert "Often mentioned with" in first and "Often mentioned with" not in second
    assert "data-pagefind-body" in first and "data-pagefind-body" not in second
    assert f"https://example.org/{KERRY}page/3/" in (out / "sitemap.xml").read_text()


def test_an_edit_renders_its_page_and_the_first_only_when_what_it_shows_changed(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New words in the oldest article render its page (the third) alone; a new name
    for Kerry in it renders the first page too, which lists the names he goes by."""
    site = make_site(kerry_site())
    build_site_folder(site, fake_annotator, use_cache=True)
    rendered = rendered_by(monkeypatch, "entity", lambda entity, page: page.path)
    oldest = kerry_site()["content/a1.md"]
    make_site({"content/a1.md": oldest.replace("spoke", "spoke again")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert rendered == [f"{KERRY}page/3/index.html"]
    assert "spoke again" in (site / "build" / KERRY / "page/3/index.html").read_text()
    rendered.clear()
    make_site({"content/a1.md": oldest.replace("John Kerry spoke", "Kerry spoke")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert sorted(rendered) == [f"{KERRY}index.html", f"{KERRY}page/3/index.html"]
    assert "Named as “John Kerry”, “Kerry”." in (site / "build" / KERRY / "index.html").read_text()
    monkeypatch.undo()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def quoted(html: str) -> list[str]:
    """The quotes an entity page lists, in order."""
    return re.findall(r"<blockquote class=\"quote\"><p>“?([^<“”]*)", html)


def spoke(n: int, quote: str | None = None) -> str:
    """Day ``n``'s article: Kerry named, and quoted in a paragraph of its own."""
    said = f"\n\n“{quote},” he said.\n" if quote else "\n"
    return f"---\ntitle: Day {n}\ndate: 2015-09-{n:02d}\n---\nJohn Kerry spoke on day {n}.{said}"


@pytest.mark.model
def test_quotes_are_listed_with_their_articles_page_by_page(
    make_site: MakeSite,
    real_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """However often an entity is quoted, a page lists the quotes of its own articles
    (the first page once listed all of them), and every page says how many there are;
    new words in a quote render its page again, one quote more every page."""
    files = kerry_site()
    for n in range(1, 6):
        files[f"content/a{n}.md"] = spoke(n, f"We will talk on day {n}" if n <= 3 else None)
    site = make_site(files)
    build_site_folder(site, real_annotator, use_cache=True)
    paths = [f"{KERRY}{p}index.html" for p in ("", "page/2/", "page/3/")]
    first, second, third = ((site / "build" / p).read_text() for p in paths)
    assert quoted(first) == []
    assert "None from the articles on this page (3 in all, each on the page of its" in first
    assert quoted(second) == ["We will talk on day 3", "We will talk on day 2"]
    assert "2 of 3, from the articles on this page." in second
    assert quoted(third) == ["We will talk on day 1"] and "1 of 3, from" in third
    rendered = rendered_by(monkeypatch, "entity", lambda entity, page: page.path)
    make_site({"content/a1.md": spoke(1, "We will meet on day 1")})
    build_site_folder(site, real_annotator, use_cache=True)
    assert rendered == [paths[2]], "the passages are the same: the quote alone changed"
    assert quoted((site / "build" / paths[2]).read_text()) == ["We will meet on day 1"]
    rendered.clear()
    make_site({"content/a5.md": spoke(5, "We will talk on day 5")})
    build_site_folder(site, real_annotator, use_cache=True)
    assert sorted(rendered) == paths, "each page says how many quotes in all"
    assert "1 of 4, from" in (site / "build" / paths[0]).read_text()
    monkeypatch.undo()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", real_annotator)


@pytest.mark.model
def test_the_sources_page_lists_the_newest_articles_of_each_source(
    make_site: MakeSite, real_annotator: SpacyAnnotator
) -> None:
    """A source quoted in thousands of articles made the site's sources page megabytes
    long: each source lists its five newest, and says where the others are."""
    files = kerry_site(count=7)
    for n in range(1, 8):
        front = f"---\ntitle: Day {n}\ndate: 2015-09-{n:02d}\n---\n"
        said = f"“We will talk on day {n},” John Kerry said. “Not today,” an official said."
        files[f"content/a{n}.md"] = f"{front}{said}\n"
    site = make_site(files)
    build_site_folder(site, real_annotator)
    html = (site / "build/sources/index.html").read_text()
    lists = re.findall(r'aria-label="Articles citing ([^"]*)">(.*?)</ul>(.*?)</li>', html, re.S)
    assert [(name, re.findall(r">(Day \d)<", titles)) for name, titles, _ in lists] == [
        ("John Kerry", ["Day 7", "Day 6", "Day 5", "Day 4", "Day 3"]),
        ("official", ["Day 7", "Day 6", "Day 5", "Day 4", "Day 3"]),
    ]
    kerry, official = (more for _, _, more in lists)
    assert 'And 2 older articles, listed on <a href="../entities/person/john-kerry/">' in kerry
    assert "And 2 older articles." in official


def test_fewer_articles_remove_the_pages_left_over(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(kerry_site())
    build_site_folder(site, fake_annotator, use_cache=True)
    for n in (1, 2, 3):
        (site / f"content/a{n}.md").unlink()
    build_site_folder(site, fake_annotator, use_cache=True)
    assert not (site / "build" / KERRY / "page").exists()
    assert 'rel="next"' not in (site / "build" / KERRY / "index.html").read_text()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_page_size_below_one_is_an_error_naming_its_line(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(kerry_site(page_size=0))
    with pytest.raises(BuildFailed) as failed:
        build_site_folder(site, fake_annotator)
    assert str(failed.value.errors[0]) == "sitegen.toml:5: [entities] page_size must be at least 1"


@pytest.mark.browser
def test_articles_of_one_title_on_an_entity_page_pass_axe(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, browser: Any
) -> None:
    """Two articles may share a title ("Week in review"): the page listing both still
    has no two landmarks of one name, on every page of it (axe-core, in Chromium)."""
    from test_theme import _axe

    files = kerry_site()
    for n in (4, 5):
        files[f"content/a{n}.md"] = files[f"content/a{n}.md"].replace(f"Day {n}", "Week in review")
    site = make_site(files)
    build_site_folder(site, fake_annotator)
    page = browser.new_page()
    try:
        for path in ("index.html", "page/2/index.html"):
            page.goto((site / "build" / KERRY / path).as_uri())
            assert _axe(page) == [], path
    finally:
        page.close()
