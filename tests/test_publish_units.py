"""Publishing, the small pieces: URLs, base_url, dates of future articles, listings,
feeds, deploy files, ``sitegen init`` and the workflow it writes."""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import BuildFailed, SitegenError, UsageError
from sitegen.model import Article, Document
from sitegen.output.pages import deploy_files
from sitegen.render.feeds import ATOM, atom_feed, sitemap
from sitegen.render.urls import (
    BaseUrlError,
    absolute_url,
    base_path,
    normalise_base_url,
    page_url,
    rooted_url,
)
from sitegen.scaffold import init_site, site_files
from sitegen.site.listings import by_month, by_tag, paginate
from sitegen.source.select import build_date, published
from sitegen.terminal import sitegen_command

# --- URLs and base_url ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://user.github.io/repo", "https://user.github.io/repo/"),
        ("https://user.github.io/repo///", "https://user.github.io/repo/"),
        ("https://User.GitHub.io", "https://user.github.io/"),
        ("  http://127.0.0.1:8000/x/y/ ", "http://127.0.0.1:8000/x/y/"),
        ("https://example.org/a b/", "https://example.org/a%20b/"),
        ("https://example.org/a%20b/", "https://example.org/a%20b/"),
        ("", ""),
    ],
)
def test_base_url_is_normalised_to_one_trailing_slash(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "user.github.io/repo",
        "/repo/",
        "ftp://x.org/",
        "https://x.org/?a=1",
        "https://ex ample.org/",
    ],
)
def test_bad_base_url_is_refused(bad: str) -> None:
    with pytest.raises(BaseUrlError):
        normalise_base_url(bad)


def test_urls_for_each_kind_of_reader() -> None:
    base = "https://user.github.io/repo/"
    assert (
        absolute_url(base, "tags/middle-east/") == "https://user.github.io/repo/tags/middle-east/"
    )
    assert absolute_url(base, "") == base
    assert rooted_url(base, "static/style.css") == "/repo/static/style.css"
    assert rooted_url("", "static/style.css") == "/static/style.css"
    assert base_path("https://news.example.org/") == "/"
    assert page_url("a/index.html") == "a/" and page_url("index.html") == ""
    with pytest.raises(BaseUrlError):
        absolute_url("", "x")


def test_bad_base_url_in_config_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        '[site]\ntitle = "x"\nbase_url = "user.github.io"\ncname = "not a host"\npage_size = 0\n'
    )
    with pytest.raises(BuildFailed) as info:
        load_config(tmp_path)
    assert [str(e) for e in info.value.errors] == [
        "sitegen.toml:3: [site] base_url must be an absolute http:// or https:// URL, not "
        '"user.github.io" (for example https://user.github.io/repo/)',
        "sitegen.toml:4: [site] cname must be a domain name such as news.example.org, "
        'not "not a host"',
        "sitegen.toml:5: [site] page_size must be at least 1",
    ]


def test_bad_base_url_option_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content").mkdir()
    assert main(["build", "--site", str(tmp_path), "--base-url", "repo/"]) == 2
    assert capsys.readouterr().err.startswith("error: --base-url: base_url must be an absolute")


# --- drafts and future articles ---------------------------------------------------------------


def doc(slug: str, date: dt.date | None, draft: bool = False, **meta: object) -> Document:
    tags = tuple(meta.get("tags", ()))  # type: ignore[call-overload]
    author = meta.get("author")
    return Document(
        f"content/{slug}.md", slug, slug.title(), author, date, tags, None, draft, {}, (), ()
    )  # type: ignore[arg-type]


def test_today_comes_from_now_then_source_date_epoch() -> None:
    assert build_date("2015-09-21", {"SOURCE_DATE_EPOCH": "0"}) == dt.date(2015, 9, 21)
    assert build_date(None, {"SOURCE_DATE_EPOCH": "1442880000"}) == dt.date(2015, 9, 22)
    with pytest.raises(UsageError, match="--now must look like 2015-09-21"):
        build_date("tomorrow", {})
    with pytest.raises(UsageError, match="SOURCE_DATE_EPOCH"):
        build_date(None, {"SOURCE_DATE_EPOCH": "soon"})


def test_future_and_draft_articles_are_left_out_unless_asked_for() -> None:
    today = dt.date(2015, 9, 21)
    docs = [
        doc("past", dt.date(2015, 9, 20)),
        doc("today", today),
        doc("tomorrow", dt.date(2015, 9, 22)),
        doc("undated", None),
        doc("draft", dt.date(2015, 1, 1), draft=True),
    ]

    def slugs(**flags: bool) -> list[str]:
        return [d.slug for d in published(docs, today=today, **flags)]

    assert slugs(drafts=False, future=False) == ["past", "today", "undated"]
    assert slugs(drafts=False, future=True) == ["past", "today", "tomorrow", "undated"]
    assert slugs(drafts=True, future=False) == ["past", "today", "undated", "draft"]


# --- listings ---------------------------------------------------------------------------------


def article(slug: str, date: dt.date | None, **meta: object) -> Article:
    return Article(doc(slug, date, **meta), (), (), f"About {slug}.")


def test_pagination_links_pages_in_both_directions() -> None:
    articles = [article(f"a{i}", dt.date(2015, 1, 10 - i)) for i in range(5)]
    pages = paginate(articles, "tags/x/", 2)
    assert [p.path for p in pages] == [
        "tags/x/index.html",
        "tags/x/page/2/index.html",
        "tags/x/page/3/index.html",
    ]
    assert [[a.slug for a in p.articles] for p in pages] == [["a0", "a1"], ["a2", "a3"], ["a4"]]
    assert [(p.previous, p.next) for p in pages] == [
        (None, "tags/x/page/2/"),
        ("tags/x/", "tags/x/page/3/"),
        ("tags/x/page/2/", None),
    ]
    assert paginate([], "", 10)[0].articles == ()


def test_tags_group_by_slug_and_months_newest_first() -> None:
    articles = [
        article("b", dt.date(2015, 10, 2), tags=["Middle East", "syria"]),
        article("a", dt.date(2015, 9, 21), tags=["middle east"]),
        article("c", None, tags=["syria"]),
    ]
    tags = by_tag(articles)
    assert [(t.slug, t.name, [a.slug for a in t.articles]) for t in tags] == [
        ("middle-east", "Middle East", ["b", "a"]),
        ("syria", "syria", ["b", "c"]),
    ]
    months = by_month(articles)
    assert [(m.year, m.month, [a.slug for a in m.articles]) for m in months] == [
        (2015, 10, ["b"]),
        (2015, 9, ["a"]),
    ]


# --- feeds and deploy files -------------------------------------------------------------------


def test_atom_feed_has_absolute_urls_and_leaves_undated_articles_out() -> None:
    articles = [article("b", dt.date(2015, 10, 2), author="Sam"), article("c", None)]
    feed = atom_feed("feed.xml", "Site", "", articles, "https://x.org/r/", "en", "Site")
    root = ET.fromstring(feed.content)
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.findtext("a:updated", namespaces=ns) == "2015-10-02T00:00:00Z"
    entries = root.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns) for e in entries] == ["https://x.org/r/b/"]
    assert entries[0].findtext("a:author/a:name", namespaces=ns) == "Sam"
    self_link = root.find("a:link[@rel='self']", ns)
    assert self_link is not None and self_link.get("href") == "https://x.org/r/feed.xml"


def test_sitemap_lists_pages_by_their_public_url() -> None:
    xml = sitemap(
        ["index.html", "a/index.html"], {"a/index.html": dt.date(2015, 9, 21)}, "https://x.org/"
    )
    root = ET.fromstring(xml.content)
    locs = [e.text for e in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == ["https://x.org/a/", "https://x.org/"]
    assert b"<lastmod>2015-09-21</lastmod>" in xml.content


def test_deploy_files() -> None:
    assert [(f.path, f.content) for f in deploy_files()] == [(".nojekyll", b"")]
    assert deploy_files("news.example.org")[1].content == b"news.example.org\n"


# --- sitegen init -----------------------------------------------------------------------------


def test_init_refuses_a_folder_with_files_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty; use --force"):
        init_site(tmp_path)
    created = init_site(tmp_path, force=True, requirement="sitegen")
    assert "content/welcome.md" in created.files
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_init_never_replaces_a_file_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text("[site]\ntitle = 'Mine'\n")
    (tmp_path / ".gitignore").write_text("*.log\n")
    with pytest.raises(SitegenError, match=r"not replacing files .*: \.gitignore, sitegen\.toml"):
        init_site(tmp_path, force=True, requirement="sitegen")
    assert (tmp_path / "sitegen.toml").read_text() == "[site]\ntitle = 'Mine'\n"
    assert not (tmp_path / "content").exists()


def test_init_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "demo"
    assert main(["init", str(target), "--sitegen", "sitegen @ git+https://example.org/s"]) == 0
    out = capsys.readouterr().out
    assert f"created {target / '.github/workflows/pages.yml'}" in out
    workflow = (target / ".github/workflows/pages.yml").read_text()
    assert 'SITEGEN: "sitegen @ git+https://example.org/s"' in workflow
    assert ".sitegen-cache" in (target / ".gitignore").read_text()
    assert load_config(target).title == "demo"
    assert main(["init", str(target)]) == 2


def test_init_where_it_cannot_write_says_where_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    assert main(["init", str(tmp_path / "a-file" / "site")]) == 1
    assert capsys.readouterr().err == (
        f"error: cannot write {tmp_path / 'a-file' / 'site' / 'sitegen.toml'}: "
        "part of the path is a file, not a folder\n"
    )


@pytest.mark.parametrize("name", ['my "quoted" site', "back\\slash", "del\x7fete", "tab\tbed"])
def test_init_titles_the_site_by_its_folder_whatever_the_name(tmp_path: Path, name: str) -> None:
    init_site(tmp_path / name, requirement="sitegen")
    assert load_config(tmp_path / name).title == name


def test_init_into_a_site_it_made_says_there_is_nothing_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "s"), "--sitegen", "sitegen"]) == 0
    capsys.readouterr()
    assert main(["init", str(tmp_path / "s"), "--force", "--sitegen", "sitegen"]) == 0
    out = capsys.readouterr().out
    assert "created" not in out
    assert out.startswith(f"{tmp_path / 's'} has every file of a new site already")


def test_init_says_how_to_build_a_site_whose_name_has_a_space(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "my site"
    assert main(["init", str(target), "--sitegen", "sitegen"]) == 0
    build = shlex.join([*sitegen_command(), "build", "--site", str(target)])
    assert build.endswith(f" build --site '{target}'")
    assert f"Build it: {build}\n" in capsys.readouterr().out


def check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema"]
    command += ["--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_workflows_pass_the_github_workflow_schema(tmp_path: Path) -> None:
    init_site(tmp_path / "demo", requirement="sitegen")
    for path in (
        tmp_path / "demo/.github/workflows/pages.yml",
        ROOT / ".github/workflows/pages.yml",
    ):
        result = check_workflow(path)
        assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(
        (ROOT / ".github/workflows/pages.yml").read_text().replace("runs-on:", "runs_on:", 1)
    )
    assert check_workflow(broken).returncode != 0


def test_this_repository_publishes_with_the_workflow_init_writes() -> None:
    """Same steps; only where sitegen is installed from differs (the checkout)."""
    ours = (ROOT / ".github/workflows/pages.yml").read_text()
    assert ours == site_files("x", ".")[".github/workflows/pages.yml"]
    for step in ("configure-pages", "actions/cache", "upload-pages-artifact", "deploy-pages"):
        assert f"uses: actions/{step.removeprefix('actions/')}@" in ours
    assert 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}" --out _site' in ours


def test_build_options_reach_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--base-url wins over sitegen.toml; --future and --now decide what is published."""
    from sitegen.pipeline import Pipeline

    seen: dict[str, object] = {}

    def fake_build(self: Pipeline, out_dir: Path, **options: object) -> object:
        seen.update(options)
        self.refresh()
        if options["base_url"] is None:
            seen["base_url"] = self.settings.base_url
        raise SitegenError("stop here")

    monkeypatch.setattr(Pipeline, "build", fake_build)
    (tmp_path / "sitegen.toml").write_text('[site]\nbase_url = "https://a.org/"\n')
    args = ["build", "--site", str(tmp_path), "--base-url", "https://b.org/x"]
    assert main([*args, "--future", "--now", "2015-09-21"]) == 1
    assert seen["base_url"] == "https://b.org/x/"
    assert seen["future"] is True and seen["today"] == dt.date(2015, 9, 21)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1442880000")
    assert main(["build", "--site", str(tmp_path)]) == 1
    assert seen["base_url"] == "https://a.org/"
    assert seen["future"] is False and seen["today"] == dt.date(2015, 9, 22)
    assert main([*args, "--now", "next week"]) == 2
    assert "--now must look like 2015-09-21" in capsys.readouterr().err
