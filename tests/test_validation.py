"""Loose input is refused with its file and line, never a crash (exit 70), never
silently accepted; what sitegen prints cannot drive the terminal. Fast: no model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_site_folder, run_in

from sitegen.catalog import load_catalog
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import SitegenError
from sitegen.nlp.annotator import Annotator

GOOD = "---\ntitle: Talks\ndate: 2015-09-21\n---\nJohn Kerry flew to Moscow.\n"
FAILED_1 = "build failed: 1 problem found; nothing was written\n"
MakeSite = Callable[..., Path]


def cli_errors(site: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    code = run_in(site, ["build", "--site", str(site), *options])
    return code, capsys.readouterr().err


# --- entities.toml ----------------------------------------------------------------------------

UNCLOSED = "invalid TOML: a string is not closed: a quote is missing at the end of this line"
CATALOGS = {
    "entity = [1, 2]": (
        "entity = [1, 2]\n",
        "entities.toml:1: 'entity' must be [[entity]] tables, each with a name and a type",
    ),
    "entity = 'x'": (
        'entity = "x"\n\n[ignore]\nnames = []\n',
        "entities.toml:1: 'entity' must be [[entity]] tables, each with a name and a type",
    ),
    "[entity] as one table": (
        '[entity]\nname = "X"\ntype = "ORG"\n',
        "entities.toml:1: 'entity' must be [[entity]] tables, each with a name and a type",
    ),
    "type = [1, 2]": (
        '[[entity]]\nname = "Kerry"\ntype = [1, 2]\n',
        "entities.toml:3: [[entity]] type must be one of PERSON, ORG, GPE, LOC, NORP, FAC, "
        "EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, not [1, 2]",
    ),
    "unknown key in [ignore]": (
        '[ignore]\nnames = ["State"]\nnmes = ["Defense"]\n',
        "entities.toml:3: [ignore] unknown key 'nmes' (known: names)",
    ),
    "invalid UTF-8": (
        b'[ignore]\nnames = ["caf\xe9"]\n',
        "entities.toml:2: not valid UTF-8 (byte 0xe9 at column 14); save the file as UTF-8",
    ),
    "a string left open": (
        '[[entity]]\nname = "John Kerry\ntype = "PERSON"\n',
        f"entities.toml:2: {UNCLOSED}",
    ),
    "a string left open at the end": (
        '[[entity]]\ntype = "PERSON"\nname = "John Kerry\n',
        f"entities.toml:3: {UNCLOSED}",
    ),
    "nested 20,000 deep": (
        "[ignore]\nnames = " + "[" * 20000 + "]" * 20000 + "\n",
        "entities.toml: invalid TOML: nested too deeply",
    ),
}


@pytest.mark.parametrize(("text", "message"), CATALOGS.values(), ids=CATALOGS.keys())
def test_bad_entities_toml_is_an_error(
    make_site: MakeSite,
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    site = make_site({"content/a.md": GOOD, "entities.toml": text})
    code, err = cli_errors(site, capsys)
    assert (code, err.splitlines()[0]) == (1, f"error: {message}")


# --- sitegen.toml -----------------------------------------------------------------------------

CONFIGS = {
    "a section twice": (
        '[site]\ntitle = "a"\n\n[site]\n',
        "sitegen.toml:4: invalid TOML: Cannot declare [site] twice",
    ),
    "[[site]]": (
        '[[site]]\ntitle = "x"\n',
        "sitegen.toml:1: [site] must be one table of keys",
    ),
    "an unknown key outside any section": (
        'colour = "red"\n',
        "sitegen.toml:1: unknown key 'colour' outside any section"
        " (known sections: [site], [nlp], [entities])",
    ),
    "a quoted table twice": (
        '["my site"]\n\n["my site"]\n',
        'sitegen.toml:3: invalid TOML: Cannot declare ["my site"] twice',
    ),
    "a key outside any section": (
        'title = "x"\n\n[site]\ndescription = "y"\n',
        "sitegen.toml:1: 'title' is outside any section: put it under [site]",
    ),
    "huge batch_size": (
        "[nlp]\nbatch_size = 9223372036854775807\n",
        "sitegen.toml:2: [nlp] batch_size must be between 1 and 100000",
    ),
    "labels = [[1]]": (
        "[nlp]\nlabels = [[1], {a = 1}]\n",
        "sitegen.toml:2: [nlp] labels: unknown label [1], {'a': 1} (known: PERSON, ORG, GPE, "
        "LOC, NORP, FAC, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE)",
    ),
    "invalid UTF-8": (
        b'[site]\ntitle = "caf\xe9"\n',
        "sitegen.toml:2: not valid UTF-8 (byte 0xe9 at column 13); save the file as UTF-8",
    ),
    "a literal string left open": (
        "[site]\ntitle = 'News\ndescription = 'Analysis'\n\n[nlp]\n",
        f"sitegen.toml:2: {UNCLOSED}",
    ),
    "nested 20,000 deep": (
        "[nlp]\nlabels = " + "[" * 20000 + "]" * 20000 + "\n",
        "sitegen.toml: invalid TOML: nested too deeply",
    ),
}


@pytest.mark.parametrize(("text", "message"), CONFIGS.values(), ids=CONFIGS.keys())
def test_bad_sitegen_toml_is_an_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    site = make_site({"content/a.md": GOOD, "sitegen.toml": text})
    code, err = cli_errors(site, capsys)
    assert (code, err.splitlines()[0]) == (1, f"error: {message}")


def test_batch_size_at_the_limit_is_accepted(make_site: MakeSite) -> None:
    site = make_site({"content/a.md": GOOD, "sitegen.toml": "[nlp]\nbatch_size = 100000\n"})
    assert load_config(site).batch_size == 100000


# --- front matter -----------------------------------------------------------------------------


def test_front_matter_nested_20000_deep_is_an_error(
    make_site: MakeSite, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 20000 + "]" * 20000
    site = make_site({"content/a.md": f"---\ntitle: A\nextra: {deep}\n---\nBody.\n"})
    assert cli_errors(site, capsys) == (
        1,
        "error: content/a.md:2: front matter: nested too deeply\n" + FAILED_1,
    )


def test_a_template_nested_too_deeply_is_an_error(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    deep = "{% if true %}" * 3000 + "x" + "{% endif %}" * 3000
    site = make_site({"content/a.md": GOOD, "templates/home.html": deep})
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator)
    assert str(failed.value) == "templates/home.html: template: nested too deeply"


@pytest.mark.parametrize(
    ("include", "why"),
    [
        ('"nav.html"', "'nav.html' is in neither templates/ nor the default theme"),
        ('".nav.html"', "'.nav.html' is hidden: not read"),
        ('"parts"', "'parts' is a folder, not a template"),
        (
            '["a.html", "b.html"]',
            "none of 'a.html', 'b.html' is in templates/ or the default theme",
        ),
    ],
)
def test_a_template_that_includes_one_there_is_not_says_why(
    make_site: MakeSite, fake_annotator: Annotator, include: str, why: str
) -> None:
    site = make_site(
        {
            "content/a.md": GOOD,
            "templates/home.html": f"\n{{% include {include} %}}",
            "templates/.nav.html": "hidden",
            "templates/parts/x.html": "a folder's",
        }
    )
    with pytest.raises(SitegenError) as failed:
        build_site_folder(site, fake_annotator)
    assert str(failed.value) == f"templates/home.html:2: template: {why}"


# --- control characters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "article",
    [
        '---\ntitle: "Nul\\0here \\x01 \\x9b"\nauthor: "A\\0B"\ndate: 2015-09-21\n---\nText.\n',
        "---\ntitle: Nul\ndate: 2015-09-21\n---\nText \x00 with \x01 and \x1b[31m raw.\n",
        "---\ntitle: Nul\ndate: 2015-09-21\n---\n<b>Raw \x00 \x7f html</b>\n",
    ],
    ids=["front matter", "body", "raw html"],
)
def test_no_control_character_reaches_the_html(
    make_site: MakeSite, fake_annotator: Annotator, article: str
) -> None:
    site = make_site(
        {
            "content/a.md": article,
            "entities.toml": '[[entity]]\nname = "Nul"\ntype = "ORG"\ndescription = "x\\u0000"\n',
        }
    )
    build_site_folder(site, fake_annotator)
    pages = list((site / "build").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text()
        bad = [c for c in html if (ord(c) < 32 and c not in "\t\n\r\f") or 0x7F <= ord(c) < 0xA0]
        assert not bad, (page, bad)


def test_control_characters_in_file_names_are_printed_escaped(
    make_site: MakeSite, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(
        {
            "content/\x1b[31mred\x07.md": "---\ntitle: A\n---\nBody.\n",
            "content/undated.md": "---\ntitle: B\n---\n“Quoted \x1b]0;owned\x07 words here now”\n",
            "sitegen.toml": '[site]\nbase_url = "https://example.org/"\n',
        }
    )
    code, err = cli_errors(site, capsys, "-v")
    assert code == 0
    assert "\x1b" not in err and "\x07" not in err
    assert err.splitlines() == [
        "warning: content/\\x1b[31mred\\x07.md:1: no date: the article is listed after dated ones",
        "warning: content/undated.md:1: no date: the article is listed after dated ones",
        "warning: content/undated.md:4: quotation without a source: "
        "“Quoted \\x1b]0;owned\\x07 words here now…”",
    ]


def test_a_file_name_that_is_not_utf8_is_an_error(
    make_site: MakeSite, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    (site / "content").joinpath(b"caf\xe9.md".decode("utf-8", "surrogateescape")).write_text(GOOD)
    assert cli_errors(site, capsys) == (
        1,
        "error: content/caf\\xe9.md: the file name is not valid UTF-8; rename it\n" + FAILED_1,
    )


def test_a_site_in_a_folder_whose_name_is_not_utf8_builds_with_its_cache(
    make_site: MakeSite, fake_annotator: Annotator
) -> None:
    """The folder is the user's to name; only the site's own files are checked."""
    name = b"caf\xe9-site".decode("utf-8", "surrogateescape")
    site = make_site({"content/a.md": GOOD}, name=name)
    first = build_site_folder(site, fake_annotator, use_cache=True)
    again = build_site_folder(site, fake_annotator, use_cache=True)  # the last build's report
    assert first.articles == again.articles == 1
    assert again.out_dir == str(site / "build") and again.rendered == 0
    assert (site / "build" / "a" / "index.html").is_file()


# --- commands ---------------------------------------------------------------------------------


def test_annotate_with_a_missing_site_folder_is_a_usage_error(
    make_site: MakeSite, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    missing = tmp_path / "missing"
    code = main(["annotate", str(site / "content" / "a.md"), "--site", str(missing)])
    assert (code, capsys.readouterr().err) == (
        2,
        f"error: the site folder {missing} does not exist\n",
    )


def test_ignored_names_match_whatever_their_case(make_site: MakeSite) -> None:
    site = make_site({"entities.toml": '[ignore]\nnames = ["State"]\n'})
    assert load_catalog(site).is_ignored("state")
