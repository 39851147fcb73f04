"""Site: the cross-article indexes, a pure function of the set of articles.

Names are resolved across articles here, once (short person names merged into
the one fuller name the site knows, see ``enrich/names.py``); every entity gets
its mentioning articles, curated description and quotes. What an entity's own
page adds comes from its articles alone (``entity_page.py``).

``SiteIndex`` keeps the indexes of the last set of articles it was given and
updates them from the articles that changed, so a preview's edit costs time in
what it touches, not in the size of the site. When the names the site knows
change (an edit names "John Kerry" in full), every article is resolved again.
Either way the result is what ``build_site`` makes from nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..cache import digest
from ..catalog import EMPTY_CATALOG, Catalog
from ..enrich.discourse import title_gender
from ..enrich.names import entity_id, resolve_across
from ..enrich.places import is_place, reading
from ..memos import Memo
from ..model import LABELS, Article, Conflict, Entity, Mention, Quoted, Site
from .ledger import cite

_LABEL_ORDER = {label: i for i, label in enumerate(LABELS)}
Key = tuple[str, str]
"""(label, name) of a mention."""
V = TypeVar("V")
Found = tuple[tuple[Article, tuple[Mention, ...]], ...]
Renames = dict[str, tuple[str, str, str]]
"""Entity id -> (the id, label and name it becomes)."""
_Keys = frozenset[Key]
_From = tuple[Counter[Key], _Keys, _Keys, _Keys, frozenset[tuple[Key, str]]]
"""What names were last resolved from: the counts and the signs (``_Contribution``)."""


def build_site(articles: Iterable[Article], catalog: Catalog = EMPTY_CATALOG) -> Site:
    """Order the articles newest first, resolve names across them once, gather entities.

    Entities get only what the whole site needs (names, counts, quotes); what
    their own pages show is worked out by ``entity_page`` when one is rendered.
    """
    return SiteIndex(catalog).update(articles)


@dataclass(frozen=True)
class _Contribution:
    """What one article adds to the site's name resolution."""

    names: Counter[Key]
    """(label, name) of its mentions, counted."""
    speaking: frozenset[Key]
    """(label, name) of its mentions of an entity it quotes or cites."""
    persons: frozenset[Key]
    """(label, name) of its mentions of a known place's name, taken for a person's,
    that read as a person's; ``placed``: that read as a place's (``_person_signs``)."""
    placed: frozenset[Key]
    genders: frozenset[tuple[Key, str]]
    """(label, name) of its people with the gender a title gives them ("Ms Bradford")."""


class SiteIndex:
    """The indexes of the last set of articles given, updated from what changed."""

    def __init__(self, catalog: Catalog = EMPTY_CATALOG) -> None:
        self.catalog = catalog
        self._reset()

    def _reset(self) -> None:
        self._given: dict[str, Article] = {}
        """Each article as given (names not yet resolved), by its key. (What it adds to
        the counts is worked out again when it goes, not kept: it is a tenth of the
        index's memory.)"""
        self._names: Counter[Key] = Counter()
        self._speaking: Counter[Key] = Counter()
        """How many articles quote or cite each (label, name)."""
        self._persons: Counter[Key] = Counter()
        self._placed: Counter[Key] = Counter()
        """How many articles have each place taken for a person read as a person, or as
        a place (``_Contribution``)."""
        self._genders: Counter[tuple[Key, str]] = Counter()
        """How many articles give each person each gender, by a title."""
        self._resolved_from: _From | None = None
        self._renames: Renames = {}
        self._conflicts: list[Conflict] = []
        self._resolved: dict[str, Article] = {}
        self._by_entity: dict[str, dict[str, tuple[Article, tuple[Mention, ...]]]] = defaultdict(
            dict
        )
        """Entity id -> article key -> the (resolved) article and its mentions of the
        entity there: the pairs ``Entity.found`` lists."""
        self._named: dict[str, Counter[str]] = defaultdict(Counter)
        """Entity id -> how often each name is written for it."""
        self._entities: dict[str, Entity] = {}

    def update(self, articles: Iterable[Article]) -> Site:
        """The site of ``articles``: the indexes of the last call, changed where the
        articles added and removed since then change them."""
        try:
            return self._update(list(articles))
        except BaseException:  # half updated: start afresh next time
            self._reset()
            raise

    def _update(self, given: list[Article]) -> Site:
        keys = [a.key for a in given]
        if len(set(keys)) != len(keys):  # no keys to follow them by (tests): start afresh
            keys = [str(i) for i in range(len(given))]
            self._reset()
        now = dict(zip(keys, given, strict=True))
        gone = [k for k in self._given if k not in now or self._given[k] is not now[k]]
        new = [k for k in now if k not in self._given or self._given[k] is not now[k]]
        for k in gone:
            self._count(_contribution(self._given.pop(k)), -1)
        for k in new:
            self._given[k] = now[k]
            self._count(_contribution(now[k]), 1)
        touched = self._resolve(gone, new)
        ordered = sorted((self._resolved[k] for k in keys), key=article_order)
        position = {id(a): i for i, a in enumerate(ordered)}
        cited = cite(ordered)
        quotes = {c.entity: c.items for c in cited if c.entity}
        for eid in touched:
            found = self._by_entity.get(eid)
            if not found:
                self._entities.pop(eid, None)
                self._by_entity.pop(eid, None)
                self._named.pop(eid, None)
                continue
            articles_found = sorted(found.values(), key=lambda pair: position[id(pair[0])])
            self._entities[eid] = self._entity(eid, tuple(articles_found), quotes.get(eid, ()))
        entities = sorted(
            self._entities.values(), key=lambda e: (_LABEL_ORDER[e.label], e.name.casefold(), e.id)
        )
        conflicts = self._with_sources(keys)
        return Site(tuple(ordered), tuple(entities), conflicts, cited)

    def _count(self, contribution: _Contribution, sign: int) -> None:
        _add(self._names, contribution.names, sign)
        _add(self._speaking, dict.fromkeys(contribution.speaking, 1), sign)
        _add(self._persons, dict.fromkeys(contribution.persons, 1), sign)
        _add(self._placed, dict.fromkeys(contribution.placed, 1), sign)
        _add(self._genders, dict.fromkeys(contribution.genders, 1), sign)

    def _resolve(self, gone: Sequence[str], new: Sequence[str]) -> set[str]:
        """Resolve the names again if what they are resolved from changed; update the
        resolved articles and the entities' mentions; the entity ids touched."""
        speaking, persons, placed = map(frozenset, (self._speaking, self._persons, self._placed))
        genders = frozenset(self._genders)
        touched: set[str] = set()
        if self._resolved_from != (self._names, speaking, persons, placed, genders):
            merges, self._conflicts = resolve_across(
                self._names, self.catalog, speaking, persons, placed, genders
            )
            self._resolved_from = (self._names.copy(), speaking, persons, placed, genders)
            renames = {entity_id(*old): (entity_id(*new), *new) for old, new in merges.items()}
            if renames != self._renames:  # the articles naming what is renamed, again
                both = renames.keys() | self._renames.keys()
                differ = {e for e in both if renames.get(e) != self._renames.get(e)}
                self._renames = renames
                again = {k for k, a in self._given.items() if not differ.isdisjoint(_ids(a))}
                gone = [*gone, *(k for k in again - set(gone) if k in self._resolved)]
                new = [*new, *(k for k in again - set(new) if k in self._given)]
        for k in gone:
            article = self._resolved.pop(k, None)
            for eid in _entities_of(article) if article else ():
                _, gone_mentions = self._by_entity[eid].pop(k, (article, ()))
                _add(self._named[eid], Counter(m.name for m in gone_mentions), -1)
                touched.add(eid)
        for k in new:
            article = self._resolved[k] = _remap(self._given[k], self._renames)
            found: dict[str, list[Mention]] = {}
            for mention in article.mentions:
                found.setdefault(mention.entity, []).append(mention)
            for eid, mentions in found.items():
                self._by_entity[eid][k] = (article, tuple(mentions))
                self._named[eid].update(m.name for m in mentions)
            touched.update(_entities_of(article))
        return touched

    def _entity(self, eid: str, found: Found, quotes: tuple[Quoted, ...]) -> Entity:
        first = found[0][1][0]
        names = self._named[eid]
        name = min(names, key=lambda n: (-names[n], n))
        curated = self.catalog.lookup(name)
        return Entity(
            id=eid,
            name=name,
            label=first.label,
            found=found,
            description=curated.description if curated else None,
            url=curated.url if curated else None,
            quotes=quotes,
        )

    def _with_sources(self, keys: Sequence[str]) -> tuple[Conflict, ...]:
        """Each conflict with the files that use its name."""
        wanted = {(c.label, c.name) for c in self._conflicts}
        sources: dict[Key, set[str]] = {name: set() for name in wanted}
        for k in keys if wanted else ():
            article = self._resolved[k]
            for name in wanted.intersection(_names_of(article)):
                sources[name].add(article.document.source)
        return tuple(
            dataclasses.replace(c, sources=tuple(sorted(sources[c.label, c.name])))
            for c in self._conflicts
        )


def _add(counts: Counter[V], more: Mapping[V, int], sign: int) -> None:
    """``counts`` plus (``sign`` 1) or minus (-1) ``more``, keeping no zero count."""
    for key, count in more.items():
        counts[key] += sign * count
        if not counts[key]:
            del counts[key]


def _contribution(article: Article) -> _Contribution:
    sources = {a.entity for a in article.attributions if a.entity}
    return _Contribution(
        Counter((m.label, m.name) for m in article.mentions),
        frozenset((m.label, m.name) for m in article.mentions if m.entity in sources),
        *_person_signs(article),
    )


def _person_signs(
    article: Article,
) -> tuple[frozenset[Key], frozenset[Key], frozenset[tuple[Key, str]]]:
    """Of ``article``'s people: those with a known place's name whose mentions read as a
    person's ("Mr Darwin", "Elizabeth, says") and those read as a place's ("in Hobart");
    and the gender a title gives any ("Ms Bradford"). (A pronoun resolved to a place
    taken for a person is no sign: the model's mistake made it a person there too.)"""
    persons: set[Key] = set()
    placed: set[Key] = set()
    genders: set[tuple[Key, str]] = set()
    for m in article.mentions:
        if m.label != "PERSON":
            continue
        key, text = (m.label, m.name), article.document.blocks[m.block].text
        if gender := title_gender(text, m.start):
            genders.add((key, gender))
        if is_place(m.name) and (read := reading(text, m.start, m.end)):
            (placed if read == "place" else persons).add(key)
    return frozenset(persons), frozenset(placed), frozenset(genders)


def _names_of(article: Article) -> frozenset[Key]:
    """The (label, name) of each of ``article``'s mentions (made once per article key:
    a preview's edit then reads the mentions of the article edited, not of every one)."""
    return _NAMES.get(article.key, lambda: frozenset((m.label, m.name) for m in article.mentions))


_NAMES: Memo[frozenset[Key]] = Memo()


def _ids(article: Article) -> set[str]:
    """The entity ids ``article`` names or cites (as given: before or after names are
    resolved across the site)."""
    named = {m.entity for m in article.mentions}
    return named | {e for a in article.attributions for e in (a.entity, a.medium_entity) if e}


def _entities_of(article: Article) -> set[str]:
    """The entities whose index ``article`` is part of: those it names and those it
    quotes (named too, as a rule)."""
    return {m.entity for m in article.mentions} | {
        a.entity for a in article.attributions if a.entity
    }


def article_order(article: Article) -> tuple[bool, int, str, str]:
    """Newest first; undated articles last; then by title and slug."""
    date = article.document.date
    return (date is None, -date.toordinal() if date else 0, article.document.title, article.slug)


def _remap(article: Article, renames: Renames) -> Article:
    """The article with the site's names: a copy only where a name changes (made
    once per article and set of renames while the memo keeps it, see ``memos.fit_memos``)."""
    applied = sorted((e, *renames[e]) for e in _ids(article) if e in renames)
    if not applied:
        return article
    if not article.key:  # made by hand, not by a build: nothing names its inputs
        return _renamed(article, renames, "")
    key = digest(article.key, repr(applied)).hex()
    return _REMAPPED.get(key, lambda: _renamed(article, renames, key))


_REMAPPED: Memo[Article] = Memo()
"""``_remap``'s results by their key (the article's key and the renames applied)."""


def _renamed(article: Article, renames: Renames, key: str) -> Article:
    mentions = tuple(
        _renamed_mention(m, renamed) if (renamed := renames.get(m.entity)) else m
        for m in article.mentions
    )
    attributions = []
    for a in article.attributions:
        source = renames.get(a.entity or "")
        medium = renames.get(a.medium_entity or "")
        if source or medium:
            a = dataclasses.replace(
                a,
                entity=source[0] if source else a.entity,
                source=source[2] if source else a.source,
                medium_entity=medium[0] if medium else a.medium_entity,
                medium=medium[2] if medium else a.medium,
            )
        attributions.append(a)
    return dataclasses.replace(
        article, mentions=mentions, attributions=tuple(attributions), key=key
    )


def _renamed_mention(m: Mention, renamed: tuple[str, str, str]) -> Mention:
    """``m`` with the id, label and name it becomes (made directly: a site's articles
    have tens of thousands of mentions, and ``dataclasses.replace`` takes 1.6 x as long)."""
    entity, label, name = renamed
    return Mention(
        entity=entity,
        name=name,
        label=label,
        text=m.text,
        block=m.block,
        start=m.start,
        end=m.end,
        line=m.line,
        sentence=m.sentence,
    )
