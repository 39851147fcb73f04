"""Entity names: the canonical form of a mention and the entity id it links to.

First version of the resolution rules (issue "Entities" deepens them): names
are whitespace-normalised, and within one article a shorter person name that
ends one fuller name ("Kerry" after "John Kerry", "Assad" after "Bashar
al-Assad") is that person.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from slugify import slugify

from .model import LABELS


def normalise(text: str) -> str:
    """A mention's words with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def entity_id(label: str, name: str) -> str:
    """The stable id ``<type>/<slug>`` of an entity, also its page's path."""
    slug = slugify(name) or "e-" + hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{LABELS[label][0]}/{slug}"


def resolve_names(found: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Map each (label, name) seen in one article to its canonical name.

    A person named by a shorter form that is the end of exactly one fuller name
    in the same article resolves to that name; an ambiguous one stays as it is.
    """
    pairs = sorted(set(found))
    people = [name for label, name in pairs if label == "PERSON"]
    resolved = {}
    for label, name in pairs:
        canonical = name
        if label == "PERSON":
            ends = re.compile(rf"[\s-]{re.escape(name)}$")
            fuller = [p for p in people if p != name and ends.search(p)]
            if len(fuller) == 1:
                canonical = fuller[0]
        resolved[(label, name)] = canonical
    return resolved
