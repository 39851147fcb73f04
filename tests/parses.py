"""Hand-built spaCy parses, so attribution rules are tested without the model.

A parse is written as the sentence and one ``word/dep>head`` item per token,
in order: ``said/ROOT=say`` is a verb (lemma ``say``), ``is/ROOT=be:AUX`` an
auxiliary, ``Kerry/nsubj>said`` a word and its head, ``word#2`` the second
``word`` of the text where a head is ambiguous. Entities are (words, label)
pairs found in the text in order. Only what the rules read is set: heads,
dependency labels, verbs' POS and lemma, and the tags WP/WDT/EX/PRP.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import spacy

from sitegen.enrich.article import enrich
from sitegen.errors import Problems
from sitegen.model import Article, BlockNLP
from sitegen.nlp.annotator import entities_of
from sitegen.nlp.cues import find_cues
from sitegen.source.load import load_source
from sitegen.source.parse import parse_document

_BLANK = spacy.blank("en")
_VOCAB = _BLANK.vocab
_PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "me"}


def parse(text: str, spec: str, ents: Sequence[tuple[str, str]] = ()) -> Any:
    """A spaCy ``Doc`` of ``text`` with the parse ``spec`` (see the module docstring)."""
    items = [_item(raw) for raw in spec.split()]
    words = [word for word, *_ in items]
    spaces, at = [], 0
    for word in words:
        found = text.index(word, at)
        assert not text[at:found].strip(), f"{word!r} is not next in {text!r}"
        at = found + len(word)
        spaces.append(text[at : at + 1] == " ")
    doc = spacy.tokens.Doc(
        _VOCAB,
        words=words,
        spaces=spaces,
        heads=[_head(words, head, i) for i, (_, _, head, _, _) in enumerate(items)],
        deps=[dep for _, dep, _, _, _ in items],
        pos=[pos for *_, pos in items],
        tags=[_tag(word, dep, pos) for word, dep, _, _, pos in items],
        lemmas=[lemma for *_, lemma, _ in items],
        ents=_iob(text, words, ents),
    )
    assert doc.text == text, (doc.text, text)
    return doc


@dataclass
class Paragraph:
    """A paragraph's text, its parse (None: not parsed) and its entities."""

    text: str
    spec: str | None = None
    ents: list[tuple[str, str]] = field(default_factory=list)


def annotate(
    paragraphs: list[Paragraph], markdown: str | None = None, path: str = "content/a.md"
) -> Article:
    """Enrich ``markdown`` (by default the paragraphs), each block with its paragraph's
    parse; a block with no paragraph of its text gets a blank one."""
    problems = Problems()
    if markdown is None:
        markdown = "\n\n".join(p.text for p in paragraphs)
    source = load_source(path, f"---\ntitle: {path}\n---\n{markdown}\n".encode(), problems)
    assert source is not None
    document = parse_document(source, problems)
    assert document is not None
    by_text = {p.text: p for p in paragraphs}
    assert set(by_text) <= {b.text for b in document.blocks}
    return enrich(document, [_nlp(by_text.get(b.text, Paragraph(b.text))) for b in document.blocks])


def _nlp(paragraph: Paragraph) -> BlockNLP:
    if paragraph.spec is not None:
        return block_nlp(parse(paragraph.text, paragraph.spec, paragraph.ents))
    doc = _BLANK(paragraph.text)
    spans, at = [], 0
    for name, label in paragraph.ents:
        start = paragraph.text.index(name, at)
        spans.append(doc.char_span(start, start + len(name), label=label))
        at = start + len(name)
    doc.ents = spans
    return entities_of(doc)


def block_nlp(doc: Any) -> BlockNLP:
    """What the NLP stage would say about a block with this parse."""
    return dataclasses.replace(entities_of(doc), cues=find_cues(doc))


def _item(raw: str) -> tuple[str, str, str | None, str, str]:
    """(word, dep, head word or None for the root, lemma, POS)."""
    word, _, rest = raw.rpartition("/")
    rest, _, verb = rest.partition("=")
    dep, _, head = rest.partition(">")
    lemma, _, pos = verb.partition(":")
    if verb:
        return word, dep, head or None, lemma, pos or "VERB"
    return word, dep, head or None, word.lower(), _pos(word)


def _pos(word: str) -> str:
    if all(ch in string.punctuation + "“”‘’—–" for ch in word):
        return "PUNCT"
    if word.lower() in _PRONOUNS:
        return "PRON"
    return "PROPN" if word[:1].isupper() else "NOUN"


def _tag(word: str, dep: str, pos: str) -> str:
    if dep == "expl":
        return "EX"
    if word.lower() in ("who", "whom", "what"):
        return "WP"
    if word.lower() in ("which", "that") and dep in ("nsubj", "nsubjpass"):
        return "WDT"
    return "PRP" if pos == "PRON" else ""


def _head(words: list[str], head: str | None, i: int) -> int:
    if head is None:
        return i
    name, _, nth = head.partition("#")
    places = [j for j, word in enumerate(words) if word == name]
    assert places, f"no word {name!r} for a head"
    return places[int(nth or 1) - 1]


def _iob(text: str, words: list[str], ents: Sequence[tuple[str, str]]) -> list[str]:
    """IOB tags for ``ents``, each the next place ``text`` spells it (whole tokens)."""
    starts, at = [], 0
    for word in words:
        at = text.index(word, at)
        starts.append(at)
        at += len(word)
    tags, at = ["O"] * len(words), 0
    for name, label in ents:
        begin = text.index(name, at)
        inside = [i for i, s in enumerate(starts) if begin <= s < begin + len(name)]
        assert inside and starts[inside[0]] == begin, f"{name!r} does not start a token"
        tags[inside[0] : inside[-1] + 1] = [f"B-{label}"] + [f"I-{label}"] * (len(inside) - 1)
        at = begin + len(name)
    return tags
