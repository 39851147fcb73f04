"""Render: Site -> OutputFile, with Jinja templates and markdown-it's renderer.

Templates are looked up in the site's ``templates/`` first, then the built-in
theme, file by file; static files likewise. Every internal link is relative to
the page it is on (one ``url()`` helper), so the site works at any path prefix.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..errors import SitegenError
from ..model import HIGHLIGHT_STYLES, LABELS, MONTHS, Article, Entity, OutputFile, Site
from ..site.ledger import cite
from .annotations import article_annotations, to_json
from .body import relative_url, render_article
from .figures import cards_json, month_chart, month_label


@dataclass(frozen=True)
class Settings:
    """What templates know of the site."""

    title: str
    description: str
    language: str
    highlight: str = "first"
    """How mentions are highlighted (see ``body.HIGHLIGHT_MODES``)."""


@dataclass(frozen=True)
class Theme:
    """Where templates and static files come from, first match wins."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    site_dir: Path


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or ``templates/`` in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "_theme"
    return packaged if packaged.is_dir() else package.parent / "templates"


def make_theme(site_dir: Path) -> Theme:
    builtin = builtin_theme_dir()
    templates = [d for d in (site_dir / "templates", builtin) if d.is_dir()]
    static = [d for d in (site_dir / "static", builtin / "static") if d.is_dir()]
    return Theme(tuple(templates), tuple(static), site_dir)


def format_date(value: dt.date | None) -> str:
    """``21 September 2015``, the same on every machine (no locale)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def render_site(site: Site, settings: Settings, theme: Theme) -> list[OutputFile]:
    """Every page, annotation file and static file of the site, sorted by path."""
    renderer = _Renderer(settings, theme)
    files = list(renderer.pages(site))
    files += static_files(theme)
    files.append(OutputFile(".nojekyll", b""))
    return sorted(files, key=lambda f: f.path)


def static_files(theme: Theme) -> list[OutputFile]:
    """The theme's static files under ``static/``, site files overriding by name."""
    found: dict[str, Path] = {}
    for root in theme.static_dirs:
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not rel.startswith(".") and rel not in found:
                found[rel] = path
    return [OutputFile(f"static/{rel}", path.read_bytes()) for rel, path in sorted(found.items())]


class _Renderer:
    """Fills the templates; one instance per build."""

    def __init__(self, settings: Settings, theme: Theme) -> None:
        self.settings = settings
        self.theme = theme
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["date"] = format_date
        self.env.filters["month"] = month_label

    def pages(self, site: Site) -> Iterator[OutputFile]:
        yield self.page("index.html", "home.html", articles=site.articles)
        entities = {e.id: e for e in site.entities}
        for article in site.articles:
            yield self.article(article, entities)
            data = to_json(article_annotations(article))
            yield OutputFile(f"{article.slug}/annotations.json", data.encode())
        groups = [
            (label, LABELS[label][2], [e for e in site.entities if e.label == label])
            for label in LABELS
        ]
        yield self.page(
            "entities/index.html",
            "entities.html",
            groups=[g for g in groups if g[2]],
            entities=site.entities,
        )
        for entity in site.entities:
            yield self.entity(entity)
        yield self.page("sources/index.html", "sources.html", cited=site.cited)

    def article(self, article: Article, entities: Mapping[str, Entity]) -> OutputFile:
        path = f"{article.slug}/index.html"
        mentioned = [entities[i] for i in dict.fromkeys(m.entity for m in article.mentions)]
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
            cards=Markup(cards_json(article, mentioned, path)),
            # The printed list repeats the notes: without their ids, which must be unique.
            notes=[(n, Markup(re.sub(r' id="[^"]*"', "", notes[n]))) for n in sorted(notes)],
            sources=cite([article]),
            highlight=self.settings.highlight,
        )

    def entity(self, entity: Entity) -> OutputFile:
        return self.page(
            f"entities/{entity.id}/index.html",
            "entity.html",
            entity=entity,
            chart=Markup(month_chart(entity.months, entity.name)),
        )

    def page(self, path: str, template: str, **context: Any) -> OutputFile:
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
        return OutputFile(path, html.encode())

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
