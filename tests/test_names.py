"""One name, one entity: the naming decisions as pure functions, and what a site
built from several articles shows (hand-built NLP, no model)."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from parses import Paragraph, annotate

from sitegen.enrich.names import canonical_name, looks_like_name, majority_label
from sitegen.nlp.annotator import entities_of, model_text, trim_entity
from sitegen.site.index import build_site

BLANK = spacy.blank("en")


@pytest.mark.parametrize(
    ("counts", "name"),
    [
        ({"Kerry": 10, "John Kerry": 3}, "John Kerry"),
        ({"Silva": 10, "Ana Silva": 2, "Slamming Ana Silva": 1}, "Ana Silva"),
        ({"Clinton": 20, "Hillary Clinton": 5, "Crooked Hillary Clinton": 1}, "Hillary Clinton"),
        ({"Mitt Romney": 3, "A Mitt Romney": 1}, "Mitt Romney"),
        ({"Van Voorhis": 3, "Chandler Van Voorhis": 1}, "Chandler Van Voorhis"),
        ({"Suu Kyi": 5, "Aung San Suu Kyi": 2}, "Aung San Suu Kyi"),
        ({"bin Salman": 9, "Mohammed bin Salman": 3}, "Mohammed bin Salman"),
        ({"Assad": 4, "al-Assad": 2, "Bashar al-Assad": 1}, "Bashar al-Assad"),
        ({"Bin Laden": 9, "Osama bin Laden": 2}, "Osama bin Laden"),
        ({"Al-Assad": 3, "Bashar al-Assad": 1}, "Bashar al-Assad"),
    ],
)
def test_canonical_names_are_full_names_chosen_by_frequency(
    counts: dict[str, int], name: str
) -> None:
    assert canonical_name(counts) == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ana Silva", True),
        ("Charles de Gaulle", True),
        ("Bashar al-Assad", True),
        ("Slamming Ana Silva", False),
        ("the governor", False),
        ("Practice kindness and empathy", False),
    ],
)
def test_looks_like_name(text: str, expected: bool) -> None:
    assert looks_like_name(text) is expected


def test_majority_label_and_ties() -> None:
    assert majority_label({"ORG": 2, "FAC": 1}) == "ORG"
    assert majority_label({"ORG": 1, "PERSON": 1}) == "PERSON"  # a tie: the first in LABELS


def test_one_odd_span_never_renames_a_person_across_the_site() -> None:
    articles = [
        annotate(
            [Paragraph("Ana Silva spoke.", ents=[("Ana Silva", "PERSON")])], path=f"content/{n}.md"
        )
        for n in "abc"
    ]
    odd = Paragraph(
        "Slamming Ana Silva once again, the governor left. Silva stayed.",
        ents=[("Slamming Ana Silva", "PERSON"), ("Silva", "PERSON")],
    )
    articles.append(annotate([odd], path="content/d.md"))
    site = build_site(articles)
    people = [e for e in site.entities if e.label == "PERSON"]
    assert [(e.id, e.name) for e in people] == [("person/ana-silva", "Ana Silva")]
    assert people[0].mention_count == 5


@pytest.mark.parametrize("within", [True, False], ids=["one article", "two articles"])
def test_a_short_name_opening_with_a_capitalised_particle_is_the_fuller_name(
    within: bool,
) -> None:
    """ "Bin Laden said" (the sentence's capital) is "Osama bin Laden", in the same
    article or in another, and so is "Al-Assad" "Bashar al-Assad"."""
    full = Paragraph(
        "Osama bin Laden and Bashar al-Assad were named.",
        ents=[("Osama bin Laden", "PERSON"), ("Bashar al-Assad", "PERSON")],
    )
    short = Paragraph(
        "Bin Laden hid. Al-Assad stayed.", ents=[("Bin Laden", "PERSON"), ("Al-Assad", "PERSON")]
    )
    if within:
        articles = [annotate([full, short], path="content/a.md")]
    else:
        articles = [annotate([full], path="content/a.md"), annotate([short], path="content/b.md")]
    site = build_site(articles)
    people = sorted((e.id, e.name, e.mention_count) for e in site.entities)
    assert people == [
        ("person/bashar-al-assad", "Bashar al-Assad", 2),
        ("person/osama-bin-laden", "Osama bin Laden", 2),
    ]


def test_a_name_labelled_differently_is_one_entity_of_the_majority_kind() -> None:
    paper = [("Harbour Gazette", "ORG"), ("Harbour Gazette", "ORG"), ("Harbour Gazette", "FAC")]
    articles = [
        annotate([Paragraph("The Harbour Gazette printed it.", ents=[e])], path=f"content/{i}.md")
        for i, e in enumerate(paper)
    ]
    site = build_site(articles)
    assert [(e.id, e.label, len(e.found)) for e in site.entities] == [
        ("org/harbour-gazette", "ORG", 3)
    ]


SAID = (
    "“/punct>said We/nsubj>rebuild will/aux>rebuild=will:AUX rebuild/ccomp>said=rebuild"
    " the/det>port port/dobj>rebuild ,/punct>said ”/punct>said Lopez/nsubj>said"
    " said/ROOT=say ./punct>said"
)


@pytest.mark.parametrize("label", ["ORG", "GPE"])
def test_a_surname_taken_for_an_organisation_or_place_that_speaks_is_the_person(
    label: str,
) -> None:
    mayor = annotate(
        [Paragraph("Mayor Maria Lopez opened the summit.", ents=[("Maria Lopez", "PERSON")])],
        path="content/a.md",
    )
    quote = Paragraph("“We will rebuild the port,” Lopez said.", SAID, [("Lopez", label)])
    said = annotate([quote], path="content/b.md")
    site = build_site([mayor, said])
    (attribution,) = next(a for a in site.articles if a.slug == "b").attributions
    assert (attribution.source, attribution.entity) == ("Maria Lopez", "person/maria-lopez")
    lopez = next(e for e in site.entities if e.id == "person/maria-lopez")
    assert [q.attribution.text for q in lopez.quotes] == ["We will rebuild the port"]
    (cited,) = [c for c in site.cited if c.name == "Maria Lopez"]
    assert cited.group == "people"


def test_a_surname_taken_for_a_place_that_does_not_speak_stays_a_place() -> None:
    mayor = annotate(
        [Paragraph("Mayor Maria Lopez opened the summit.", ents=[("Maria Lopez", "PERSON")])],
        path="content/a.md",
    )
    town = annotate(
        [Paragraph("The road to Lopez was closed.", ents=[("Lopez", "GPE")])], path="content/b.md"
    )
    site = build_site([mayor, town])
    assert {e.id for e in site.entities} == {"person/maria-lopez", "gpe/lopez"}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("February 2014", False),
        ("late March 2016", False),
        ("the 1990s", False),
        ("Hurricane Katrina", True),
        ("World War II", True),
        ("September 11", True),  # the attacks, as often as the date
    ],
)
def test_a_date_labelled_as_an_event_is_no_entity(text: str, kept: bool) -> None:
    assert (trim_entity(text, 0, len(text), "EVENT") is not None) is kept


@pytest.mark.parametrize(
    ("text", "ents", "found"),
    [
        ("Fighters of the Islamic State left.", [("Islamic", "NORP")], []),
        ("The Iraq War ended.", [("Iraq", "GPE")], []),
        ("The German Chancellor spoke.", [("German", "NORP")], ["German"]),
        ("Harbour Town", [("Harbour", "GPE")], []),
        (
            "In Harbour Town Council news",
            [("Harbour Town Council", "ORG")],
            ["Harbour Town Council"],
        ),
        (
            "Visitors to Harbour Friday saw it.",
            [("Harbour", "GPE"), ("Friday", "DATE")],
            ["Harbour", "Friday"],
        ),
    ],
)
def test_a_place_inside_a_longer_proper_name_is_no_entity(
    text: str, ents: list[tuple[str, str]], found: list[str]
) -> None:
    spans = entities_of(parse_plain(text, ents)).entities
    assert [text[s.start : s.end] for s in spans] == found


def parse_plain(text: str, ents: list[tuple[str, str]]) -> Any:
    doc = BLANK(text)
    doc.ents = [
        doc.char_span(text.index(n), text.index(n) + len(n), label=label) for n, label in ents
    ]
    return doc


def test_the_model_reads_ascii_apostrophes_and_spaces_at_the_same_offsets() -> None:
    text = "O’Neill said\nthe fans’ view ‘counts’."
    assert model_text(text) == "O'Neill said the fans’ view ‘counts’."
