"""Publishing, whole builds (fake annotator, fast): which articles are published,
pagination, tag and author pages, deploy files, search on and off, Pagefind missing."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder

from sitegen.errors import SitegenError
from sitegen.nlp.annotator import Annotator
from sitegen.scaffold import init_site

MakeSite = Callable[..., Path]


def article(title: str, date: str, **extra: str) -> str:
    lines = "".join(f"{k}: {v}\n" for k, v in extra.items())
    return f"---\ntitle: {title}\ndate: {date}\n{lines}---\nJohn Kerry flew to Moscow.\n"


SITE = {
    "sitegen.toml": '[site]\ntitle = "T"\nbase_url = "https://x.org/r"\npage_size = 2\n',
    "content/a.md": article("A", "2015-09-01", tags="[Middle East, syria]", author="Sam Writer"),
    "content/b.md": article("B", "2015-09-02", tags="[syria]"),
    "content/c.md": article("C", "2015-10-03", tags="[syria]", author="Sam Writer"),
    "content/next.md": article("Next week", "2015-10-10"),
    "content/draft.md": article("Draft", "2015-09-05", draft="true"),
}
TODAY = dt.date(2015, 10, 4)


def built(site: Path, annotator: Annotator, **options: object) -> set[str]:
    out = site / "build"
    build_site_folder(site, annotator, out, today=TODAY, **options)
    return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}


def test_listings_tags_authors_archive_and_feeds(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site(SITE)
    files = built(site, fake_annotator)
    assert {"a/index.html", "b/index.html", "c/index.html"} <= files
    assert "next/index.html" not in files and "draft/index.html" not in files
    assert {"index.html", "page/2/index.html"} <= files and "page/3/index.html" not in files
    assert {
        "tags/index.html",
        "tags/syria/index.html",
        "tags/syria/page/2/index.html",
        "tags/syria/feed.xml",
        "tags/middle-east/index.html",
        "authors/sam-writer/index.html",
        "authors/sam-writer/feed.xml",
        "archive/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "search/index.html",
        "pagefind/pagefind-entry.json",
        ".nojekyll",
    } <= files
    home = (site / "build/index.html").read_text()
    assert home.index('href="c/"') < home.index('href="b/"')
    assert 'href="a/"' not in home and 'rel="next" href="page/2/"' in home
    article_page = (site / "build/a/index.html").read_text()
    assert 'href="../tags/middle-east/"' in article_page
    assert 'href="../authors/sam-writer/"' in article_page
    archive = (site / "build/archive/index.html").read_text()
    assert archive.index('href="../c/"') < archive.index('href="../a/"')


def test_future_and_drafts_when_asked(make_site: MakeSite, fake_annotator: Annotator) -> None:
    site = make_site(SITE)
    files = built(site, fake_annotator, future=True, drafts=True)
    assert {"next/index.html", "draft/index.html"} <= files
    assert "page/3/index.html" in files


def test_cname_and_no_search(make_site: MakeSite, fake_annotator: Annotator) -> None:
    site = make_site(
        {
            **SITE,
            "sitegen.toml": '[site]\ntitle = "T"\ncname = "News.Example.org"\nsearch = false\n',
        }
    )
    files = built(site, fake_annotator)
    assert (site / "build/CNAME").read_text() == "news.example.org\n"
    assert not any(f.startswith(("search/", "pagefind/")) for f in files)
    assert "feed.xml" not in files and "sitemap.xml" not in files  # no base_url
    assert "search/" not in (site / "build/index.html").read_text()


def test_missing_pagefind_fails_the_build_with_the_fix(
    make_site: MakeSite, fake_annotator: Annotator, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(SITE)
    built(site, fake_annotator)
    before = (site / "build/index.html").read_bytes()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site / "no-such-pagefind"))
    with pytest.raises(SitegenError) as info:
        built(site, fake_annotator)
    assert str(info.value).startswith(
        "search needs the Pagefind binary: pip install 'pagefind[bin]' "
        "(or set [site] search = false in sitegen.toml)"
    )
    assert (site / "build/index.html").read_bytes() == before


def test_a_new_sites_git_repository_stays_clean_through_builds(
    tmp_path: Path, fake_annotator: Annotator
) -> None:
    """What a build leaves in the site folder (output, cache, lock) is git-ignored by init."""
    site = tmp_path / "news"
    init_site(site, requirement="sitegen")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(site)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "new site"], check=True)
    build_site_folder(site, fake_annotator, use_cache=True)
    build_site_folder(site, fake_annotator, site / "_site", use_cache=True)
    status = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=all"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert status.stdout == ""
