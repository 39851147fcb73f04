"""Bad input: every problem is reported at once, precisely, and a failed build
changes nothing. Fast: the fake annotator stands in for the spaCy model."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FindsPhrases, build_site_folder, run_in
from htmltext import text_content
from test_golden import tree

from sitegen.cli import main
from sitegen.errors import BuildFailed, SitegenError, UsageError
from sitegen.nlp.annotator import Annotator

BROKEN_SITE = Path(__file__).resolve().parent / "sites" / "broken"
GOOD = "---\ntitle: Talks\ndate: 2015-09-21\n---\nJohn Kerry flew to Moscow.\n"
FAILED_1 = "build failed: 1 problem found; nothing was written\n"

MakeSite = Callable[..., Path]


def build_errors(site: Path, annotator: Annotator) -> list[str]:
    """The messages of the BuildFailed a build of ``site`` raises."""
    with pytest.raises(BuildFailed) as failed:
        build_site_folder(site, annotator, site / "build")
    return [str(error) for error in failed.value.errors]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "sitegen", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


# --- one broken file, one exact message -------------------------------------------------------

CASES = {
    "invalid UTF-8": (
        b"---\ntitle: Caf\xe9 talk\n---\nBody.\n",
        "content/a.md:2: not valid UTF-8 (byte 0xe9 at column 11); save the file as UTF-8",
    ),
    "empty file": (b"", "content/a.md:1: the file is empty"),
    "blank file": (b"\n   \n\n", "content/a.md:1: the file is empty"),
    "missing title": (
        b"---\nauthor: Ann Lee\n---\nNo heading either.\n",
        "content/a.md:1: missing title: add 'title:' to the front matter "
        "or open with a '# Title' line",
    ),
    "empty title": (
        b"---\ntitle:\ndate: 2015-01-01\n---\n\nHello.\n",
        "content/a.md:2: missing title: add 'title:' to the front matter "
        "or open with a '# Title' line",
    ),
    "null title": (
        b"---\ntitle: ~\n---\nHello.\n",
        "content/a.md:2: missing title: add 'title:' to the front matter "
        "or open with a '# Title' line",
    ),
    "slug with ..": (
        b"---\ntitle: A\nslug: ../evil\n---\nBody.\n",
        "content/a.md:3: front matter: slug '../evil' would escape the output folder; "
        "use letters, digits, '-' and '_'",
    ),
    "slug with /": (
        b"---\ntitle: A\nslug: a/b\n---\nBody.\n",
        "content/a.md:3: front matter: slug 'a/b' would escape the output folder; "
        "use letters, digits, '-' and '_'",
    ),
    "a list left open": (
        b"---\ntitle: A\ntags: [syria, talks\ndate: 2015-09-21\n---\nBody.\n",
        "content/a.md:3: front matter: this '[' is never closed by a ']'",
    ),
    "a list left open on the last line": (
        b"---\ntitle: A\ntags: [syria\n---\nBody.\n",
        "content/a.md:3: front matter: this '[' is never closed by a ']'",
    ),
    "a mapping left open": (
        b"---\ntitle: A\nextra: {a: 1\ndate: 2015-09-21\n---\nBody.\n",
        "content/a.md:3: front matter: this '{' is never closed by a '}'",
    ),
    "a quote left open": (
        b'---\ntitle: "Talks\ndate: 2015-09-21\n---\nBody.\n',
        "content/a.md:2: front matter: this quoted value is never closed",
    ),
    "a quote left open on the last line": (
        b'---\ndate: 2015-09-21\ntitle: "Talks\n---\nBody.\n',
        "content/a.md:3: front matter: this quoted value is never closed",
    ),
    "unterminated front matter": (
        b"---\ntitle: A\n\nThe body, but the front matter was never closed.\n",
        "content/a.md:1: front matter: no closing '---' line",
    ),
    "invalid YAML": (
        b"---\ntitle: A\ndate: 2015-09-21\nauthor: Ann: Lee\n---\nBody.\n",
        "content/a.md:4: front matter: mapping values are not allowed here",
    ),
    "date in another format": (
        b"---\ntitle: A\ndate: 21/09/2015\n---\nBody.\n",
        "content/a.md:3: front matter: date must look like 2015-09-21, not '21/09/2015'",
    ),
    # PyYAML alone would raise ValueError on 2015-02-30, with no file or line.
    "date that does not exist": (
        b"---\ntitle: A\ndate: 2015-02-30\n---\nBody.\n",
        "content/a.md:3: front matter: date 2015-02-30 is not a day of the calendar",
    ),
    "date in other digits": (
        '---\ntitle: A\ndate: "٢٠١٥-٠٩-٢١"\n---\nBody.\n'.encode(),
        "content/a.md:3: front matter: date must look like 2015-09-21, not '٢٠١٥-٠٩-٢١'",
    ),
    "date with a time that is none": (
        b'---\ntitle: A\ndate: "2015-09-21 25:99"\n---\nBody.\n',
        "content/a.md:3: front matter: date must look like 2015-09-21, not '2015-09-21 25:99'",
    ),
    "date with words after it": (
        b'---\ntitle: A\ndate: "2015-09-21 or maybe later"\n---\nBody.\n',
        "content/a.md:3: front matter: date must look like 2015-09-21, "
        "not '2015-09-21 or maybe later'",
    ),
    "a source without a url": (
        b"---\ntitle: A\nsources:\n  - name: NYT\n    url: https://nytimes.com/\n"
        b"  - name: WSJ\n---\nBody.\n",
        "content/a.md:3: front matter: sources: the second has no 'url:'",
    ),
    "a source with another key": (
        b"---\ntitle: A\nsources:\n  - name: NYT\n    link: https://nytimes.com/\n---\nB.\n",
        "content/a.md:3: front matter: sources: the first has an unknown key 'link' "
        "(known: name, url)",
    ),
    "sources as text": (
        b"---\ntitle: A\nsources: NYT\n---\nBody.\n",
        "content/a.md:3: front matter: sources must be a list of 'name:' and 'url:' pairs",
    ),
    "tags as a mapping": (
        b"---\ntitle: A\ntags:\n  politics: yes\n---\nBody.\n",
        "content/a.md:3: front matter: tags must be a list of words",
    ),
    "tags as a number": (
        b"---\ntitle: A\ntags: 5\n---\nBody.\n",
        "content/a.md:3: front matter: tags must be a list of words",
    ),
}


@pytest.mark.parametrize(("raw", "message"), CASES.values(), ids=CASES.keys())
def test_broken_file_is_reported_with_file_and_line(
    make_site: MakeSite, fake_annotator: Annotator, raw: bytes, message: str
) -> None:
    site = make_site({"content/a.md": raw})
    assert build_errors(site, fake_annotator) == [message]


def test_cli_prints_content_error_and_exits_1(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\nslug: a/b\n---\nBody.\n"})
    assert run_in(site, ["build", "--site", str(site)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: content/a.md:3: front matter: slug 'a/b' would escape the output folder; "
        "use letters, digits, '-' and '_'\n" + FAILED_1
    )
    assert not (site / "build").exists()


def test_paths_are_shown_from_the_working_folder_as_the_shell_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through a link to the folder (``$PWD``), paths stay short; from a folder removed
    meanwhile, they are shown as named, not a crash."""
    (tmp_path / "real" / "mysite").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.chdir(tmp_path / "link")
    monkeypatch.setenv("PWD", str(tmp_path / "link"))
    error = SitegenError("no date", "content/a.md", 1)
    assert error.seen_from(tmp_path / "link" / "mysite") == "mysite/content/a.md:1: no date"
    assert error.seen_from(Path("mysite")) == "mysite/content/a.md:1: no date"
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    assert error.seen_from(Path("/srv/site")) == "/srv/site/content/a.md:1: no date"


def test_a_removed_working_folder_is_said_plainly(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not Pagefind's panic, nor a traceback of spaCy's import."""
    site = make_site({"content/a.md": GOOD})
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--site", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "error: the current folder no longer exists (removed?): change to one that does\n",
    )
    assert not (site / "build").exists()


def test_duplicate_slug_names_both_files(make_site: MakeSite, fake_annotator: Annotator) -> None:
    site = make_site({"content/talks.md": GOOD, "content/2015/talks.md": GOOD})
    assert build_errors(site, fake_annotator) == [
        "content/talks.md:1: slug 'talks' is already used by content/2015/talks.md; "
        "set another 'slug:'"
    ]


def test_a_slug_naming_one_of_sitegens_folders_is_an_error(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    """An article at archive/ would take the place of the archive page."""
    site = make_site(
        {
            "content/archive.md": GOOD,
            "content/b.md": "---\ntitle: B\nslug: tags\n---\n",
            "content/c.md": GOOD,
        }
    )
    assert build_errors(site, fake_annotator) == [
        "content/archive.md:1: front matter: the file name makes the slug 'archive', which "
        "is reserved for sitegen's own pages; add 'slug:' or rename the file",
        "content/b.md:3: front matter: slug 'tags' is reserved for sitegen's own pages; "
        "choose another",
    ]


def test_a_file_name_that_makes_no_slug_asks_for_one(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site({"content/---.md": GOOD, "content/b.md": "---\ntitle: B\nslug: '---'\n---\n"})
    assert build_errors(site, fake_annotator) == [
        "content/---.md:1: front matter: cannot make a URL from the file name; add 'slug:'",
        "content/b.md:3: front matter: slug '---' is not a valid URL segment; use letters,"
        " digits, '-' and '_'",
    ]


def test_duplicate_slug_ignores_case(make_site: MakeSite, fake_annotator: Annotator) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\n---\nBody.\n",
            "content/b.md": "---\ntitle: B\nslug: A\n---\n",
        }
    )
    assert build_errors(site, fake_annotator) == [
        "content/b.md:3: slug 'A' is already used by content/a.md; set another 'slug:'"
    ]


def test_the_file_a_message_cites_is_named_as_its_own_file_is(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    """From the site's parent folder both files of a slug used twice read from there."""
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\n---\nBody.\n",
            "content/b.md": "---\ntitle: B\nslug: a\n---\n",
        }
    )
    assert run_in(site.parent, ["build", "--site", site.name]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "slug" in line]
    mine = f"{site.name}/content"
    assert errors == [
        f"error: {mine}/b.md:3: slug 'a' is already used by {mine}/a.md; set another 'slug:'"
    ]


# --- sitegen.toml -----------------------------------------------------------------------------


def test_unknown_config_key_names_file_and_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"sitegen.toml": '[site]\ntitle = "A"\ntitel = "B"\n', "content/a.md": GOOD})
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: sitegen.toml:3: [site] unknown key 'titel' "
        "(known: title, description, language, base_url, cname, page_size, search)\n" + FAILED_1
    )


def test_bad_toml_names_file_and_line(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"sitegen.toml": '[site]\ntitle = "A"\n\n[nlp\n', "content/a.md": GOOD})
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: sitegen.toml:4: invalid TOML: Expected ']' at the end of a table declaration\n"
        + FAILED_1
    )


def test_problems_of_both_settings_files_are_reported_at_once(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "sitegen.toml": '[site]\ntitel = "B"\n',
            "entities.toml": "[[entity]\n",
            "content/a.md": GOOD,
        }
    )
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: entities.toml:1: invalid TOML: Expected ']]' at the end of an array declaration",
        "error: sitegen.toml:2: [site] unknown key 'titel' "
        "(known: title, description, language, base_url, cname, page_size, search)",
        "build failed: 2 problems found; nothing was written",
    ]


# --- every problem at once --------------------------------------------------------------------


def test_every_broken_file_is_reported_sorted_by_file(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site(
        {
            "content/c.md": "---\ntitle: C\ndate: soon\n---\nBody.\n",
            "content/a.md": "",
            "content/ok.md": GOOD,
            "content/b.md": "---\ntitle: B\n",
        }
    )
    assert build_errors(site, fake_annotator) == [
        "content/a.md:1: the file is empty",
        "content/b.md:1: front matter: no closing '---' line",
        "content/c.md:3: front matter: date must look like 2015-09-21, not 'soon'",
    ]


def test_a_key_given_twice_is_an_error_naming_both_lines(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2015-09-21\ntitle: B\n---\nBody.\n",
            "content/b.md": "---\ntitle: B\nextra:\n  x: 1\n  x: 2\n---\nBody.\n",
            "content/c.md": "---\ntitle: C\nflags:\n  true: 1\n  yes: 2\n---\nBody.\n",
        }
    )
    assert build_errors(site, fake_annotator) == [
        "content/a.md:4: front matter: 'title' is given twice (first on line 2)",
        "content/b.md:5: front matter: 'x' is given twice (first on line 4)",
        "content/c.md:5: front matter: 'yes' is the same key as 'true' on line 4",
    ]


def test_every_problem_in_one_file_is_reported(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\ndate: soon\ntags: 5\ndraft: maybe\n---\n"})
    assert build_errors(site, fake_annotator) == [
        "content/a.md:3: front matter: date must look like 2015-09-21, not 'soon'",
        "content/a.md:4: front matter: tags must be a list of words",
        "content/a.md:5: front matter: draft must be true or false",
    ]


def test_broken_site_lists_all_its_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "broken"
    shutil.copytree(BROKEN_SITE, site)
    assert run_in(site, ["build", "--site", str(site)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: content/bad-date.md:3: front matter: date must look like 2015-09-21, "
        "not '21/09/2015'\n"
        "error: content/empty.md:1: the file is empty\n"
        "error: content/escape.md:4: front matter: slug '../evil' would escape the output "
        "folder; use letters, digits, '-' and '_'\n"
        "error: content/latin1.md:5: not valid UTF-8 (byte 0xe9 at column 6); "
        "save the file as UTF-8\n"
        "error: content/no-title.md:1: missing title: add 'title:' to the front matter "
        "or open with a '# Title' line\n"
        "error: content/tags.md:1: front matter: the file name makes the slug 'tags', which "
        "is reserved for sitegen's own pages; add 'slug:' or rename the file\n"
        "error: content/tags.md:4: front matter: tags must be a list of words\n"
        "error: content/talks.md:1: slug 'talks' is already used by content/2015/talks.md; "
        "set another 'slug:'\n"
        "error: content/unterminated.md:1: front matter: no closing '---' line\n"
        "error: content/yaml.md:4: front matter: mapping values are not allowed here\n"
        "build failed: 10 problems found; nothing was written\n"
    )
    assert sorted(p.name for p in site.iterdir()) == ["content", "sitegen.toml"]


# --- exit codes and tracebacks ----------------------------------------------------------------


def test_missing_site_folder_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert main(["build", "--site", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: the site folder {missing} does not exist\n"


def test_a_site_folder_that_is_a_file_or_a_content_folder_is_said_so(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("")
    assert main(["build", "--site", str(tmp_path / "a-file")]) == 2
    assert capsys.readouterr().err == (
        f"error: the site folder {tmp_path / 'a-file'} is a file, not a folder\n"
    )
    site = make_site({"content/a.md": GOOD})
    assert run_in(site / "content", ["build"]) == 1  # from the site's content/ folder
    assert capsys.readouterr().err.startswith(
        "error: .: no content/ folder: put your Markdown articles there"
        " (or run sitegen from the site folder, or give --site)\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_in(empty, ["build"]) == 1  # from a folder that is no site at all
    assert capsys.readouterr().err.startswith(
        "error: .: no content/ folder: put your Markdown articles there"
        " (not a site folder? 'sitegen init DIR' makes a new site)\n"
    )


def test_unknown_option_exits_2_with_usage(tmp_path: Path) -> None:
    result = run_cli("build", "--site", tmp_path, "--colour")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: sitegen build [-h] [--site DIR]")  # the command's
    assert result.stderr.endswith("sitegen build: error: unrecognized arguments: --colour\n")


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"content/a.md": "---\ntitle: A\n"}, 1),
        ({"content/a.md": "---\ntitle: A\ndate: 2015-02-30\n---\nBody.\n"}, 1),
        ({"content/a.md": GOOD, "sitegen.toml": "[site\n"}, 1),
        ({"content/a.md": GOOD, "build/notes.txt": "mine"}, 2),
    ],
    ids=["content error", "impossible date", "bad TOML", "foreign output folder"],
)
def test_errors_print_no_traceback(make_site: MakeSite, files: dict[str, str], code: int) -> None:
    result = run_cli("build", "--site", make_site(files))
    assert result.returncode == code
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run_cli("--debug", "build", "--site", tmp_path / "nowhere")
    assert result.returncode == 2  # a usage error's, as without --debug
    assert "Traceback (most recent call last)" in result.stderr
    assert "UsageError: the site folder" in result.stderr
    assert result.stderr.endswith(f"error: the site folder {tmp_path / 'nowhere'} does not exist\n")


# --- a failed build changes nothing -----------------------------------------------------------


@pytest.mark.parametrize(
    "breakage",
    [
        {"content/a.md": "---\ntitle: A\ndate: soon\n---\nBody.\n"},
        {"templates/article.html": "{{ no_such_variable }}\n"},
    ],
    ids=["content error", "template error"],
)
def test_failed_build_leaves_previous_output_untouched(
    make_site: MakeSite, fake_annotator: Annotator, breakage: dict[str, str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    out = site / "build"
    build_site_folder(site, fake_annotator, out)
    before = tree(out)
    make_site(breakage)
    with pytest.raises(SitegenError):
        build_site_folder(site, fake_annotator, out)
    assert tree(out) == before
    assert {p.name for p in site.iterdir()} == {"build", "content"} | {
        Path(k).parts[0] for k in breakage
    }


def test_refuses_output_folder_with_foreign_files(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    assert run_in(site, ["build", "--site", str(site), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: output folder {out} has files sitegen did not write; "
        "empty it or choose another --out\n"
    )
    assert tree(out) == {"notes.txt": b"my notes"}


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "output folder {out} holds the site itself; choose another --out"),
        ("..", "output folder {out} holds the site itself; choose another --out"),
        ("content", "output folder {out} is inside the site's content/; choose another --out"),
        ("static", "output folder {out} is inside the site's static/; choose another --out"),
        ("static/x", "output folder {out} is inside the site's static/; choose another --out"),
    ],
    ids=["site folder", "its parent", "content folder", "static folder", "inside static"],
)
def test_refuses_to_build_over_the_site(
    make_site: MakeSite, fake_annotator: Annotator, out: str, message: str
) -> None:
    site = make_site({"content/a.md": GOOD})
    before = tree(site.parent)
    with pytest.raises(UsageError) as refused:
        build_site_folder(site, fake_annotator, site / out)
    assert str(refused.value) == message.format(out=site / out, site=site.resolve())
    assert tree(site.parent) == before


def test_refuses_an_output_folder_inside_another_builds_output(
    make_site: MakeSite, fake_annotator: Annotator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The next build into the outer folder would remove the inner one with the rest."""
    site = make_site({"content/a.md": GOOD})
    build_site_folder(site, fake_annotator)
    before = tree(site / "build")
    assert run_in(site, ["build", "--site", str(site), "--out", "build/sub/site"]) == 2
    assert capsys.readouterr().err == (
        "error: output folder build/sub/site is inside build, the output of another build; "
        "choose another --out\n"
    )
    assert tree(site / "build") == before


# --- markup in metadata is text ---------------------------------------------------------------

EVIL = "<script>alert(1)</script> {{ 7*7 }}"


def html_pages(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text("utf-8") for p in sorted(out.rglob("*.html"))
    }


def assert_inert(pages: dict[str, str]) -> None:
    """No markup from the content made it into a page as markup (the theme's own
    ``<script>`` elements aside), and no template syntax was evaluated."""
    for path, html in pages.items():
        assert "<script>alert" not in html, path
        assert "alert(1)</script>" not in html, path  # would end a theme <script> early
        assert "<b>" not in html, path
        assert "49" not in html, path


def test_markup_in_title_author_and_tags_is_shown_as_text(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    article = (
        f'---\ntitle: "{EVIL}"\nauthor: "<b>Eve</b> {{{{ 7*7 }}}}"\n'
        f'tags: ["<b>tag</b> {{{{ 7*7 }}}}"]\ndate: 2015-09-21\nslug: a\n---\n'
        "John Kerry flew to Moscow.\n"
    )
    site = make_site({"content/a.md": article})
    build_site_folder(site, fake_annotator, site / "build")
    pages = html_pages(site / "build")
    assert_inert(pages)
    article_page = text_content(pages["a/index.html"])
    for shown in (EVIL, "<b>Eve</b> {{ 7*7 }}", "<b>tag</b> {{ 7*7 }}"):
        assert shown in article_page
    for path in ("index.html", "entities/person/john-kerry/index.html"):
        assert EVIL in text_content(pages[path]) and "<b>Eve</b>" in text_content(pages[path])


def test_markup_in_entity_name_is_shown_as_text(make_site: MakeSite) -> None:
    body = "Today &lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }} spoke.\n"
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2015-09-21\n---\n{body}"})
    build_site_folder(site, FindsPhrases(re.escape(EVIL), label="PERSON"), site / "build")
    pages = html_pages(site / "build")
    entity_pages = [p for p in pages if p.startswith("entities/person/")]
    assert len(entity_pages) == 1
    assert_inert(pages)
    for path in ("a/index.html", "entities/index.html", entity_pages[0]):
        assert EVIL in text_content(pages[path]), path


# --- drafts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("drafts", [False, True])
def test_drafts_are_built_only_when_asked(
    make_site: MakeSite, fake_annotator: Annotator, drafts: bool
) -> None:
    draft = "---\ntitle: Unfinished\ndate: 2015-09-22\ndraft: true\n---\nJohn Kerry.\n"
    site = make_site({"content/a.md": GOOD, "content/draft.md": draft})
    out = site / "build"
    report = build_site_folder(site, fake_annotator, out, drafts=drafts)
    assert report.articles == (2 if drafts else 1)
    assert (out / "draft" / "index.html").exists() == drafts
    assert ("Unfinished" in text_content((out / "index.html").read_text())) == drafts
    kerry = text_content((out / "entities/person/john-kerry/index.html").read_text())
    assert ("Unfinished" in kerry) == drafts


def test_a_missing_model_is_one_line_saying_how_to_install_it(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nBody.\n",
            "sitegen.toml": '[nlp]\nmodel = "xx_no_such_model"\n',
        }
    )
    assert run_in(site, ["build", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert err == (
        "error: sitegen.toml:2: spaCy model 'xx_no_such_model' is not installed; install it "
        "with 'pip install xx-no-such-model' (or set [nlp] model in sitegen.toml)\n"
    )
    assert not (site / "build").exists()
