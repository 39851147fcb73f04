"""Every path sitegen derives fits the file system (255 bytes per file name), so a
long name never crashes a build; a slug the author wrote that cannot fit is an
error with file and line. Fast: annotators here are fakes."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FindsPhrases, build_site_folder

from sitegen.cli import main
from sitegen.enrich.names import entity_id
from sitegen.errors import BuildFailed
from sitegen.nlp.annotator import Annotator

MakeSite = Callable[..., Path]
#: What spaCy reads as one organisation in text with many unbalanced quotation marks.
LONG_ORG = 'The "Ministry of ' + '"Foreign ' * 60 + 'Affairs"'


def names_fit(out: Path) -> None:
    for path in out.rglob("*"):
        assert len(path.name.encode()) <= 255, path


def entity_pages(out: Path) -> list[str]:
    return sorted(p.parent.name for p in (out / "entities" / "org").glob("*/index.html"))


def test_a_very_long_entity_name_gets_a_short_stable_page(make_site: MakeSite) -> None:
    other = LONG_ORG.replace("Affairs", "Trade")  # the same first 500 characters
    body = f"{LONG_ORG} said so.\n\n{other} did too.\n"
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2020-01-01\n---\n{body}"})
    out = site / "build"
    annotator = FindsPhrases(r"Ministry of[^.]*?(Affairs|Trade)”")
    build_site_folder(site, annotator, out)
    names_fit(out)
    pages = entity_pages(out)
    assert len(pages) == 2
    for name in pages:
        assert re.fullmatch(r"ministry-of-foreign(-foreign)+-[0-9a-f]{8}", name), name
        assert len(name) <= 100
    article = (out / "a" / "index.html").read_text()
    for name in pages:
        assert f"entities/org/{name}/" in article
    build_site_folder(site, annotator, site / "again")
    assert entity_pages(site / "again") == pages  # stable from build to build


def test_entity_ids_that_fit_are_unchanged() -> None:
    assert entity_id("PERSON", "John Kerry") == "person/john-kerry"
    assert entity_id("ORG", "a" * 100) == "org/" + "a" * 100


def test_a_curated_name_over_255_characters_builds(make_site: MakeSite) -> None:
    name = "Committee " + "for the Study of Very Long Names " * 10
    catalog = f'[[entity]]\nname = "{name.strip()}"\ntype = "ORG"\naliases = ["CSVLN"]\n'
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nThe CSVLN met.\n",
            "entities.toml": catalog,
        }
    )
    out = site / "build"
    build_site_folder(site, FindsPhrases("CSVLN"), out)
    names_fit(out)
    assert len(entity_pages(out)) == 1


def test_a_long_file_name_gets_a_slug_that_fits(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    stem = "北京" * 41  # 246 bytes: a file name that fits, a transliteration that would not
    site = make_site({f"content/{stem}.md": "---\ntitle: A\ndate: 2020-01-01\n---\nBody.\n"})
    out = site / "build"
    build_site_folder(site, fake_annotator, out)
    names_fit(out)
    (slug,) = [p.parent.name for p in out.glob("*/annotations.json")]
    assert re.fullmatch(r"bei-jing(-bei-jing)+-[0-9a-f]{8}", slug)


@pytest.mark.parametrize(
    ("slug", "length"), [("a" * 300, 300), ("9" * 256, 256)], ids=["letters", "a number"]
)
def test_a_slug_too_long_for_a_file_name_is_an_error(
    make_site: MakeSite, fake_annotator: Annotator, slug: str, length: int
) -> None:
    site = make_site({"content/a.md": f"---\ntitle: A\nslug: {slug}\n---\nBody.\n"})
    with pytest.raises(BuildFailed) as failed:
        build_site_folder(site, fake_annotator, site / "build")
    assert [str(e) for e in failed.value.errors] == [
        f"content/a.md:3: front matter: slug is {length} characters long; "
        "a file name holds at most 255: shorten it"
    ]


def test_a_slug_of_255_characters_builds(make_site: MakeSite, fake_annotator: Annotator) -> None:
    slug = "b" * 255
    site = make_site({"content/a.md": f"---\ntitle: A\nslug: {slug}\n---\nBody.\n"})
    build_site_folder(site, fake_annotator, site / "build")
    assert (site / "build" / slug / "index.html").exists()


def test_long_names_exit_0_on_the_command_line(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sitegen import cli
    from sitegen.pipeline import Pipeline

    annotator = FindsPhrases(r"Ministry of[^.]*Affairs")
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=annotator))
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2020-01-01\n---\n{LONG_ORG}.\n"})
    assert main(["build", "--site", str(site), "-q", "--no-cache"]) == 0
    assert capsys.readouterr().err == ""
