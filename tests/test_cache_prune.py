"""The cache holds one version of each article, however often it is edited or rebuilt
under new settings: it does not grow with every save of the preview."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import build_site_folder
from test_golden import tree
from test_incremental import SITE

from sitegen import cache as cache_module
from sitegen import writing
from sitegen.cache import CACHE_DIR, FILE, Cache
from sitegen.memos import empty_memos
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.pipeline import Pipeline

MakeSite = Callable[..., Path]


def entries(site: Path) -> dict[str, int]:
    cache = Cache(site / CACHE_DIR)
    try:
        return cache.stats().entries
    finally:
        cache.close()


def entries_of_a_fresh_build(
    site: Path, annotator: SpacyAnnotator, tmp_path: Path
) -> dict[str, int]:
    """What the cache of a copy of ``site`` holds after one build in a new process."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns(CACHE_DIR, "build"))
    empty_memos()  # as a new process: the render stage's memos are made, and stored, anew
    build_site_folder(fresh, annotator, use_cache=True)
    return entries(fresh)


def test_edits_and_new_settings_leave_one_version_of_each_article(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)  # the preview's: one per session
    for n in range(3):
        make_site({"content/a.md": SITE["content/a.md"] + f"\nKerry went to Moscow {n} times.\n"})
        pipeline.build(site / "build")
    build_site_folder(site, fake_annotator, use_cache=True)  # a new process
    make_site({"entities.toml": '[[entity]]\nname = "Kerry"\ntype = "PERSON"\n'})
    build_site_folder(site, fake_annotator, use_cache=True)
    (site / "content/c.md").unlink()
    build_site_folder(site, fake_annotator, use_cache=True)

    kept, needed = entries(site), entries_of_a_fresh_build(site, fake_annotator, tmp_path)
    assert kept["articles"] == needed["articles"] == 2
    assert kept["memos"] == needed["memos"] > 0
    assert kept["blocks"] > needed["blocks"]  # paragraphs annotated once, ever


def test_a_cache_grown_before_pruning_is_pruned_and_shrunk_by_the_next_build(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    cache = Cache(site / CACHE_DIR)
    junk = [(bytes([n]) * 16, bytes(20_000)) for n in range(250)]  # old articles, 5 MB
    cache.put("articles", junk)
    cache.put("memos", junk)
    cache._run("DELETE FROM in_use", [])  # as in a cache of an older sitegen: none
    cache._run("DELETE FROM meta WHERE key = 'pruned'", [])
    cache.close()
    before = (site / CACHE_DIR / FILE).stat().st_size
    assert before > 8_000_000

    make_site({"content/b.md": SITE["content/b.md"] + "\nKerry came back.\n"})
    pipeline = Pipeline(site, annotator=fake_annotator)
    pipeline.build(site / "build")
    assert entries(site)["articles"] == 3
    assert (site / CACHE_DIR / FILE).stat().st_size < before / 4
    assert [n.split(": ")[1].split(" from")[0] for n in pipeline.notices] == ["compacted"]
    again = build_site_folder(site, fake_annotator, use_cache=True, shortcut=False)
    assert again.annotated == 0 and again.rendered == 0
    assert tree(site / "build") == tree(_fresh_build(site, fake_annotator, tmp_path))


def _fresh_build(site: Path, annotator: SpacyAnnotator, tmp_path: Path) -> Path:
    out = tmp_path / "fresh-build"
    build_site_folder(site, annotator, out)
    return out


def test_a_prune_cut_short_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Cache(tmp_path)
    old = [(bytes([n]) * 16, b"an article") for n in range(10)]
    cache.put("articles", old)
    cache.prune({"articles": [key for key, _ in old]})
    monkeypatch.setattr(cache_module, "_CHUNK", 2)
    real = cache_module._delete

    def cut_short(table: str, keys: Sequence[bytes], db: sqlite3.Connection) -> None:
        if cache.stats().entries["articles"] < 10:  # the build is stopped after one chunk
            raise KeyboardInterrupt
        real(table, keys, db)

    monkeypatch.setattr(cache_module, "_delete", cut_short)
    with pytest.raises(KeyboardInterrupt):
        cache.prune({"articles": [old[0][0]]})
    assert cache.stats().entries["articles"] == 8
    monkeypatch.setattr(cache_module, "_delete", real)
    cache.prune({"articles": [old[0][0]]})
    assert cache.get("articles", [key for key, _ in old]) == {old[0][0]: b"an article"}


def test_what_a_stopped_build_stored_is_pruned_by_a_later_one(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(SITE)
    Pipeline(site, annotator=fake_annotator, once=True).build(site / "build")
    make_site({"content/a.md": SITE["content/a.md"] + "\nKerry went to Moscow once.\n"})

    def stopped(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while writing: enriched and memos stored

    with monkeypatch.context() as patched:
        patched.setattr(writing, "write_locked", stopped)
        with pytest.raises(KeyboardInterrupt):
            Pipeline(site, annotator=fake_annotator, once=True).build(site / "build")
    make_site({"content/a.md": SITE["content/a.md"] + "\nKerry went to Moscow twice.\n"})
    Pipeline(site, annotator=fake_annotator, once=True).build(site / "build")

    needed = entries_of_a_fresh_build(site, fake_annotator, tmp_path)
    assert entries(site) | {"blocks": 0} == needed | {"blocks": 0}
