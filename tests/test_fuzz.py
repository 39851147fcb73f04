"""Fuzz: random front matter, Markdown, TOML and file names written into a site,
built with ``sitegen build`` (the fake annotator standing in for the model).

Whatever the input: the exit status is 0 or 1 (never 70, an internal error),
every error names the file it is about, a failed build leaves the previous
output byte for byte as it was, and nothing is written outside the output
folder. Examples are few and small so it runs in every ``make test``;
``SITEGEN_FUZZ_EXAMPLES=2000`` runs more.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import build_site_folder, run_in
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sitegen.nlp.annotator import Annotator

GOOD = "---\ntitle: Talks\ndate: 2015-09-21\n---\nJohn Kerry flew to Moscow.\n"
#: What an error may be about: a content file, a settings file, the site folder.
NAMES_A_FILE = re.compile(r"^error: (content/|sitegen\.toml|entities\.toml|templates/|static/)")
SNIPPETS = [
    "# A heading",
    "## Ann Lee 21 September 2015",
    "> a quotation\n> > nested",
    "- one\n  - two\n    - three",
    "1. first\n2. second",
    "```\ncode “here”\n```",
    "| a | b |\n|---|---|\n| John Kerry | 2 |",
    "[a link](https://example.org) and [[nested]](x)",
    "<div>raw <b>html</b></div>",
    "<script>alert(1)</script>",
    "Text[^1].\n\n[^1]: A note about Moscow.",
    '"We are committed," said John Kerry.',
    "Andrew Tabler cautioned that the talks were “doomed to failure.”",
    "According to the New York Times, Syria said so.",
    '“unbalanced " quotes “ everywhere',
    "*em* **strong** ~~struck~~ `code`",
    ">" * 40 + " deep",
    "  " * 30 + "- deep item",
    "\x00 \x1b[31m \u202e \ufeff",
    "John\nKerry",
    "---",
    "...",
]
TOML_VALUES = [
    '"text"',
    '""',
    "1",
    "0",
    "-5",
    "99999999999999999999",
    "3.5",
    "true",
    "[1, 2]",
    '["PERSON", "ORG"]',
    '["NOPE"]',
    "{a = 1}",
    '"\\u0000"',
    '"https://example.org"',
    '"first"',
    '"ORG"',
    '["Kerry", "Kerry"]',
]
TOML_KEYS = {
    "site": ["title", "description", "language", "base_url", "colour"],
    "nlp": ["model", "labels", "batch_size", "speed"],
    "entities": ["highlight", "mode"],
    "entity": ["name", "type", "aliases", "description", "url", "wiki"],
    "ignore": ["names", "nmes"],
}


def text(size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(blacklist_categories=("Cs",)), max_size=size)


def file_names() -> st.SearchStrategy[str]:
    name = st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
        min_size=1,
        max_size=30,
    )
    folder = st.one_of(st.just(""), name.map(lambda n: n + "/"))
    suffix = st.sampled_from([".md", ".md", ".md", ".MD", ".txt"])
    return st.builds(lambda f, n, s: f"{f}{n}{s}", folder, name, suffix)


def scalars() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        text(40),
        st.dates().map(str),
        st.sampled_from(["John Kerry", "2015-02-30", "../evil", "a" * 300, "slug_ok"]),
    )


def front_matter() -> st.SearchStrategy[str]:
    """YAML front matter: mostly a title and a date and some random keys, sometimes
    random keys alone, sometimes not YAML at all."""
    values = st.recursive(
        scalars(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text(8), inner, max_size=3),
        max_leaves=6,
    )
    keys = st.sampled_from(
        ["title", "date", "author", "tags", "summary", "slug", "draft", "sources", "section"]
    )
    mapping = st.dictionaries(keys | text(10), values, max_size=4)
    good = st.builds(
        lambda title, date, rest: {**rest, "title": title, "date": date},
        text(40).filter(str.strip),
        st.dates().map(str),
        st.dictionaries(st.sampled_from(["author", "tags", "summary", "section"]), values),
    )
    dumped = st.one_of(good, good, good, mapping).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    )
    return st.one_of(dumped, dumped, dumped, text(80)).map(lambda y: f"---\n{y}\n---\n")


def markdown() -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(SNIPPETS), text(60))
    return st.lists(piece, max_size=6).map("\n\n".join)


def articles() -> st.SearchStrategy[bytes]:
    with_front_matter = st.builds(lambda fm, body: fm + body, front_matter(), markdown())
    with_heading = st.builds(
        lambda t, body: f"# {t}\n\n{body}", text(30).filter(str.strip), markdown()
    )
    article = st.one_of(with_front_matter, with_front_matter, with_heading, markdown())
    encoded = article.map(lambda a: a.encode("utf-8", "surrogatepass"))
    return st.one_of(encoded, encoded, encoded, st.binary(max_size=120))


def toml(tables: list[str]) -> st.SearchStrategy[bytes]:
    """TOML: tables of known and unknown keys, good and bad values; sometimes not TOML."""

    def table(name: str) -> st.SearchStrategy[str]:
        pair = st.tuples(st.sampled_from(TOML_KEYS[name]), st.sampled_from(TOML_VALUES))
        pairs = st.lists(pair, max_size=4, unique_by=lambda kv: kv[0])
        header = f"[[{name}]]" if name == "entity" else f"[{name}]"
        return pairs.map(lambda ps: header + "\n" + "".join(f"{k} = {v}\n" for k, v in ps))

    names = st.lists(st.sampled_from(tables), max_size=3, unique_by=lambda n: n != "entity" and n)
    made = names.flatmap(lambda ns: st.tuples(*map(table, ns))).map("\n".join)
    return st.one_of(made, made, made, text(60)).map(lambda t: t.encode("utf-8", "surrogatepass"))


SITES = st.fixed_dictionaries(
    {"content": st.dictionaries(file_names(), articles(), min_size=1, max_size=3)},
    optional={
        "sitegen.toml": toml(["site", "nlp", "entities"]),
        "entities.toml": toml(["entity", "ignore"]),
    },
)


def files_in(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@contextmanager
def scratch() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="sitegen-fuzz-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def previous(fake_annotator: Annotator, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of a good build: each example builds over a copy of it."""
    site = tmp_path_factory.mktemp("fuzz-good")
    (site / "content").mkdir()
    (site / "content" / "a.md").write_text(GOOD)
    build_site_folder(site, fake_annotator)
    return site / "build"


def write_site(site: Path, files: dict[str, object]) -> None:
    content = files["content"]
    assert isinstance(content, dict)
    for name, data in [*(("content/" + k, v) for k, v in content.items()), *files.items()]:
        if name == "content":
            continue
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        assert isinstance(data, bytes)
        path.write_bytes(data)
    (site / "content").mkdir(exist_ok=True)


@settings(
    max_examples=int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(site_files=SITES)
def test_any_input_is_built_or_refused_with_a_file_named(
    site_files: dict[str, object],
    previous: Path,
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with scratch() as root:
        site, out = root / "site", root / "out"
        write_site(site, site_files)
        shutil.copytree(previous, out)
        before_out, before_site = files_in(out), files_in(site)
        code = run_in(site, ["build", "--site", str(site), "--out", str(out), "-v", "--no-cache"])
        err = capsys.readouterr().err
        event(f"exit {code}")
        assert code in (0, 1), err
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", err), err
        for line in err.splitlines():
            if line.startswith("error: "):
                assert NAMES_A_FILE.match(line), line
        if code == 1:
            assert files_in(out) == before_out
        assert files_in(site) == before_site
        assert sorted(p.name for p in root.iterdir()) == ["out", "site"]
