"""Render: every URL sitegen writes, in one place.

Three kinds of link, for three kinds of reader:

- pages link to each other *relatively* (``../entities/``), so a site works at
  any path prefix (``https://user.github.io/repo/``) and opened from disk;
- ``404.html`` is served by GitHub Pages for a missing path at any depth, so its
  links are *path-absolute* under the site's base path (``/repo/static/...``);
- feeds, the sitemap, canonical links, Open Graph and JSON-LD are read away from
  the site, so they are *absolute* under ``base_url``.

Site paths (``target``) are output paths without a leading slash: ``""`` is the
home page, ``"entities/"`` a folder's ``index.html``, ``"feed.xml"`` a file.
"""

from __future__ import annotations

import functools
from urllib.parse import quote, urlsplit

from ..errors import quoted


class BaseUrlError(ValueError):
    """``base_url`` is not an absolute http(s) URL."""


@functools.lru_cache(maxsize=1 << 12)  # a page links to a target many times; pages differ
def relative_url(target: str, page: str) -> str:
    """The link from output file ``page`` to site path ``target`` ("" is the home page).

    Both are output paths (no ``.`` or ``..`` parts), so this is
    ``posixpath.relpath`` by string, without its trips through ``abspath``: an
    entity page of a large site has thousands of links."""
    here = [part for part in page.split("/")[:-1] if part]
    there = [part for part in target.split("/") if part]
    common = 0
    for mine, theirs in zip(here, there, strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    if target == "" or target.endswith("/"):
        return "./" if rel == "." else rel + "/"
    return rel


#: What a URL's path keeps as it is (a "%" too: what is escaped already stays so).
_URL_SAFE = "/:@!$&'()*+,;=-._~%"


def normalise_base_url(value: str) -> str:
    """``base_url`` checked and ending in one ``/``; ``""`` stays ``""`` (not set).

    Raises BaseUrlError with a message a user can act on.
    """
    value = value.strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BaseUrlError(
            f"base_url must be an absolute http:// or https:// URL, not {quoted(value)} "
            "(for example https://user.github.io/repo/)"
        )
    if parts.query or parts.fragment:
        raise BaseUrlError(f"base_url must not have a query or fragment: {quoted(value)}")
    if any(c.isspace() or not c.isprintable() for c in parts.netloc):
        raise BaseUrlError(f"base_url's host must not hold spaces: {quoted(value)}")
    path = quote(parts.path.rstrip("/") + "/", safe=_URL_SAFE)  # (a space as %20)
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def base_path(base_url: str) -> str:
    """The path the site is served under: ``/repo/`` for a project site, ``/`` otherwise."""
    return urlsplit(base_url).path or "/" if base_url else "/"


def absolute_url(base_url: str, target: str) -> str:
    """``target`` as an absolute URL under ``base_url`` (which must be normalised and set)."""
    if not base_url:
        raise BaseUrlError("an absolute URL needs base_url")
    return base_url + quote(target, safe=_URL_SAFE)


def rooted_url(base_url: str, target: str) -> str:
    """``target`` as a path-absolute link (``/repo/static/style.css``), for ``404.html``."""
    return base_path(base_url) + quote(target, safe=_URL_SAFE)


def page_url(path: str) -> str:
    """The site path a reader uses for output file ``path``: ``a/index.html`` is ``a/``."""
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path
