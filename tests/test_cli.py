"""The ``sitegen`` command end to end, as a user runs it: a subprocess over a copy
of the sample site, with the real spaCy model where entities matter."""

from __future__ import annotations

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_in
from htmltext import text_content

from sitegen import __version__, cli
from sitegen.nlp.annotator import SpacyAnnotator
from sitegen.pipeline import Pipeline

SLUG = "us-russia-syria-talks"
SOURCE = f"content/{SLUG}.md"
UNDATED = "---\ntitle: Undated\n---\nJohn Kerry flew to Moscow.\n"


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sitegen", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def built(real_nlp: object, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built once by ``sitegen build -q``; its output folder."""
    site = tmp_path_factory.mktemp("built") / "sample"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "sitegen.toml", site / "sitegen.toml")
    result = run_cli("build", "--site", site, "-q")
    assert result.returncode == 0, result.stderr
    return site / "build"


def annotations(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / SLUG / "annotations.json").read_text("utf-8"))
    return data


def page_paragraphs(out: Path) -> list[str]:
    """The visible text of each paragraph of the article body, in order."""
    html = (out / SLUG / "index.html").read_text("utf-8")
    body = re.search(r'<div class="article-body">(.*?)</div>', html, re.S)
    assert body is not None
    return [text_content(p) for p in re.findall(r"<p>(.*?)</p>", body.group(1), re.S)]


# --- help and version (no model) --------------------------------------------------------------


def test_version_prints_the_package_version() -> None:
    result = run_cli("--version")
    assert (result.returncode, result.stdout) == (0, f"sitegen {__version__}\n")


def test_help_lists_commands_and_exit_statuses() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "annotate"):
        assert re.search(rf"^\s+{command}\s+\S", result.stdout, re.M), command
    assert "--version" in result.stdout
    assert (
        "exit status: 0 success, 1 problems in the content or on the machine (read-only\n"
        "folder, full disk), 2 usage errors, 130 Ctrl-C, 143 SIGTERM (both stop cleanly;\n"
        "serve stops on either with 0)"
    ) in result.stdout


def test_the_usage_of_each_command_in_the_help_names_every_option_it_takes() -> None:
    """``sitegen --help`` sums up each command's usage: in step with the command's own."""
    from sitegen.options import EPILOG, _parsers

    _, commands = _parsers()
    usage = EPILOG.split("\n\n")[0]
    for name, command in commands.items():
        said = " ".join(re.findall(rf"sitegen {name}\b.*(?:\n {{16,}}.*)*", usage))
        for action in command._actions:
            given = set(action.option_strings) - {"-h", "--help", "--debug"}
            if given:
                found = [o for o in given if re.search(rf"[\[| ]{o}[\]| ]", said)]
                assert found, (name, given)


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (
            "build",
            [
                "--site DIR",
                "--out DIR",
                "--drafts",
                "--strict",
                "-q, --quiet",
                "-v, --verbose",
                "--debug",
            ],
        ),
        ("annotate", ["--format {json,text}", "--site DIR"]),
    ],
)
def test_command_help_lists_its_options(command: str, options: list[str]) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    for option in options:
        assert re.search(rf"^\s+{re.escape(option)}\s", result.stdout, re.M), option


# --- build ------------------------------------------------------------------------------------


@pytest.mark.model
def test_quiet_build_prints_nothing_and_writes_the_site(
    real_nlp: object, sample_site: Path
) -> None:
    result = run_cli("build", "--site", sample_site, "-q")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    out = sample_site / "build"
    for page in (
        "index.html",
        f"{SLUG}/index.html",
        f"{SLUG}/annotations.json",
        "entities/index.html",
        "entities/person/john-kerry/index.html",
    ):
        assert (out / page).is_file(), page


@pytest.mark.model
def test_article_page_links_its_annotations(built: Path) -> None:
    html = (built / SLUG / "index.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/json" href="annotations.json"' in html


@pytest.mark.model
def test_annotations_json_has_the_documented_shape(built: Path) -> None:
    data = annotations(built)
    assert list(data) == ["schema", "article", "entities", "attributions"]
    assert data["schema"] == "sitegen.annotations/1"
    assert data["article"] == {
        "slug": SLUG,
        "title": "US, Russia discuss possible coordination, political settlement in Syria",
        "author": "Thomas Gaist",
        "date": "2015-09-21",
        "source": SOURCE,
    }
    keys = [
        "id",
        "source",
        "entity",
        "description",
        "cue",
        "kind",
        "text",
        "block",
        "start",
        "end",
        "medium",
    ]
    assert data["attributions"], "the sample article quotes people"
    for number, attribution in enumerate(data["attributions"], start=1):
        assert list(attribution) == keys
        assert attribution["id"] == number
        assert attribution["kind"] in ("direct", "indirect", "according_to")
    for entity in data["entities"]:
        assert list(entity) == ["id", "name", "label", "mentions"]
        assert entity["mentions"], entity["id"]
        for mention in entity["mentions"]:
            assert list(mention) == ["text", "block", "start", "end"]
    firsts = [(e["mentions"][0]["block"], e["mentions"][0]["start"]) for e in data["entities"]]
    assert firsts == sorted(firsts), "entities come in order of first mention"
    kerry = {e["id"]: e for e in data["entities"]}["person/john-kerry"]
    assert (kerry["name"], kerry["label"]) == ("John Kerry", "PERSON")


@pytest.mark.model
def test_mention_offsets_point_at_their_text_in_the_page(built: Path) -> None:
    paragraphs = page_paragraphs(built)
    mentions = [m for e in annotations(built)["entities"] for m in e["mentions"]]
    assert len(mentions) > 20
    for m in mentions:
        assert paragraphs[m["block"]][m["start"] : m["end"]] == m["text"], m
    for a in annotations(built)["attributions"]:
        assert paragraphs[a["block"]][a["start"] : a["end"]] == a["text"], a


@pytest.mark.model
def test_verbose_build_lists_warnings_and_succeeds(
    real_nlp: object, make_site: Callable[..., Path]
) -> None:
    """Each warning names its file as seen from where the command runs, as errors do."""
    site = make_site({"content/a.md": UNDATED})
    result = run_cli("build", "-v", "--base-url", "https://example.org/", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (
        result.stderr
        == "warning: content/a.md:1: no date: the article is listed after dated ones\n"
    )
    assert result.stdout.startswith("Built ")
    assert (site / "build" / "a" / "index.html").is_file()
    (site / "sitegen.toml").write_text("[site]\ntitle = 'Elsewhere'\n")
    elsewhere = run_cli("build", "--site", site.name, "-v", cwd=site.parent)
    assert elsewhere.stderr.splitlines() == [
        f"warning: {site.name}/content/a.md:1: no date: the article is listed after dated ones",
        f"warning: {site.name}/sitegen.toml: no base_url: feeds, sitemap.xml and canonical "
        "links are left out (set base_url under [site] in sitegen.toml, or pass --base-url)",
    ]


def test_strict_turns_warnings_into_errors(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": UNDATED})
    command = ["build", "--strict", "--base-url", "https://example.org/"]
    result = run_cli(*command, cwd=site)
    assert result.returncode == 1
    assert result.stderr == (
        "error: content/a.md:1: no date: the article is listed after dated ones\n"
        "build failed: 1 problem found; nothing was written\n"
    )
    assert not (site / "build").exists()
    # run from elsewhere: the path as a terminal or an editor there opens it
    for named in (site, site.name):
        assert run_cli(*command, "--site", named, cwd=site.parent).stderr.startswith(
            f"error: {site.name}/content/a.md:1: no date"
        )
    assert run_cli(*command, "--site", site, cwd=ROOT).stderr.startswith(
        f"error: {site}/content/a.md:1: no date"
    )


@pytest.mark.model
def test_out_builds_elsewhere(real_nlp: object, sample_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere" / "public"
    result = run_cli("build", "--site", sample_site, "--out", out, "-q")
    assert result.returncode == 0, result.stderr
    assert (out / SLUG / "annotations.json").is_file()
    assert not (sample_site / "build").exists()
    assert [p.name for p in out.parent.iterdir()] == ["public"]  # (no lock file left beside)


# --- annotate ---------------------------------------------------------------------------------


@pytest.mark.model
def test_annotate_json_matches_the_built_annotations(built: Path) -> None:
    site = built.parent
    result = run_cli("annotate", SOURCE, "--format", "json", cwd=site)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == annotations(built)


@pytest.mark.model
def test_annotate_text_is_a_readable_listing(built: Path) -> None:
    result = run_cli("annotate", SOURCE, "--format", "text", cwd=built.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "US, Russia discuss possible coordination, political settlement in Syria "
        "(Thomas Gaist, 2015-09-21)"
    )
    kerry = next(line for line in lines if "[person/john-kerry]" in line)
    assert re.fullmatch(r"PERSON\s+John Kerry\s+\[person/john-kerry\]\s+\d+ mentions?", kerry)
    assert re.search(r"^\s+block \d+ \[\d+:\d+\] 'John Kerry'$", result.stdout, re.M)
    assert "{" not in result.stdout


def test_annotate_leaves_out_another_article_with_errors_and_says_so(
    make_site: Callable[..., Path],
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nJohn Kerry spoke.\n",
            "content/b.md": "---\ntitle: B\ndate: 2015-09-21\n---\nKerry left.\n",
            "content/bad.md": "---\ntitle: Bad\ndate: soon\n---\nJohn Kerry.\n",
        }
    )
    assert run_in(site.parent, ["annotate", f"{site.name}/content/b.md"]) == 0
    out, err = capsys.readouterr()
    assert [e["id"] for e in json.loads(out)["entities"]] == ["person/john-kerry"]
    assert err == f"note: left out {site.name}/content/bad.md: it has errors\n"
    assert run_in(site, ["annotate", "content/bad.md"]) == 1  # its own errors: errors
    assert capsys.readouterr().err.startswith("error: content/bad.md:3: front matter: date")


def test_annotate_a_file_that_cannot_be_read_says_so(
    make_site: Callable[..., Path],
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site({"content/b.md": "---\ntitle: B\n---\nKerry left.\n"})
    real = Path.read_bytes

    def refused(self: Path) -> bytes:  # (as chmod would, for a user other than root)
        if self.name == "b.md":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    assert run_in(site, ["annotate", "content/b.md"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: content/b.md: cannot read the file: permission denied\n")


def test_annotate_a_file_in_no_site_says_to_give_the_site(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("---\ntitle: N\n---\nKerry.\n")
    result = run_cli("annotate", "notes.md", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "error: notes.md is in no site folder (none above it has a sitegen.toml or a content/"
        " folder): give the site with --site\n",
    )


def test_annotate_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("annotate", "content/nope.md", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (2, "error: no such file: content/nope.md\n")
    (tmp_path / "content").mkdir()
    result = run_cli("annotate", "content", cwd=tmp_path)
    said = "error: content is a folder: give one Markdown file of it (FILE.md)\n"
    assert (result.returncode, result.stderr) == (2, said)


def test_verbose_names_each_article_left_out_and_why(
    make_site: Callable[..., Path], fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nKerry spoke.\n",
            "content/b.md": "---\ntitle: B\ndate: 2015-09-21\ndraft: true\n---\nHi.\n",
            "content/c.md": "---\ntitle: C\ndate: 2015-09-30\n---\nHi.\n",
        }
    )
    build = ["build", "--site", str(site), "--now", "2015-09-22", "--base-url", "https://e.org/"]
    assert run_in(site, [*build, "-v"]) == 0
    skipped = [line for line in capsys.readouterr().err.splitlines() if "skipped" in line]
    assert skipped == [
        "skipped content/b.md: a draft (--drafts builds it)",
        "skipped content/c.md: dated 2015-09-30, after 2015-09-22 (--future builds it)",
    ]
    (site / "content" / ".notes").mkdir()
    assert run_in(site.parent, [*build, "-v"]) == 0  # the files as seen from there
    skipped = [line for line in capsys.readouterr().err.splitlines() if "skipped" in line]
    assert skipped == [
        f"skipped {site.name}/content/.notes/: hidden",
        f"skipped {site.name}/content/b.md: a draft (--drafts builds it)",
        f"skipped {site.name}/content/c.md: dated 2015-09-30, after 2015-09-22"
        " (--future builds it)",
    ]
    (site / "content" / ".notes").rmdir()
    assert cli.main([*build, "-v", "--drafts", "--future"]) == 0
    assert "skipped" not in capsys.readouterr().err
    assert cli.main(build) == 0
    assert "skipped" not in capsys.readouterr().err


def test_verbose_says_what_was_left_out_again_when_nothing_changed(
    make_site: Callable[..., Path],
    fake_annotator: SpacyAnnotator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A build with nothing new repeats the last one's report: its skipped files too."""
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nKerry spoke.\n",
            "content/b.md": "---\ntitle: B\ndate: 2015-09-21\ndraft: true\n---\nHi.\n",
        }
    )
    monkeypatch.setattr(cli, "Pipeline", functools.partial(Pipeline, annotator=fake_annotator))
    build = ["build", "--site", str(site), "--base-url", "https://e.org/", "-v"]
    said = []
    for _ in range(2):
        assert run_in(site.parent, build) == 0
        said.append([line for line in capsys.readouterr().err.splitlines() if "skipped" in line])
        # the second: the shortcut answers, no article is even looked at
        monkeypatch.setattr(Pipeline, "analyse", lambda *a, **k: pytest.fail("no shortcut"))
    assert said[0] == said[1] == [f"skipped {site.name}/content/b.md: a draft (--drafts builds it)"]


def test_no_base_url_is_said_of_sitegen_toml_only_where_there_is_one(
    make_site: Callable[..., Path], fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nHi.\n"})
    said = (
        "no base_url: feeds, sitemap.xml and canonical links are left out "
        "(set base_url under [site] in sitegen.toml, or pass --base-url)"
    )
    assert run_in(site, ["build", "--site", str(site), "-v"]) == 0
    assert f"warning: {said}" in capsys.readouterr().err.splitlines()
    (site / "sitegen.toml").write_text('[site]\ntitle = "A"\n')
    assert run_in(site, ["build", "--site", str(site), "-v"]) == 0
    assert f"warning: sitegen.toml: {said}" in capsys.readouterr().err.splitlines()


def test_annotate_reads_a_file_with_the_site_it_is_in(
    make_site: Callable[..., Path],
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\n---\nJohn Kerry spoke.\n",
            "content/b.md": "---\ntitle: B\n---\nKerry left.\n",
        }
    )
    monkeypatch.chdir(site.parent)  # not the site folder: no --site either
    assert cli.main(["annotate", f"{site.name}/content/b.md"]) == 0
    annotations = json.loads(capsys.readouterr().out)
    assert annotations["article"]["source"] == "content/b.md"
    assert [e["id"] for e in annotations["entities"]] == ["person/john-kerry"]


@pytest.mark.parametrize(
    ("name", "meta"),
    [
        ("content/later.md", "date: 2099-01-01"),
        ("content/.hidden.md", "date: 2015-09-21"),
        ("content/draft.md", "draft: true"),
        ("notes.md", "date: 2015-09-21"),
    ],
)
def test_annotate_reads_a_file_the_build_leaves_out(
    make_site: Callable[..., Path],
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
    name: str,
    meta: str,
) -> None:
    """Dated after today, hidden, a draft, outside content/: annotated all the same."""
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nJohn Kerry spoke.\n",
            name: f"---\ntitle: L\n{meta}\n---\nKerry left.\n",
        }
    )
    assert run_in(site, ["annotate", name]) == 0
    annotations = json.loads(capsys.readouterr().out)
    assert annotations["article"]["source"] == name
    assert [e["id"] for e in annotations["entities"]] == ["person/john-kerry"]


def test_annotate_reads_a_file_beside_an_empty_content_folder(
    tmp_path: Path, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    """A site begun with no article yet: a draft beside it is annotated, nothing said
    of the empty content/."""
    (tmp_path / "content").mkdir()
    (tmp_path / "draft.md").write_text("---\ntitle: D\n---\nJohn Kerry spoke.\n")
    assert run_in(tmp_path, ["annotate", "draft.md"]) == 0
    out, err = capsys.readouterr()
    assert [e["id"] for e in json.loads(out)["entities"]] == ["person/john-kerry"]
    assert err == ""


def test_the_preview_suggested_after_a_build_is_of_what_was_built(
    make_site: Callable[..., Path],
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Its folders quoted as a shell needs, the output folder too."""
    site = make_site({"content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nHi.\n"})
    out = tmp_path / "out dir"
    assert cli.main(["build", "--site", str(site), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    sitegen = shlex.join(cli.sitegen_command())  # (as the tests run it: see the test below)
    assert f"Preview it with live reload: {sitegen} serve --site {site} --out '{out}'\n" in said
    # the articles too
    assert (
        cli.main(["build", "--site", str(site), "--drafts", "--future", "--now", "2015-09-22"]) == 0
    )
    said = capsys.readouterr().out
    serve = f"{sitegen} serve --site {site} --drafts --future --now 2015-09-22"
    assert f"Preview it with live reload: {serve}\n" in said


@pytest.mark.model
def test_the_preview_suggested_is_a_command_that_runs_from_there(
    real_nlp: object, tmp_path: Path
) -> None:
    """``sitegen`` where it is on the PATH, else the command as it was run: after ``make
    build`` (``.venv/bin/sitegen``) or ``python -m sitegen`` with no ``sitegen`` found."""
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "a.md").write_text("---\ntitle: A\ndate: 2015-09-21\n---\nHi.\n")
    script = Path(sys.executable).parent / "sitegen"  # the console script pip installed
    assert script.is_file(), "sitegen is installed with its console script"
    bare = {**os.environ, "PATH": "/usr/bin:/bin"}
    on_path = {**bare, "PATH": f"{script.parent}:/usr/bin:/bin"}
    runs = {
        "sitegen": ([str(script)], on_path),
        str(script): ([str(script)], bare),
        f"{sys.executable} -m sitegen": ([sys.executable, "-m", "sitegen"], bare),
    }
    for shown, (command, env) in runs.items():
        build = [*command, "build", "--site", "site", "--future", "--out", "b"]
        done = subprocess.run(build, capture_output=True, text=True, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
        hint = done.stdout.splitlines()[-1]
        assert hint == f"Preview it with live reload: {shown} serve --site site --out b --future"
        suggested = subprocess.run(  # it runs: its help, from the same folder
            [*shlex.split(hint.split(": ", 1)[1])[: len(command) + 1], "--help"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        assert suggested.returncode == 0, suggested.stderr


def test_a_build_shows_its_first_warnings_and_counts_what_it_left_out(
    make_site: Callable[..., Path], fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``-v``: the first warnings, how many more there are, and how many articles
    were left out (drafts, dated after today), so a missing article has a clue."""
    files = {f"content/u{i}.md": f"---\ntitle: U{i}\n---\nHi {i}.\n" for i in range(7)}
    files["content/d.md"] = "---\ntitle: D\ndate: 2015-09-21\ndraft: true\n---\nHi.\n"
    files["content/f.md"] = "---\ntitle: F\ndate: 2099-09-21\n---\nHi.\n"
    site = make_site(files)
    build = ["build", "--site", str(site), "--base-url", "https://e.org/"]
    for _ in range(2):  # the second: nothing changed, the last build's report again
        assert cli.main(build) == 0
        out, err = capsys.readouterr()
        undated = "no date: the article is listed after dated ones"
        assert err.splitlines() == [
            f"warning: {site}/content/u{i}.md:1: {undated}" for i in range(5)
        ]
        counted = "7 warnings (2 not shown: -v lists them all). 2 articles left out (-v says which"
        assert f"{counted} and why).\n" in out
    assert cli.main([*build, "-v"]) == 0
    out, err = capsys.readouterr()
    assert len([line for line in err.splitlines() if line.startswith("warning: ")]) == 7
    assert "7 warnings.\n" in out and "left out" not in out


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str) -> None:
    result = run_cli("serve", "--port", port, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.endswith(
        f"error: argument --port: must be a port from 0 to 65535, not {port!r}\n"
    )


def test_annotate_reports_content_errors_without_mentioning_a_build(
    make_site: Callable[..., Path],
) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\nslug: a/b\n---\nJohn Kerry.\n"})
    result = run_cli("annotate", "content/a.md", cwd=site)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: content/a.md:3: front matter: slug 'a/b' would escape the output folder; "
        "use letters, digits, '-' and '_'\n"
    )
    assert "build failed" not in result.stderr
    assert "nothing was written" not in result.stderr
    elsewhere = run_cli("annotate", f"{site.name}/content/a.md", cwd=site.parent)
    assert elsewhere.stderr.startswith(f"error: {site.name}/content/a.md:3: front matter: slug")
    (site.parent / "notes.md").write_text("---\ntitle: N\ndate: soon\n---\nKerry.\n")
    outside = run_cli("annotate", "--site", site.name, "notes.md", cwd=site.parent)
    assert outside.stderr.startswith("error: notes.md:3: front matter: date must look like")


@pytest.mark.parametrize("command", ["build", "serve", "entities"])
def test_a_site_folder_given_without_site_says_how_to_give_it(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "my site").mkdir()
    with pytest.raises(SystemExit) as exited:
        cli.main([command, str(tmp_path / "my site")])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"sitegen {command} --site '{tmp_path / 'my site'}'" in err
    with pytest.raises(SystemExit):
        cli.main([command, "--drafts", str(tmp_path / "my site")])
    fix = f"sitegen {command} --drafts --site '{tmp_path / 'my site'}'"
    assert fix in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([command, "--no-such-option"])
    assert "--site" not in capsys.readouterr().err.splitlines()[-1]
