"""Every link of the built sample site works when the site is served under /repo/.

GitHub Pages serves a project site at ``https://user.github.io/repo/``: a
root-absolute link (``/static/style.css``) would leave the site, and a relative
link with one ``../`` too many would too. This crawls the build as files, resolving
every ``href`` and ``src`` against the page's URL ``http://x/repo/<path>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from sitebuild import ARTICLE, ENTITY, PREFIX, sample_build

pytestmark = pytest.mark.model

HOST = "http://x"
BASE = f"{HOST}/{PREFIX}/"
URL_ATTRS = ("href", "src")


@dataclass
class Page:
    """What the crawl needs of one HTML file."""

    ids: list[str] = field(default_factory=list)
    refs: list[tuple[int, str, str, str]] = field(default_factory=list)
    """(line, tag, attribute, value) for every URL attribute."""
    stylesheets: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.append(values["id"])
        for name in URL_ATTRS:
            if name in values:
                self.page.refs.append((self.getpos()[0], tag, name, values[name]))
        rel = values.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and "href" in values:
            self.page.stylesheets.append(values["href"])

    handle_startendtag = handle_starttag


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def page_url(path: str) -> str:
    """The URL a built file is served at; ``a/index.html`` is linked to as ``a/``."""
    return BASE + path


def internal_target(url: str) -> str | None:
    """The built file an absolute URL points at, or None when it is outside the site."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != HOST:
        return None
    path = unquote(parts.path)
    if not path.startswith(f"/{PREFIX}/"):
        return None
    target = path[len(PREFIX) + 2 :]
    return target + "index.html" if target == "" or target.endswith("/") else target


@pytest.fixture(scope="module")
def out_dir(real_nlp: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_build(tmp_path_factory)


@pytest.fixture(scope="module")
def pages(out_dir: Path) -> dict[str, Page]:
    """Every built HTML file by its path in the build, parsed."""
    return {
        path.relative_to(out_dir).as_posix(): parse(path.read_text(encoding="utf-8"))
        for path in sorted(out_dir.rglob("*.html"))
    }


def test_the_crawl_covers_pages_at_every_depth(pages: dict[str, Page]) -> None:
    depths = {path.count("/") for path in pages}
    assert {0, 1, 3} <= depths, sorted(pages)
    assert {"index.html", f"{ARTICLE}/index.html", f"{ENTITY}/index.html"} <= set(pages)
    assert sum(len(page.refs) for page in pages.values()) > 100


def test_every_internal_link_and_fragment_exists(out_dir: Path, pages: dict[str, Page]) -> None:
    problems = []
    checked = 0
    for path, page in pages.items():
        for line, tag, attr, value in page.refs:
            where = f"{path}:{line} <{tag} {attr}={value!r}>"
            url = urljoin(page_url(path), value.strip())
            parts = urlsplit(url)
            same_host = f"{parts.scheme}://{parts.netloc}" == HOST
            if same_host and not parts.path.startswith(f"/{PREFIX}/"):
                problems.append(f"{where}: resolves to {parts.path}, outside /{PREFIX}/")
                continue
            target = internal_target(url)
            if target is None:
                continue  # another site, mailto:, data: ...
            checked += 1
            if not (out_dir / target).is_file():
                problems.append(f"{where}: {target} is not in the build")
                continue
            fragment = unquote(parts.fragment)
            if fragment:
                if target not in pages:
                    problems.append(f"{where}: #{fragment} in {target}, which is not HTML")
                elif fragment not in pages[target].ids:
                    problems.append(f"{where}: {target} has no id={fragment!r}")
    assert checked > 100
    assert not problems, "\n".join(problems)


def test_ids_are_unique_on_every_page(pages: dict[str, Page]) -> None:
    """A fragment can only point at one element."""
    problems = [
        f"{path}: id={i!r} {page.ids.count(i)} times"
        for path, page in pages.items()
        for i in sorted(set(page.ids))
        if page.ids.count(i) > 1
    ]
    assert not problems, "\n".join(problems)


def test_no_internal_link_is_root_absolute(pages: dict[str, Page]) -> None:
    """``/x`` would point at the user's site root, not the project site.

    Except in ``404.html``: GitHub Pages serves it at any missing path, so a
    relative link could not work there; its links start with the base path."""
    problems = [
        f"{path}:{line} <{tag} {attr}={value!r}>"
        for path, page in pages.items()
        for line, tag, attr, value in page.refs
        if value.strip().startswith("/")
        and not value.strip().startswith("//")
        and path != "404.html"
    ]
    assert not problems, "\n".join(problems)


def test_404_links_start_with_the_base_path(pages: dict[str, Page]) -> None:
    refs = pages["404.html"].refs
    internal = [value for _, _, _, value in refs if not value.startswith(("#", "data:"))]
    assert len(internal) > 5
    assert all(value.startswith(f"/{PREFIX}/") for value in internal), internal


@pytest.mark.parametrize(
    "path",
    ["index.html", f"{ARTICLE}/index.html", "entities/index.html", f"{ENTITY}/index.html"],
    ids=["depth0-home", "depth1-article", "depth1-entities", "depth3-entity"],
)
def test_page_reaches_the_stylesheet(out_dir: Path, pages: dict[str, Page], path: str) -> None:
    targets = [internal_target(urljoin(page_url(path), href)) for href in pages[path].stylesheets]
    assert targets == ["static/style.css"]
    assert (out_dir / "static/style.css").is_file()


def test_every_page_has_the_stylesheet(pages: dict[str, Page]) -> None:
    missing = [
        path
        for path, page in pages.items()
        if "static/style.css"
        not in [internal_target(urljoin(page_url(path), h)) for h in page.stylesheets]
    ]
    assert not missing, missing
