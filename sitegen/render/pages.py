"""Render: Site -> Page, with Jinja templates and markdown-it's renderer.

``plan_site`` lists every file of the site with a key: a digest of what the
file is made from (its articles' keys, the entity rows it shows, the code,
templates and settings). Rendering is deferred to the writer, which renders a
page only when its key differs from the one it was last written with. Every
internal link is relative to the page it is on (one ``url()`` helper), so the
site works at any path prefix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..cache import digest
from ..errors import SitegenError
from ..memos import Kept, Latest
from ..model import HIGHLIGHT_STYLES, LABELS, Article, Entity, OutputFile, Page, Site
from ..site.entity_page import entity_page
from ..site.ledger import cite
from ..site.listings import ListPage, by_author, by_tag
from ..site.related import related_articles, shared_entities
from ..source.files import read_bytes
from .annotations import article_annotations, to_json
from .body import render_article
from .figures import cards_json, month_chart
from .keys import cited, entity_page_keys, entity_rows, named_ids
from .meta import Head, article_head, page_head
from .publication import (
    archive_page,
    crawler_pages,
    feed_files,
    group_pages,
    home_pages,
    listed,
    not_found_page,
    search_page,
    site_feeds,
)
from .reading import article_minutes, mentions_by_kind
from .search import FACETS, site_shards
from .theme import Settings, Theme, compile_templates, static_files, static_shown
from .toc import table_of_contents
from .urls import relative_url, rooted_url

#: How many related articles an article page suggests.
RELATED_ARTICLES = 3
#: Characters that are errors in an HTML page (controls but tab, line breaks and form
#: feed); like CommonMark's NUL each becomes U+FFFD, wherever it came from.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def plan_site(
    site: Site, settings: Settings, theme: Theme, salt: str, extra: Sequence[OutputFile] = ()
) -> list[Page]:
    """Every file of the site, each with the digest of what it is made from, and
    the ``extra`` files published as they are (the deploy files).

    Nothing is rendered here: a page is rendered when the writer finds that its
    key differs from the one it was last written with. ``salt`` names what
    every page depends on (sitegen's code, the templates, the settings).
    """
    renderer = _Renderer(settings, theme)
    key = functools.partial(_key, salt)
    cited_by = [cited(article) for article in site.articles]
    pages = [
        Page("entities/index.html", key("entities", *entity_rows(site)), renderer.index(site)),
        Page("sources/index.html", key("sources", *cited_by), renderer.sources(site)),
        *_article_pages(renderer, site, salt),
        *_entity_pages(renderer, site, salt),
        *_static_pages(theme, key),
        *publication_pages(renderer, site, settings, key),
        *_files(extra, key),
    ]
    pages += crawler_pages(key, [p.path for p in pages], site.articles, settings.base_url)
    return sorted(pages, key=lambda p: p.path)


def _article_pages(renderer: _Renderer, site: Site, salt: str) -> Iterator[Page]:
    """Each article's page and its ``annotations.json``."""
    entities = {e.id: e for e in site.entities}
    related = _related(site.articles)
    for article in site.articles:
        yield _article_page(renderer, article, entities, related, salt)
        yield Page(
            f"{article.slug}/annotations.json",
            _key(salt, "annotations", article.key),
            functools.partial(_annotations, article),
        )


def first_pages(
    site: Site, settings: Settings, theme: Theme, salt: str, slugs: Collection[str]
) -> list[Page]:
    """The pages of the articles ``slugs`` as ``plan_site`` plans them, planned alone:
    the preview writes them (the pages being edited) before the rest of the site."""
    renderer = _Renderer(settings, theme)
    entities = {e.id: e for e in site.entities}
    related = _related(site.articles)
    return [
        _article_page(renderer, article, entities, related, salt)
        for article in site.articles
        if article.slug in slugs
    ]


def _article_page(
    renderer: _Renderer,
    article: Article,
    entities: Mapping[str, Entity],
    related: Mapping[str, tuple[Article, ...]],
    salt: str,
) -> Page:
    mentioned = [entities[i] for i in named_ids(article)]
    path = f"{article.slug}/index.html"
    others = related[article.slug]  # the page shows their titles, dates and names

    cards = b"".join(e.card_digest for e in mentioned)  # (digests of one length)

    def made() -> str:
        # Of a related article the page shows its title and date and whom both name.
        shown = [f"{listed(o)} {' '.join(named_ids(o))}" for o in others]
        return _key(salt, "article", article.key, cards, *shown)

    key = _ARTICLE_KEYS.get(f"{salt} {path}", (article, *others, cards), made)  # cards: by value
    return Page(path, key, functools.partial(renderer.article, article, mentioned, others))


_ARTICLE_KEYS: Kept[str] = Kept()
"""Each article page's key while it and the articles it shows are the same objects
and its entities' cards say the same."""


def _entity_pages(renderer: _Renderer, site: Site, salt: str) -> Iterator[Page]:
    """Each entity's page, in pages of ``entity_page_size`` articles."""
    size = renderer.settings.entity_page_size
    for entity in site.entities:
        for listing, key in entity_page_keys(salt, entity, size):
            yield Page(listing.path, key, functools.partial(renderer.entity, entity, listing))


def plan_ahead(site: Site, settings: Settings, theme: Theme, salt: str) -> None:
    """Work out now what planning the pages of a site made from ``site`` keeps of it:
    the keys of the entity pages (kept while the entity is the same object, which the
    site index hands on for the entities new articles leave alone); and compile the
    templates. A build does this while its new articles' blocks are annotated."""
    compile_templates(theme)
    for entity in site.entities:
        entity_page_keys(salt, entity, settings.entity_page_size)


def _static_pages(theme: Theme, key: Callable[..., str]) -> Iterator[Page]:
    """The theme's and the site's static files, copied as they are."""
    for rel, file in static_files(theme).items():
        content = read_bytes(file, static_shown(file, rel, theme.site_dir))
        yield Page(f"static/{rel}", key("static", content), functools.partial(bytes, content))


def publication_pages(
    renderer: _Renderer, site: Site, settings: Settings, key: Callable[..., str]
) -> list[Page]:
    """Home and listing pages, tags, authors, archive, search, 404, feeds, sitemap."""
    s, articles, page = settings, site.articles, renderer.page
    groups = [("tags", g) for g in by_tag(articles)] + [("authors", g) for g in by_author(articles)]
    pages = list(home_pages(page, key, articles, s.page_size, s.title, s.description, s.base_url))
    for kind in ("tags", "authors"):
        listed = [g for k, g in groups if k == kind]
        pages += group_pages(page, key, kind, listed, s.page_size, s.title, s.base_url)
    pages.append(archive_page(page, key, articles, s.base_url))
    if s.search:
        merged = [shard.bundle for shard in site_shards(site)[1:]]
        pages.append(search_page(page, key, s.base_url, merged))
    pages.append(not_found_page(page, key))
    return pages + _files(feed_files(articles, groups, s.title, s.language, s.base_url), key)


def _files(files: Sequence[OutputFile], key: Callable[..., str]) -> list[Page]:
    """Files made eagerly (small: feeds), keyed by their content."""
    return [
        Page(f.path, key("file", f.content), functools.partial(bytes, f.content)) for f in files
    ]


def _key(*parts: str | bytes) -> str:
    return digest(*parts).hex()


def _related(articles: Sequence[Article]) -> dict[str, tuple[Article, ...]]:
    """Each article's related articles, by slug (see ``site/related.py``)."""
    by_slug = {a.slug: a for a in articles}
    chosen = _related_slugs(tuple((a.slug, named_ids(a)) for a in articles))
    return {slug: tuple(by_slug[other] for other in others) for slug, others in chosen.items()}


def _related_slugs(named: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, tuple[str, ...]]:
    """``related_articles``, again only when who names what changed (an edit seldom
    changes it), in this process or the last."""
    return _RELATED.get(
        named,
        lambda: digest(repr((RELATED_ARTICLES, named))),  # 13 ms at 1,000 articles
        lambda: related_articles(dict(named), RELATED_ARTICLES),
    )


_RELATED: Latest[dict[str, tuple[str, ...]]] = Latest("related", dict[str, tuple[str, ...]])


def article_extras(
    article: Article,
    mentioned: Mapping[str, Entity],
    related: Sequence[Article],
    headings: Sequence[tuple[int, str]],
) -> dict[str, Any]:
    """What an article page shows besides its body: reading time, table of contents,
    its entities by kind (``(label, plural, [(entity, mentions)])``) and related articles
    (``(article, [entity named in both])``)."""
    own = [m.entity for m in article.mentions]
    groups = mentions_by_kind(((m.entity, m.label) for m in article.mentions), list(LABELS))
    return {
        "reading_minutes": article_minutes(article),
        "toc": table_of_contents(headings),
        "mentioned_groups": [
            (label, LABELS[label][2], [(mentioned[e], n) for e, n in members])
            for label, members in groups
        ],
        "related": [
            (
                other,
                [mentioned[e] for e in shared_entities(own, {m.entity for m in other.mentions})],
            )
            for other in related
        ],
    }


def _annotations(article: Article) -> bytes:
    return to_json(article_annotations(article)).encode()


class _Renderer:
    """Fills the templates."""

    def __init__(self, settings: Settings, theme: Theme) -> None:
        self.settings = settings
        self.theme = theme
        self.env = theme.env

    def index(self, site: Site) -> Callable[[], bytes]:
        groups = [
            (label, LABELS[label][2], [e for e in site.entities if e.label == label])
            for label in LABELS
        ]
        return lambda: self.page(
            "entities/index.html",
            "entities.html",
            groups=[g for g in groups if g[2]],
            entities=site.entities,
        )

    def sources(self, site: Site) -> Callable[[], bytes]:
        return lambda: self.page("sources/index.html", "sources.html", cited=site.cited)

    def article(
        self,
        article: Article,
        mentioned: Sequence[Entity],
        related: Sequence[Article] = (),
    ) -> bytes:
        path = f"{article.slug}/index.html"
        notes: dict[int, str] = {}
        headings: list[tuple[int, str]] = []
        body = render_article(article, path, self.settings.highlight, notes, headings)
        s = self.settings
        feeds = site_feeds(s.title, s.base_url)
        return self.page(
            path,
            "article.html",
            head=article_head(article, mentioned, s.title, s.language, s.base_url, feeds),
            article=article,
            page=article.document,
            body=Markup(body),
            mentioned=mentioned,
            legend=list(
                dict.fromkeys(
                    HIGHLIGHT_STYLES[label]
                    for label in sorted({e.label for e in mentioned}, key=list(LABELS).index)
                )
            ),
            cards=Markup(cards_json(article, mentioned, path)),
            # The printed list repeats the notes: without their ids, which must be unique.
            notes=[(n, Markup(re.sub(r' id="[^"]*"', "", notes[n]))) for n in sorted(notes)],
            sources=cite([article]),
            highlight=self.settings.highlight,
            **article_extras(article, {e.id: e for e in mentioned}, related, headings),
        )

    def entity(self, entity: Entity, listing: ListPage) -> bytes:
        shown = entity_page(entity, listing)
        kind = LABELS[entity.label][1]
        count = shown.article_count
        described = entity.description or f"{kind} named in {count} article{'s' * (count != 1)}."
        title = entity.name if listing.number == 1 else f"{entity.name}, page {listing.number}"
        return self.page(
            listing.path,
            "entity.html",
            head=page_head(listing.path, title, described, self.settings.base_url),
            entity=shown,
            listing=listing,
            chart=Markup(month_chart(shown.months, shown.name)),
        )

    def page(
        self,
        path: str,
        template: str,
        *,
        head: Head | None = None,
        rooted: bool = False,
        **context: Any,
    ) -> bytes:
        """Fill ``template`` for output file ``path``; ``url()`` links relatively, or
        path-absolute under the base path when ``rooted`` (``404.html``)."""
        s = self.settings

        def url(target: str) -> str:
            return rooted_url(s.base_url, target) if rooted else relative_url(target, path)

        if head is None:
            feeds = site_feeds(s.title, s.base_url)
            head = page_head(path, s.title, s.description, s.base_url, feeds)
        try:
            html = self.env.get_template(template).render(
                site=self.settings,
                head=head,
                url=url,
                labels=LABELS,
                facets=FACETS,
                path=path,
                version=__version__,
                **context,
            )
        except jinja2.TemplateError as exc:
            raise self._template_error(exc, template) from None
        except RecursionError:
            raise SitegenError("template: nested too deeply", self._shown(template)) from None
        return _CONTROL.sub("\ufffd", html).encode()

    def _template_error(self, exc: jinja2.TemplateError, name: str) -> SitegenError:
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".html"):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
        shown = self._shown(name, filename)
        if isinstance(exc, jinja2.TemplateNotFound):  # (its message is the name alone)
            return SitegenError(f"template: {self._not_found(exc)}", shown, line)
        return SitegenError(f"template: {exc.message or type(exc).__name__}", shown, line)

    def _not_found(self, exc: jinja2.TemplateNotFound) -> str:
        """Why no template of the name(s) ``exc`` gives was found (see loader.py)."""
        names = [str(n) for n in getattr(exc, "templates", None) or [exc.name]]
        if len(names) > 1:
            listed = ", ".join(repr(n) for n in names)
            return f"none of {listed} is in templates/ or the default theme"
        name, site = names[0], self.theme.site_dir.resolve()
        own = site / "templates" / name
        if any(part.startswith(".") for part in Path(name).parts):
            return f"{name!r} is hidden: not read"
        if own.is_dir():
            return f"{name!r} is a folder, not a template"
        if own.exists() and not own.resolve().is_relative_to(site):
            return f"{name!r} leads out of the site: not read"
        return f"{name!r} is in neither templates/ nor the default theme"

    def _shown(self, name: str, filename: str | None = None) -> str:
        """A template as the user knows it: ``templates/home.html`` or ``theme:home.html``."""
        if filename is None:
            found = [d / name for d in self.theme.template_dirs if (d / name).is_file()]
            filename = str(found[0]) if found else None
        if not filename:
            return name
        path = Path(filename).resolve()
        site = self.theme.site_dir.resolve()
        return path.relative_to(site).as_posix() if site in path.parents else f"theme:{path.name}"
