"""Site: the article listings: tags, authors, the archive by month, and pagination.

Pure functions from the site's articles (newest first) to groups and pages; each
listing page says exactly which articles it shows, so a page has to be rendered
again only when one of those (or the number of pages) changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slugify import slugify

from ..model import Article


@dataclass(frozen=True)
class Group:
    """Articles sharing a tag or an author."""

    name: str
    """As first written in the newest article (tags ``US`` and ``us`` are one group)."""
    slug: str
    """The group's URL segment: ``tags/<slug>/``, ``authors/<slug>/``."""
    articles: tuple[Article, ...]
    """Newest first."""


@dataclass(frozen=True)
class ListPage:
    """One page of a paginated list of articles."""

    path: str
    """The output file: ``index.html``, ``page/2/index.html``, ``tags/x/page/2/index.html``."""
    articles: tuple[Article, ...]
    """The articles this page lists: its only input besides its neighbours' paths."""
    number: int
    """1-based."""
    count: int
    """How many pages the list has."""
    first: str
    """Site path of the list's first page (``""``, ``tags/x/``)."""
    previous: str | None
    """Site path of the page before (newer articles), or None on the first."""
    next: str | None
    """Site path of the page after (older articles), or None on the last."""


@dataclass(frozen=True)
class Month:
    """The archive's articles of one month."""

    year: int
    month: int
    articles: tuple[Article, ...]


def page_path(folder: str, number: int) -> str:
    """Site path of page ``number`` of the list at ``folder`` (``""`` or ``tags/x/``)."""
    return folder if number == 1 else f"{folder}page/{number}/"


def paginate(articles: Sequence[Article], folder: str, size: int) -> list[ListPage]:
    """``articles`` cut into pages of ``size``; an empty list still has its first page."""
    chunks = [tuple(articles[i : i + size]) for i in range(0, len(articles), size)] or [()]
    count = len(chunks)
    return [
        ListPage(
            path=page_path(folder, number) + "index.html",
            articles=chunk,
            number=number,
            count=count,
            first=folder,
            previous=page_path(folder, number - 1) if number > 1 else None,
            next=page_path(folder, number + 1) if number < count else None,
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def by_tag(articles: Sequence[Article]) -> list[Group]:
    """Every tag with its articles, by slug."""
    return _group(articles, lambda a: a.document.tags)


def by_author(articles: Sequence[Article]) -> list[Group]:
    """Every author with their articles, by slug."""
    return _group(articles, lambda a: (a.document.author,) if a.document.author else ())


def group_slug(name: str) -> str:
    """The URL segment of a tag or author name (``"Middle East"`` -> ``middle-east``)."""
    return slugify(name) or "-"


def _group(articles: Sequence[Article], keys: Callable[[Article], Sequence[str]]) -> list[Group]:
    names: dict[str, str] = {}
    members: dict[str, list[Article]] = {}
    for article in articles:
        for key in dict.fromkeys(group_slug(k) for k in keys(article)):
            members.setdefault(key, []).append(article)
        for name in keys(article):
            names.setdefault(group_slug(name), name)
    return [Group(names[slug], slug, tuple(members[slug])) for slug in sorted(members)]


def by_month(articles: Sequence[Article]) -> list[Month]:
    """Dated articles by month, newest month first; undated articles are left out."""
    months: dict[tuple[int, int], list[Article]] = {}
    for article in articles:
        date = article.document.date
        if date is not None:
            months.setdefault((date.year, date.month), []).append(article)
    return [Month(y, m, tuple(months[y, m])) for y, m in sorted(months, reverse=True)]


def undated(articles: Sequence[Article]) -> tuple[Article, ...]:
    return tuple(a for a in articles if a.document.date is None)
