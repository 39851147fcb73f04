"""Nothing from outside the site folder is published: links that lead out of it
and hidden files (at any depth) are skipped, and ``-v`` says what was skipped.
Fast: the fake annotator stands in for the spaCy model."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder, run_in

from sitegen.errors import SitegenError
from sitegen.nlp.annotator import Annotator

GOOD = "---\ntitle: Talks\ndate: 2015-09-21\n---\nJohn Kerry flew to Moscow.\n"
SECRET = "SECRET-7f3a9c"
MakeSite = Callable[..., Path]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding files that must never be published."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"API_TOKEN={SECRET}\n")
    (folder / "secret.md").write_text(f"---\ntitle: Leaked {SECRET}\n---\n{SECRET} body.\n")
    (folder / "article.html").write_text(f"<p>{SECRET}</p>\n")
    (folder / "dir").mkdir()
    (folder / "dir" / "style.css").write_text(f"/* {SECRET} */\n")
    return folder


@pytest.fixture(autouse=True)
def secret_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A secret in the build's environment, as CI has, for /proc/self/environ to hold."""
    monkeypatch.setenv("SITEGEN_TEST_TOKEN", SECRET)


def link(at: Path, target: Path | str) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(target)


def published(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def assert_not_leaked(out: Path) -> None:
    files = published(out)
    assert files, "the build wrote nothing"
    for path, data in files.items():
        assert SECRET.encode() not in data, path
        assert b"root:x:0:0" not in data, path


def test_links_out_of_static_and_hidden_files_are_not_published(
    make_site: MakeSite, outside: Path, fake_annotator: Annotator
) -> None:
    site = make_site(
        {
            "content/a.md": GOOD,
            "static/sub/.env": f"TOKEN={SECRET}\n",
            "static/.hidden/style.css": f"/* {SECRET} */\n",
            "static/sub/ok.css": "p { color: black }\n",
            "shared/logo.svg": "<svg/>\n",
        }
    )
    link(site / "static" / "env.txt", "/proc/self/environ")
    link(site / "static" / "passwd", "/etc/passwd")
    link(site / "static" / "token.txt", outside / "secret.txt")
    link(site / "static" / "theme", outside / "dir")
    link(site / "static" / "sub" / "deeper" / "up.txt", "../../../../outside/secret.txt")
    link(site / "static" / "logo.svg", site / "shared" / "logo.svg")  # inside the site: fine
    out = site / "build"
    build_site_folder(site, fake_annotator, out)
    assert_not_leaked(out)
    files = published(out)
    static = sorted(p for p in files if p.startswith("static/"))
    assert "static/sub/ok.css" in static
    assert files["static/logo.svg"] == b"<svg/>\n"
    for name in ("env.txt", "passwd", "token.txt", "theme/style.css", "sub/.env"):
        assert f"static/{name}" not in files
    assert not any("hidden" in p or "deeper" in p for p in static)


def test_content_links_out_of_the_site_are_not_articles(
    make_site: MakeSite, outside: Path, fake_annotator: Annotator
) -> None:
    site = make_site({"content/a.md": GOOD, "content/.drafts/b.md": GOOD.replace("Talks", "B")})
    link(site / "content" / "leak.md", outside / "secret.md")
    link(site / "content" / "more", outside)
    out = site / "build"
    report = build_site_folder(site, fake_annotator, out)
    assert report.articles == 1
    assert_not_leaked(out)
    assert not (out / "leak").exists() and not (out / "b").exists()


def test_a_content_folder_that_is_a_link_out_of_the_site_is_an_error(
    make_site: MakeSite, outside: Path, fake_annotator: Annotator
) -> None:
    site = make_site({})
    (site / "content").rmdir()
    (outside / "a.md").write_text(GOOD)
    link(site / "content", outside)
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator, site / "build")
    assert str(failed.value) == (
        "content/: a link to a folder outside the site folder; "
        "sitegen reads only files inside it (copy the files in instead)"
    )


def test_templates_that_link_out_of_the_site_are_not_used(
    make_site: MakeSite, outside: Path, fake_annotator: Annotator
) -> None:
    site = make_site({"content/a.md": GOOD})
    link(site / "templates" / "article.html", outside / "article.html")
    out = site / "build"
    build_site_folder(site, fake_annotator, out)
    assert_not_leaked(out)
    assert "John Kerry" in (out / "a" / "index.html").read_text()  # the theme's template


def test_a_template_including_a_file_outside_the_site_is_an_error(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site({"content/a.md": GOOD, "templates/home.html": '{% include "passwd" %}\n'})
    link(site / "templates" / "passwd", "/etc/passwd")
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator, site / "build")
    assert str(failed.value) == (
        "templates/home.html:1: template: 'passwd' leads out of the site: not read"
    )
    assert not (site / "build").exists()


def test_verbose_build_says_what_was_skipped(
    make_site: MakeSite, outside: Path, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/a.md": GOOD,
            "static/sub/.env": "x\n",
            "content/.git/x.md": GOOD,
            "sitegen.toml": '[site]\nbase_url = "https://example.org/"\n',
        }
    )
    link(site / "static" / "env.txt", "/proc/self/environ")
    link(site / "content" / "leak.md", outside / "secret.md")
    assert run_in(site, ["build", "--site", str(site), "-v"]) == 0
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "skipped content/.git/: hidden",
        "skipped content/leak.md: a link to outside the site folder",
        "skipped static/env.txt: a link to outside the site folder",
        "skipped static/sub/.env: hidden",
    ]
    assert run_in(site, ["build", "--site", str(site)]) == 0
    assert "skipped" not in capsys.readouterr().err


def test_link_loops_inside_the_site_end(make_site: MakeSite, fake_annotator: Annotator) -> None:
    site = make_site({"content/a.md": GOOD, "static/x.css": "p {}\n"})
    link(site / "static" / "loop", site / "static")
    link(site / "content" / "loop", "../content")
    build_site_folder(site, fake_annotator, site / "build")
    assert (site / "build" / "static" / "x.css").exists()


def test_settings_files_that_link_out_of_the_site_are_refused(
    make_site: MakeSite, outside: Path, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    (outside / "entities.toml").write_text("[ignore]\nnames = []\n")
    link(site / "entities.toml", outside / "entities.toml")
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: entities.toml: a link to a file outside the site folder; "
        "sitegen reads only files inside it (copy the file in instead)\n"
        "build failed: 1 problem found; nothing was written\n"
    )
    assert os.path.islink(site / "entities.toml")
