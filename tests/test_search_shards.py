"""The search index in shards: an edit indexes its shard again, not the whole site,
and the search page finds what every shard holds."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import build_site_folder
from pagesserver import serve
from test_golden import tree
from test_incremental import SITE, fresh_build, rendered_by, stamps

from sitegen.errors import SitegenError
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.render import pages, search, search_ahead
from sitegen.render.search import BUNDLE, MAX_SHARDS, SHARDS, search_shards
from sitegen.render.theme import builtin_theme_dir

MakeSite = Callable[..., Path]
#: An edit that changes what search reads of two pages in different shards: article
#: c, and Washington's entity page (its header counts a second mention).
NAMED_AGAIN = {"content/c.md": SITE["content/c.md"].replace("Times.", "Times in Washington.")}


def paths(family: str, count: int) -> list[str]:
    return [f"{family}{n}/index.html" for n in range(count)]


def test_a_small_site_has_one_bundle_of_every_page() -> None:
    (only,) = search_shards({"a": paths("a", 30), "e": paths("entities/e", 100)})
    assert only.bundle == BUNDLE
    assert sorted(only.paths) == sorted(paths("a", 30) + paths("entities/e", 100))


def test_shards_hold_each_page_once_one_family_each_and_split_as_the_site_grows() -> None:
    articles, entities = paths("a", 1000), paths("entities/e", 1340)
    shards = search_shards({"a": articles, "e": entities})
    assert shards[0].bundle == BUNDLE
    assert all(s.bundle.startswith(f"{SHARDS}/") for s in shards[1:])
    held = [p for s in shards for p in s.paths]
    assert sorted(held) == sorted(articles + entities)  # each once
    assert all(s.paths for s in shards)
    assert all(len({p.startswith("entities/") for p in s.paths}) == 1 for s in shards)
    assert 2 < len(shards) <= 2 * MAX_SHARDS
    # Twice the pages: each shard splits in two, so pages that share a shard then
    # shared one before (a growing site does not shuffle every page).
    bigger = search_shards({"a": articles + paths("b", 1000), "e": entities})
    before = {p: s.bundle for s in shards for p in s.paths}
    for shard in bigger:
        assert len({before[p] for p in shard.paths if p in before}) <= 1


def search_files(out: Path) -> dict[str, tuple[int, int]]:
    return {p: s for p, s in stamps(out).items() if p.startswith((f"{BUNDLE}/", f"{SHARDS}/"))}


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of one or two pages, so three articles make several."""
    monkeypatch.setattr(search, "SHARD_PAGES", {"a": 1, "e": 2})


def test_an_edit_indexes_again_only_the_shards_whose_search_text_changed(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    small_shards: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    out = site / "build"
    bundles = {p.split("/pagefind-entry.json")[0] for p in search_files(out) if "entry" in p}
    assert len(bundles) > 2
    before, pages_before = search_files(out), stamps(out)
    made: list[str] = []  # the shards indexed again
    stable = search.stable_bundle
    monkeypatch.setattr(search, "stable_bundle", lambda f, b: made.append(b) or stable(f, b))
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    report = build_site_folder(site, fake_annotator, use_cache=True)
    after, pages_after = search_files(out), stamps(out)
    changed_pages = {
        p for p in pages_after if p.endswith(".html") and pages_after[p] != pages_before.get(p)
    }
    assert "c/index.html" in changed_pages
    redone = {b for b in bundles if any(after[p] != before.get(p) for p in after if _in(p, b))}
    # Only c's shard was indexed again. The entity pages c names changed too (their
    # passages), but not the header search reads: their shards were kept.
    (own,) = [b for b in bundles if _holds(out, b, "c/index.html")]
    assert redone == {own}
    holding = {b for b in bundles for page in changed_pages if _holds(out, b, page)}
    assert len(holding) > 1
    assert made == [own]
    assert set(report.changed) >= {p for p in after if after[p] != before.get(p)}
    # Named once more, Washington's header counts two mentions: its shard is redone.
    made.clear()
    make_site(NAMED_AGAIN)
    build_site_folder(site, fake_annotator, use_cache=True)
    (washington,) = [b for b in bundles if _holds(out, b, "entities/gpe/washington/index.html")]
    assert sorted(made) == sorted({own, washington})
    assert tree(out) == fresh_build(site, tmp_path / "fresh", fake_annotator)  # byte for byte


def _in(path: str, bundle: str) -> bool:
    return path.startswith(f"{bundle}/")


def fragment_url(content: bytes) -> str:
    """The URL of the page a Pagefind fragment file is of (gzip, a signature, JSON)."""
    return str(json.loads(gzip.decompress(content).removeprefix(b"pagefind_dcd"))["url"])


def _holds(out: Path, bundle: str, page: str) -> bool:
    """Whether ``bundle``'s index lists ``page`` (each fragment names its page's URL)."""
    urls = [fragment_url(f.read_bytes()) for f in (out / bundle / "fragment").iterdir()]
    return "/" + page.removesuffix("index.html") in urls


def test_a_search_index_kept_stale_by_the_preview_is_made_whole_by_the_next_build(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, small_shards: None, tmp_path: Path
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    make_site(NAMED_AGAIN)
    build_site_folder(site, fake_annotator, use_cache=True, search=False)  # an edit
    build_site_folder(site, fake_annotator, use_cache=True)  # the preview stops
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_after_pagefind_fails_midway_the_next_build_makes_the_index_whole(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    small_shards: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    before = tree(site / "build")
    make_site(NAMED_AGAIN)
    pagefind = search._pagefind

    def fails(*args: object) -> dict[str, bytes]:
        raise SitegenError("Pagefind failed: out of disk space")

    monkeypatch.setattr(search, "_pagefind", fails)
    with pytest.raises(SitegenError):
        build_site_folder(site, fake_annotator, use_cache=True)
    assert tree(site / "build") == before, "the edit's pages were moved in before its index"
    monkeypatch.setattr(search, "_pagefind", pagefind)
    build_site_folder(site, fake_annotator, use_cache=True)
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


@pytest.fixture
def shared_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    """The three articles in one shard of article pages (entity pages in others)."""
    monkeypatch.setattr(search, "SHARD_PAGES", {"a": 4, "e": 2})


def indexing_order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, in order: each Pagefind run (``pagefind`` and the pages it reads)
    and the planning of the site (``plan``)."""
    events: list[str] = []
    start, plan = search.start_pagefind, pages.plan_site

    def started(folder: Path, out: Path, language: str) -> search.PagefindRun:
        held = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
        events.append(f"pagefind {' '.join(held)}")
        return start(folder, out, language)

    def planned(*args: Any, **kwargs: Any) -> Any:
        events.append("plan")
        return plan(*args, **kwargs)

    monkeypatch.setattr(search, "start_pagefind", started)
    monkeypatch.setattr(search_ahead, "start_pagefind", started)
    monkeypatch.setattr(pages, "plan_site", planned)
    return events


#: The shard of article pages that holds a, b and c with ``shared_shard``, as Pagefind
#: reads it (``indexing_order``).
SHARED = "pagefind a/index.html b/index.html c/index.html"


def built_then_edited(make_site: MakeSite, annotator: SpacyAnnotator) -> Path:
    """The site built with its cache, then c edited (not built again)."""
    site = make_site(SITE)
    build_site_folder(site, annotator, use_cache=True)
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    return site


def test_an_edits_shard_is_indexed_while_the_rest_of_the_site_is_planned(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    shared_shard: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = built_then_edited(make_site, fake_annotator)
    events = indexing_order(monkeypatch)
    article = rendered_by(monkeypatch, "article", lambda article, *_: article.slug)
    report = build_site_folder(site, fake_annotator, use_cache=True)
    # c's shard, with a and b, was indexed before the site was planned, and no page
    # after: not c's, to see whether it changed what search reads, nor those of the
    # entities c names, which changed (their passages) but not the header search
    # reads of them. c's page was rendered once, for both, a's and b's not at all.
    assert {"entities/gpe/washington/index.html", "c/index.html"} <= set(report.changed)
    assert events == [SHARED, "plan"]
    assert article == ["c"]
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_theme_that_indexes_more_of_a_page_has_it_indexed_again_when_that_changes(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    shared_shard: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The site's own entity.html has search read the passages too.
    default = (builtin_theme_dir() / "entity.html").read_text(encoding="utf-8")
    header = "<header{% if listing.number == 1 %} data-pagefind-body{% endif %}>"
    assert header in default
    own = default.replace(header, "<header>").replace(
        '<article class="entity">', '<article class="entity" data-pagefind-body>'
    )
    make_site({"templates/entity.html": own})
    site = built_then_edited(make_site, fake_annotator)
    events = indexing_order(monkeypatch)
    build_site_folder(site, fake_annotator, use_cache=True)
    # Washington's passage changed, and with this theme search reads it: its shard is
    # indexed again, as a fresh build indexes it.
    assert any("entities/gpe/washington/index.html" in e for e in events)
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_shard_indexed_ahead_from_other_inputs_is_indexed_again(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    shared_shard: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = built_then_edited(make_site, fake_annotator)
    events = indexing_order(monkeypatch)
    # Pagefind replaced while the site is planned: what was made ahead is not taken.
    monkeypatch.setattr(search_ahead, "pagefind_version", lambda: "pagefind 0.0.1")
    build_site_folder(site, fake_annotator, use_cache=True)
    assert events.index(SHARED) < events.index("plan")
    assert SHARED in events[events.index("plan") :]
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_build_that_fails_stops_the_indexing_it_started_ahead(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    small_shards: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = built_then_edited(make_site, fake_annotator)
    before = tree(site / "build")
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    runs: list[search.PagefindRun] = []

    def started(folder: Path, out: Path, language: str) -> search.PagefindRun:
        # A Pagefind that would take half a minute.
        slow = subprocess.Popen(
            ["sleep", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        runs.append(search.PagefindRun(slow, out))
        return runs[-1]

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise SitegenError("the disk is full")

    monkeypatch.setattr(search_ahead, "start_pagefind", started)
    monkeypatch.setattr(pages, "plan_site", fails)
    with pytest.raises(SitegenError, match="the disk is full"):
        build_site_folder(site, fake_annotator, use_cache=True)
    assert runs and all(run.process.returncode == -signal.SIGKILL for run in runs)  # stopped
    assert list(private.iterdir()) == []  # its folder removed
    assert tree(site / "build") == before


@pytest.mark.browser
def test_the_search_page_finds_pages_in_every_shard_and_filters_across_them(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, small_shards: None, browser: Any
) -> None:
    site = make_site(SITE)
    served = site / "served"
    build_site_folder(site, fake_annotator, served / "repo")
    shards = [p for p in (served / "repo" / SHARDS).iterdir()]
    assert len(shards) >= 2
    with serve(served, "repo") as url:
        page = browser.new_page()
        page.goto(url + "search/")
        for word, article in [("Moscow", "a"), ("Syria", "b"), ("Washington", "c")]:
            page.locator(".pagefind-ui__search-input").fill(word)
            shows(page, [f"/repo/{article}/", f"/repo/entities/gpe/{word.lower()}/"])
        # Entities are filters, counted over every shard: John Kerry's pages are
        # articles a and b and his own entity page, from two shards.
        page.locator(".pagefind-ui__search-input").fill("Kerry")
        page.locator(".pagefind-ui__filter-name", has_text="People").click()
        page.get_by_label("John Kerry").check()
        shows(page, ["/repo/a/", "/repo/b/", "/repo/entities/person/john-kerry/"])
        page.close()


def shows(page: Any, expected: list[str]) -> None:
    """Wait until the search results are the pages ``expected``."""
    page.wait_for_function(
        """pages => {
          const links = [...document.querySelectorAll('.pagefind-ui__result-link')];
          const found = new Set(links.map(a => a.getAttribute('href').split('#')[0]));
          return found.size === pages.length && pages.every(p => found.has(p));
        }""",
        arg=expected,
    )
