"""Canonical entities: resolution rules, curated names, ignore lists, conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NO_SITE, make_fake_annotator, read_article

from sitegen.catalog import EMPTY_CATALOG, Catalog, load_catalog
from sitegen.enrich.names import resolve_across, resolve_names
from sitegen.enrich.places import reading
from sitegen.errors import BuildFailed, SitegenError
from sitegen.model import Article
from sitegen.nlp.annotator import SpacyAnnotator, trim_entity
from sitegen.site.entity_page import aliases
from sitegen.site.index import build_site


def article(
    text: str,
    site: Path = NO_SITE,
    path: str = "content/a.md",
    annotator: SpacyAnnotator | None = None,
) -> Article:
    """An article read by the pipeline with ``site``'s entities.toml."""
    return read_article(text, annotator or make_fake_annotator(), path=path, site=site)


def catalog_from(tmp_path: Path, text: str) -> Catalog:
    (tmp_path / "entities.toml").write_text(text, encoding="utf-8")
    return load_catalog(tmp_path)


# Resolution within an article ------------------------------------------------


def test_short_names_resolve_to_the_one_fuller_name() -> None:
    names = resolve_names(
        [
            ("PERSON", "Kerry"),
            ("PERSON", "John Kerry"),
            ("PERSON", "Assad"),
            ("PERSON", "Bashar al-Assad"),
            ("GPE", "Kerry"),
        ],
        EMPTY_CATALOG,
    )
    assert names[("PERSON", "Kerry")] == ("PERSON", "John Kerry")
    assert names[("PERSON", "Assad")] == ("PERSON", "Bashar al-Assad")
    assert names[("GPE", "Kerry")] == ("GPE", "Kerry")


def test_a_short_name_of_two_people_in_one_article_stays_apart() -> None:
    names = resolve_names(
        [("PERSON", "Kerry"), ("PERSON", "John Kerry"), ("PERSON", "Teresa Kerry")], EMPTY_CATALOG
    )
    assert names[("PERSON", "Kerry")] == ("PERSON", "Kerry")


def test_the_fullest_name_wins_over_a_middle_form() -> None:
    names = resolve_names(
        [("PERSON", "Assad"), ("PERSON", "al-Assad"), ("PERSON", "Bashar al-Assad")], EMPTY_CATALOG
    )
    assert names[("PERSON", "Assad")] == ("PERSON", "Bashar al-Assad")
    assert names[("PERSON", "al-Assad")] == ("PERSON", "Bashar al-Assad")


@pytest.mark.parametrize(
    ("raw", "label", "name"),
    [
        ("US Secretary of State John Kerry", "PERSON", "John Kerry"),
        ("President Barack Obama", "PERSON", "Barack Obama"),
        ("Mr Arafat", "PERSON", "Arafat"),
        ("Prime Minister Tony Blair", "PERSON", "Tony Blair"),
        ("Assad's", "PERSON", "Assad"),
        ("the White House", "ORG", "White House"),
        ("The Pentagon", "ORG", "Pentagon"),
        ("Coroner Graeme Johnston", "PERSON", "Graeme Johnston"),
        # what the model takes in after a person's name (seen in the news corpus)
        ("Dan Bursch - and", "PERSON", "Dan Bursch"),
        ("John Kerry and", "PERSON", "John Kerry"),
        ("Ian Murray-skippered", "PERSON", "Ian Murray"),
        ("Tony Blair-led", "PERSON", "Tony Blair"),
        ("Bill Peel of Mackay", "PERSON", "Bill Peel"),
        ("Shadow Treasurer Bob McMullan", "PERSON", "Bob McMullan"),
        ("Opposition Leader Simon Crean", "PERSON", "Simon Crean"),
        ("Terence Cole QC", "PERSON", "Terence Cole"),
        ("Peter Cosgrove AC, MBE", "PERSON", "Peter Cosgrove"),
        ("Quentin Bryce AD CVO", "PERSON", "Quentin Bryce"),
        # "St" is no title: a saint's name, or a place the model took for a person
        ("St Paul", "PERSON", "St Paul"),
        ("St Helens", "PERSON", "St Helens"),
        # and what is part of it
        ("Joan of Arc", "PERSON", "Joan of Arc"),
        ("Mary Queen of Scots", "PERSON", "Mary Queen of Scots"),
        ("Bashar al-Assad", "PERSON", "Bashar al-Assad"),
        ("Jean-Marie Le Pen", "PERSON", "Jean-Marie Le Pen"),
        ("Lashkar-e-Taiba", "ORG", "Lashkar-e-Taiba"),
        ("Bank of England", "ORG", "Bank of England"),
    ],
)
def test_titles_possessives_and_the_are_not_part_of_names(raw: str, label: str, name: str) -> None:
    span = trim_entity(raw, 0, len(raw), label)
    assert span is not None and raw[span[0] : span[1]] == name


@pytest.mark.parametrize(
    ("text", "span", "kept"),
    [
        ("Later the Treasurer said so.", "Treasurer", False),
        ("Later the Shadow Treasurer said so.", "Shadow Treasurer", False),
        ("Later The Queen said so.", "Queen", False),
        ("Later Treasurer said so.", "Treasurer", True),  # no "the": a surname, maybe
        ("Later King said so.", "King", True),
        ("Later the Kerry said so.", "Kerry", True),  # no office
    ],
)
def test_an_office_alone_after_the_is_no_person(text: str, span: str, kept: bool) -> None:
    start = text.index(span)
    found = trim_entity(text, start, start + len(span), "PERSON")
    assert (found == (start, start + len(span))) if kept else found is None


def test_every_kerry_in_an_article_links_to_john_kerry() -> None:
    a = article("---\ntitle: T\n---\nJohn Kerry spoke.\n\nLater, Kerry left. Kerry's aide.\n")
    assert {m.entity for m in a.mentions} == {"person/john-kerry"}
    assert [m.text for m in a.mentions] == ["John Kerry", "Kerry", "Kerry"]


# Across articles ---------------------------------------------------------------


def test_a_short_name_alone_in_one_article_joins_the_sites_only_fuller_name() -> None:
    one = article("---\ntitle: A\n---\nJohn Kerry spoke.\n", path="content/a.md")
    two = article("---\ntitle: B\n---\nKerry left.\n", path="content/b.md")
    site = build_site([one, two])
    assert [e.id for e in site.entities if e.label == "PERSON"] == ["person/john-kerry"]
    kerry = site.entities[0]
    assert len(kerry.articles) == 2 and aliases(kerry) == ("John Kerry", "Kerry")
    assert site.conflicts == ()


def test_an_ambiguous_short_name_is_a_conflict_not_a_merge(tmp_path: Path) -> None:
    annotator = make_fake_annotator([("PERSON", "Teresa Kerry")])
    a = article("---\ntitle: A\n---\nJohn Kerry spoke.\n", path="content/a.md")
    b = article(
        "---\ntitle: B\n---\nTeresa Kerry spoke.\n", path="content/b.md", annotator=annotator
    )
    c = article("---\ntitle: C\n---\nKerry left.\n", path="content/c.md")
    site = build_site([a, b, c])
    ids = {e.id for e in site.entities}
    assert {"person/john-kerry", "person/teresa-kerry", "person/kerry"} <= ids
    assert [(x.name, x.candidates, x.sources) for x in site.conflicts] == [
        ("Kerry", ("John Kerry", "Teresa Kerry"), ("content/c.md",))
    ]


# A place the model took for a person ---------------------------------------


def places(counts: dict[tuple[str, str], int], **signs: list[tuple[str, str]]) -> dict:
    """What ``resolve_across`` makes of ``counts``, given how mentions read (``placed``,
    ``persons``)."""
    return resolve_across(counts, EMPTY_CATALOG, **signs)[0]


def test_a_known_place_taken_for_a_person_is_a_place_where_it_reads_as_one() -> None:
    hobart, st_helens = ("PERSON", "Hobart"), ("PERSON", "St Helens")
    placed = [hobart, st_helens]  # "in Hobart", "the Sydney to Hobart"
    assert places({hobart: 5, st_helens: 1}, placed=placed) == {
        hobart: ("GPE", "Hobart"),
        st_helens: ("GPE", "St Helens"),
    }
    # or where the model also says it is a place, even in fewer mentions: its label
    assert places({("PERSON", "Buenos Aires"): 19, ("GPE", "Buenos Aires"): 13}) == {
        ("PERSON", "Buenos Aires"): ("GPE", "Buenos Aires")
    }
    assert places({("PERSON", "Perth"): 3, ("LOC", "Perth"): 1}) == {
        ("PERSON", "Perth"): ("LOC", "Perth")
    }
    # a part of a place is one, and the city is no surname of it
    assert places(
        {("PERSON", "Greater Sydney"): 2, ("PERSON", "Sydney"): 1, ("GPE", "Sydney"): 1}
    ) == {
        ("PERSON", "Greater Sydney"): ("GPE", "Greater Sydney"),
        ("PERSON", "Sydney"): ("GPE", "Sydney"),
    }


def test_a_place_name_that_is_a_persons_stays_a_person() -> None:
    darwin = ("PERSON", "Darwin")
    assert places({darwin: 4}) == {}  # nothing reads as a place
    assert places({("PERSON", "Bush"): 5}) == {}
    surname = {("PERSON", "Charles Darwin"): 1, darwin: 4, ("GPE", "Darwin"): 1}
    assert places(surname)[darwin] == ("PERSON", "Charles Darwin")
    junior = {("PERSON", "Robert F. Kennedy Jr"): 1, ("PERSON", "Kennedy"): 3}
    assert places(junior, placed=[("PERSON", "Kennedy")]) == {}  # a person (apart, as before)
    comma = {("PERSON", "Jesse Jackson, Jr."): 1, ("PERSON", "Jackson"): 3}
    assert places(comma, placed=[("PERSON", "Jackson")]) == {}
    first = {("PERSON", "David"): 4, ("PERSON", "David Hicks"): 2, ("GPE", "David"): 1}
    assert places(first) == {("GPE", "David"): ("PERSON", "David")}
    assert places({darwin: 4}, placed=[darwin], persons=[darwin]) == {}  # "Mr Darwin"
    assert places({("PERSON", "Smithville"): 4}, placed=[("PERSON", "Smithville")]) == {}
    # a place, then a people, taken for a person's name gives no first name
    group = {darwin: 4, ("PERSON", "Darwin Aboriginal"): 1, ("NORP", "Aboriginal"): 2}
    assert places(group, placed=[darwin])[darwin] == ("GPE", "Darwin")


def test_a_name_mostly_taken_for_an_organisation_stays_one() -> None:
    chelsea = {("ORG", "Chelsea"): 4, ("PERSON", "Chelsea"): 1}
    assert places(chelsea, placed=[("PERSON", "Chelsea")]) == {
        ("PERSON", "Chelsea"): ("ORG", "Chelsea")
    }


def test_how_a_mention_of_a_place_taken_for_a_person_reads() -> None:
    cases: list[tuple[str, str, str | None]] = [
        ("They live in Hobart now.", "Hobart", "place"),
        ("A yacht in the Sydney to Hobart left.", "Hobart", "place"),
        ("Police in Hobart said so.", "Hobart", "place"),
        ("The fires reach north of Wollongong.", "Wollongong", "place"),
        ("Crowds gathered in the Solomon Islands capital, Honiara.", "Honiara", "place"),
        ("Gas will come from the Bayu-Undan field to Darwin.", "Darwin", "place"),
        ("He talked to Darwin about it.", "Darwin", None),
        ("Perth and Darwin were hot.", "Darwin", None),
        ("Mr Darwin spoke.", "Darwin", "person"),
        ("Darwin said no.", "Darwin", "person"),
        ("His mother Elizabeth, says the report, left.", "Elizabeth", "person"),
        ("In Hobart, police said so.", "Hobart", "place"),
        # what the second review found read as a place, or as nothing, in news text
        ("Jackson, who was in Washington, said no.", "Jackson", "person"),
        ("“Yes,” Jackson, a Democrat, told reporters.", "Jackson", "person"),
        ("“Yes,” said Jackson.", "Jackson", "person"),
        ("Officials said Darwin would get a pipeline.", "Darwin", None),
        ("Aides in Jackson's office declined.", "Jackson", None),
        ("Voters lost faith in Palin.", "Palin", None),
        ("The pass from Smith to Jackson was fine.", "Jackson", None),
        ("The title passed from Nate Campbell to Juan Diaz.", "Juan Diaz", None),
        ("Hobart, Launceston and Devonport, said the report, are cold.", "Hobart", None),
        ("Darwin reporters left early.", "Darwin", None),  # a noun, not "reported"
        ("Darwin, however, warned of floods.", "Darwin", "person"),
    ]
    for text, name, read in cases:
        start = text.index(name)
        found = reading(text, start, start + len(name))
        assert found == read, text


def test_a_site_reads_places_taken_for_people_as_places() -> None:
    annotator = make_fake_annotator([("PERSON", "Darwin"), ("PERSON", "Hobart")])
    one = article(
        "---\ntitle: A\n---\nMr Darwin spoke.\n", path="content/a.md", annotator=annotator
    )
    two = article(
        "---\ntitle: B\n---\nThey live in Darwin and near Hobart.\n",
        path="content/b.md",
        annotator=annotator,
    )
    ids = {e.id for e in build_site([one, two]).entities}
    assert {"person/darwin", "gpe/hobart"} <= ids  # Darwin was read as a person
    assert "person/hobart" not in ids and "gpe/darwin" not in ids
    three = article(
        "---\ntitle: C\n---\nPolice in Hobart said no. Perth and Darwin were hot.\n",
        path="content/c.md",
        annotator=annotator,
    )
    ids = {e.id for e in build_site([three]).entities}
    assert {"gpe/hobart", "person/darwin"} <= ids  # nothing read Darwin as a place


def test_a_curated_person_named_like_a_place_stays_a_person(tmp_path: Path) -> None:
    catalog = catalog_from(tmp_path, '[[entity]]\nname = "Hobart"\ntype = "PERSON"\n')
    hobart = ("PERSON", "Hobart")
    assert resolve_across({hobart: 5}, catalog, placed=[hobart])[0] == {}
    assert resolve_across({hobart: 5}, EMPTY_CATALOG, placed=[hobart])[0] != {}  # (uncurated)


def test_a_title_says_which_of_two_people_a_short_name_is() -> None:
    kerry, john, teresa = ("PERSON", "Kerry"), ("PERSON", "John Kerry"), ("PERSON", "Teresa Kerry")
    counts = {kerry: 2, john: 1, teresa: 1}
    known = [(john, "m"), (teresa, "f")]  # "Mr Kerry" in his articles, "Ms Kerry" in hers
    assert resolve_across(counts, EMPTY_CATALOG, genders=[(kerry, "m"), *known]) == (
        {kerry: john},
        [],
    )
    assert resolve_across(counts, EMPTY_CATALOG, genders=[(kerry, "f"), *known])[0] == {
        kerry: teresa
    }
    for genders in (
        [*known],  # no title says which the short name is
        [(kerry, "m"), (kerry, "f"), *known],  # titles disagree: both are meant
        [(kerry, "m"), (john, "m")],  # hers is not known
        [(kerry, "m"), (john, "m"), (teresa, "m")],  # both of one gender
    ):
        merges, conflicts = resolve_across(counts, EMPTY_CATALOG, genders=genders)
        assert merges == {} and [c.name for c in conflicts] == ["Kerry"], genders


def test_a_site_settles_a_short_name_by_the_title_before_it() -> None:
    annotator = make_fake_annotator([("PERSON", "Teresa Kerry")])
    a = article("---\ntitle: A\n---\nJohn Kerry spoke. Mr Kerry left.\n", path="content/a.md")
    b = article(
        "---\ntitle: B\n---\nTeresa Kerry spoke. Ms. Kerry smiled.\n",
        path="content/b.md",
        annotator=annotator,
    )
    c = article("---\ntitle: C\n---\nLater Mr Kerry said no.\n", path="content/c.md")
    site = build_site([a, b, c])
    assert site.conflicts == ()
    john = next(e for e in site.entities if e.id == "person/john-kerry")
    assert {pair[0].document.title for pair in john.found} == {"A", "C"}
    assert "person/kerry" not in {e.id for e in site.entities}


def test_resolve_across_is_independent_of_order() -> None:
    keys = [("PERSON", "Kerry"), ("PERSON", "John Kerry")]
    assert resolve_across(keys, EMPTY_CATALOG) == resolve_across(keys[::-1], EMPTY_CATALOG)


# Curated entities -------------------------------------------------------------

CURATED = """\
[[entity]]
name = "Islamic State"
type = "ORG"
aliases = ["ISIS", "ISIL", "Islamic State of Iraq and the Levant"]
description = "A jihadist group."
url = "https://en.wikipedia.org/wiki/Islamic_State"

[[entity]]
name = "The New York Times"
type = "ORG"
aliases = ["New York Times", "the Times"]

[[entity]]
name = "Moscow"
type = "LOC"

[ignore]
names = ["Washington"]
"""


def test_aliases_are_one_entity_even_where_the_model_finds_nothing(tmp_path: Path) -> None:
    catalog_from(tmp_path, CURATED)
    a = article(
        "---\ntitle: T\n---\nISIS, or the Islamic State of Iraq and the Levant, and ISIL.\n",
        tmp_path,
    )
    assert [(m.text, m.entity) for m in a.mentions] == [
        ("ISIS", "org/islamic-state"),
        ("Islamic State of Iraq and the Levant", "org/islamic-state"),
        ("ISIL", "org/islamic-state"),
    ]


def test_curated_names_give_name_type_description_and_link(tmp_path: Path) -> None:
    catalog = catalog_from(tmp_path, CURATED)
    a = article(
        "---\ntitle: T\n---\nThe New York Times said Moscow and Washington agreed.\n",
        tmp_path,
    )
    site = build_site([a], catalog)
    assert [(e.id, e.name, e.label) for e in site.entities] == [
        ("org/the-new-york-times", "The New York Times", "ORG"),
        ("loc/moscow", "Moscow", "LOC"),
    ]
    isis = build_site(
        [article("---\ntitle: T\n---\nISIS grew.\n", tmp_path)],
        catalog,
    ).entities[0]
    assert isis.description == "A jihadist group."
    assert isis.url == "https://en.wikipedia.org/wiki/Islamic_State"


def test_ignored_names_are_not_highlighted(tmp_path: Path) -> None:
    catalog_from(tmp_path, CURATED)
    a = article("---\ntitle: T\n---\nWashington and Syria.\n", tmp_path)
    assert [m.text for m in a.mentions] == ["Syria"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '[[entity]]\nname = "X"\ntype = "PERSN"\n',
            "entities.toml:3: [[entity]] type must be one of PERSON, ORG, GPE, LOC, NORP, FAC, "
            'EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, not "PERSN"',
        ),
        ('[[entity]]\ntype = "ORG"\n', 'entities.toml:1: [[entity]] needs a name = "..."'),
        (
            '[[entity]]\nname = "X"\n',
            'entities.toml:1: [[entity]] needs a type = "..." (one of PERSON, ORG, GPE, LOC, '
            "NORP, FAC, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE)",
        ),
        (
            '[[entity]]\nname = "X"\ntype = "ORG"\n\n[[entity]]\nname = "X"\ntype = "ORG"\n',
            "entities.toml:6: 'X' is given twice: curate each entity once",
        ),
        (
            '[[entity]]\nname = "X"\ntype = "ORG"\n\n[[entity]]\nname = "x"\ntype = "ORG"\n',
            "entities.toml:6: 'x' is given twice: curate each entity once",
        ),
        (
            '[[entity]]\nname = "X"\ntype = "ORG"\n\n[[entity]]\nname = "Y"\ntype = "ORG"\n'
            'aliases = ["X"]\n',
            "entities.toml:8: 'X' is already a name of 'X'",
        ),
        (
            '[[entity]]\nname = "X"\ntype = "ORG"\nurl = "wiki/X"\n',
            "entities.toml:4: [[entity]] url must start with http:// or https://",
        ),
        (
            '[[entity]]\nname = "X"\ntype = "ORG"\ncolour = "red"\n',
            "entities.toml:4: [[entity]] unknown key 'colour' (known: name, type, aliases, "
            "description, url)",
        ),
        ('[ignore]\nnames = "X"\n', "entities.toml:2: [ignore] names must be a list of names"),
        (
            "[people]\nx = 1\n",
            "entities.toml:1: unknown table [people] (known: [[entity]], [ignore])",
        ),
    ],
)
def test_malformed_entities_toml_names_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(BuildFailed) as info:
        catalog_from(tmp_path, text)
    assert error in [str(e) for e in info.value.errors]


def test_a_name_given_twice_is_said_with_the_other_problems_of_its_table(tmp_path: Path) -> None:
    """Every problem of the file at once: not the duplicate only once the rest is fixed."""
    text = (
        '[[entity]]\nname = "John Kerry"\ntype = "PERSON"\n\n'
        '[[entity]]\nname = "John Kerry"\ntype = "PERSN"\n'
    )
    with pytest.raises(BuildFailed) as info:
        catalog_from(tmp_path, text)
    assert [str(e) for e in info.value.errors] == [
        "entities.toml:6: 'John Kerry' is given twice: curate each entity once",
        "entities.toml:7: [[entity]] type must be one of PERSON, ORG, GPE, LOC, NORP, FAC, "
        'EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, not "PERSN"',
    ]


def test_invalid_toml_in_entities_toml(tmp_path: Path) -> None:
    with pytest.raises(SitegenError) as info:
        catalog_from(tmp_path, '[[entity]]\nname = "X\n')
    assert str(info.value).startswith("entities.toml:2: invalid TOML")
