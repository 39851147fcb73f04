"""Pages rendered on every core: forked renderers write what one process would,
and an error in any of them stops the build with its place, leaving the output as
it was."""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder
from test_golden import tree
from test_incremental import SITE

from sitegen import pipeline
from sitegen.errors import SitegenError
from sitegen.model import Page
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.output import shares

MakeSite = Callable[..., Path]
pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork here"
)


def marking_share(n: int) -> list[str]:
    """A forked renderer's work that leaves a file named after its process."""
    written = RENDER_SHARE(n)
    Path(os.environ["MARK_RENDERERS"], f"wrote-{os.getpid()}").touch()
    return written


RENDER_SHARE = shares._render_share


def test_forked_renderers_write_what_one_process_writes(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator, site / "alone")
    monkeypatch.setattr(shares, "MIN_SHARE", 1)
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 3)
    monkeypatch.setattr(shares, "can_fork", linux)  # (other tests leave threads behind)
    monkeypatch.setattr(shares, "_render_share", marking_share)
    monkeypatch.setenv("MARK_RENDERERS", str(site))
    build_site_folder(site, fake_annotator, site / "shared")
    writers = {p.name for p in site.glob("wrote-*")} - {f"wrote-{os.getpid()}"}
    assert len(writers) >= 2  # forked processes rendered beside this one
    assert tree(site / "shared") == tree(site / "alone")


def failing_share(n: int) -> list[str]:
    """A forked renderer that fails the way a template error does."""
    raise SitegenError("template: 'nothing' is undefined", "templates/entity.html", 2)


def test_an_error_in_a_forked_renderer_names_its_place_and_writes_nothing(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE)
    build_site_folder(site, fake_annotator)
    before = tree(site / "build")
    make_site({"content/c.md": SITE["content/c.md"].replace("read", "quoted")})
    monkeypatch.setattr(shares, "MIN_SHARE", 1)
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 3)
    monkeypatch.setattr(shares, "can_fork", linux)  # (other tests leave threads behind)
    monkeypatch.setattr(shares, "_render_share", failing_share)
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator)
    assert str(failed.value) == "templates/entity.html:2: template: 'nothing' is undefined"
    assert tree(site / "build") == before


def test_a_failure_in_a_forked_renderer_stops_this_process_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The error of a page a copy renders is reported as soon as the copy says it, not
    once this process has rendered its own share (half a minute at 10,000 articles)."""
    monkeypatch.setattr(shares, "MIN_SHARE", 1)
    monkeypatch.setattr(shares, "can_fork", linux)
    here, made = os.getpid(), []

    def make(n: int) -> bytes:
        if os.getpid() != here:  # a copy: its first page fails
            raise SitegenError("template: 'nothing' is undefined", "templates/article.html", 3)
        made.append(n)
        time.sleep(0.005)
        return b"page"

    pages = [Page(f"{n}.html", str(n), functools.partial(make, n)) for n in range(20 * shares.RUN)]
    with pytest.raises(SitegenError) as failed:
        shares.render_shared(lambda share: [p.path for p in share if p.make()], pages, jobs=2)
    assert str(failed.value) == "templates/article.html:3: template: 'nothing' is undefined"
    assert len(made) < len(pages) // 2, "this process rendered its whole share first"


class Unsendable(Exception):
    """An error that cannot be pickled to the process that forked the renderer."""

    def __init__(self) -> None:
        super().__init__("a lock in it")
        self.lock = threading.Lock()


def unsendable_share(n: int) -> list[str]:
    raise Unsendable()


def test_an_error_a_forked_renderer_cannot_send_is_said_in_words(
    make_site: MakeSite, fake_annotator: SpacyAnnotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE)
    monkeypatch.setattr(shares, "MIN_SHARE", 1)
    monkeypatch.setattr(pipeline, "default_jobs", lambda: 3)
    monkeypatch.setattr(shares, "can_fork", linux)
    monkeypatch.setattr(shares, "_render_share", unsendable_share)
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator)
    assert str(failed.value) == "rendering: Unsendable: a lock in it"


def linux() -> bool:
    return sys.platform == "linux"


def test_a_process_with_other_threads_renders_alone() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not shares.can_fork()  # a copy could inherit a lock the other holds
    finally:
        stop.set()
        other.join()
