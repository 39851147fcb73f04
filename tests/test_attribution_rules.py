"""Attribution rules on hand-built parses: one case per block of fixtures/attribution.md.

Each case gives paragraphs, each with its parse (``parse:``, see tests/parses.py)
and entities (``ents: John Kerry=PERSON; Times=ORG``), and the attributions the
article must get, one per line: ``source | kind | cue | text``, optionally
followed by ``| description=...``, ``| medium=...`` or ``| entity=...``; and
``unattributed: words`` for a quotation reported without a source. No model
is involved, so a failure is the rule's, never the parser's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from parses import Paragraph, annotate

from sitegen.enrich.article import number_notes, place_annotations
from sitegen.errors import Problems
from sitegen.model import Article, Attribution, Mention
from sitegen.render.sidenotes import attribution_note
from sitegen.source.load import load_source
from sitegen.source.parse import body_tokens, parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "attribution.md"


@dataclass
class Case:
    line: int
    title: str
    paragraphs: list[Paragraph]
    expected: list[str]


def read_cases(path: Path) -> list[Case]:
    """Blocks of ``title / . / paragraphs / . / expected / .``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cases, at = [], 0
    while at < len(lines):
        if not lines[at].strip():
            at += 1
            continue
        title, start = lines[at], at + 1
        assert lines[at + 1] == ".", f"{path.name}:{at + 2}: expected '.'"
        end = lines.index(".", at + 2)
        stop = lines.index(".", end + 1)
        cases.append(Case(start, title, _paragraphs(lines[at + 2 : end]), lines[end + 1 : stop]))
        at = stop + 1
    return cases


def _paragraphs(lines: list[str]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for line in lines:
        if line.startswith("parse: "):
            out[-1].spec = line.removeprefix("parse: ")
        elif line.startswith("ents: "):
            pairs = (item.rsplit("=", 1) for item in line.removeprefix("ents: ").split("; "))
            out[-1].ents = [(name, label) for name, label in pairs]
        else:
            out.append(Paragraph(line))
    return out


def described(article: Article, expected: list[str]) -> list[str]:
    """The article's attributions written as the fixture writes them."""
    out = []
    for i, a in enumerate(article.attributions):
        line = f"{a.source} | {a.kind} | {a.cue} | {a.text}"
        extras = {"description": a.description, "medium": a.medium, "entity": a.entity}
        wanted = expected[i] if i < len(expected) else ""
        for key, value in extras.items():
            if f"| {key}=" in wanted:
                line += f" | {key}={value}"
        out.append(line)
    for block, start, end in article.unattributed:
        out.append(f"unattributed: {article.document.blocks[block].text[start:end]}")
    return out


CASES = read_cases(FIXTURES)


@pytest.mark.parametrize("case", CASES, ids=[f"attribution.md:{c.line}" for c in CASES])
def test_attribution_rule(case: Case) -> None:
    article = annotate(case.paragraphs)
    assert described(article, case.expected) == case.expected, case.title


KERRY = Paragraph(
    "“The Russians are committed,” said John Kerry.",
    "“/punct>said The/det>Russians Russians/nsubj>are are/ccomp>said=be:AUX committed/acomp>are"
    " ,/punct>said ”/punct>said said/ROOT=say John/compound>Kerry Kerry/nsubj>said ./punct>said",
    [("Russians", "NORP"), ("John Kerry", "PERSON")],
)


def test_no_source_notes_inside_the_authors_own_footnotes() -> None:
    in_text = annotate([KERRY])
    assert [(a.source, a.text) for a in in_text.attributions] == [
        ("John Kerry", "The Russians are committed")
    ]
    in_note = annotate([KERRY], f"Talks went on.[^1]\n\n[^1]: {KERRY.text}")
    assert any(b.footnote and b.text == KERRY.text for b in in_note.document.blocks)
    assert in_note.attributions == ()
    assert in_note.unattributed == ()


def note(source: str, cue: str, description: str | None = None, kind: str = "direct") -> str:
    """The plain text of a source note."""
    attribution = Attribution(
        1, source, None, description, cue, kind, "words", 0, 0, 5, None, None, 1, 5
    )
    return re.sub(r"<[^>]+>", "", attribution_note(attribution, lambda e: e))


def test_notes_read_as_english() -> None:
    assert note("David Chen", "adding") == "Quote David Chen, adding."
    assert note("David Chen", "adding", "an economist") == "Quote David Chen, an economist, adding."
    assert note("Maersk", "said", "a spokesman for") == "Quote A spokesman for Maersk said."
    assert note("Peter Cook", "said", "spokesman") == "Quote Peter Cook, spokesman, said."
    assert note("Times", "according to", kind="according_to") == "Source According to Times."


def test_note_numbers_follow_the_markers_even_past_a_footnote_in_a_name() -> None:
    """A source note whose place falls inside a name is shown after the name's link;
    past a footnote reference inside that name (``New[^1] York``), the footnote comes
    first in reading order, and the numbers say so: [1] then [2], never [2] then [1]."""
    problems = Problems()
    text = "Ab New[^1] York cd.\n\n[^1]: A footnote."
    source = load_source("content/a.md", f"---\ntitle: A\n---\n{text}\n".encode(), problems)
    assert source is not None
    document = parse_document(source, problems)
    assert document is not None and document.blocks[0].text == "Ab New York cd."
    city = Mention("gpe/new-york", "New York", "GPE", "New York", 0, 3, 11, 1, (0, 15))
    inside = Attribution(7, "Ann", None, None, "said", "direct", "cd", 0, 12, 14, None, None, 1, 4)
    numbered, footnotes = number_notes(body_tokens(document), document, [city], [inside])
    assert footnotes == {0: 1} and [a.id for a in numbered] == [2]
    placed = place_annotations(body_tokens(document), document, [city], numbered)
    order = [
        ("note", t.meta["attribution"]) if t.type == "note_ref" else ("footnote", t.meta["id"])
        for t in placed[document.blocks[0].token_index].children or []
        if t.type in ("note_ref", "footnote_ref")
    ]
    assert order == [("footnote", 0), ("note", 2)]
