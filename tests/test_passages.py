"""Entity-page passages are a bounded window around each mention, so output grows
with the input, not with the square of a sentence's length; a paragraph too long
to annotate is a warning with file and line. Fast: fake annotators."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import build_site_folder
from htmltext import text_content

from sitegen.model import MAX_BLOCK_CHARS, BlockNLP, EntitySpan
from sitegen.nlp.annotator import Annotator
from sitegen.site.passages import PASSAGE_CHARS, passage_window, quote_depth

MakeSite = Callable[..., Path]
SENTENCE = "The talks in Geneva went on all night, and the delegates left without a deal."


# --- passage_window, a pure function ----------------------------------------------------------


def window(text: str, word: str, limit: int, sentence: tuple[int, int] | None = None) -> str:
    start = text.index(word)
    a, b = passage_window(text, sentence or (0, len(text)), (start, start + len(word)), limit)
    return text[a:b]


def test_a_sentence_within_the_limit_is_shown_whole() -> None:
    assert window(SENTENCE, "Geneva", 200) == SENTENCE


def test_a_long_sentence_is_cut_at_words_around_the_mention() -> None:
    text = " ".join(f"word{i}" for i in range(300)) + " Geneva " + " ".join(["x"] * 300)
    shown = window(text, "Geneva", 80)
    assert "Geneva" in shown and len(shown) <= 80
    assert shown == shown.strip() and text.split().count(shown.split()[0]) == 1
    for word in shown.split():
        assert word in text.split(), word  # no word is cut in two
    before, after = shown.split("Geneva")
    assert abs(len(before) - len(after)) <= 8  # the mention sits in the middle


@pytest.mark.parametrize("where", ["start", "end"])
def test_a_mention_at_an_edge_gets_the_room_on_the_other_side(where: str) -> None:
    words = " ".join(f"w{i}" for i in range(200))
    text = f"Geneva {words}" if where == "start" else f"{words} Geneva"
    shown = window(text, "Geneva", 100)
    assert 90 <= len(shown) <= 100
    assert shown.startswith("Geneva") if where == "start" else shown.endswith("Geneva")


def test_a_window_stays_in_its_sentence() -> None:
    text = "A short one. " + SENTENCE + " Another one follows here."
    start = text.index("The talks")
    sentence = (start, start + len(SENTENCE))
    assert window(text, "Geneva", 40, sentence).startswith("The talks")
    assert window(text, "Geneva", 1000, sentence) == SENTENCE


def test_a_mention_longer_than_the_limit_is_the_window() -> None:
    name = "Ministry of " + "Foreign " * 50 + "Affairs"
    assert window(f"The {name} said so.", name, 100) == name


def test_quote_depth_counts_open_quotations_before_an_offset() -> None:
    text = "He said “one “two” three” and “four"
    assert [quote_depth(text, text.index(w)) for w in ("said", "two", "three", "and", "four")] == [
        0,
        2,
        1,
        0,
        1,
    ]


# --- entity pages ----------------------------------------------------------------------------


class FindsNames:
    """Every capitalised word after "and " or at the start is a PERSON; one sentence."""

    fingerprint = "finds names"

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        return [
            BlockNLP(
                tuple(EntitySpan(m.start(), m.end(), "PERSON") for m in re.finditer(r"Zed\w+", t)),
                ((0, len(t)),),
            )
            for t in texts
        ]


def passages(page: Path) -> list[str]:
    html = page.read_text()
    return [
        text_content(p)
        for p in re.findall(r'<blockquote class="passage">(.*?)</blockquote>', html, re.S)
    ]


def test_one_long_sentence_of_many_names_gives_bounded_passages(make_site: MakeSite) -> None:
    names = [f"Zed{i:04d}" for i in range(1500)]
    sentence = "The list names " + ", ".join(f"{n} of the village of Ashford" for n in names)
    assert len(sentence) > 40_000
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2020-01-01\n---\n{sentence}.\n"})
    out = site / "build"
    build_site_folder(site, FindsNames(), out)
    pages = sorted((out / "entities" / "person").glob("*/index.html"))
    assert len(pages) == 1500
    for page in pages[100:1400:97]:  # names in the middle of the sentence
        (shown,) = passages(page)
        name = page.parent.name.capitalize()
        assert name in shown and len(shown) <= PASSAGE_CHARS + 2  # and the two “…”
        assert shown.startswith("…") and shown.endswith("…")
        assert f"<mark>{name}</mark>" in page.read_text()
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert total < 1500 * 12_000  # about a page's worth each, not 1,500 copies of 40 KB


def test_mentions_close_together_share_a_passage(make_site: MakeSite) -> None:
    filler = " ".join(["and so on"] * 200)
    text = f"First {filler} then Zedsmith met Zedsmith again, {filler} and Zedsmith left."
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2020-01-01\n---\n{text}\n"})
    build_site_folder(site, FindsNames())
    page = site / "build" / "entities" / "person" / "zedsmith" / "index.html"
    shown = passages(page)
    assert len(shown) == 2
    assert page.read_text().count("<mark>Zedsmith</mark>") == 3
    assert "then Zedsmith met Zedsmith again" in shown[0]


def test_a_window_inside_a_quotation_is_shown_as_one(make_site: MakeSite) -> None:
    filler = " ".join(["and so on"] * 100)
    text = f"He said: “{filler} Zedsmith {filler}” and left."
    site = make_site({"content/a.md": f"---\ntitle: A\ndate: 2020-01-01\n---\n{text}\n"})
    build_site_folder(site, FindsNames())
    (shown,) = passages(site / "build" / "entities" / "person" / "zedsmith" / "index.html")
    assert shown.startswith("“…") and shown.endswith("…”")


# --- blocks too long to annotate -------------------------------------------------------------


@pytest.mark.parametrize("size", [MAX_BLOCK_CHARS + 1, 1_100_000], ids=["just over", "1.1 MB"])
def test_a_paragraph_too_long_to_annotate_is_a_warning(
    make_site: MakeSite, fake_annotator: Annotator, size: int
) -> None:
    words = "John Kerry flew to Moscow and back again, "
    long = (words * (size // len(words) + 1))[:size]
    article = f"---\ntitle: A\ndate: 2020-01-01\n---\nJohn Kerry spoke.\n\n{long}\n\nEnd.\n"
    site = make_site(
        {"content/a.md": article, "sitegen.toml": '[site]\nbase_url = "https://example.org/"\n'}
    )
    report = build_site_folder(site, fake_annotator)
    assert tuple(map(str, report.warnings)) == (
        f"content/a.md:7: a paragraph of {size:,} characters is too long to annotate "
        f"(at most {MAX_BLOCK_CHARS:,}); its names are not marked: split it with blank lines",
    )
    page = (site / "build" / "a" / "index.html").read_text()
    assert long.strip() in text_content(page)  # shown, only not annotated
    kerry = site / "build" / "entities" / "person" / "john-kerry" / "index.html"
    assert "Mentioned 1 time in 1 article." in text_content(kerry.read_text())
