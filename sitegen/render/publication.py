"""Render: the pages a publication has besides articles and entities.

Home and listing pages (paginated), tag and author pages, the archive by month,
the search page, ``404.html``, and the feeds, sitemap and ``robots.txt``. Each
function takes the articles it lists and returns Pages keyed by those articles'
keys (``key``), rendered only when needed; ``page`` is the renderer's template
filler (see ``pages._Renderer.page``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from ..cache import digest
from ..memos import Stored
from ..model import Article, OutputFile, Page
from ..site.listings import Group, by_month, paginate, undated
from .feeds import atom_feed, robots_txt, sitemap
from .meta import Feed, Head, page_head
from .reading import article_minutes

NOT_FOUND = "404.html"


class PageFn(Protocol):
    def __call__(
        self, path: str, template: str, *, head: Head, rooted: bool = False, **context: Any
    ) -> bytes: ...


Key = Callable[..., str]
"""``key(*parts)``: the digest a page is keyed by (salted with code, theme, settings)."""


def _listed(
    page: PageFn,
    key: Key,
    path: str,
    template: str,
    made_from: Sequence[Article],
    *extra: str,
    head: Head,
    **context: Any,
) -> Page:
    """A page made from ``made_from`` (and ``extra`` facts such as its neighbours).

    Listings show what an article is, not what it says: they are keyed by its
    metadata and summary, so an edit in its body leaves them as they are."""
    return Page(
        path,
        key(template, path, repr(head), *extra, *(listed(a) for a in made_from)),
        functools.partial(page, path, template, head=head, **context),
    )


def listed(article: Article) -> str:
    """A digest of what listing pages show of ``article``: its metadata, summary and
    reading time (once per article key while the memo keeps it, see ``memos.fit_memos``)."""
    if not article.key:
        return _listed_digest(article)
    return _LISTED.get(article.key, lambda: _listed_digest(article))


_LISTED: Stored[str] = Stored("listed", str, 1 << 15)
"""``listed`` by article key: an article's key names everything it holds."""


def _listed_digest(article: Article) -> str:
    doc = article.document
    shown: list[object] = [doc.source, doc.slug, doc.title, doc.author, doc.date, doc.tags]
    shown += [doc.summary, doc.draft, sorted(doc.extra.items()), article.summary]
    shown.append(article_minutes(article))
    return digest(repr(shown)).hex()


def site_feeds(site_title: str, base_url: str) -> tuple[Feed, ...]:
    """The site-wide feed every page links to (none without ``base_url``)."""
    return (Feed(f"{site_title}: all articles", "feed.xml"),) if base_url else ()


def home_pages(
    page: PageFn,
    key: Key,
    articles: Sequence[Article],
    size: int,
    title: str,
    description: str,
    base_url: str,
) -> Iterator[Page]:
    """``index.html`` and ``page/N/index.html``: every article, newest first."""
    feeds = site_feeds(title, base_url)
    for listing in paginate(articles, "", size):
        shown = title if listing.number == 1 else f"{title}, page {listing.number}"
        head = page_head(listing.path, shown, description, base_url, feeds)
        yield _listed(
            page,
            key,
            listing.path,
            "home.html",
            listing.articles,
            repr(listing.count),
            head=head,
            articles=listing.articles,
            listing=listing,
        )


def group_pages(
    page: PageFn,
    key: Key,
    kind: str,
    groups: Sequence[Group],
    size: int,
    site_title: str,
    base_url: str,
) -> Iterator[Page]:
    """``tags/`` or ``authors/`` (``kind``): an index, and each group's paginated list,
    which links the group's feed (``tags/<slug>/feed.xml``, see ``feed_files``)."""
    heading = {"tags": "Tags", "authors": "Authors"}[kind]
    index = f"{kind}/index.html"
    head = page_head(index, heading, f"Articles by {kind[:-1]}.", base_url)
    counts = [f"{g.slug}\t{g.name}\t{len(g.articles)}" for g in groups]
    yield Page(
        index,
        key("groups.html", index, *counts),
        functools.partial(
            page, index, "groups.html", head=head, kind=kind, heading=heading, groups=groups
        ),
    )
    for group in groups:
        folder = f"{kind}/{group.slug}/"
        feeds = (Feed(f"{site_title}: {group.name}", f"{folder}feed.xml"),) if base_url else ()
        title = f"Tag: {group.name}" if kind == "tags" else f"Articles by {group.name}"
        for listing in paginate(group.articles, folder, size):
            shown = title if listing.number == 1 else f"{title}, page {listing.number}"
            description = f"{len(group.articles)} articles." if len(group.articles) != 1 else ""
            head = page_head(listing.path, shown, description, base_url, feeds)
            yield _listed(
                page,
                key,
                listing.path,
                "listing.html",
                listing.articles,
                repr(listing.count),
                repr(len(group.articles)),
                head=head,
                heading=shown,
                group=group,
                listing=listing,
            )


def archive_page(page: PageFn, key: Key, articles: Sequence[Article], base_url: str) -> Page:
    """``archive/index.html``: every article by year and month, undated ones last."""
    path = "archive/index.html"
    head = page_head(path, "Archive", "Every article by month.", base_url)
    months, rest = by_month(articles), undated(articles)
    return _listed(
        page, key, path, "archive.html", articles, head=head, months=months, undated=rest
    )


def search_page(page: PageFn, key: Key, base_url: str, merged: Sequence[str]) -> Page:
    """The search page: Pagefind's UI over its first bundle, with the ``merged``
    bundles (the other shards of the index) searched too."""
    path = "search/index.html"
    head = page_head(path, "Search", "Search the articles and the entities they name.", base_url)
    return _listed(page, key, path, "search.html", (), *merged, head=head, merged=merged)


def not_found_page(page: PageFn, key: Key) -> Page:
    """``404.html``: GitHub Pages serves it for a missing path at any depth, so its
    links are path-absolute under the base path (``rooted``)."""
    head = Head("Page not found", "")
    return _listed(page, key, NOT_FOUND, "404.html", (), head=head, rooted=True)


def feed_files(
    articles: Sequence[Article],
    groups: Sequence[tuple[str, Group]],
    site_title: str,
    language: str,
    base_url: str,
) -> list[OutputFile]:
    """``feed.xml``, and ``<kind>/<slug>/feed.xml`` for each (kind, group) such as
    ``("tags", syria)`` (only with ``base_url``)."""
    if not base_url:
        return []
    feeds = [atom_feed("feed.xml", site_title, "", articles, base_url, language, site_title)]
    for kind, group in groups:
        folder = f"{kind}/{group.slug}/"
        title = f"{site_title}: {group.name}"
        feeds.append(
            atom_feed(
                f"{folder}feed.xml", title, folder, group.articles, base_url, language, site_title
            )
        )
    return feeds


def crawler_pages(
    key: Key, paths: Sequence[str], articles: Sequence[Article], base_url: str
) -> list[Page]:
    """``sitemap.xml`` of every HTML page (of the output ``paths``) but ``404.html``
    and the theme's files, keyed by the pages and dates it lists, and ``robots.txt``."""
    if not base_url:
        return []
    html = sorted(
        p for p in paths if p.endswith(".html") and p != NOT_FOUND and not p.startswith("static/")
    )
    dates = {f"{a.slug}/index.html": a.document.date for a in articles if a.document.date}
    robots = robots_txt(base_url).content
    return [
        Page(
            "sitemap.xml",
            key("sitemap", base_url, *html, repr(sorted(dates.items()))),
            lambda: sitemap(html, dates, base_url).content,
        ),
        Page("robots.txt", key("file", robots), functools.partial(bytes, robots)),
    ]
