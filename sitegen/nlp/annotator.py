"""The NLP stage: spaCy over prose blocks, in batches, with the model loaded once.

An Annotator maps block texts to BlockNLP results. Each result depends only on
the block's text and the annotator's settings, so results can be cached per
block and computed anywhere (the roadmap's cache and cluster fit here).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import inspect
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from ..errors import ModelMissingError, ModelNotInstalledError
from ..model import BlockNLP, EntitySpan
from .cues import find_cues, needs_parse

_LEADING_THE = re.compile(r"(?:the|The|THE)\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_EDGE = "\"'“”‘’()[]{}<>.,;:!?*_—–- \n\t"
#: Words for titles and offices ("President", "Chancellor").
_TITLE_WORDS = (
    r"Miss|Madam|President|Vice|Prime|Minister|Secretary|Senator|Representative|Governor"
    r"|General|Colonel|Lieutenant|Captain|Admiral|Sergeant|Commander|Marshal|Sir|Dame|Lord"
    r"|Lady|King|Queen|Prince|Princess|Pope|Judge|Justice|Chancellor|Ambassador|Chairman"
    r"|Chairwoman|Chair|Director|Spokesman|Spokeswoman|Sheikh|Ayatollah|Imam|Rabbi|Reverend"
    r"|Rev\.?|Premier|Mayor|Commissioner|Inspector|Detective|Superintendent|Constable|Officer"
    r"|Professor|Doctor|Deputy|Foreign|Defense|Defence|State|Interior|Home|Finance|Attorney"
    r"|Coroner|Magistrate|Sheriff|Treasurer|Shadow|Opposition|Leader|Acting|Senior"
)
_TITLE_ABBREVIATIONS = r"Mr|Mrs|Ms|Mx|Dr|Prof|Sen|Rep|Gov|Gen|Col|Lt|Capt|Cpt|Sgt|Adm|Insp|Det|Supt"
#: A title or honorific, as a pattern ("Mr", "Dr.", "Treasurer").
TITLE = r"(?:(?:" + _TITLE_ABBREVIATIONS + r")\.?|" + _TITLE_WORDS + r")"
#: Titles and honorifics are not part of a person's name ("President Barack Obama").
_TITLE = re.compile(
    r"(?:(?:US|U\.S\.|UK|UN|EU)\s+)?" + TITLE + r"(?:\s+(?:of|for)\s+[A-Z][\w-]*)?\s+(?=[A-Z])"
)
#: A date the model labels as an event ("February 2014") is no entity.
_DATE = re.compile(
    r"(?:(?:early|late|mid|the|of|in|since)\s+|mid-)*"
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|\d{4}s?),?\s*)+",
    re.IGNORECASE,
)
#: Capitalised words after a place or group that do not make a longer name with it:
#: titles and roles ("German Chancellor", "Senate Majority Leader") and sentence openers.
_NOT_NAME_TAIL = re.compile(
    r"(?!State$|Home$)(?:"
    + _TITLE_WORDS
    + r"|"
    + _TITLE_ABBREVIATIONS
    + r"|Majority|Minority|Press|Speaker|Leader|Chief|CEO|Executive"
    r"|Spokesperson|Official|Sportsman|Sportswoman|Yachtsman|Envoy|Delegation|Team|Government|And|But"
    r"|Or|The|This|That|In|On|At|As|It|He|She|They|We|I|A|An|If|So|Has|Is|Was|Said|Says)$"
)
#: What the model takes into a person's name at its end and is none of it: a joining
#: word ("Dan Bursch - and"), a lowercase word joined by a hyphen ("Ian Murray-skippered",
#: "Blair-led"), letters after a name ("Terence Cole QC", "Peter Cosgrove AC") and, after
#: a name of two words or more, where the person is from ("Bill Peel of Mackay"; "Joan
#: of Arc" is one name).
_PERSON_TAIL = re.compile(
    r"(?:\s*[-–—]?\s+(?:and|or|but)|-[a-z]+|\s+of(?:\s+[A-Z][\w'’.-]*)+"
    r"|,?\s+(?:QC|KC|SC|MP|MLA|MLC|JP|VC|GC|AK|AC|AO|AM|OAM|MC|DSC|CSC|PSM|APM|AFSM|ESM"
    r"|AD|KG|OBE|MBE|CBE|KBE|DBE|DSO|CVO|LVO|MVO|KCVO|GCVO|CMG|KCMG|GCMG|CH|OM))$"
)
#: An office alone, after "the": a role, not a name ("the Treasurer", "the Queen").
_BARE_TITLE = re.compile(r"(?:(?:" + _TITLE_WORDS + r")\s+)*(?:" + _TITLE_WORDS + r")")
#: A title before "of" that makes the rest part of the name ("Mary Queen of Scots").
_RANK = re.compile(_TITLE_WORDS + r"|Duke|Duchess|Earl|Count|Countess|Baron|Bishop|Archbishop")
_APOSTROPHE = re.compile(r"(?<=\w)’(?=\w)")
_NEXT_WORD = re.compile(r" ([A-Z][\w'’.-]*)")


class Annotator(Protocol):
    """Finds entities, sentences and attribution cues in block texts.

    A result depends only on the text and on what ``fingerprint`` names (the
    model, its version, sitegen's annotation logic), so results can be cached
    per block and computed anywhere: in this process, in worker processes, on a
    cluster.
    """

    @property
    def fingerprint(self) -> str:
        """Everything besides the text that the results depend on."""
        ...

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        """One result per text, in order; ``progress(n)`` after each ``n`` texts."""
        ...


def load_model(name: str) -> Any:
    """Load a spaCy pipeline; each pass below runs only the components it needs."""
    try:
        import spacy
    except ImportError:  # pragma: no cover - spaCy is a dependency
        raise ModelMissingError("spaCy is not installed: pip install 'spacy>=3.8,<3.9'") from None
    try:
        nlp = spacy.load(name)
    except OSError:
        raise _missing(name) from None
    if "ner" not in nlp.pipe_names:
        raise ModelMissingError(f"spaCy model '{name}' has no 'ner' component")
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


def _missing(name: str) -> ModelNotInstalledError:
    package = name.replace("_", "-")
    return ModelNotInstalledError(
        f"spaCy model '{name}' is not installed; install it with "
        f"'pip install {package}' (or set [nlp] model in sitegen.toml)"
    )


def model_fingerprint(name: str) -> str:
    """The identity of an installed pipeline, read from its meta.json without
    importing spaCy: name, version, spaCy's version and sitegen's NLP code."""
    path = Path(name)
    if path.is_dir():
        meta_path = path / "meta.json"
    else:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            raise _missing(name)
        meta_path = Path(spec.origin).parent / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        model = f"{meta['lang']}_{meta['name']}-{meta['version']}"
    except (OSError, ValueError, KeyError, TypeError):
        raise ModelMissingError(f"spaCy model '{name}' has no readable meta.json") from None
    return f"{model} spacy-{importlib.metadata.version('spacy')} logic-{LOGIC_VERSION}"


def _logic_version() -> str:
    """A digest of the code that turns text into BlockNLP: editing it invalidates
    every cached annotation, with no version number to forget to bump."""
    digest = hashlib.sha256()
    for name in ("annotator.py", "cues.py", "quotes.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(inspect.getsource(BlockNLP).encode())
    return digest.hexdigest()[:12]


LOGIC_VERSION = _logic_version()


class SpacyAnnotator:
    """An Annotator backed by a loaded spaCy ``Language``, in two passes.

    Every block gets the entity pass (``ner`` and ``senter``: 1.4x faster than the
    whole pipeline, same entities); only blocks that may hold an attribution (a
    quotation mark, a reporting verb) get the parse pass (tagger, parser,
    lemmatizer) that attribution cues need. Every entity the model finds is
    kept, whatever its label: which labels a site highlights, and its curated
    names, are applied later, so changing them never means running spaCy again.
    """

    def __init__(self, nlp: Any, batch_size: int = 64, fingerprint: str | None = None) -> None:
        self.nlp = nlp
        self.batch_size = batch_size
        meta = nlp.meta
        self._fingerprint = fingerprint or (
            f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')} "
            f"{'+'.join(nlp.pipe_names)} logic-{LOGIC_VERSION}"
        )
        self._entity_pass = _keep(nlp, {"ner", "senter", "sentencizer", "entity_ruler"})
        parse = {"tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"}
        self._parse_pass = _keep(nlp, parse) if "parser" in nlp.pipe_names else None

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        flat = [model_text(text) for text in texts]
        results = []
        step = self.batch_size * 4
        for at in range(0, len(flat), step):
            results += self._chunk(flat[at : at + step])
            if progress is not None:
                progress(len(flat[at : at + step]))
        return results

    def _chunk(self, texts: list[str]) -> list[BlockNLP]:
        docs = self.nlp.pipe(texts, batch_size=self.batch_size, disable=self._entity_pass)
        found = [entities_of(doc) for doc in docs]
        if self._parse_pass is None:
            return found
        wanted = [i for i, text in enumerate(texts) if needs_parse(text)]
        parsed = self.nlp.pipe(
            [texts[i] for i in wanted], batch_size=self.batch_size, disable=self._parse_pass
        )
        for i, doc in zip(wanted, parsed, strict=True):
            found[i] = dataclasses.replace(found[i], cues=find_cues(doc))
        return found


def entities_of(doc: Any) -> BlockNLP:
    """Every entity of a processed block, narrowed to its name, and its sentences.
    A place or group the model finds inside a longer proper name it missed
    ("Islamic" of "Islamic State", "Iraq" of "Iraq War") is no entity."""
    entities = []
    text = doc.text  # built anew on each access
    starts = {ent.start_char for ent in doc.ents}
    for ent in doc.ents:
        span = trim_entity(text, ent.start_char, ent.end_char, ent.label_)
        if span is not None and not _inside_longer_name(text, span, ent.label_, starts):
            entities.append(EntitySpan(span[0], span[1], ent.label_))
    if doc.has_annotation("SENT_START"):
        sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    else:
        sentences = ((0, len(text)),)
    return BlockNLP(tuple(entities), sentences)


def model_text(text: str) -> str:
    """A block's text as the model reads it best, every offset kept: a line break
    inside a paragraph is a space ("John\nKerry" is one name), and an apostrophe
    within a word is the ASCII one the model was trained on (the parse stage's
    typographic "O’Neill" reads as an adverb, "O'Neill" as a name)."""
    return _APOSTROPHE.sub("'", text.replace("\n", " "))


def _inside_longer_name(text: str, span: tuple[int, int], label: str, starts: set[int]) -> bool:
    """A one-word place or group right before a capitalised word that starts no entity
    and is no title or role: part of a name the model did not see whole."""
    if label not in ("GPE", "LOC", "FAC", "NORP") or " " in text[span[0] : span[1]]:
        return False
    after = _NEXT_WORD.match(text, span[1])
    if after is None or after.start(1) in starts:
        return False
    return not _NOT_NAME_TAIL.match(after.group(1).rstrip(".,"))


def _keep(nlp: Any, wanted: set[str]) -> list[str]:
    """The components to disable so that only ``wanted`` (and what they listen to) run."""
    keep = set(wanted)
    for name in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe(name), "listening_components", [])
        if keep & set(listeners):
            keep.add(name)
    return [name for name in nlp.pipe_names if name not in keep]


def _person_end(text: str, start: int, end: int) -> int:
    """Where a person's name ends, without what the model took in after it."""
    while (match := _PERSON_TAIL.search(text, start, end)) and match.start() > start:
        before = text[start : match.start()].split()
        if match.group().lstrip().startswith("of") and (
            len(before) < 2 or _RANK.fullmatch(before[-1])
        ):
            break  # "Joan of Arc", "Mary Queen of Scots"
        end = match.start()
        while end > start and text[end - 1] in _EDGE:
            end -= 1
    return end


def trim_entity(text: str, start: int, end: int, label: str) -> tuple[int, int] | None:
    """Narrow an entity to its name: no quotes or punctuation at the edges, no
    possessive ``'s``, and no leading "the" (``the White House`` -> ``White House``).
    """
    while start < end and text[start] in _EDGE:
        start += 1
    if label != "PERSON" and (match := _LEADING_THE.match(text, start, end)):
        start = match.end()
    opened = start
    while label == "PERSON" and (match := _TITLE.match(text, start, end)):
        start = match.end()
    while True:
        while end > start and text[end - 1] in _EDGE:
            end -= 1
        match = _POSSESSIVE.search(text, start, end)
        if not match or match.start() == start:
            break
        end = match.start()
    if label == "PERSON":
        end = _person_end(text, start, end)
        if _BARE_TITLE.fullmatch(text, opened, end) and text[:opened].endswith(("the ", "The ")):
            return None
    if not any(ch.isalpha() for ch in text[start:end]):
        return None
    if label == "EVENT" and _DATE.fullmatch(text, start, end):
        return None
    return start, end
