"""Enrich, attributions: what a reader knows at each point of an article.

Read in order, an article tells who spoke last, who was last the subject of a
sentence, which person carries which title ("President Ana Silva"), and, where
it says so, whether a person is a man or a woman ("Mr", "Ms"). Telling it from
"X said she ..." was tried and lost on PolNeAR (the "she" is often someone else).
Speakers use it to resolve "he said", "they say" and "the President said".

One pass: ``advance`` consumes the mentions before a point once, so resolving
every attribution of an article costs time linear in its size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Attribution, Document, Mention

#: Words for people by their role; a speaker named by one of them alone ("the
#: spokesman said") may be a person the article named with it.
ROLE_NOUNS = frozenset(
    """man woman boy girl defector official spokesman spokeswoman spokesperson minister
    president premier leader expert analyst witness worker doctor lawyer director chief
    officer commander secretary agent chairman chairwoman researcher scientist professor
    resident farmer driver student teacher survivor victim father mother son daughter wife
    husband friend neighbour neighbor diplomat envoy ambassador senator mp mayor judge
    coach captain player manager owner executive governor chancellor king queen prince
    princess pope sheikh candidate nominee negotiator adviser advisor aide economist
    historian professor commissioner inspector sergeant superintendent detective
    constable colonel general admiral lieutenant representative congressman congresswoman
    lawmaker prosecutor attorney counsel founder ceo head controller coroner bishop
    cardinal imam rabbi reverend dr""".split()
)
_MALE = frozenset("mr sir lord king prince he".split())
_FEMALE = frozenset("mrs ms miss madam dame lady queen princess she".split())
_BEFORE = re.compile(r"((?:[\w.'’-]+[ \t]+){1,6})$")
_AFTER = re.compile(r",[ \t]+(?:the|a|an|its|his|her)[ \t]+([\w \t.'’-]{1,60}?)[,.;]")
#: Words that may open a sentence's subject before the person's name.
_SUBJECT_LEAD = frozenset(
    "the a an former late then also veteran fellow new newly elected acting chief".split()
)
_BOUNDARY = re.compile(r"[.;:!?,—–(“”]")
_LEAD_WORD = re.compile(r"[\w'’-]+")
_SENTENCE_END = re.compile(r"[.!?][”’\"]?\s")

Source = tuple[str, str | None, str | None]
"""(source as named, entity id or None, description or None)."""


@dataclass
class _Seen:
    """One person or group the reader met, and where."""

    source: Source
    at: tuple[int, int]
    gender: str | None = None


class Discourse:
    """The reader's state while an article is read in order (see the module docstring)."""

    def __init__(self, document: Document, mentions: Sequence[Mention]) -> None:
        self._document = document
        self._mentions = sorted(mentions, key=lambda m: (m.block, m.start))
        self._next = 0
        self._titles: dict[str, Mention] = {}
        self._roles: dict[str, frozenset[str]] = {}
        self.genders: dict[str, str] = {}
        self._person: list[_Seen] = []  # subject-like people, most recent last (a few)
        self._group: _Seen | None = None  # last organisation or group as a subject
        self._speaker: _Seen | None = None  # last person who spoke
        self._group_speaker: _Seen | None = None  # last organisation or group that spoke
        self._named: _Seen | None = None  # last person named, subject or not

    def advance(self, block: int, at: int) -> None:
        """Read every mention that starts before ``at`` of ``block``."""
        while self._next < len(self._mentions):
            mention = self._mentions[self._next]
            if (mention.block, mention.start) >= (block, at):
                break
            self._next += 1
            self._read(mention)

    def _read(self, mention: Mention) -> None:
        text = self._document.blocks[mention.block].text
        if mention.label == "PERSON":
            roles = _roles_before(text, mention.start) | _roles_after(text, mention.end)
            for role in roles:
                self._titles[role] = mention
            self._roles[mention.entity] = self._roles.get(mention.entity, frozenset()) | roles
            gender = _gender(roles)
            if gender and mention.entity not in self.genders:
                self.genders[mention.entity] = gender
        seen = _Seen((mention.name, mention.entity, None), (mention.block, mention.start))
        if mention.label == "PERSON":
            self._named = seen
        if not _subject_like(text, mention.start, mention.sentence[0]):
            return
        if mention.label == "PERSON":
            self._person = [*self._person[-4:], seen]
        elif mention.label in ("ORG", "NORP"):
            self._group = seen

    def spoke(self, attribution: Attribution, person: bool, at: tuple[int, int]) -> None:
        """Record a speaker; ``person`` says whether it is one person."""
        entity = attribution.entity
        seen = _Seen((attribution.source, entity, None), at, self.genders.get(entity or ""))
        if person:
            self._speaker = seen
        if not person or entity is None:  # "the army spokesman said ... It claimed"
            self._group_speaker = seen

    def antecedent(self, pronoun: str, block: int, at: int) -> Source | None:
        """Who a pronoun speaker at ``at`` of ``block`` is: the last speaker or the last
        subject of its kind, or a person named earlier in the same sentence ("by Mr
        Arafat, in which he said"), whichever came later, agreeing in gender where
        the text says it."""
        pronoun = pronoun.lower()
        if pronoun in ("he", "she"):
            gender = _gender({pronoun})
            candidates = [*self._person, *([self._speaker] if self._speaker else [])]
            if self._named and self._same_sentence(self._named, block, at):
                candidates.append(self._named)
            fitting = [c for c in candidates if self._agrees(c, gender)]
        else:
            fitting = [c for c in (self._group, self._group_speaker) if c is not None]
        if not fitting:
            return None
        return max(fitting, key=lambda c: c.at).source

    def _same_sentence(self, seen: _Seen, block: int, at: int) -> bool:
        if seen.at[0] != block:
            return False
        between = self._document.blocks[block].text[seen.at[1] : at]
        return _SENTENCE_END.search(between) is None

    def _agrees(self, seen: _Seen, gender: str | None) -> bool:
        known = self.genders.get(seen.source[1] or "") or seen.gender
        return gender is None or known is None or known == gender

    def titled(self, role: str, words: str) -> Mention | None:
        """The person the article last named with ``role`` ("the President" -> President
        Ana Silva), if the other capitalised ``words`` fit that person too."""
        person = self._titles.get(role.lower())
        if person is None:
            return None
        others = {w.lower() for w in _LEAD_WORD.findall(words) if w[:1].isupper()} - {role.lower()}
        roles = self._roles.get(person.entity, frozenset())
        return person if others <= roles | {"the"} else None


def _roles_before(text: str, start: int) -> frozenset[str]:
    """Title and role words right before a name ("US Defense Department spokesman")."""
    match = _BEFORE.search(text, max(0, start - 80), start)
    if not match:
        return frozenset()
    words = match.group(1).split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(".,").lower()
        if not (word[:1].isupper() or bare in ROLE_NOUNS):
            break
        kept.append(bare)
    return frozenset(kept)


def _roles_after(text: str, end: int) -> frozenset[str]:
    """Role words of an appositive right after a name ("Ana Silva, the president,")."""
    match = _AFTER.match(text, end)
    if not match:
        return frozenset()
    words = _LEAD_WORD.findall(match.group(1))
    return frozenset(w.lower() for w in words if w.lower() in ROLE_NOUNS or w[:1].isupper())


def title_gender(text: str, start: int) -> str | None:
    """ "m" or "f" if a title that says which comes right before ``start`` in ``text``
    ("Ms Bradford", "Sir Peter Cosgrove")."""
    if start < 3 or text[start - 1] not in " \t":
        return None
    word = text[max(0, start - 10) : start - 1].rsplit(None, 1)[-1:]
    return _gender({word[0].removesuffix(".").lower()} - {"he", "she"}) if word else None


def _gender(words: set[str] | frozenset[str]) -> str | None:
    if words & _MALE:
        return "m"
    if words & _FEMALE:
        return "f"
    return None


def _subject_like(text: str, start: int, sentence_start: int) -> bool:
    """Whether a name opens its clause ("Lee was fined", "Earlier, Lee said") rather
    than standing after a verb or preposition ("talks with Omar Diaz")."""
    before = text[sentence_start:start]
    cut = max((m.end() for m in _BOUNDARY.finditer(before)), default=0)
    for word in _LEAD_WORD.findall(before[cut:]):
        fits = word[:1].isupper() or any(ch.isdigit() for ch in word)
        if not (fits or word.lower() in _SUBJECT_LEAD or word.lower() in ROLE_NOUNS):
            return False
    return True
