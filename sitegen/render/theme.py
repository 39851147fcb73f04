"""Render, the theme: where templates and static files come from, and the Jinja
environment that fills them (made once and kept, so a long-running preview
compiles each template once and again only when its file changes).

Templates are looked up in the site's ``templates/`` first, then the built-in
theme, file by file; static files likewise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..cache import digest
from ..errors import SitegenError
from ..model import MONTHS
from ..site.listings import group_slug
from ..source.files import read_bytes, walk
from .figures import month_label
from .loader import confined_loader, root_of
from .reading import article_minutes


@dataclass(frozen=True)
class Settings:
    """What templates know of the site."""

    title: str
    description: str
    language: str
    highlight: str = "first"
    """How mentions are highlighted (see ``model.HIGHLIGHT_MODES``)."""
    base_url: str = ""
    """Normalised (ends in ``/``), or ``""``: no feeds, sitemap or canonical URLs."""
    page_size: int = 10
    """Articles per listing page."""
    search: bool = True
    """The search page and its Pagefind index."""
    entity_page_size: int = 50
    """Articles per page of an entity's page."""


@dataclass(frozen=True)
class Theme:
    """Where templates and static files come from, first match wins."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    site_dir: Path
    env: jinja2.Environment = field(compare=False, repr=False)


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or ``templates/`` in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "_theme"
    return packaged if packaged.is_dir() else package.parent / "templates"


def make_theme(site_dir: Path) -> Theme:
    builtin = builtin_theme_dir()
    templates = tuple(d for d in (site_dir / "templates", builtin) if d.is_dir())
    static = tuple(d for d in (site_dir / "static", builtin / "static") if d.is_dir())
    env = jinja2.Environment(
        loader=confined_loader(templates, site_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = format_date
    env.filters["month"] = month_label
    env.filters["slug"] = group_slug
    env.filters["reading_minutes"] = article_minutes
    return Theme(templates, static, site_dir, env)


def compile_templates(theme: Theme) -> None:
    """Compile the theme's templates now, before they are first needed (a build that
    renders nothing compiles none)."""
    for name in theme.env.list_templates(extensions=["html"]):
        # A broken or unreadable template is the next build's to report.
        with contextlib.suppress(jinja2.TemplateError, SitegenError, OSError, ValueError):
            theme.env.get_template(name)


def format_date(value: dt.date | None) -> str:
    """``21 September 2015``, the same on every machine (no locale)."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else ""


def template_digest(theme: Theme) -> str:
    """A digest of every template the theme can use (site overrides and built-in)."""
    parts: list[str | bytes] = []
    for root in theme.template_dirs:
        for path in walk(root, root_of(root, theme.site_dir), theme.site_dir):
            if path.suffix == ".html":
                parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts).hex()


def overridden(theme: Theme) -> set[str]:
    """The templates the site's own ``templates/`` has in place of the built-in ones."""
    builtin = builtin_theme_dir().resolve()
    return {
        path.relative_to(root).as_posix()
        for root in theme.template_dirs
        if root.resolve() != builtin
        for path in walk(root, root_of(root, theme.site_dir), theme.site_dir)
    }


def static_digests(theme: Theme) -> list[str]:
    """A digest of each static file with its path, to tell when one changed."""
    return [
        digest(rel, read_bytes(p, static_shown(p, rel, theme.site_dir))).hex()
        for rel, p in static_files(theme).items()
    ]


def static_shown(path: Path, rel: str, site_dir: Path) -> str:
    """A static file as the user knows it: ``static/logo.svg`` or ``theme:static/style.css``."""
    if path.is_relative_to(site_dir):
        return path.relative_to(site_dir).as_posix()
    return f"theme:static/{rel}"


def static_files(theme: Theme) -> dict[str, Path]:
    """The theme's static files by their path under ``static/``, site files first."""
    found: dict[str, Path] = {}
    for root in theme.static_dirs:
        for path in walk(root, root_of(root, theme.site_dir), theme.site_dir):
            found.setdefault(path.relative_to(root).as_posix(), path)
    return dict(sorted(found.items()))
