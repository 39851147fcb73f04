"""Annotate once: the annotation cache, pages re-rendered only when their inputs
change, files rewritten only when their bytes change, and incremental builds
that always equal a fresh full build."""

from __future__ import annotations

import fcntl
import functools
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import Counting, build_elsewhere, build_site_folder, make_fake_annotator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_golden import tree

from sitegen import cli, memos
from sitegen.cache import CACHE_DIR, FILE, Cache
from sitegen.errors import SitegenError
from sitegen.model import Article, BlockNLP, Document
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.nlp.cached import Batched
from sitegen.output import folder
from sitegen.output.folder import lock_path, locked
from sitegen.output.record import MARKER
from sitegen.pipeline import Pipeline

MakeSite = Callable[..., Path]
SITE = {
    "content/a.md": "---\ntitle: A\ndate: 2015-09-01\n---\nJohn Kerry spoke in Moscow.\n\n"
    "Kerry met Andrew Tabler.\n",
    "content/b.md": "---\ntitle: B\ndate: 2015-09-02\n---\nKerry left Syria.\n",
    "content/c.md": "---\ntitle: C\ndate: 2015-09-03\n---\nWashington read the New York Times.\n",
}


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each output file's inode and mtime: what tells a rewritten file from a kept one."""
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def rendered_by(
    monkeypatch: pytest.MonkeyPatch, method: str, name: Callable[..., str]
) -> list[str]:
    """What the renderer's ``method`` renders from now on, each named by ``name`` of
    the method's arguments (``monkeypatch.undo()`` stops it)."""
    from sitegen.render import pages

    rendered: list[str] = []
    real = getattr(pages._Renderer, method)

    def recorded(self: object, *args: Any, **kwargs: Any) -> bytes:
        rendered.append(name(*args))
        return real(self, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(pages._Renderer, method, recorded)
    return rendered


def fresh_build(site: Path, out: Path, annotator: SpacyAnnotator) -> dict[str, bytes]:
    """The site built from nothing: no cache, an empty output folder."""
    build_site_folder(site, annotator, out)
    return tree(out)


def test_a_second_build_annotates_nothing_and_rewrites_nothing(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    first = build_site_folder(site, fake_annotator, use_cache=True)
    assert first.annotated == 4 and first.rendered == first.files
    before = stamps(site / "build")
    again = build_site_folder(site, fake_annotator, use_cache=True)
    assert (again.annotated, again.rendered, again.changed) == (0, 0, ())
    assert stamps(site / "build") == before


def test_editing_one_paragraph_annotates_that_paragraph_only(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    make_site({"content/a.md": SITE["content/a.md"].replace("Kerry met", "Kerry later met")})
    report = build_site_folder(site, fake_annotator, use_cache=True)
    assert report.annotated == 1
    assert "</a> later met" in (site / "build/a/index.html").read_text()


class Batches(Batched):
    """Worker processes stood in for: ``inner`` run on one text at a time, each result
    delivered as its own batch, with what happened recorded in ``events``."""

    def __init__(self, inner: SpacyAnnotator, events: list[str]) -> None:
        super().__init__("stand-in", inner.fingerprint)
        self.inner, self.events = inner, events

    def batches(self, texts: Sequence[str]) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        self.events.append(f"annotate {len(texts)}")
        try:
            for at, text in enumerate(texts):
                self.events.append(f"annotated {text[:4]}")
                yield at, self.inner.annotate([text])
        finally:
            self.events.append("stopped")


def test_each_article_is_enriched_while_the_next_blocks_are_annotated(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every block the cache lacks goes to the annotator in one run (one pool of
    workers, one progress bar), and an article is enriched as soon as its blocks are
    back, before the workers' later blocks are: the site is the same, byte for byte."""
    import sitegen.enrich.many

    events: list[str] = []
    enrich = sitegen.enrich.many.enrich

    def enriching(document: Document, *args: Any) -> Article:
        events.append(f"enrich {document.title}")
        return enrich(document, *args)

    monkeypatch.setattr(sitegen.enrich.many, "enrich", enriching)
    site = make_site(SITE)
    report = build_site_folder(site, Batches(fake_annotator, events), use_cache=True)
    assert events == [
        "annotate 4",
        "annotated John",
        "annotated Kerr",
        "enrich A",
        "annotated Kerr",
        "enrich B",
        "annotated Wash",
        "enrich C",
        "stopped",
    ]
    assert report.annotated == 4
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_build_that_lets_go_of_its_memos_writes_the_same_site(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    """``sitegen build`` (``once``) empties the render stage's memos once its pages are
    planned: the site it writes, at first and after an edit, is the same."""
    from sitegen.render.keys import _ENTITY_PARTS  # used in planning only

    site = make_site(SITE)
    Pipeline(site, annotator=fake_annotator, use_cache=True, once=True).build(site / "build")
    assert not _ENTITY_PARTS._values
    Pipeline(site, annotator=fake_annotator, use_cache=True).build(site / "build", shortcut=False)
    assert _ENTITY_PARTS._values  # (a preview's pipeline keeps them)
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)
    make_site({"content/b.md": SITE["content/b.md"].replace("Kerry left", "John Kerry left")})
    report = Pipeline(site, annotator=fake_annotator, use_cache=True, once=True).build(
        site / "build"
    )
    assert report.annotated == 1
    assert tree(site / "build") == fresh_build(site, tmp_path / "again", fake_annotator)


def test_an_edit_rewrites_only_the_pages_it_affects(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    before = stamps(site / "build")
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    report = build_site_folder(site, fake_annotator, use_cache=True)
    after = stamps(site / "build")
    rewritten = {path for path in after if after[path] != before.get(path)} - {MARKER}
    assert rewritten == {path for path in report.changed if path in after}
    assert {path for path in report.changed if path not in after} <= set(before)  # removed
    # The search index is made again from the pages (its files are named by content).
    assert any(path.startswith("pagefind/") for path in rewritten)
    rewritten = {path for path in rewritten if not path.startswith("pagefind/")}
    # c's page and annotations (offsets moved), the home page's summary of it, and the
    # pages of the entities it names.
    assert rewritten == {
        "c/index.html",
        "c/annotations.json",
        "index.html",
        "entities/gpe/washington/index.html",
        "entities/org/new-york-times/index.html",
    }
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_an_edit_renders_again_only_the_entities_of_the_paragraph_it_touches(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """a.md names Kerry and Moscow in one paragraph, Kerry and Tabler in the next:
    editing the second leaves Moscow's page alone (same passages, same neighbours),
    and what is rendered again is what a fresh build makes."""
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    rendered = rendered_by(monkeypatch, "entity", lambda entity, page: entity.id)
    make_site({"content/a.md": SITE["content/a.md"].replace("Tabler.", "Tabler again.")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert sorted(rendered) == ["person/andrew-tabler", "person/john-kerry"]
    assert "Tabler again" in (site / "build/entities/person/john-kerry/index.html").read_text()
    monkeypatch.undo()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_the_preview_works_out_again_only_the_page_keys_of_the_articles_an_edit_touches(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """c.md names none of what a.md and b.md name: an edit of it leaves their pages'
    keys as the long-lived pipeline worked them out (their entities' cards the same)."""
    from sitegen.render import pages

    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)
    pipeline.build(site / "build")
    keyed: list[str] = []
    real = pages._key
    monkeypatch.setattr(pages, "_key", lambda *parts: keyed.append(str(parts[1])) or real(*parts))
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    pipeline.build(site / "build")
    assert keyed.count("article") == 1
    monkeypatch.undo()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_an_edit_in_a_related_articles_text_leaves_the_pages_listing_it_alone(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """b's page lists a as related (both name Kerry) by title, date and the names both
    use: a's words do not render b's page again, a's title does."""
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    assert 'href="../a/">A</a>' in (site / "build/b/index.html").read_text()
    rendered = rendered_by(monkeypatch, "article", lambda article, *_: article.slug)
    make_site({"content/a.md": SITE["content/a.md"].replace("Tabler.", "Tabler again.")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert rendered == ["a"]
    make_site({"content/a.md": SITE["content/a.md"].replace("title: A", "title: Aa")})
    build_site_folder(site, fake_annotator, use_cache=True)
    assert "b" in rendered and 'href="../a/">Aa</a>' in (site / "build/b/index.html").read_text()
    monkeypatch.undo()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


@pytest.mark.model
def test_new_words_in_a_quote_leave_the_sites_sources_page_alone(
    make_site: MakeSite, real_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sources page lists who is quoted, how often and where, not the words: an
    edit of the words does not render it again (it is the longest page), a new source does."""
    quote = "---\ntitle: Q\ndate: 2015-09-04\n---\n“We will go on,” said John Kerry.\n"
    site = make_site({"content/q.md": quote})
    build_site_folder(site, real_annotator, use_cache=True)
    assert "John Kerry" in (site / "build/sources/index.html").read_text()
    rendered = rendered_by(monkeypatch, "page", lambda path, *_: path)
    make_site({"content/q.md": quote.replace("go on", "carry on")})
    build_site_folder(site, real_annotator, use_cache=True)
    assert "q/index.html" in rendered and "sources/index.html" not in rendered
    rendered.clear()
    make_site({"content/q.md": quote + "\n“Never,” said Andrew Tabler.\n"})
    build_site_folder(site, real_annotator, use_cache=True)
    assert "sources/index.html" in rendered
    assert "Andrew Tabler" in (site / "build/sources/index.html").read_text()


def test_the_edited_articles_page_is_written_before_the_rest_of_the_site(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    """What the preview reloads first: the page of the article saved, already whole
    (its entity links and cards as the full build makes them) when ``early`` hears of it."""
    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)
    out = site / "build"
    pipeline.build(out)
    seen: list[tuple[list[str], str]] = []

    def early(paths: Sequence[str]) -> None:
        seen.append((list(paths), (out / "a/index.html").read_text()))

    make_site({"content/a.md": SITE["content/a.md"].replace("Tabler.", "Tabler in Syria.")})
    report = pipeline.build(out, early=early)
    [(paths, page)] = seen
    assert "a/index.html" in report.changed  # written early, still a change of this build
    assert paths == ["a/index.html"] and "in <a" in page and "Syria</a>" in page
    assert tree(out) == fresh_build(site, tmp_path / "fresh", fake_annotator)
    assert page == (out / "a/index.html").read_text()
    seen.clear()
    pipeline.build(out, early=early)  # nothing changed: nothing written early
    assert seen == []


def test_a_build_failing_after_the_early_page_leaves_nothing_stale(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The early page is recorded as written: undoing the edit after a failed build
    writes the page back, though the inputs are those of the last good build."""
    import sitegen.writing

    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)
    out = site / "build"
    pipeline.build(out)

    def fail(*args: object, **kwargs: object) -> None:
        raise SitegenError("the disk is full")

    monkeypatch.setattr(sitegen.writing, "write_site", fail)
    make_site({"content/a.md": SITE["content/a.md"].replace("Tabler.", "Tabler in Syria.")})
    with pytest.raises(SitegenError):
        pipeline.build(out, early=lambda paths: None)
    assert "in <a" in (out / "a/index.html").read_text()  # written before the failure
    monkeypatch.undo()
    make_site({"content/a.md": SITE["content/a.md"]})
    pipeline.build(out, early=lambda paths: None)
    assert tree(out) == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_a_fuller_name_in_a_new_article_renames_the_entity_in_the_others(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site({"content/b.md": SITE["content/b.md"]})
    build_site_folder(site, fake_annotator, use_cache=True)
    ids = json.loads((site / "build/b/annotations.json").read_text())["entities"]
    assert ids[0]["id"] == "person/kerry"
    make_site({"content/a.md": SITE["content/a.md"]})
    report = build_site_folder(site, fake_annotator, use_cache=True)
    ids = json.loads((site / "build/b/annotations.json").read_text())["entities"]
    assert ids[0]["id"] == "person/john-kerry"
    assert {"b/index.html", "b/annotations.json"} <= set(report.changed)
    assert not (site / "build/entities/person/kerry").exists()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_output_is_byte_identical_with_and_without_the_cache(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, tmp_path / "one", use_cache=True)
    build_site_folder(site, fake_annotator, tmp_path / "two", use_cache=True)  # all cached
    without = fresh_build(site, tmp_path / "three", fake_annotator)
    assert tree(tmp_path / "one") == tree(tmp_path / "two") == without


# What the cache is keyed by ---------------------------------------------------


def test_another_model_or_model_version_annotates_everything_again(
    make_site: MakeSite,
) -> None:
    site = make_site(SITE)
    assert build_site_folder(site, make_fake_annotator(), use_cache=True).annotated == 4
    other = make_fake_annotator([("ORG", "Moscow")])  # a different model: other fingerprint
    assert build_site_folder(site, other, use_cache=True).annotated == 4
    assert build_site_folder(site, make_fake_annotator(), use_cache=True).annotated == 0


def test_labels_and_curated_entities_apply_without_annotating_again(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    assert (site / "build/entities/gpe/moscow").is_dir()
    make_site({"sitegen.toml": '[nlp]\nlabels = ["PERSON", "ORG"]\n'})
    report = build_site_folder(site, fake_annotator, use_cache=True)
    assert report.annotated == 0
    assert not (site / "build/entities/gpe/moscow").exists()
    make_site(
        {
            "entities.toml": '[[entity]]\nname = "Sergei Lavrov"\ntype = "PERSON"\n'
            'aliases = ["Moscow"]\n'
        }
    )
    report = build_site_folder(site, fake_annotator, use_cache=True)
    assert report.annotated == 0
    assert (site / "build/entities/person/sergei-lavrov").is_dir()
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def test_cached_results_that_do_not_decode_are_annotated_again_in_one_run(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Blocks whose stored results are damaged are annotated again, never trusted, and
    all in one run (one pool of workers), however many lookups found them."""
    import sqlite3

    import sitegen.nlp.cached

    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    Cache(site / CACHE_DIR).close()
    with sqlite3.connect(site / CACHE_DIR / FILE) as db:
        db.execute("UPDATE blocks SET value = x'c1c1'")
    make_site({"sitegen.toml": '[nlp]\nlabels = ["PERSON", "GPE"]\n'})  # enriched again
    monkeypatch.setattr(sitegen.nlp.cached, "LOOKUP_GROUPS", 1)  # a lookup per article
    counting = Counting(fake_annotator)
    report = build_site_folder(site, counting, use_cache=True)
    assert counting.runs == [4] and report.annotated == 4
    assert tree(site / "build") == fresh_build(site, tmp_path / "fresh", fake_annotator)


@pytest.mark.model
def test_sitegens_annotation_logic_is_part_of_the_key(
    make_site: MakeSite, real_nlp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/b.md": SITE["content/b.md"]})
    assert build_site_folder(site, use_cache=True).annotated == 1
    assert build_site_folder(site, use_cache=True).annotated == 0
    monkeypatch.setattr("sitegen.nlp.annotator.LOGIC_VERSION", "changed")
    assert build_site_folder(site, use_cache=True).annotated == 1


# A cache never trusted --------------------------------------------------------


def test_the_cache_is_named_as_seen_from_where_the_command_runs(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE)
    (site / CACHE_DIR).mkdir()
    (site / CACHE_DIR / FILE).write_bytes(b"this is not a database" * 100)
    monkeypatch.chdir(site.parent)  # sitegen build --site site
    pipeline = Pipeline(Path(site.name), annotator=fake_annotator)
    pipeline.build(Path(site.name) / "build")
    assert pipeline.notices == [
        f"{site.name}/{CACHE_DIR}/{FILE}: unusable (file is not a database); rebuilding it"
    ]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other schema"])
def test_a_broken_cache_is_reported_and_rebuilt(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    damage: str,
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    path = site / CACHE_DIR / FILE
    Cache(site / CACHE_DIR).close()  # a checkpoint: the WAL's content into the file
    if damage == "garbage":
        path.write_bytes(b"this is not a database" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    else:
        import sqlite3

        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = 'sitegen-cache/0' WHERE key = 'schema'")
    for name in (FILE + "-wal", FILE + "-shm"):
        (site / CACHE_DIR / name).unlink(missing_ok=True)
    pipeline = Pipeline(site, annotator=fake_annotator)
    pipeline.build(tmp_path / "out")
    assert len(pipeline.notices) == 1, pipeline.notices
    assert "rebuilding it" in pipeline.notices[0] and FILE in pipeline.notices[0]
    assert tree(tmp_path / "out") == fresh_build(site, tmp_path / "fresh", fake_annotator)
    assert Cache(site / CACHE_DIR).stats().entries["blocks"] == 4


def test_a_busy_cache_is_skipped_not_waited_for_forever(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    monkeypatch.setattr(Cache, "busy_timeout", 0.1)
    make_site({"content/b.md": SITE["content/b.md"].replace("left", "flew to")})  # to store
    holder = sqlite3.connect(site / CACHE_DIR / FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        pipeline = Pipeline(site, annotator=fake_annotator)
        pipeline.build(tmp_path / "out")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert any("busy" in note for note in pipeline.notices)
    assert tree(tmp_path / "out") == fresh_build(site, tmp_path / "fresh", fake_annotator)


def _build_in_process(site: str, out: str) -> None:
    """A build in another process (for the concurrency test)."""
    Pipeline(Path(site), annotator=make_fake_annotator()).build(Path(out))


def test_two_builds_at_once_share_the_cache_safely(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    import multiprocessing

    site = make_site(SITE | {f"content/x{i}.md": f"# X{i}\n\nKerry {i} left.\n" for i in range(40)})
    context = multiprocessing.get_context("spawn")
    outs = [tmp_path / f"out{i}" for i in range(2)]
    workers = [context.Process(target=_build_in_process, args=(str(site), str(o))) for o in outs]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    expected = fresh_build(site, tmp_path / "fresh", fake_annotator)
    assert tree(outs[0]) == tree(outs[1]) == expected
    assert Cache(site / CACHE_DIR).stats().entries["articles"] == 43


# Writing the output -------------------------------------------------------------


def test_a_build_into_a_folder_another_build_is_writing_fails_clearly(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator)
    before = tree(site / "build")
    make_site({"content/b.md": SITE["content/b.md"].replace("left", "flew to")})
    with locked(site / "build"), pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator)
    assert "another sitegen build" in str(failed.value)
    assert tree(site / "build") == before


def test_a_build_leaves_no_lock_file_and_locks_the_one_another_made_meanwhile(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock file is there only while a build writes. A build that opened it just
    before the build holding it removed it locks the file there now, not the one gone
    (which would let two builds write at once)."""
    site = make_site(SITE)
    out = site / "build"
    build_site_folder(site, fake_annotator)
    assert not lock_path(out).exists()
    real_flock, raced = fcntl.flock, []

    def flock_after_a_race(file: Any, operation: int) -> None:
        if not raced:  # the build holding the lock ends now: its file goes, another comes
            raced.append(True)
            lock_path(out).unlink()
            lock_path(out).write_text("process 1")
        real_flock(file, operation)

    monkeypatch.setattr(folder.fcntl, "flock", flock_after_a_race)
    with locked(out), open(lock_path(out)) as other, pytest.raises(BlockingIOError):
        real_flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the file there is locked
    assert raced and not lock_path(out).exists()


def test_what_killed_builds_left_is_cleaned_up_and_a_missing_output_put_back(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator)
    before = tree(site / "build")
    (site / ".build.sitegen-tmp-4242" / "a").mkdir(parents=True)  # killed while writing
    # Killed between the two renames of a swap: the output folder is missing.
    os.rename(site / "build", site / ".build.sitegen-old-4243")
    make_site({"content/b.md": "---\ntitle: broken\n"})  # and this build fails
    with pytest.raises(SitegenError):
        build_site_folder(site, fake_annotator)
    assert tree(site / "build") == before
    assert [p.name for p in site.iterdir() if p.name.startswith(".build")] == []


def test_the_marker_lists_every_file_with_its_key(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator)
    marker = json.loads((site / "build" / MARKER).read_text())
    files = {p for p in tree(site / "build") if p != MARKER}
    assert set(marker["files"]) == files
    assert all(len(key) == 32 for key in marker["files"].values())


# Incremental builds equal full builds, whatever the edits ---------------------

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["edit", "add", "delete", "rename", "curate", "uncurate"]),
        st.integers(0, 5),
        st.sampled_from(["John Kerry", "Kerry", "Tabler", "Moscow", "the White House", "Syria"]),
    ),
    min_size=1,
    max_size=6,
)


def _apply(site: Path, edit: tuple[str, int, str]) -> None:
    what, n, name = edit
    articles = sorted((site / "content").glob("*.md"))
    target = articles[n % len(articles)] if articles else None
    if what == "add" or target is None:
        (site / "content" / f"n{n}-{len(articles)}.md").write_text(
            f"---\ntitle: New {n}\ndate: 2016-01-0{1 + n % 9}\n---\n{name} said “we will go on.”\n"
        )
    elif what == "edit":
        target.write_text(target.read_text() + f"\n{name} was in Washington.\n")
    elif what == "delete" and len(articles) > 1:
        target.unlink()
    elif what == "rename":
        target.rename(target.with_name(f"r{n}-{target.name}"))
    elif what == "curate":
        (site / "entities.toml").write_text(
            f'[[entity]]\nname = "{name.removeprefix("the ")} Curated"\ntype = "ORG"\n'
            f'aliases = ["{name}"]\n'
        )
    else:
        (site / "entities.toml").unlink(missing_ok=True)


def new_process() -> None:
    """Forget what this process worked out, as a new process starts."""
    memos.empty_memos()
    for memo in memos._STORED:
        memo._made.clear()


@settings(
    max_examples=int(os.environ.get("SITEGEN_EDITS_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=EDITS)
@pytest.mark.parametrize("builds", ["preview", "commands"])
def test_incremental_builds_equal_full_builds(
    builds: str, edits: list[tuple[str, int, str]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """``preview``: one long-lived pipeline builds after each edit, as the preview's;
    ``commands``: each build is a new ``sitegen build`` (a new process here: what it
    finds of the last build is in the cache alone)."""
    root = tmp_path_factory.mktemp("site")
    site = root / "site"
    (site / "content").mkdir(parents=True)
    for rel, text in SITE.items():
        (site / rel).write_text(text)
    annotator = make_fake_annotator()
    pipeline = Pipeline(site, annotator=annotator)

    def build_incrementally() -> None:
        if builds == "preview":
            pipeline.build(root / "incremental")
            return
        new_process()
        Pipeline(site, annotator=annotator, once=True).build(root / "incremental")

    build_incrementally()
    for number, edit in enumerate(edits):
        _apply(site, edit)
        build_incrementally()
        full = root / f"full{number}"
        if builds == "commands":
            new_process()
        Pipeline(site, annotator=annotator, use_cache=False).build(full)
        assert tree(root / "incremental") == tree(full), edits[: number + 1]


# One pipeline for every command ---------------------------------------------------


def test_annotate_prints_exactly_what_the_build_writes(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\n---\nJohn Kerry spoke.\n",
            "content/b.md": "---\ntitle: B\n---\nKerry left.\n",
        }
    )
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=fake_annotator))
    assert cli.main(["build", "--site", str(site), "-q"]) == 0
    assert cli.main(["annotate", str(site / "content/b.md"), "--site", str(site)]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed)["entities"][0]["id"] == "person/john-kerry"
    assert printed == (site / "build/b/annotations.json").read_text()


@pytest.mark.model
def test_a_build_with_nothing_to_annotate_never_imports_spacy(
    make_site: MakeSite, real_nlp: object
) -> None:
    site = make_site(SITE)
    build = [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"]
    subprocess.run(build, check=True, timeout=300)
    make_site({"content/c.md": SITE["content/c.md"] + "\n<!-- a comment -->\n"})
    printed, errors = build_elsewhere(site)
    assert printed == "0 False", errors


def test_cache_command_shows_and_clears_the_cache(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(SITE)
    assert cli.main(["cache", "--site", str(site)]) == 0
    assert "No annotation cache yet" in capsys.readouterr().out
    build_site_folder(site, fake_annotator, use_cache=True)
    assert cli.main(["cache", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    assert re.search(r": \d+ KiB, 4 annotated paragraphs, 3 enriched articles", out)  # (small)
    assert cli.main(["cache", "clear", "--site", str(site)]) == 0
    assert not (site / CACHE_DIR).exists()
    assert "Cleared the annotation cache" in capsys.readouterr().out
    assert cli.main(["cache", "clear", "--site", str(site)]) == 0
    assert "nothing to clear" in capsys.readouterr().out
    assert build_site_folder(site, fake_annotator, use_cache=True).annotated == 4


def test_no_cache_neither_reads_nor_writes_it(
    make_site: MakeSite,
    fake_annotator: SpacyAnnotator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(SITE)
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=fake_annotator))
    assert cli.main(["build", "--site", str(site), "-q", "--no-cache"]) == 0
    assert not (site / CACHE_DIR).exists()


def test_a_build_with_nothing_new_still_reports_its_warnings_and_checks_the_output(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE | {"content/d.md": "---\ntitle: D\n---\nKerry spoke.\n"})
    first = build_site_folder(site, fake_annotator, use_cache=True)
    assert any("content/d.md:1: no date" in str(w) for w in first.warnings)
    # nothing new: the shortcut answers, no article is even looked at
    monkeypatch.setattr(Pipeline, "analyse", lambda *a, **k: pytest.fail("shortcut not taken"))
    again = build_site_folder(site, fake_annotator, use_cache=True)
    assert again.warnings == first.warnings and again.files == first.files
    monkeypatch.undo()
    (site / "build" / "d" / "index.html").unlink()
    (site / "build" / MARKER).write_text("{}")  # the output is not what the last build left
    third = build_site_folder(site, fake_annotator, use_cache=True)
    assert third.rendered == third.files and (site / "build" / "d" / "index.html").is_file()


def test_files_deleted_or_changed_in_the_output_are_made_again(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    """By hand, or by a tool run on the folder: the next build puts them back, alone,
    whether anything else changed or not (the shortcut of a build with nothing new
    looks at the files too)."""
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, use_cache=True)
    out = site / "build"
    fresh = tmp_path / "fresh"
    build_site_folder(site, fake_annotator, fresh)
    shard = next(p for p in out.glob("pagefind*/**/*") if p.is_file() and "fragment" in str(p))
    before = stamps(out)
    (out / "index.html").unlink()
    shutil.rmtree(out / "entities" / "person")
    (out / "a" / "index.html").write_text("by hand")
    shard.write_bytes(b"")
    touched = {"index.html", "a/index.html", shard.relative_to(out).as_posix()}
    again = build_site_folder(site, fake_annotator, use_cache=True)
    assert tree(out) == tree(fresh)
    assert {p for p in again.changed if not p.startswith(("entities/person/", "pagefind"))} == {
        "index.html",
        "a/index.html",
    }
    after = stamps(out)
    kept = {p for p in before if p in after and p not in touched and "/person/" not in p}
    assert {p for p in kept if after[p] != before[p] and not p.startswith("pagefind")} == {
        ".sitegen-build"
    }, "only what was deleted or changed is written again"
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    (out / "b" / "index.html").unlink()
    (out / "a" / "index.html").unlink()
    (out / "a" / "index.html").mkdir()  # a folder where the site has a file
    build_site_folder(site, fake_annotator, use_cache=True)  # an edit, and files gone
    build_site_folder(site, fake_annotator, fresh)
    assert tree(out) == tree(fresh)
    (out / "c" / "annotations.json").write_text("by hand")
    (site / "content" / "c.md").unlink()  # changed by hand, and gone from the site
    build_site_folder(site, fake_annotator, use_cache=True)
    shutil.rmtree(fresh)
    build_site_folder(site, fake_annotator, fresh)
    assert tree(out) == tree(fresh)


def edit_keeping_the_size(path: Path) -> None:
    """Change ``path`` as an editor does, its size kept: a letter swapped, and its time
    that of a later save (a file system may keep times to the second only)."""
    data = path.read_bytes()
    at = data.index(b"<title>") + len(b"<title>")
    path.write_bytes(data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :])
    written = path.stat().st_mtime_ns
    os.utime(path, ns=(written + 2 * 10**9, written + 2 * 10**9))


def test_a_file_changed_by_hand_to_the_same_size_is_made_again(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    """A change that keeps the file's size (one letter) is seen by the time the file
    was last changed, kept in the cache for each file written: by the shortcut of a
    build with nothing new, by a build with an edit, and by the preview's two steps.
    A file touched but not changed is let be once its time is known again."""
    site = make_site(SITE)
    out = site / "build"
    pipeline = Pipeline(site, annotator=fake_annotator)
    pipeline.build(out)
    page = out / "a" / "index.html"
    written = page.read_bytes()
    edit_keeping_the_size(page)
    again = build_site_folder(site, fake_annotator, use_cache=True)  # nothing new
    assert (page.read_bytes(), again.changed) == (written, ("a/index.html",))
    edit_keeping_the_size(page)
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    again = build_site_folder(site, fake_annotator, use_cache=True)  # an edit elsewhere
    assert page.read_bytes() == written and "a/index.html" in again.changed
    edit_keeping_the_size(page)
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "cited")})
    first: list[Sequence[str]] = []
    pipeline.build(out, early=first.append)  # the preview: c's page first, then the rest
    assert first == [["c/index.html"]] and page.read_bytes() == written
    home = out / "index.html"
    os.utime(home, ns=(home.stat().st_mtime_ns + 2 * 10**9,) * 2)  # touched
    again = build_site_folder(site, fake_annotator, use_cache=True)
    assert (again.rendered, again.changed) == (1, ())  # rendered, the same bytes: kept
    again = build_site_folder(site, fake_annotator, use_cache=True)
    assert again.rendered == 0


def test_a_file_changed_by_hand_whose_page_left_the_site_goes_in_the_previews_edit_too(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, tmp_path: Path
) -> None:
    """The preview writes an edited page first, then the rest: a file found changed
    by hand is still known to the second step, which removes it if the site has it no
    more, as a build in one step does."""
    site = make_site(SITE)
    pipeline = Pipeline(site, annotator=fake_annotator)
    out = site / "build"
    pipeline.build(out)
    (out / "b" / "index.html").write_text("by hand")
    (site / "content" / "b.md").unlink()
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    first: list[Sequence[str]] = []
    pipeline.build(out, early=first.append)
    assert first == [["c/index.html"]]
    assert not (out / "b").exists()
    assert tree(out) == fresh_build(site, tmp_path / "fresh", fake_annotator)


@pytest.mark.model
def test_worker_processes_annotate_exactly_as_this_process(real_annotator: SpacyAnnotator) -> None:
    from sitegen.config import DEFAULT_MODEL
    from sitegen.nlp.workers import PoolAnnotator

    texts = [
        f"John Kerry met Sergei Lavrov in Geneva on day {i}, officials said." for i in range(9)
    ]
    texts += ["“We will go on,” said Kerry.", "Nothing to see here."]
    pool = PoolAnnotator(DEFAULT_MODEL, "test", jobs=2, batch_size=1)  # batches of 4 texts
    batches = list(pool.batches(texts))
    assert sorted(at for at, _ in batches) == [0, 4, 8]
    assert pool.annotate(texts) == real_annotator.annotate(texts)


@pytest.mark.model
def test_worker_processes_are_stopped_at_once_when_their_results_are_not_wanted(
    real_annotator: SpacyAnnotator,
) -> None:
    """A cold build stopped (Ctrl-C, SIGTERM) or failed while its workers annotate
    stops them then, not once each has annotated the batches it was given (a build
    stopped on SIGTERM went on for ten seconds more)."""
    from sitegen.config import DEFAULT_MODEL
    from sitegen.nlp.workers import PoolAnnotator

    texts = [f"John Kerry met Sergei Lavrov in Geneva on day {i}." for i in range(400)]
    batches = PoolAnnotator(DEFAULT_MODEL, "test", jobs=2, batch_size=1).batches(texts)
    next(batches)  # (then no more: a hundred batches of 4 texts given out)
    workers = multiprocessing.active_children()
    batches.close()
    assert len(workers) == 2
    assert [worker.exitcode for worker in workers] == [-signal.SIGTERM] * 2


def test_the_preview_compiles_the_templates_before_the_first_save(
    make_site: MakeSite, fake_annotator: SpacyAnnotator
) -> None:
    """A warm-up build that renders nothing compiles no template: the preview compiles
    them while getting ready, and a broken or unreadable one does not stop it (the next
    build reports it)."""
    site = make_site(SITE)
    (site / "templates").mkdir()
    (site / "templates/broken.html").write_text("{% if %}")
    (site / "templates/latin1.html").write_bytes(b"caf\xe9")
    (site / "templates/zzz.html").write_text("<p>{{ site.title }}</p>")
    pipeline = Pipeline(site, annotator=fake_annotator, use_cache=True)
    pipeline.refresh()
    pipeline.preload()
    env = pipeline.theme.env
    compiled = {name for _, name in env.cache or {}}
    assert {"article.html", "entity.html", "base.html", "zzz.html"} <= compiled
    assert not {"broken.html", "latin1.html"} & compiled
