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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..cache import digest
from ..errors import SitegenError
from ..model import HIGHLIGHT_STYLES, LABELS, Article, Entity, Page, Site
from ..site.index import entity_page
from ..site.ledger import cite
from .annotations import article_annotations, to_json
from .body import relative_url, render_article
from .figures import cards_json, month_chart
from .theme import Settings, Theme, static_files


def plan_site(site: Site, settings: Settings, theme: Theme, salt: str) -> list[Page]:
    """Every file of the site, each with the digest of what it is made from.

    Nothing is rendered here: a page is rendered when the writer finds that its
    key differs from the one it was last written with. ``salt`` names what
    every page depends on (sitegen's code, the templates, the settings).
    """
    renderer = _Renderer(settings, theme)
    key = functools.partial(_key, salt)
    everything = tuple(a.key for a in site.articles)
    sources = tuple(a.document.source for a in site.articles)
    pages = [
        Page("index.html", key("home", *everything), renderer.home(site), sources),
        Page("entities/index.html", key("entities", *_entity_rows(site)), renderer.index(site)),
        Page("sources/index.html", key("sources", *everything), renderer.sources(site), sources),
    ]
    entities = {e.id: e for e in site.entities}
    for article in site.articles:
        mentioned = [entities[i] for i in dict.fromkeys(m.entity for m in article.mentions)]
        path = f"{article.slug}/index.html"
        cards = cards_json(article, mentioned, path)
        pages.append(
            Page(
                path,
                key("article", article.key, cards),
                functools.partial(renderer.article, article, mentioned, cards),
                (article.document.source,),
            )
        )
        pages.append(
            Page(
                f"{article.slug}/annotations.json",
                key("annotations", article.key),
                functools.partial(_annotations, article),
                (article.document.source,),
            )
        )
    for entity in site.entities:
        shown = _entity_articles(entity)
        pages.append(
            Page(
                f"entities/{entity.id}/index.html",
                key("entity", entity.id, entity.name, entity.label, *[a.key for a in shown]),
                functools.partial(renderer.entity, entity),
                tuple(a.document.source for a in shown),
            )
        )
    for rel, file in static_files(theme).items():
        content = file.read_bytes()
        pages.append(
            Page(f"static/{rel}", key("static", content), functools.partial(bytes, content))
        )
    pages.append(Page(".nojekyll", key("nojekyll"), lambda: b""))
    return sorted(pages, key=lambda p: p.path)


def _key(*parts: str | bytes) -> str:
    return digest(*parts).hex()


def _entity_rows(site: Site) -> list[str]:
    """What the entity index shows of each entity."""
    return [
        f"{e.id}\t{e.name}\t{e.label}\t{len(e.found)}\t{e.mention_count}" for e in site.entities
    ]


def _entity_articles(entity: Entity) -> list[Article]:
    """The articles an entity's page is made from: those naming it or quoting it."""
    found = {a.slug: a for a in entity.articles}
    for quoted in entity.quotes:
        found.setdefault(quoted.article.slug, quoted.article)
    return sorted(found.values(), key=lambda a: a.slug)


def _annotations(article: Article) -> bytes:
    return to_json(article_annotations(article)).encode()


class _Renderer:
    """Fills the templates."""

    def __init__(self, settings: Settings, theme: Theme) -> None:
        self.settings = settings
        self.theme = theme
        self.env = theme.env

    def home(self, site: Site) -> Callable[[], bytes]:
        return lambda: self.page("index.html", "home.html", articles=site.articles)

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

    def article(self, article: Article, mentioned: Sequence[Entity], cards: str) -> bytes:
        path = f"{article.slug}/index.html"
        notes: dict[int, str] = {}
        body = render_article(article, path, self.settings.highlight, notes)
        return self.page(
            path,
            "article.html",
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
            cards=Markup(cards),
            # The printed list repeats the notes: without their ids, which must be unique.
            notes=[(n, Markup(re.sub(r' id="[^"]*"', "", notes[n]))) for n in sorted(notes)],
            sources=cite([article]),
            highlight=self.settings.highlight,
        )

    def entity(self, entity: Entity) -> bytes:
        shown = entity_page(entity)
        return self.page(
            f"entities/{entity.id}/index.html",
            "entity.html",
            entity=shown,
            chart=Markup(month_chart(shown.months, shown.name)),
        )

    def page(self, path: str, template: str, **context: Any) -> bytes:
        def url(target: str) -> str:
            return relative_url(target, path)

        try:
            html = self.env.get_template(template).render(
                site=self.settings,
                url=url,
                labels=LABELS,
                path=path,
                version=__version__,
                **context,
            )
        except jinja2.TemplateError as exc:
            raise self._template_error(exc, template) from None
        return html.encode()

    def _template_error(self, exc: jinja2.TemplateError, name: str) -> SitegenError:
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".html"):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
        shown = name
        if filename:
            path = Path(filename).resolve()
            site = self.theme.site_dir.resolve()
            inside = site in path.parents
            shown = path.relative_to(site).as_posix() if inside else f"theme:{path.name}"
        return SitegenError(f"template: {exc.message or type(exc).__name__}", shown, line)
