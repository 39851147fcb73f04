"""What the render stage works out from each article is kept in the cache, so a new
process works it out only for the articles that changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder
from test_golden import tree
from test_incremental import SITE, fresh_build, new_process

from sitegen.cache import CACHE_DIR, FILE, Cache
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.render import keys, pages

MakeSite = Callable[..., Path]


@pytest.fixture
def parts_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the articles whose entity page parts are worked out."""
    made: list[str] = []
    real = keys._entity_parts

    def counted(article):  # type: ignore[no-untyped-def]
        made.append(article.document.title)
        return real(article)

    monkeypatch.setattr(keys, "_entity_parts", counted)
    return made


@pytest.fixture
def related_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of articles of each site whose related articles are worked out."""
    made: list[int] = []
    real = pages.related_articles

    def counted(named, limit):  # type: ignore[no-untyped-def]
        made.append(len(named))
        return real(named, limit)

    monkeypatch.setattr(pages, "related_articles", counted)
    return made


@pytest.fixture
def keys_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the entities whose pages' keys are worked out."""
    made: list[str] = []
    real = keys._make_entity_keys

    def counted(salt, entity, listings):  # type: ignore[no-untyped-def]
        made.append(entity.id)
        return real(salt, entity, listings)

    monkeypatch.setattr(keys, "_make_entity_keys", counted)
    return made


def edit_in_a_new_process(site: Path, make_site: MakeSite, annotator: SpacyAnnotator) -> None:
    """C edited, then built by a new process."""
    new_process()
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    build_site_folder(site, annotator, use_cache=True)


def test_a_new_process_works_out_only_the_changed_articles_parts(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, parts_made: list[str], tmp_path: Path
) -> None:
    site = make_site(SITE)
    new_process()
    build_site_folder(site, fake_annotator, use_cache=True)
    assert sorted(parts_made) == ["A", "B", "C"]
    parts_made.clear()
    edit_in_a_new_process(site, make_site, fake_annotator)
    assert parts_made == ["C"]
    new_process()  # the fresh build below remembers nothing: all made
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_new_process_keys_the_pages_of_the_entities_an_edit_touches_only(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, keys_made: list[str], tmp_path: Path
) -> None:
    """Keying every entity's pages from all its articles took a fresh process's edit a
    third of a second at 1,000 articles: it takes the last build's keys for the
    entities whose articles, quotes and counts the edit left as they were."""
    site = make_site(SITE)
    new_process()
    build_site_folder(site, fake_annotator, use_cache=True)
    everyone = sorted(set(keys_made))
    assert len(everyone) == 6
    keys_made.clear()
    edit_in_a_new_process(site, make_site, fake_annotator)  # C's words: its two entities
    assert sorted(set(keys_made)) == ["gpe/washington", "org/new-york-times"]
    keys_made.clear()
    new_process()
    make_site({"content/b.md": SITE["content/b.md"].replace("left Syria", "left Syria, Kerry")})
    build_site_folder(site, fake_annotator, use_cache=True)  # a mention more: his counts
    assert sorted(set(keys_made)) == ["gpe/syria", "person/john-kerry"]
    new_process()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_process_that_built_another_site_stores_all_of_this_ones_memos(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    """What the memos hold for one site's cache is not this site's to reuse: its rows
    would never be stored here, and with the entity page keys taken from the last
    build, never worked out again either."""
    site = make_site(SITE)
    twin = tmp_path / "twin"
    shutil.copytree(site, twin)
    new_process()
    build_site_folder(site, fake_annotator, use_cache=True)
    build_site_folder(twin, fake_annotator, use_cache=True)  # the same articles
    counts = []
    for folder in (site, twin):
        cache = Cache(folder / CACHE_DIR)
        counts.append(cache.stats().entries["memos"])
        cache.close()
    assert counts[1] == counts[0] > 0


def test_a_new_process_takes_the_last_builds_related_articles_if_still_right(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, related_made: list[int], tmp_path: Path
) -> None:
    """Related articles are worked out from the whole site (a fifth of a second for
    1,000 articles): a new process whose edit changed no article's entities takes the
    last build's, and works them out again when an edit did."""
    site = make_site(SITE)
    new_process()
    build_site_folder(site, fake_annotator, use_cache=True)
    assert related_made == [3]
    related_made.clear()
    edit_in_a_new_process(site, make_site, fake_annotator)  # the same entities
    assert related_made == []
    new_process()
    make_site({"content/c.md": SITE["content/c.md"].replace("Washington", "Kerry in Moscow")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert related_made == [3]
    new_process()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_with_a_damaged_entry_parts_are_worked_out_again(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, parts_made: list[str], tmp_path: Path
) -> None:
    import sqlite3

    site = make_site(SITE)
    new_process()
    build_site_folder(site, fake_annotator, use_cache=True)
    with sqlite3.connect(site / CACHE_DIR / FILE) as db:
        db.execute("UPDATE memos SET value = x'c1'")  # not msgpack of anything
    parts_made.clear()
    edit_in_a_new_process(site, make_site, fake_annotator)
    assert sorted(parts_made) == ["A", "B", "C"]
    new_process()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_site_larger_than_a_memo_works_out_each_articles_parts_once(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    parts_made: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Memos grow to the site: one holding fewer articles than the site has would be
    emptied again and again in a build, and each article's parts worked out once per
    entity it names (a 10,000-article site spent minutes there)."""
    for bound in ("least", "limit"):  # as if the site were larger than it
        monkeypatch.setattr(keys._ENTITY_PARTS, bound, 1)
    site = make_site(SITE)
    new_process()
    build_site_folder(site, fake_annotator)
    assert sorted(parts_made) == ["A", "B", "C"]


FRESH_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from sitegen import memos
real = memos.Memo.__init__, memos.Kept.__init__
memos.Memo.__init__ = lambda self, limit=0: real[0](self, 1)  # every memo's floor: 1
memos.Kept.__init__ = lambda self, limit=0: real[1](self, 1)
from conftest import make_fake_annotator
from sitegen.pipeline import Pipeline
site = Path({site!r})
Pipeline(site, annotator=make_fake_annotator(), once=True).build(site / "build")
print(sorted({{m.limit for m in memos._BOUNDED}}), "sitegen.render.keys" in sys.modules)
"""


def test_memos_made_after_the_sites_size_is_known_fit_it_too(make_site: MakeSite) -> None:
    """In a new process the render stage's memos are made when its modules are first
    imported, after the articles are counted: they grow to the site all the same (a
    10,000-article ``sitegen build`` spent most of an hour emptying them)."""
    site = make_site(SITE)
    code = FRESH_BUILD.format(tests=str(Path(__file__).parent), site=str(site))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["[6]", "True"]  # twice the site's three articles
