"""Entity names: which entity each mention is, within an article and across the site.

- Curated names and aliases (``entities.toml``) win: they give the canonical
  name and type; ignored names are dropped.
- Within an article, a shorter person name that ends exactly one fuller person
  name ("Kerry" after "John Kerry", "Assad" after "Bashar al-Assad", "Bin Laden"
  after "Osama bin Laden") is that person, even where the model took the lone
  surname for an organisation.
- Across the site, a short form left over (an article that says only "Kerry")
  is merged into the one fuller name the site knows; with two candidates, into
  the one of the gender titles give it ("Ms Bradford": Rachael, not Shane), else
  it stays apart and is reported as a conflict. A name the model labels
  differently in different places is one entity, of the kind most of its
  mentions have; a lone surname taken for an organisation or a place that
  speaks ("Lopez said") is the one person of the site with that surname. A known
  place the model took for a person ("Hobart", ``places.py``) is a place if it
  reads as one somewhere ("in Hobart") and never as a person's ("Mr Darwin"), and
  starts or ends no fuller person name of the site's ("David Hicks").
- The forms merged into one person are named by the full name that occurs most
  (``canonical_name``): one odd span ("Slamming Ana Silva") never renames a
  person.

The decisions are the pure functions ``looks_like_name``, ``canonical_name``
and ``majority_label``; ``resolve_names`` and ``resolve_across`` apply them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping

from ..catalog import Catalog
from ..model import LABELS, Conflict
from ..slugs import make_slug
from .places import is_place, is_region

#: (label, name): what identifies an entity before it has an id.
Key = tuple[str, str]
#: Labels the model gives a lone surname by mistake; places (GPE, LOC) are left alone.
_SURNAME_LABELS = frozenset({"ORG", "NORP", "PRODUCT", "WORK_OF_ART"})
#: What may follow a surname ("Martin Luther King Jr."): not a surname itself.
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: The labels of places, which a known place the model took for a person takes.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
#: Lowercase words that belong in names ("Bashar al-Assad", "Charles de Gaulle").
_PARTICLES = frozenset(
    "al el bin ibn bint abu de da di do dos das du del della der den van von ter le la y"
    " af zu".split()
)
#: A word that opens a span but is a verb's form, not a name ("Slamming Ana Silva").
_GERUND = re.compile(r"[A-Z][a-z]{2,}ing")
#: A word before a name that describes, not names ("Slamming", "Crooked").
_EPITHET = re.compile(r"[A-Z][a-z]{2,}(?:ing|ed)")
_ORDER = {label: i for i, label in enumerate(LABELS)}


def looks_like_name(text: str) -> bool:
    """Whether a span reads as a proper name: every word capitalised, an initial or
    a particle ("al-Assad", "de Gaulle"), and a name of three or more words not
    opening with a gerund ("Slamming Ana Silva")."""
    words = text.split()
    if not words:
        return False
    for word in words:
        if not (word[:1].isupper() or word.lower() in _PARTICLES or "-" in word[1:]):
            return False
    return not (len(words) >= 3 and _GERUND.fullmatch(words[0]))


def canonical_name(counts: Mapping[str, int]) -> str:
    """The name one person goes by, from the forms of it (with how often each occurs):
    a full name (two or more words that look like a name), not a shorter form of a
    fuller one ("Van Voorhis" of "Chandler Van Voorhis") nor a longer one that only
    puts words in front that are no name ("Crooked Hillary Clinton", "A Mitt Romney");
    among those the most frequent. Never chosen for its length alone."""
    full = [n for n in counts if len(n.split()) > 1 and looks_like_name(n) and n[:1].isupper()]
    forms = {ending_key(n): n for n in sorted(counts, reverse=True)}  # (capitals win a tie)
    odd = set()
    for name in full:
        words = name.split()
        for cut in range(1, len(words) - 1):
            tail = forms.get(ending_key(" ".join(words[cut:])))
            if tail is not None and tail[:1].isupper():
                odd.add(name if _no_name(words[:cut]) else tail)
    pool = [n for n in full if n not in odd] or full
    pool = pool or [n for n in counts if len(n.split()) > 1] or list(counts)
    return min(pool, key=lambda n: (-counts[n], -len(n.split()), n))


def ending_key(name: str) -> str:
    """How a shorter name is matched with the end of a fuller one: a particle that opens
    it in lower case, since its capital is the sentence's ("Bin Laden said" ends "Osama
    bin Laden", "Al-Assad" ends "Bashar al-Assad")."""
    cut = next((i for i, ch in enumerate(name) if ch in " -"), 0)
    if cut and name[:cut].lower() in _PARTICLES:
        return name[:cut].lower() + name[cut:]
    return name


def _no_name(words: list[str]) -> bool:
    """Leading words that are no part of a name: an article, an epithet ("Crooked")."""
    return all(w in ("A", "An", "The") or _EPITHET.fullmatch(w) for w in words)


def majority_label(counts: Mapping[str, int]) -> str:
    """The kind of an entity its mentions disagree on: the label most of them have;
    a tie goes to the one listed first in ``LABELS`` (a person before an organisation)."""
    return min(counts, key=lambda label: (-counts[label], _ORDER.get(label, len(_ORDER)), label))


def normalise(text: str) -> str:
    """A mention's words with line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def entity_id(label: str, name: str) -> str:
    """The stable id ``<type>/<slug>`` of an entity, also its page's path."""
    slug = make_slug(name) or "e-" + hashlib.sha1(name.encode()).hexdigest()[:10]
    return f"{LABELS[label][0]}/{slug}"


def resolve_names(found: Iterable[Key], catalog: Catalog) -> dict[Key, Key | None]:
    """Map each (label, name) seen in one article (one per mention) to its entity,
    None if ignored."""
    counts = Counter(found)
    first: dict[Key, Key | None] = {}
    for label, name in sorted(counts):
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
    names = _canonical_people(
        {k: v for k, v in resolved.items() if v is not None}, counts, curated_names
    )
    return {
        k: (("PERSON", names[v[1]]) if v and v[0] == "PERSON" else v) for k, v in resolved.items()
    }


def _canonical_people(
    resolved: Mapping[Key, Key], counts: Mapping[Key, int], curated: Iterable[str]
) -> dict[str, str]:
    """For each person name resolved to, the name its forms are best known by."""
    fixed = set(curated)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for key, entity in resolved.items():
        if entity[0] == "PERSON":
            forms[entity[1]][key[1] if key[0] == "PERSON" else entity[1]] += counts[key]
    return {name: name if name in fixed else canonical_name(c) for name, c in forms.items()}


class FullerNames:
    """Names by the shorter names they end with as whole words, so that finding
    the fuller names of one name does not scan every name of the site."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_end: dict[str, set[str]] = defaultdict(set)
        for name in names:
            for i, ch in enumerate(name):
                if ch in " -" and i + 1 < len(name):
                    self._by_end[ending_key(name[i + 1 :])].add(name)

    def __call__(self, name: str) -> list[str]:
        """The fullest names that end with ``name`` as whole words.

        For "Assad" among "al-Assad" and "Bashar al-Assad" that is only "Bashar
        al-Assad": a candidate that is itself the end of another does not count. A
        particle that opens ``name`` matches whatever its case (``ending_key``).
        """
        found = sorted(self._by_end.get(ending_key(name), ()))
        return [a for a in found if not any(b != a and _ends_with(b, a) for b in found)]


def _ends_with(full: str, short: str) -> bool:
    return full.endswith(short) and full[-len(short) - 1] in " -"


def resolve_across(
    keys: Iterable[Key] | Mapping[Key, int],
    catalog: Catalog,
    speaking: Iterable[Key] = (),
    persons: Iterable[Key] = (),
    placed: Iterable[Key] = (),
    genders: Iterable[tuple[Key, str]] = (),
) -> tuple[dict[Key, Key], list[Conflict]]:
    """The site's names: what each (label, name) of the site's mentions (one per
    mention, or each with its count) becomes, and the short names left apart
    because they are ambiguous.

    A name of several labels takes the one most of its mentions have; a known place
    taken for a person is a place where it reads as one (``placed``: "in Hobart") and
    never as a person's (``persons``: "Mr Darwin"); short person names, and lone
    surnames among ``speaking`` (the keys of attributions' sources) that the model took
    for something else, join the one fuller person name the site knows, or of several
    the one of the gender titles give it (``genders``: "Ms Bradford"); each person is
    then named by ``canonical_name``.
    """
    counts = Counter(keys)
    curated = {e.name for e in catalog.entities}
    relabel = _one_kind(counts, curated, persons, placed)
    unified: Counter[Key] = Counter()
    for key, count in counts.items():
        unified[relabel.get(key, key)] += count
    merges, conflicts = _into_fuller(unified, curated, set(speaking), _genders_of(genders))
    names = _canonical_people({key: merges.get(key, key) for key in unified}, unified, curated)
    final: dict[Key, Key] = {}
    for key in sorted(counts):
        target = merges.get(relabel.get(key, key), relabel.get(key, key))
        if target[0] == "PERSON":
            target = ("PERSON", names.get(target[1], target[1]))
        if target != key:
            final[key] = target
    return final, conflicts


def _one_kind(
    counts: Mapping[Key, int],
    curated: Iterable[str],
    personal: Iterable[Key] = (),
    placed: Iterable[Key] = (),
) -> dict[Key, Key]:
    """Each name the model labels in several ways gets the label most of its mentions
    have; a lone word that is a person somewhere and ends a fuller person name of the
    site stays a person ("Trump" taken for an organisation in "the Trump campaign").
    A place taken for a person (``_places_taken_for_people``) is a place."""
    fixed = set(curated)
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for (label, name), count in counts.items():
        labels[name][label] += count
    places = _places_taken_for_people(labels, fixed, personal, placed)
    # (a place taken for a person has no surname: "Sydney" of "Greater Sydney")
    people = FullerNames(n for label, n in counts if label == "PERSON" and n not in places)
    out = {}
    for name, seen in labels.items():
        if name in fixed or (len(seen) < 2 and name not in places):
            continue
        if name in places:
            best = place_label(seen)
        else:
            surname = " " not in name and "PERSON" in seen and people(name)
            best = "PERSON" if surname else majority_label(seen)
        out.update({(label, name): (best, name) for label in seen if label != best})
    return out


def _places_taken_for_people(
    labels: Mapping[str, Counter[str]],
    fixed: Collection[str],
    personal: Iterable[Key],
    placed: Iterable[Key],
) -> set[str]:
    """The names the model took for a person's that are places: a known place
    (``places.is_place``) that reads as one somewhere on the site (a place's label, "in
    Hobart", "the Sydney to Hobart" among ``placed``, or a part of a place: "Greater
    Sydney"), never as a person's (``personal``: "Mr Darwin", "Elizabeth, says"), and
    is no first name or surname of the site's people ("David" of "David Hicks",
    "Kennedy" of "Robert F. Kennedy Jr"). A name most often taken for an organisation
    or a group is left to that ("Chelsea")."""
    persons = {name for _, name in personal}
    located = {name for _, name in placed}
    found = set()
    for name, seen in labels.items():
        if name in fixed or name in persons or "PERSON" not in seen or not is_place(name):
            continue
        if majority_label(seen) not in _PLACE_LABELS | {"PERSON"}:
            continue
        if name in located or not _PLACE_LABELS.isdisjoint(seen) or is_region(name):
            found.add(name)
    people = [name for name, seen in labels.items() if "PERSON" in seen and name not in found]
    fuller = FullerNames([*people, *map(_without_suffix, people)])
    firsts = _first_names(people, labels)
    return {name for name in found if not fuller(name) and name not in firsts}


def _without_suffix(name: str) -> str:
    """A name without what may follow a surname ("Robert F. Kennedy Jr", "Jesse Jackson,
    Jr.")."""
    words = name.split()
    while len(words) > 1 and words[-1].strip(".,").lower() in SUFFIXES:
        words.pop()
    return " ".join(words).rstrip(",")


def _first_names(people: Iterable[str], labels: Mapping[str, Counter[str]]) -> set[str]:
    """The first words of ``people``'s names of two words or more ("David" of "David
    Hicks"), but of one whose other words the site never names as a person ("Darwin
    Aboriginal": a place, then a people, taken for a person)."""
    others = {name for name, seen in labels.items() if "PERSON" not in seen}
    out = set()
    for name in people:
        first, *rest = name.split()
        if rest and not all(word in others for word in rest):
            out.add(first)
    return out


def place_label(seen: Mapping[str, int]) -> str:
    """The kind of a known place the model also took for a person ("Hobart"): the place
    label most of its other mentions have, else a city, country or state's (GPE)."""
    places = {label: n for label, n in seen.items() if label in _PLACE_LABELS}
    return majority_label(places) if places else "GPE"


def _genders_of(given: Iterable[tuple[Key, str]]) -> dict[str, str]:
    """Each person's gender where every title the site gives them agrees."""
    found: dict[str, set[str]] = defaultdict(set)
    for (label, name), gender in given:
        if label == "PERSON":
            found[name].add(gender)
    return {name: next(iter(seen)) for name, seen in found.items() if len(seen) == 1}


def _by_gender(name: str, fuller: Iterable[str], genders: Mapping[str, str]) -> str | None:
    """Of several fuller names a short one could be, the one of its gender, if the
    others are all of the other ("Ms Bradford": Rachael Bradford, not Shane)."""
    gender = genders.get(name)
    if gender is None:
        return None
    same = [n for n in fuller if genders.get(n) == gender]
    others = [n for n in fuller if genders.get(n) != gender]
    if len(same) == 1 and all(genders.get(n) is not None for n in others):
        return same[0]
    return None


def _into_fuller(
    keys: Iterable[Key],
    curated: Iterable[str],
    speaking: set[Key],
    genders: Mapping[str, str],
) -> tuple[dict[Key, Key], list[Conflict]]:
    keys = sorted(set(keys))
    fixed = set(curated)
    people = FullerNames(name for label, name in keys if label == "PERSON")
    merges: dict[Key, Key] = {}
    conflicts = []
    for label, name in keys:
        surname = label != "PERSON" and " " not in name and (label, name) in speaking
        if name in fixed or not (label == "PERSON" or surname):
            continue
        fuller = people(name)
        if len(fuller) > 1 and label == "PERSON" and (one := _by_gender(name, fuller, genders)):
            fuller = [one]
        if len(fuller) == 1:
            merges[(label, name)] = ("PERSON", fuller[0])
        elif len(fuller) > 1 and label == "PERSON":
            conflicts.append(Conflict(label, name, tuple(fuller)))
    return merges, conflicts
