"""Entities across a built site: highlight settings, entity pages, ``sitegen entities``,
and the sample article's people resolved to one entity each (real model)."""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, build_site_folder, make_fake_annotator, run_in

from sitegen import cli
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.pipeline import Pipeline

ARTICLES = {
    "content/a.md": "---\ntitle: A\ndate: 2015-09-01\n---\nJohn Kerry met Kerry fans in "
    "Moscow.\n\nKerry left Moscow for Syria.\n",
    "content/b.md": "---\ntitle: B\ndate: 2015-11-03\n---\nKerry and Syria.\n",
}


def build_with(site: Path, annotator: SpacyAnnotator | None = None) -> Path:
    build_site_folder(site, annotator or make_fake_annotator())
    return site / "build"


@pytest.mark.parametrize(
    ("mode", "strong", "light"),
    [("first", 3, 3), ("all", 6, 0), ("none", 0, 0)],
)
def test_highlight_setting(
    make_site: Callable[..., Path], mode: str, strong: int, light: int
) -> None:
    site = make_site({**ARTICLES, "sitegen.toml": f'[entities]\nhighlight = "{mode}"\n'})
    html = (build_with(site) / "a" / "index.html").read_text()
    body = html.split('<div class="article-body">')[1].split("</div>")[0]
    assert body.count("ent-strong") == strong
    assert body.count("ent-light") == light
    assert ('<a class="ent' in body) is (mode != "none")
    assert "Kerry left Moscow" in re.sub(r"<[^>]+>", "", body), "the text is the same"


def test_bad_highlight_setting(
    make_site: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({**ARTICLES, "sitegen.toml": '[entities]\nhighlight = "some"\n'})
    assert cli.main(["build", "--site", str(site)]) == 1
    assert (
        "sitegen.toml:2: [entities] highlight must be one of first, all, none"
        in capsys.readouterr().err
    )


def test_entity_page_has_curated_facts_related_entities_and_a_chart(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(
        {
            **ARTICLES,
            "entities.toml": '[[entity]]\nname = "John Kerry"\ntype = "PERSON"\n'
            'description = "US Secretary of State."\nurl = "https://example.org/kerry"\n',
        }
    )
    page = (build_with(site) / "entities/person/john-kerry/index.html").read_text()
    assert ">John Kerry</h1>" in page
    assert "US Secretary of State." in page
    assert 'href="https://example.org/kerry"' in page
    assert "Mentioned 4 times in 2 articles." in page
    assert "Named as “Kerry”, “John Kerry”." in page
    related = page.split('id="related"')[1].split("</section>")[0]
    assert related.index("Syria") < related.index("Moscow"), "shared by 2 articles first"
    assert 'class="chart"' in page and "Sep 2015: 3" in page and "Nov 2015: 1" in page
    assert "<td>Oct 2015</td>" not in page, "the table lists months with mentions"
    # Newest article first, each passage marked.
    assert page.index(">B</a>") < page.index(">A</a>")
    assert page.count("<mark>") == 4


def test_entity_index_lists_kinds_with_counts_and_data_for_sorting(
    make_site: Callable[..., Path],
) -> None:
    index = (build_with(make_site(ARTICLES)) / "entities/index.html").read_text()
    assert 'data-name="John Kerry" data-mentions="4"' in index
    assert 'People <span class="count">(1)</span>' in index
    assert 'src="../static/index.js"' in index


def test_article_embeds_card_data_safely(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            **ARTICLES,
            "entities.toml": '[[entity]]\nname = "John Kerry"\ntype = "PERSON"\n'
            'description = "</script><script>alert(1)</script>"\n',
        }
    )
    html = (build_with(site) / "a" / "index.html").read_text()
    data = html.split('<script type="application/json" id="sitegen-entities">')[1]
    data = data.split("</script>")[0]
    cards = json.loads(data)
    assert cards["person/john-kerry"]["description"] == "</script><script>alert(1)</script>"
    assert cards["person/john-kerry"]["others"] == 1
    assert cards["gpe/moscow"]["href"] == "../entities/gpe/moscow/"


def test_entities_command_lists_entities_and_conflicts(
    make_site: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(
        {
            **ARTICLES,
            "content/c.md": "---\ntitle: C\ndate: 2015-10-01\n---\nTeresa Kerry spoke.\n",
        }
    )
    fake = make_fake_annotator([("PERSON", "Teresa Kerry")])
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=fake))
    assert cli.main(["entities", "--site", str(site)]) == 0
    table = capsys.readouterr().out
    assert re.search(r"PERSON\s+John Kerry\s+1\s+3\s+Kerry, John Kerry", table)
    assert cli.main(["entities", "--site", str(site), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    kerry = next(r for r in rows if r["id"] == "person/kerry")
    assert (kerry["articles"], kerry["mentions"]) == (1, 1)  # only b.md has it alone
    conflict = (
        "'Kerry' could be 'John Kerry' or 'Teresa Kerry'; it is kept apart "
        "(add it to an entity's aliases in entities.toml to decide)"
    )
    assert run_in(site, ["entities", "--site", str(site), "--conflicts"]) == 0
    assert capsys.readouterr().out.strip() == f"content/b.md: {conflict}"
    # the file as seen from where the command runs, as problems name theirs
    assert run_in(site.parent, ["entities", "--site", site.name, "--conflicts"]) == 0
    assert capsys.readouterr().out.strip() == f"{site.name}/content/b.md: {conflict}"


@pytest.mark.model
@pytest.mark.parametrize("curated", [False, True], ids=["rules only", "with entities.toml"])
def test_sample_site_people_are_one_entity_each(
    tmp_path: Path, real_annotator: SpacyAnnotator, real_nlp: object, curated: bool
) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    if curated:
        shutil.copy(ROOT / "entities.toml", site / "entities.toml")
    build_site_folder(site, real_annotator)
    data = json.loads((site / "build/us-russia-syria-talks/annotations.json").read_text())
    owner = {
        m["text"]: e["name"]
        for e in data["entities"]
        for m in e["mentions"]
        if e["label"] == "PERSON"
    }
    for short, full in [
        ("Kerry", "John Kerry"),
        ("Tabler", "Andrew Tabler"),
        ("Obama", "Barack Obama"),
        ("Assad", "Bashar al-Assad"),
    ]:
        assert owner[short] == full
    kerry = next(e for e in data["entities"] if e["id"] == "person/john-kerry")
    page = (site / "build/entities/person/john-kerry/index.html").read_text()
    assert page.count("<mark>") == len(kerry["mentions"]) == 3
    assert page.count('class="passage"') == 3


@pytest.mark.model
def test_cities_the_model_takes_for_people_have_place_pages(
    make_site: Callable[..., Path], real_annotator: SpacyAnnotator
) -> None:
    text = (  # each taken for a person somewhere, each read as a place somewhere
        "---\ntitle: Yachts\ndate: 2002-01-02\n---\nA yacht in the Sydney to Hobart has "
        "been towed to port.\n\nPolice in Darwin said the road was closed.\n\nThe service "
        "will reach every mainland capital, including Perth and Darwin.\n\nIt was hot in "
        "Perth on Monday.\n\nPolice clashed with protesters near the presidential palace in "
        "the capital, Buenos Aires.\n\nThousands marched in Buenos Aires on Friday.\n"
    )
    out = build_with(make_site({"content/a.md": text}), real_annotator)
    paragraphs = text.split("---\n")[2].split("\n\n")
    taken = {  # the model's own mistakes, which the test is about
        p[e.start : e.end]
        for p, found in zip(paragraphs, real_annotator.annotate(paragraphs), strict=True)
        for e in found.entities
        if e.label == "PERSON"
    }
    assert {"Hobart", "Darwin", "Perth", "Buenos Aires"} <= taken
    for slug in ("hobart", "perth", "darwin", "buenos-aires"):
        assert (out / "entities/gpe" / slug / "index.html").is_file(), slug
        assert not (out / "entities/person" / slug).exists(), slug
    page = (out / "a/index.html").read_text()
    assert "entities/gpe/hobart/" in page and "entities/person/" not in page


def test_footnotes_repeated_nested_and_quoting_are_notes_with_unique_ids(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: T\ndate: 2020-01-01\n---\nA note.[^a] Again.[^a] "
            'Nested.[^b]\n\n[^a]: "The Russians are committed," said John Kerry.\n'
            "[^b]: See also[^c].\n[^c]: A deeper note about Moscow.\n",
        }
    )
    html = (build_with(site) / "a" / "index.html").read_text()
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique"
    for number in (1, 2, 3):
        assert f'id="note-{number}"' in html
    assert html.count('href="#note-1"') >= 2, "both references lead to the one note"
    assert "A deeper note about" in html.split('id="note-3"')[1]
