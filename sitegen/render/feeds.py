"""Render: what feed readers and search engines read: Atom feeds, sitemap.xml, robots.txt.

Every URL in them is absolute under ``base_url``; these files are only written
when it is set. Dates are the articles' own (no build time), so the output is
byte-identical for the same input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from xml.etree import ElementTree as ET

from .. import __version__
from ..model import Article, OutputFile
from .urls import absolute_url, page_url

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
"""Entries per feed: the newest dated articles."""
_EPOCH = dt.date(1970, 1, 1)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _stamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def atom_feed(
    path: str,
    title: str,
    listing: str,
    articles: Sequence[Article],
    base_url: str,
    language: str,
    publisher: str,
) -> OutputFile:
    """The Atom feed at ``path`` of the newest dated ``articles`` (undated ones have no
    place in time, so are left out); ``listing`` is the page the feed follows and
    ``publisher`` the feed's author (the site's title)."""
    dated = [a for a in articles if a.document.date is not None][:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {_XML_LANG: language})
    _text(feed, "id", absolute_url(base_url, listing))
    _text(feed, "title", title)
    newest = max((a.document.date for a in dated if a.document.date), default=_EPOCH)
    _text(feed, "updated", _stamp(newest))
    _link(feed, absolute_url(base_url, path), "self", "application/atom+xml")
    _link(feed, absolute_url(base_url, listing), "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", publisher)
    ET.SubElement(feed, f"{{{ATOM}}}generator", {"version": __version__}).text = "sitegen"
    for article in dated:
        feed.append(_entry(article, base_url))
    return OutputFile(path, _xml(feed))


def _entry(article: Article, base_url: str) -> ET.Element:
    doc = article.document
    assert doc.date is not None
    url = absolute_url(base_url, f"{article.slug}/")
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", url)
    _text(entry, "title", doc.title)
    _text(entry, "published", _stamp(doc.date))
    _text(entry, "updated", _stamp(doc.date))
    _link(entry, url, "alternate", "text/html")
    if doc.author:
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", doc.author)
    for tag in doc.tags:
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": tag})
    if article.summary:
        _text(entry, "summary", article.summary)
    return entry


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = text


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, "rel": rel, "type": kind})


def sitemap(pages: Iterable[str], lastmod: Mapping[str, dt.date], base_url: str) -> OutputFile:
    """``sitemap.xml`` listing every page (output paths of HTML files), sorted, with the
    date of the pages that have one (articles)."""
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in sorted(pages):
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = absolute_url(base_url, page_url(path))
        if path in lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod[path].isoformat()
    return OutputFile("sitemap.xml", _xml(urlset))


def robots_txt(base_url: str) -> OutputFile:
    """Everything may be crawled; the sitemap is where the site says.

    Crawlers read ``robots.txt`` only at a host's root: under a project site's
    path it is harmless and unread (say so in the README)."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url(base_url, 'sitemap.xml')}\n"
    return OutputFile("robots.txt", text.encode())
