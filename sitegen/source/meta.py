"""Parse, part one: validate an article's metadata (front matter or title/byline lines).

Articles with front matter declare ``title``, ``date``, ``author``, ``tags``,
``summary``, ``slug`` and ``draft``; any other key is kept for templates.
Articles without a title in front matter may open with a ``## Title`` line and
a ``## Author Day Month Year`` byline, as news sites export them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..errors import Problems
from ..model import MONTHS, Source
from ..slugs import MAX_NAME_BYTES, fits, make_slug

KNOWN_KEYS = ("title", "date", "author", "tags", "summary", "slug", "draft", "sources")
#: Output folders sitegen itself writes; an article may not take their name.
RESERVED_SLUGS = frozenset(
    {
        "entities",
        "sources",
        "static",
        "archive",
        "authors",
        "tags",
        "page",
        "search",
        "pagefind",
        "pagefind-shards",
    }
)

_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_MONTHS = [m.lower() for m in MONTHS]
_BYLINE = re.compile(
    r"^(?P<author>\D.*?)[ \t,]+(?P<day>\d{1,2})[ \t]+(?P<month>[A-Za-z]+)[ \t]+(?P<year>\d{4})$"
)
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: A date as text, perhaps with a time of day and a zone ("2015-09-21 10:00 +0200"),
#: which sitegen does not use.
_WHEN = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})"  # the day, then perhaps the time (RFC 3339, YAML)
    r"(?:(?:[Tt]|[ \t]+)(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
    r"(?:[ \t]*(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?))?)?"
)


@dataclass(frozen=True)
class Meta:
    """Validated metadata and the body with any title/byline lines blanked out."""

    title: str
    title_is_markdown: bool
    """True when the title came from a heading line (Markdown), not front matter (text)."""
    author: str | None
    date: dt.date | None
    tags: tuple[str, ...]
    summary: str | None
    slug: str
    draft: bool
    extra: dict[str, Any]
    body: str
    sources: tuple[tuple[str, str], ...] = ()


def read_meta(source: Source, problems: Problems) -> Meta | None:
    """Validate ``source``'s metadata; report each problem and return None on any."""
    before = len(problems.errors)
    meta = dict(source.meta)
    body = source.body
    if meta.get("title") is None:  # (none, or "title:" left empty)
        body, found = _title_from_body(body)
        for key, value in found.items():
            if meta.get(key) is None:
                meta[key] = value

    def fail(key: str, message: str) -> None:
        problems.error(f"front matter: {message}", source.path, source.meta_lines.get(key, 1))

    title = _title(meta, source, problems, fail)
    author = _text(meta.get("author"), "author", fail)
    summary = _text(meta.get("summary"), "summary", fail)
    date = _date(meta.get("date"), fail)
    tags = _tags(meta.get("tags"), fail)
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        fail("draft", "draft must be true or false")
    slug = _slug(meta.get("slug"), source.path, fail)
    sources = _sources(meta.get("sources"), fail)
    if len(problems.errors) > before or title is None or slug is None:
        return None
    if date is None:
        problems.warn("no date: the article is listed after dated ones", source.path, 1)
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    from_body = source.meta.get("title") is None
    return Meta(
        title.strip(),
        from_body,
        author,
        date,
        tags,
        summary,
        slug,
        bool(draft),
        extra,
        body,
        sources,
    )


def _title(meta: dict[str, Any], source: Source, problems: Problems, fail: Any) -> str | None:
    title = _text(meta.get("title"), "title", fail)
    if meta.get("title") is None or (title is not None and not title.strip()):
        problems.error(
            "missing title: add 'title:' to the front matter or open with a '# Title' line",
            source.path,
            source.meta_lines.get("title", 1),
        )
    return title


def _title_from_body(body: str) -> tuple[str, dict[str, Any]]:
    """Take a leading ``## Title`` and ``## Author 21 September 2015`` from the body.

    The lines are blanked rather than removed so token line numbers stay true.
    """
    lines = body.split("\n")
    found: dict[str, Any] = {}
    rest = [i for i, text in enumerate(lines) if text.strip()]
    if not rest or not (title := _HEADING.match(lines[rest[0]])):
        return body, found
    found["title"] = title.group("text")
    lines[rest[0]] = ""
    if len(rest) > 1 and (heading := _HEADING.match(lines[rest[1]])):
        byline = _parse_byline(heading.group("text"))
        if byline is not None:
            found["author"], found["date"] = byline
            lines[rest[1]] = ""
    return "\n".join(lines), found


def _parse_byline(text: str) -> tuple[str, dt.date] | None:
    match = _BYLINE.match(text.strip())
    if not match or match.group("month").lower() not in _MONTHS:
        return None
    month = _MONTHS.index(match.group("month").lower()) + 1
    try:
        date = dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
    return match.group("author").strip(), date


def _text(value: Any, key: str, fail: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        fail(key, f"{key} must be text, not {type(value).__name__}")
        return None
    return str(value)


def _date(value: Any, fail: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    when = _WHEN.fullmatch(value.strip()) if isinstance(value, str) else None
    if when is None:
        fail("date", f"date must look like 2015-09-21, not {value!r}")
        return None
    try:
        return dt.date.fromisoformat(when.group(1))
    except ValueError:
        fail("date", f"date {when.group(1)} is not a day of the calendar")
        return None


def _tags(value: Any, fail: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(t, str | int) for t in value):
        fail("tags", "tags must be a list of words")
        return ()
    return tuple(dict.fromkeys(str(t).strip() for t in value if str(t).strip()))


def _sources(value: Any, fail: Any) -> tuple[tuple[str, str], ...]:
    """``sources: [{name: New York Times, url: https://...}]``: links for source notes."""
    if value is None:
        return ()
    if not isinstance(value, list):
        fail("sources", "sources must be a list of 'name:' and 'url:' pairs")
        return ()
    for number, source in enumerate(value, 1):
        wrong = _source_fault(source)
        if wrong:
            fail("sources", f"sources: the {_ordinal(number)} {wrong}")
            return ()
    bad = [s["url"] for s in value if not re.match(r"^https?://", s["url"])]
    if bad:
        fail("sources", f"sources: url must start with http:// or https://, not {bad[0]!r}")
        return ()
    return tuple((" ".join(s["name"].split()), s["url"]) for s in value)


def _source_fault(source: Any) -> str | None:
    """What is wrong with one item of ``sources``, if anything."""
    if not isinstance(source, dict):
        return "is not a 'name:' and 'url:' pair"
    unknown = sorted(str(k) for k in source if k not in ("name", "url"))
    if unknown:
        return f"has an unknown key '{unknown[0]}' (known: name, url)"
    for key in ("name", "url"):
        if not isinstance(source.get(key), str):
            return f"has no '{key}:'" if key not in source else f"'{key}:' must be text"
    return None


def _ordinal(number: int) -> str:
    small = ("first", "second", "third", "fourth", "fifth")
    return small[number - 1] if number <= len(small) else f"item {number}"


def _slug(value: Any, path: str, fail: Any) -> str | None:
    if value is None:
        slug = make_slug(PurePosixPath(path).stem)
        if not slug:
            fail("slug", "cannot make a URL from the file name; add 'slug:'")
            return None
    elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        slug = str(value)
    elif not isinstance(value, str) or not _SLUG.fullmatch(value):
        escapes = isinstance(value, str) and ("/" in value or "\\" in value or ".." in value)
        why = "would escape the output folder" if escapes else "is not a valid URL segment"
        fail("slug", f"slug {value!r} {why}; use letters, digits, '-' and '_'")
        return None
    else:
        slug = value
    if not fits(slug):
        fail(
            "slug",
            f"slug is {len(slug)} characters long; a file name holds at most "
            f"{MAX_NAME_BYTES}: shorten it",
        )
        return None
    if slug.lower() in RESERVED_SLUGS:
        named = (
            f"the file name makes the slug '{slug}', which" if value is None else f"slug '{slug}'"
        )
        fix = "add 'slug:' or rename the file" if value is None else "choose another"
        fail("slug", f"{named} is reserved for sitegen's own pages; {fix}")
        return None
    return slug
