"""The curated entities of a site: ``entities.toml``, read and validated once.

An author gives canonical names, types, aliases, a one-line description and an
external link; declares entities the model misses (their names and aliases are
matched in the text too); re-types an entity by declaring it with the right
type; and lists names to ignore. Lookups ignore case, spacing and a leading
"the", as the names coming out of the NLP stage have none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import BuildFailed, Problems, as_toml
from .model import LABELS
from .source.files import read_toml

CATALOG_NAME = "entities.toml"
_ENTITY_KEYS = ("name", "type", "aliases", "description", "url")


@dataclass(frozen=True)
class CuratedEntity:
    """One ``[[entity]]`` table of ``entities.toml``."""

    name: str
    """The canonical name, shown on pages."""
    label: str
    """The spaCy label it has, whatever the model says."""
    aliases: tuple[str, ...] = ()
    """Other names that mean this entity ("ISIS", "the Times")."""
    description: str | None = None
    """One line shown on its page and in the card."""
    url: str | None = None
    """An external page about it (Wikipedia, Wikidata)."""


@dataclass(frozen=True)
class Catalog:
    """Every curated entity and ignored name, with case-insensitive lookups."""

    entities: tuple[CuratedEntity, ...] = ()
    ignored: frozenset[str] = frozenset()
    """Keys (see ``key``) of names that are never entities."""
    _by_key: Mapping[str, CuratedEntity] = field(default_factory=lambda: MappingProxyType({}))

    def lookup(self, name: str) -> CuratedEntity | None:
        return self._by_key.get(key(name))

    def is_ignored(self, name: str) -> bool:
        return key(name) in self.ignored

    def phrases(self) -> list[tuple[str, str]]:
        """(label, text) for every name and alias, to be matched in the text as written."""
        return sorted({(e.label, n) for e in self.entities for n in (e.name, *e.aliases)})

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of every curated name written in ``text``: whole words,
        case as written, any white space between words, longest first, no overlaps."""
        if self._pattern is None:
            return []
        return [
            (m.start(), m.end(), self._labels[" ".join(m.group().split())])
            for m in self._pattern.finditer(text)
        ]

    @cached_property
    def _labels(self) -> dict[str, str]:
        return {text: label for label, text in self.phrases()}

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        texts = sorted(self._labels, key=lambda t: (-len(t), t))
        if not texts:
            return None
        words = (r"\s+".join(re.escape(w) for w in text.split()) for text in texts)
        return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything curated: what per-article results depend on."""
        return hashlib.sha256(repr((self.entities, sorted(self.ignored))).encode()).hexdigest()


EMPTY_CATALOG = Catalog()


def key(name: str) -> str:
    """How names are compared: spacing, case and a leading "the" do not count."""
    words = name.split()
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words).casefold()


def load_catalog(site_dir: Path) -> Catalog:
    """Read ``site_dir/entities.toml``; an absent file is an empty catalog."""
    path = site_dir / CATALOG_NAME
    if not path.exists():
        return Catalog()
    data, text = read_toml(path, site_dir, CATALOG_NAME)
    problems = Problems()
    catalog = _validate(data, text.split("\n"), problems)
    if problems.errors:
        raise BuildFailed(problems.errors)
    return catalog


def _validate(data: dict[str, Any], lines: list[str], problems: Problems) -> Catalog:
    for name in data:
        if name not in ("entity", "ignore"):
            problems.error(
                f"unknown table [{name}] (known: [[entity]], [ignore])",
                CATALOG_NAME,
                _find(lines, rf"^\s*\[+\s*{re.escape(name)}\s*\]+", 0),
            )
    tables = data.get("entity", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        problems.error(
            "'entity' must be [[entity]] tables, each with a name and a type",
            CATALOG_NAME,
            _find(lines, r"^\s*(?:entity\s*=|\[\s*entity\s*\])", 0),
        )
        tables = []
    starts = [i for i, line in enumerate(lines) if re.match(r"^\s*\[\[\s*entity\s*\]\]", line)]
    entities = []
    by_key: dict[str, CuratedEntity] = {}
    named: dict[str, tuple[int, str]] = {}  # a name's key -> the first table giving it
    for number, table in enumerate(tables):
        start = starts[number] if number < len(starts) else 0
        entity = _entity(table, lines, start, problems)
        own, *aliases = _names(table)  # (also of a table with other problems: all at once)
        for name in (own, *aliases) if own else ():
            there, first = named.setdefault(key(name), (number, own))
            if there != number:
                again = key(name) == key(first) == key(own)  # one, twice
                problems.error(
                    f"'{name}' is given twice: curate each entity once"
                    if again
                    else f"'{name}' is already a name of '{first}'",
                    CATALOG_NAME,
                    _find(lines, re.escape(f'"{name}"'), start),
                )
        if entity is not None:
            by_key.update(dict.fromkeys(map(key, (entity.name, *entity.aliases)), entity))
            entities.append(entity)
    ignored = _ignored(data.get("ignore", {}), lines, problems)
    return Catalog(tuple(entities), ignored, MappingProxyType(by_key))


def _entity(table: Any, lines: list[str], start: int, problems: Problems) -> CuratedEntity | None:
    line = start + 1
    before = len(problems.errors)

    def fail(message: str, field_name: str | None = None) -> None:
        at = _find(lines, rf"^\s*{field_name}\s*=", start) if field_name else line
        problems.error(f"[[entity]] {message}", CATALOG_NAME, at or line)

    for unknown in sorted(set(table) - set(_ENTITY_KEYS)):
        fail(f"unknown key '{unknown}' (known: {', '.join(_ENTITY_KEYS)})", re.escape(unknown))
    name, label = table.get("name"), table.get("type")
    if not isinstance(name, str) or not name.strip():
        fail('needs a name = "..."', "name" if "name" in table else None)
    if "type" not in table:
        fail(f'needs a type = "..." (one of {", ".join(LABELS)})')
    elif not isinstance(label, str) or label not in LABELS:
        fail(f"type must be one of {', '.join(LABELS)}, not {as_toml(label)}", "type")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        fail("aliases must be a list of names", "aliases")
    for optional in ("description", "url"):
        if optional in table and not isinstance(table[optional], str):
            fail(f"{optional} must be text", optional)
    url = table.get("url")
    if isinstance(url, str) and not re.match(r"^https?://", url):
        fail("url must start with http:// or https://", "url")
    if len(problems.errors) > before:
        return None
    own, *names = _names(table)
    return CuratedEntity(own, label, tuple(names), table.get("description"), url)


def _names(table: dict[str, Any]) -> list[str]:
    """The name and aliases an [[entity]] table gives, those that are names, each with
    its spacing made one space (the name first; "" if it has none)."""
    name, aliases = table.get("name"), table.get("aliases")
    given = [name if isinstance(name, str) else ""]
    given += [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    return [" ".join(n.split()) for n in given]


def _ignored(table: Any, lines: list[str], problems: Problems) -> frozenset[str]:
    start = _find(lines, r"^\s*\[\s*ignore\s*\]", 0) or 1
    for unknown in sorted(set(table) - {"names"} if isinstance(table, dict) else ()):
        problems.error(
            f"[ignore] unknown key '{unknown}' (known: names)",
            CATALOG_NAME,
            _find(lines, rf"^\s*{re.escape(unknown)}\s*=", start - 1),
        )
    names = table.get("names", []) if isinstance(table, dict) else None
    if names is None or not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        problems.error(
            "[ignore] names must be a list of names",
            CATALOG_NAME,
            _find(lines, r"^\s*names\s*=", 0) or _find(lines, r"^\s*\[ignore\]", 0),
        )
        return frozenset()
    return frozenset(key(n) for n in names)


def _find(lines: list[str], pattern: str, start: int) -> int | None:
    for number in range(start, len(lines)):
        if re.search(pattern, lines[number]):
            return number + 1
    return None
