"""Entity names: which entity each mention is, within an article and across the site.

- Curated names and aliases (``entities.toml``) win: they give the canonical
  name and type; ignored names are dropped.
- Within an article, a shorter person name that ends exactly one fuller person
  name ("Kerry" after "John Kerry", "Assad" after "Bashar al-Assad") is that
  person, even where the model took the lone surname for an organisation.
- Across the site, a short form left over (an article that says only "Kerry")
  is merged into the one fuller name the site knows; with two candidates it
  stays apart and is reported as a conflict.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable

from ..catalog import Catalog
from ..model import LABELS, Conflict
from ..slugs import make_slug

#: (label, name): what identifies an entity before it has an id.
Key = tuple[str, str]
#: Labels the model gives a lone surname by mistake; places (GPE, LOC) are left alone.
_SURNAME_LABELS = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART"})


def normalise(text: str) -> str:
    """A mention's words with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def entity_id(label: str, name: str) -> str:
    """The stable id ``<type>/<slug>`` of an entity, also its page's path."""
    slug = make_slug(name) or "e-" + hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{LABELS[label][0]}/{slug}"


def resolve_names(found: Iterable[Key], catalog: Catalog) -> dict[Key, Key | None]:
    """Map each (label, name) seen in one article to its entity, None if ignored."""
    first: dict[Key, Key | None] = {}
    for label, name in sorted(set(found)):
        curated = catalog.lookup(name)
        if catalog.is_ignored(name):
            first[(label, name)] = None
        elif curated is not None:
            first[(label, name)] = (curated.label, curated.name)
        else:
            first[(label, name)] = (label, name)
    people = FullerNames({k[1] for k in first.values() if k is not None and k[0] == "PERSON"})
    curated_names = {e.name for e in catalog.entities}
    resolved: dict[Key, Key | None] = {}
    for seen, entity in first.items():
        # The model sometimes takes a surname alone for an organisation ("Gambill said").
        maybe_person = entity is not None and (
            entity[0] == "PERSON" or (entity[0] in _SURNAME_LABELS and " " not in entity[1])
        )
        if entity is not None and maybe_person and entity[1] not in curated_names:
            fuller = people(entity[1])
            if len(fuller) == 1:
                entity = ("PERSON", fuller[0])
        resolved[seen] = entity
    return resolved


class FullerNames:
    """Names by the shorter names they end with as whole words, so that finding
    the fuller names of one name does not scan every name of the site."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_end: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for i, ch in enumerate(name):
                if ch in " -" and i + 1 < len(name):
                    self._by_end[name[i + 1 :]].add(name)

    def __call__(self, name: str) -> list[str]:
        """The fullest names that end with ``name`` as whole words.

        For "Assad" among "al-Assad" and "Bashar al-Assad" that is only "Bashar
        al-Assad": a candidate that is itself the end of another does not count.
        """
        found = sorted(self._by_end.get(name, ()))
        return [a for a in found if not any(b != a and _ends_with(b, a) for b in found)]


def fuller_names(name: str, names: Iterable[str]) -> list[str]:
    """``FullerNames(names)(name)``: the fullest names that end with ``name``."""
    return FullerNames(names)(name)


def _ends_with(full: str, short: str) -> bool:
    return full.endswith(short) and full[-len(short) - 1] in " -"


def resolve_across(keys: Iterable[Key], catalog: Catalog) -> tuple[dict[Key, Key], list[Conflict]]:
    """Merge short person names into the one fuller name the site knows.

    Returns the merges and the short names left apart because they are ambiguous.
    """
    keys = sorted(set(keys))
    people = FullerNames(name for label, name in keys if label == "PERSON")
    curated = {e.name for e in catalog.entities}
    merges: dict[Key, Key] = {}
    conflicts = []
    for label, name in keys:
        if label != "PERSON" or name in curated:
            continue
        fuller = people(name)
        if len(fuller) == 1:
            merges[(label, name)] = (label, fuller[0])
        elif len(fuller) > 1:
            conflicts.append(Conflict(label, name, tuple(fuller)))
    return merges, conflicts
