"""The built sample site in headless Chromium, served under /repo/ as on GitHub Pages.

Readers' paths through the site, keyboard use, kinds of highlight told apart
without colour, text contrast, and pages without JavaScript. With
``SITEGEN_SCREENSHOTS=1`` the screenshot test refreshes docs/screenshots/*.png
for the README; otherwise it writes them into the test's temporary folder.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import struct
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import BROWSER_WAIT_MS
from sitebuild import ARTICLE, ARTICLE_TEXT, ARTICLE_TITLE, ENTITY, PREFIX, ROOT, sample_build

from sitegen.model import LABELS

pytestmark = [pytest.mark.browser, pytest.mark.model]

SCREENSHOT_WIDTH = 1200
MIN_TEXT_CONTRAST = 4.5  # WCAG 2 AA, 1.4.3, normal-size text
MIN_FOCUS_CONTRAST = 3.0  # WCAG 2 AA, 1.4.11, focus indicator against its background


# --- WCAG contrast from computed colours -------------------------------------------------

_RGB = re.compile(r"rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)")

RGBA = tuple[float, float, float, float]


def parse_color(css: str) -> RGBA:
    """``rgb(1, 2, 3)`` / ``rgba(1, 2, 3, 0.5)`` as computed by the browser."""
    match = _RGB.fullmatch(css.strip())
    assert match, f"cannot parse computed colour {css!r}"
    r, g, b, a = match.groups()
    alpha = 1.0 if a is None else float(a[:-1]) / 100 if a.endswith("%") else float(a)
    return float(r), float(g), float(b), alpha


def over(top: RGBA, bottom: RGBA) -> RGBA:
    """``top`` composited over an opaque ``bottom``."""
    a = top[3]
    r, g, b = (top[i] * a + bottom[i] * (1 - a) for i in range(3))
    return r, g, b, 1.0


def luminance(color: RGBA) -> float:
    """WCAG 2 relative luminance of an opaque sRGB colour."""

    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGBA, b: RGBA) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_function_matches_known_values() -> None:
    black, white = (0.0, 0.0, 0.0, 1.0), (255.0, 255.0, 255.0, 1.0)
    assert contrast(black, white) == pytest.approx(21.0)
    assert contrast(white, white) == pytest.approx(1.0)
    assert contrast(parse_color("rgb(118, 118, 118)"), white) == pytest.approx(4.54, abs=0.01)
    assert over(parse_color("rgba(0, 0, 0, 0.5)"), white)[0] == pytest.approx(127.5)


# In the page: an element's text colour and the background it is painted on, found by
# walking up to the first opaque background (semi-transparent ones are composited).
_COLOURS_JS = """
(el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    layers.push(bg);
    if (/^rgb\\(/.test(bg)) break;
  }
  return {color: getComputedStyle(el).color, layers: layers};
}
"""


def text_contrast(page: Any, selector: str, index: int = 0) -> float:
    found = page.locator(selector).nth(index).evaluate(_COLOURS_JS)
    background: RGBA = (255.0, 255.0, 255.0, 1.0)  # the canvas, if nothing is opaque
    for layer in reversed(found["layers"]):
        background = over(parse_color(layer), background)
    return contrast(over(parse_color(found["color"]), background), background)


# --- serving and browsing ----------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(real_nlp: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample site served on loopback under ``/repo/``: this URL ends in ``/repo/``."""
    served = sample_build(tmp_path_factory).parent
    handler = functools.partial(_QuietHandler, directory=str(served))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{PREFIX}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """``open_page(path, **context_options)``: a fresh context's page at ``/repo/<path>``.

    Every request must stay on loopback (others are blocked and reported) and every
    response of the site must succeed; both are checked when the test ends.
    """
    contexts: list[Any] = []
    problems: list[str] = []
    origin = urlsplit(base_url).netloc

    def route(route: Any) -> None:
        if urlsplit(route.request.url).netloc == origin:
            route.continue_()
        else:
            problems.append(f"request outside loopback: {route.request.url}")
            route.abort()

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    def open_(path: str = "", **options: Any) -> Any:
        options.setdefault("viewport", {"width": SCREENSHOT_WIDTH, "height": 900})
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(BROWSER_WAIT_MS)
        context.route("**/*", route)
        page = context.new_page()
        page.on("response", on_response)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        response = page.goto(base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


# --- what readers do ---------------------------------------------------------------------


def test_home_lists_the_article_and_its_link_works(open_page: Callable[..., Any]) -> None:
    page = open_page("")
    link = page.locator(".article-list").get_by_role("link", name=ARTICLE_TITLE)
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"**/{PREFIX}/{ARTICLE}/")
    assert page.locator("h1").inner_text() == ARTICLE_TITLE
    assert ARTICLE_TEXT in page.locator(".article-body").inner_text()


def test_opened_from_disk_a_link_to_a_folder_opens_its_page(
    browser: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page = browser.new_page()
    try:
        page.goto((sample_build(tmp_path_factory) / "index.html").as_uri())
        page.get_by_role("link", name="Entities", exact=True).click()
        page.wait_for_url("**/entities/index.html")
        page.get_by_role("link", name="Articles", exact=True).click()
        page.wait_for_url(f"**/{PREFIX}/index.html")
        link = page.locator(".article-list").get_by_role("link", name=ARTICLE_TITLE)
        with page.context.expect_page() as opened:  # a middle click: a new tab
            link.click(button="middle")
        assert opened.value.url.endswith(f"/{ARTICLE}/index.html"), opened.value.url
        opened.value.close()
        link.click()
        page.wait_for_url(f"**/{ARTICLE}/index.html")
        assert page.locator("h1").inner_text() == ARTICLE_TITLE
    finally:
        page.close()


@pytest.mark.parametrize("path", ["", f"{ARTICLE}/", "entities/", f"{ENTITY}/"])
def test_page_loads_cleanly_with_its_stylesheet(open_page: Callable[..., Any], path: str) -> None:
    """No failed request, script error or request off loopback (checked by open_page)."""
    page = open_page(path)
    assert page.locator("link[rel=stylesheet]").evaluate("l => l.sheet !== null")
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Charter" in font, "the theme's stylesheet applies"
    assert page.locator("h1").count() == 1


def test_entity_index_filter_is_labelled_and_works(open_page: Callable[..., Any]) -> None:
    """index.js: a labelled filter box narrows the list and says how many are shown."""
    page = open_page("entities/")
    box = page.get_by_label("Filter")
    assert box.count() == 1
    total = page.locator("#entity-index li[data-name]").count()
    box.fill("kerry")
    visible = page.locator("#entity-index li[data-name]:visible")
    assert visible.all_inner_texts() and all("Kerry" in t for t in visible.all_inner_texts())
    status = page.locator("[role=status]").inner_text()
    assert status == f"{visible.count()} of {total} shown"
    people = page.locator("#entity-index section#person, #entity-index section:has(h2#person)")
    in_people = people.locator("li[data-name]").count()
    heading = f"({visible.count()} of {in_people})"
    assert page.locator("h2#person .count").inner_text() == heading  # all Kerrys are people
    assert page.locator('.kinds a[href="#person"] + .count').inner_text() == heading
    assert page.locator('.kinds a[href="#org"]').is_hidden(), "a kind with none left"
    box.fill("")
    assert page.locator("#entity-index li[data-name]:visible").count() == total
    assert page.locator("h2#person .count").inner_text() == f"({in_people})"


def test_a_keyboard_skips_the_text_and_its_linked_names_to_the_sources(
    open_page: Callable[..., Any],
) -> None:
    page = open_page(f"{ARTICLE}/")
    skip = page.get_by_role("link", name="Skip the text, to its sources")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.className") == "skip-past":
            break
    else:
        pytest.fail("no Tab stop skips the text")
    box = skip.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] >= 20, "shown when focused"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = "() => document.activeElement.closest('section.sources') !== null"
    assert page.evaluate(inside), "the next Tab stop is in the Sources box"


def test_every_highlight_is_a_link_reached_by_tab_with_a_focus_outline(
    open_page: Callable[..., Any],
) -> None:
    page = open_page(f"{ARTICLE}/")
    highlights = page.locator(".article-body .ent")
    total = highlights.count()
    assert total > 20
    assert page.locator(".article-body a.ent[href]:not([tabindex^='-'])").count() == total
    page.evaluate(
        "() => document.querySelectorAll('.article-body a.ent')"
        ".forEach((a, i) => a.setAttribute('data-test-i', i))"
    )

    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement.className")
    assert first == "skip", "the first Tab stop is the skip link"
    box = page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "a focused skip link is visible"

    reached: set[int] = set()
    unmarked: list[str] = []
    for _ in range(3 * total + 40):  # notes and their links are Tab stops too
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
              const e = document.activeElement, s = getComputedStyle(e);
              return {i: e.getAttribute('data-test-i'), text: e.textContent,
                      inBody: e.closest('.article-body') !== null,
                      outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                      focusVisible: e.matches(':focus-visible')};
            }"""
        )
        if not state["inBody"] and reached:
            break  # past the article body
        if state["i"] is None:
            continue  # the header's links, or another link in the text
        reached.add(int(state["i"]))
        if not (state["focusVisible"] and state["outline"] != "none" and state["width"] >= 2):
            unmarked.append(f"{state['text']!r}: {state}")
    assert reached == set(range(total)), "every highlight is a Tab stop, in order"
    assert not unmarked, "highlights without a visible focus outline:\n" + "\n".join(unmarked)


def test_focus_outline_stands_out_from_the_highlight(open_page: Callable[..., Any]) -> None:
    page = open_page(f"{ARTICLE}/")
    for kind in ("person", "org", "gpe", "norp"):
        link = page.locator(f".article-body a.ent-{kind}").first
        link.focus()
        style, outline, background = link.evaluate(
            "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor,"
            " getComputedStyle(e).backgroundColor]"
        )
        assert style != "none", kind
        page_bg = parse_color(
            page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        )
        for behind in (page_bg, over(parse_color(background), page_bg)):
            ratio = contrast(parse_color(outline), behind)
            assert ratio >= MIN_FOCUS_CONTRAST, f"{kind}: outline {outline} on {behind}: {ratio}"


def test_skip_link_moves_focus_past_the_header(open_page: Callable[..., Any]) -> None:
    page = open_page(f"{ARTICLE}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside_main = page.evaluate("() => document.activeElement.closest('main') !== null")
    assert inside_main, "Tab after the skip link lands inside <main>"


def test_kinds_are_marked_other_than_by_colour(open_page: Callable[..., Any]) -> None:
    """Each kind has its own underline, on first mentions and, once the reader asks
    to mark every mention, on later ones too."""
    page = open_page(f"{ARTICLE}/")

    def style(selector: str) -> tuple[str, str]:
        return page.locator(selector).first.evaluate(
            "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).textDecorationStyle]"
        )

    later = page.locator(".article-body a.ent-light").first
    assert style(".article-body a.ent-light")[0] == "none", "later mentions read as plain text"
    later.hover()
    assert "underline" in style(".article-body a.ent-light"), "until hovered"
    page.get_by_role("button", name="Mark every mention").click()
    for variant in ("ent-strong", "ent-light"):
        found = {k: f".article-body a.ent-{k}.{variant}" for k in ("person", "org", "gpe")}
        found = {k: sel for k, sel in found.items() if page.locator(sel).count()}
        if variant == "ent-strong":
            assert len(found) == 3, "the sample has people, organisations and places"
        styles = {kind: style(sel) for kind, sel in found.items()}
        assert all("underline" in line for line, _ in styles.values()), styles
        if "person" in styles:
            assert all(styles["person"][1] != styles[k][1] for k in ("org", "gpe") if k in styles)
        if "org" in styles and "gpe" in styles:
            assert styles["org"][1] != styles["gpe"][1]
    # The legend shows each kind as it is marked in the text.
    for kind in ("person", "org", "gpe"):
        legend_style = style(f".legend .ent-{kind}")[1]
        assert legend_style == style(f".article-body a.ent-{kind}")[1], kind


def test_entity_card_follows_keyboard_focus(open_page: Callable[..., Any]) -> None:
    """cards.js: focusing a highlight shows its card, beside it, and Escape hides it."""
    page = open_page(f"{ARTICLE}/")
    card = page.locator("#ent-card")
    assert card.count() == 1 and card.is_hidden()
    page.keyboard.press("Tab")  # the skip link
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('.article-body a.ent')"):
            break
    link = page.locator(":focus")
    assert card.is_visible()
    assert link.get_attribute("aria-describedby") == "ent-card"
    assert card.get_attribute("role") == "tooltip"
    assert link.get_attribute("data-entity") is not None
    link_box, card_box = link.bounding_box(), card.bounding_box()
    assert link_box is not None and card_box is not None
    overlaps = not (
        card_box["y"] >= link_box["y"] + link_box["height"]
        or card_box["y"] + card_box["height"] <= link_box["y"]
        or card_box["x"] >= link_box["x"] + link_box["width"]
        or card_box["x"] + card_box["width"] <= link_box["x"]
    )
    assert not overlaps, "the card does not cover the highlight that has focus"
    assert card.locator("a").get_attribute("tabindex") == "-1", "the card adds no Tab stop"
    page.keyboard.press("Escape")
    assert card.is_hidden()
    assert link.get_attribute("aria-describedby") is None
    assert page.evaluate("() => document.activeElement.matches('a.ent')"), "focus stays put"


def test_entity_page_shows_the_name_and_marked_passages(open_page: Callable[..., Any]) -> None:
    page = open_page(f"{ENTITY}/")
    assert page.locator("h1").inner_text() == "John Kerry"
    marks = page.locator("mark")
    assert marks.count() >= 1
    assert all("Kerry" in text for text in marks.all_inner_texts())
    page.get_by_role("link", name=ARTICLE_TITLE, exact=True).click()  # (not "note 3 of …")
    page.wait_for_url(f"**/{PREFIX}/{ARTICLE}/")


@pytest.mark.parametrize("width", [1400, 390])
def test_a_date_is_never_broken_across_lines(open_page: Callable[..., Any], width: int) -> None:
    """In a byline that wraps (a quote's, on the entity page), "21 September 2015" stays
    whole on one line."""
    page = open_page(f"{ENTITY}/", viewport={"width": width, "height": 900})
    dates = page.locator(".byline time")
    assert dates.count() >= 2
    lines = dates.evaluate_all("els => els.map(e => e.getClientRects().length)")
    assert lines == [1] * dates.count()


def test_pages_work_without_javascript(open_page: Callable[..., Any]) -> None:
    page = open_page("", java_script_enabled=False)
    page.get_by_role("link", name=ARTICLE_TITLE).click()
    page.wait_for_url(f"**/{PREFIX}/{ARTICLE}/")
    assert ARTICLE_TEXT in page.locator(".article-body").inner_text()
    assert page.locator(".article-body a.ent").count() > 20
    text = page.locator("body").inner_text()
    assert '"kind":' not in text, "the cards' JSON data is not shown as text"
    page.locator(".article-body a.ent-person", has_text="John Kerry").first.click()
    page.wait_for_url(f"**/{PREFIX}/{ENTITY}/")
    assert page.locator("h1").inner_text() == "John Kerry"
    assert page.locator("mark").count() >= 1


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_search_box_placeholder_is_legible(open_page: Callable[..., Any], scheme: str) -> None:
    page = open_page("search/", color_scheme=scheme)
    box = page.locator(".pagefind-ui__search-input")
    box.wait_for()
    found = box.evaluate(
        """e => { const p = getComputedStyle(e, '::placeholder'), s = getComputedStyle(e);
                  return {color: p.color, opacity: p.opacity, bg: s.backgroundColor}; }"""
    )
    background = over(parse_color(found["bg"]), parse_color(text_background(page)))
    r, g, b, a = parse_color(found["color"])
    text = over((r, g, b, a * float(found["opacity"])), background)
    assert contrast(text, background) >= MIN_TEXT_CONTRAST, found


def text_background(page: Any) -> str:
    return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast(open_page: Callable[..., Any], scheme: str) -> None:
    page = open_page(f"{ARTICLE}/", color_scheme=scheme)
    checks = ["body", ".article-body p", ".byline", ".legend", ".site-footer p", "nav a"]
    highlights = [
        selector
        for kind, _, _ in LABELS.values()
        for selector in (
            f".article-body a.ent-{kind}.ent-strong",
            f".article-body a.ent-{kind}.ent-light",
            f".legend .ent-{kind}",
        )
        if page.locator(selector).count()
    ]
    assert len(highlights) >= 6, highlights
    ratios = {sel: text_contrast(page, sel) for sel in checks + highlights}
    page.locator(".article-body a.ent").first.focus()  # shows its card (cards.js)
    for part in (".ent-card-kind", ".ent-card-name", ".ent-card-count", ".ent-card-link"):
        ratios[part] = text_contrast(page, part)
    entity = open_page(f"{ENTITY}/", color_scheme=scheme)
    ratios |= {f"entity {sel}": text_contrast(entity, sel) for sel in ("mark", ".kind-label a")}
    low = {sel: round(ratio, 2) for sel, ratio in ratios.items() if ratio < MIN_TEXT_CONTRAST}
    assert not low, f"text below {MIN_TEXT_CONTRAST}:1 ({scheme}): {low}"


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshots(open_page: Callable[..., Any], tmp_path: Path) -> None:
    """The entity page at 1200px, whole, down to the passages that mention him;
    SITEGEN_SCREENSHOTS=1 refreshes the README's (test_theme.py makes the article's)."""
    refresh = os.environ.get("SITEGEN_SCREENSHOTS") == "1"
    folder = ROOT / "docs" / "screenshots" if refresh else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    # What the README says it shows must be in the picture: the name and the passages.
    shows = {"entity.png": (f"{ENTITY}/", True, ["h1", ".passage mark"])}
    for name, (path, full_page, parts) in shows.items():
        page = open_page(path, color_scheme="light", device_scale_factor=1)
        page.screenshot(path=folder / name, full_page=full_page, animations="disabled")
        width, height = _png_size(folder / name)
        assert width == SCREENSHOT_WIDTH
        for selector in parts:
            box = page.locator(selector).first.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
                name,
                selector,
                box,
            )
    assert "John Kerry" in page.locator("h1").inner_text()


def test_entity_card_opens_on_hover_with_what_the_reader_needs(
    open_page: Callable[..., Any],
) -> None:
    page = open_page(f"{ARTICLE}/")
    card = page.locator("#ent-card")
    kerry = page.locator('.article-body a.ent[data-entity="person/john-kerry"]').first
    before = page.evaluate("() => document.documentElement.scrollHeight")
    kerry.hover()
    card.wait_for(state="visible")
    text = card.inner_text()
    assert "John Kerry" in text and "PERSON" in text.upper()
    assert "US Secretary of State" in text  # the curated description
    # the one article of the sample names him: said of him, not of "it"
    assert card.locator(".ent-card-count").inner_text() == "Named in no other article."
    more = card.locator("a")
    assert more.get_attribute("href") == kerry.get_attribute("href")
    assert page.evaluate("() => document.documentElement.scrollHeight") == before, "no shift"
    page.keyboard.press("Escape")
    assert card.is_hidden()
    page.mouse.move(0, 0)
    kerry.hover()
    card.wait_for(state="visible")
    page.mouse.move(5, 5)  # leaving the highlight closes the card
    card.wait_for(state="hidden")


def test_first_tap_opens_the_card_and_second_follows_the_link(
    open_page: Callable[..., Any],
) -> None:
    page = open_page(
        f"{ARTICLE}/", has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800}
    )
    kerry = page.locator('.article-body a.ent[data-entity="person/john-kerry"]').first
    kerry.scroll_into_view_if_needed()
    kerry.tap()
    page.locator("#ent-card").wait_for(state="visible")
    assert page.url.endswith(f"{ARTICLE}/")
    kerry.tap()
    page.wait_for_url("**/entities/person/john-kerry/")


def _boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_notes_sit_in_the_margin_on_wide_screens(open_page: Callable[..., Any]) -> None:
    page = open_page(f"{ARTICLE}/", viewport={"width": 1400, "height": 900})
    notes = page.locator(".article-body .sidenote")
    assert notes.count() >= 10
    body = page.locator(".article-body p").first.bounding_box()
    assert body is not None
    boxes = [notes.nth(i).bounding_box() for i in range(notes.count())]
    for box in boxes:
        assert box is not None and box["x"] >= body["x"] + body["width"], "beside the text"
    for one, two in itertools.pairwise(boxes):
        assert one is not None and two is not None and not _boxes_overlap(one, two)
    marker = page.locator("#noteref-1")
    assert marker.get_attribute("role") == "doc-noteref"
    assert page.locator("#note-1").get_attribute("role") == "doc-footnote"


def test_notes_open_in_place_on_narrow_screens_without_javascript(
    open_page: Callable[..., Any],
) -> None:
    page = open_page(
        f"{ARTICLE}/", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    note = page.locator("#note-3")
    assert note.is_hidden()
    page.locator("#noteref-3").focus()
    page.keyboard.press("Enter")  # keyboard reachable: the marker is a link
    note.wait_for(state="visible")
    assert "John Kerry" in note.inner_text()
    box, text = note.bounding_box(), page.locator(".article-body").bounding_box()
    assert box is not None and text is not None and box["x"] >= text["x"] - 1
    assert box["x"] + box["width"] <= 390


def test_notes_print_as_footnotes(open_page: Callable[..., Any]) -> None:
    page = open_page(f"{ARTICLE}/")
    page.emulate_media(media="print")
    assert page.locator(".article-body .sidenote").first.is_hidden()
    printed = page.locator(".print-notes")
    assert printed.is_visible()
    assert printed.locator("li").count() == page.locator(".article-body .sidenote").count()


def test_note_screenshots(open_page: Callable[..., Any], tmp_path: Path) -> None:
    """Source notes at desktop and phone widths; SITEGEN_SCREENSHOTS=1 refreshes the README's."""
    refresh = os.environ.get("SITEGEN_SCREENSHOTS") == "1"
    folder = ROOT / "docs" / "screenshots" if refresh else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    desktop = open_page(
        f"{ARTICLE}/", viewport={"width": 1400, "height": 900}, color_scheme="light"
    )
    desktop.locator("#noteref-3").scroll_into_view_if_needed()
    desktop.evaluate("() => window.scrollBy(0, -300)")
    desktop.screenshot(path=folder / "notes-desktop.png", animations="disabled")
    # The picture shows a note in the margin beside its marker, both on screen.
    marker, note = desktop.locator("#noteref-3"), desktop.locator("#note-3")
    _on_screen(marker, 1400, 900)
    _on_screen(note, 1400, 900)
    text = desktop.locator(".article-body p").first.bounding_box()
    assert text is not None and _box(note)["x"] >= text["x"] + text["width"], "in the margin"
    phone = open_page(
        f"{ARTICLE}/",
        viewport={"width": 390, "height": 844},
        color_scheme="light",
        is_mobile=True,
        has_touch=True,
    )
    phone.locator("#noteref-5").click()
    phone.locator("#note-5").wait_for(state="visible")
    phone.evaluate("() => window.scrollBy(0, -360)")
    phone.screenshot(path=folder / "notes-phone.png", animations="disabled")
    assert _png_size(folder / "notes-desktop.png") == (1400, 900)
    assert _png_size(folder / "notes-phone.png") == (390, 844)
    # The picture shows the opened note on screen, under its marker.
    _on_screen(phone.locator("#noteref-5"), 390, 844)
    _on_screen(phone.locator("#note-5"), 390, 844)
    assert _box(phone.locator("#note-5"))["y"] >= _box(phone.locator("#noteref-5"))["y"]


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return dict(box)


def _on_screen(locator: Any, width: int, height: int) -> None:
    """The element lies wholly inside the viewport (what a screenshot of it captures)."""
    box = _box(locator)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
