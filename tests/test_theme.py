"""The default theme as a reader meets it: the sample site in headless Chromium at a
desktop width (1280px) and a phone's (390px), light and dark, on screen and printed.

Layout (no sideways scrolling, notes never over the text, a phone's note opened
next to its marker, tap targets, line length, a title that fits a phone), contrast
with axe-core's color-contrast rule, annotation density the reader controls, and no
failed request on any page: the server records every request, the favicon's too.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER_WAIT_MS, CHROMIUM_ARGS
from sitebuild import ARTICLE, ENTITY, PREFIX, ROOT, sample_build
from test_browser import contrast, over, parse_color

pytestmark = [pytest.mark.browser, pytest.mark.model]

PAGES = ["", f"{ARTICLE}/", "entities/", f"{ENTITY}/", "sources/", "archive/"]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WIDTHS = {"1280": DESKTOP, "390": PHONE}
TAP_TARGET = 44  # px, WCAG 2.5.5 (AAA) and the platforms' guidelines


class _RecordingHandler(SimpleHTTPRequestHandler):
    """Serves the build and notes every request: (path, status)."""

    requests: list[tuple[str, int]]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.requests.append((self.path, int(code)))


@pytest.fixture(scope="module")
def server(real_nlp: object, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The sample site under ``/repo/``; ``server.requests`` lists (path, status)."""
    served = sample_build(tmp_path_factory).parent
    requests: list[tuple[str, int]] = []
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=served))
    httpd.requests = requests  # type: ignore[attr-defined]
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}/{PREFIX}/"  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def visit(browser: Any, server: Any) -> Iterator[Callable[..., Any]]:
    """``visit(path, **context_options)``: a fresh context's page at ``/repo/<path>``.

    When the test ends, no request may have failed (on the server's side, favicon
    included), no console error or script error may have happened, and nothing may
    have been asked of another host.
    """
    contexts: list[Any] = []
    problems: list[str] = []
    server.requests.clear()

    def route(route: Any) -> None:
        if route.request.url.startswith(server.base.split(f"/{PREFIX}/")[0]):
            route.continue_()
        else:
            problems.append(f"request outside loopback: {route.request.url}")
            route.abort()

    def open_(path: str = "", **options: Any) -> Any:
        context = browser.new_context(**({**DESKTOP, **options}))
        contexts.append(context)
        context.set_default_timeout(BROWSER_WAIT_MS)
        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        response = page.goto(server.base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        page.wait_for_load_state("networkidle")
        return page

    yield open_
    for context in contexts:
        context.close()
    problems += [f"{status} for {path}" for path, status in server.requests if status >= 400]
    assert not problems, "\n".join(problems)


# --- requests ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_no_failed_request_and_a_favicon(visit: Callable[..., Any], path: str) -> None:
    """Every page loads without a failed request (checked by ``visit``) and names its icon."""
    page = visit(path)
    icon = page.locator("link[rel=icon]")
    assert icon.count() == 1
    response = page.request.get(icon.evaluate("l => l.href"))
    assert response.ok and response.headers["content-type"] == "image/svg+xml"
    assert page.locator("meta[name=theme-color]").count() == 1


def test_the_browser_asks_for_a_favicon_and_finds_it(
    browser: Any, chromium: Any, server: Any
) -> None:
    """A browser asks for /favicon.ico unless the page names its icon; it asks once per
    session and not when requests are intercepted, so this is a fresh browser as is."""
    fresh = browser.browser_type.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
    try:
        server.requests.clear()
        page = fresh.new_page()
        page.goto(server.base + f"{ARTICLE}/")
        for _ in range(50):
            if any("favicon" in asked for asked, _ in server.requests):
                break
            page.wait_for_timeout(100)
    finally:
        fresh.close()
    icons = [(asked, status) for asked, status in server.requests if "favicon" in asked]
    assert icons == [(f"/{PREFIX}/static/favicon.svg", 200)], server.requests
    assert all(status < 400 for _, status in server.requests), server.requests


# --- layout -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scrolling(visit: Callable[..., Any], path: str, width: str) -> None:
    page = visit(path, **WIDTHS[width])
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{path} at {width}px scrolls sideways: {scroll} > {client}"


# Every line of text in <main> that a visible note's box covers (the note's own text aside).
_COVERED_TEXT_JS = """
() => {
  const notes = [...document.querySelectorAll('main .sidenote')]
    .filter(n => getComputedStyle(n).display !== 'none');
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  const lines = [];
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim() || t.parentElement.closest('.sidenote')) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    for (const r of range.getClientRects()) lines.push([r, t.textContent.trim().slice(0, 40)]);
  }
  const covered = [];
  for (const note of notes) {
    const b = note.getBoundingClientRect();
    for (const [r, text] of lines) {
      const apart = r.right <= b.left + 1 || r.left >= b.right - 1
        || r.bottom <= b.top + 1 || r.top >= b.bottom - 1;
      if (!apart) covered.push(note.id + ' covers "' + text + '"');
    }
  }
  return {notes: notes.length, covered};
}
"""


def test_notes_in_the_margin_cover_no_text_at_1280(visit: Callable[..., Any]) -> None:
    page = visit(f"{ARTICLE}/")
    found = page.evaluate(_COVERED_TEXT_JS)
    assert found["notes"] >= 10, "at 1280px every note sits in the margin"
    assert found["covered"] == []


def test_an_opened_note_on_a_phone_covers_no_text(visit: Callable[..., Any]) -> None:
    page = visit(f"{ARTICLE}/", **PHONE)
    assert page.evaluate(_COVERED_TEXT_JS)["notes"] == 0, "notes stay closed until asked for"
    for number in (1, 5, 10):
        page.locator(f"#noteref-{number}").tap()
        found = page.evaluate(_COVERED_TEXT_JS)
        assert found["notes"] == 1 and found["covered"] == [], number


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_note_opens_beside_its_marker_in_view(
    visit: Callable[..., Any], javascript: bool
) -> None:
    page = visit(f"{ARTICLE}/", **PHONE, java_script_enabled=javascript)
    height = PHONE["viewport"]["height"]  # type: ignore[index]
    for number in (1, 5, 9, 16):
        marker = page.locator(f"#noteref-{number}")
        marker.scroll_into_view_if_needed()
        marker.tap()
        note = page.locator(f"#note-{number}")
        note.wait_for(state="visible")
        page.wait_for_timeout(100)  # the jump to the note
        m, n = marker.bounding_box(), note.bounding_box()
        assert m is not None and n is not None
        assert m["y"] >= 0 and m["y"] + m["height"] <= height, f"marker {number} in view: {m}"
        assert 0 <= n["y"] - (m["y"] + m["height"]) <= 32, f"note {number} under its marker"
        assert n["y"] + min(n["height"], 100) <= height, f"note {number} starts in view"
        assert n["x"] >= 0 and n["x"] + n["width"] <= 390


def test_text_holds_60_to_75_characters_a_line(visit: Callable[..., Any]) -> None:
    page = visit(f"{ARTICLE}/")
    per_line = page.evaluate(
        """() => [...document.querySelectorAll('.article-body > p')].map(p => {
             const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
             let chars = 0;
             const lines = new Set();
             for (let t = walker.nextNode(); t; t = walker.nextNode()) {
               if (t.parentElement.closest('[data-note]')) continue;
               chars += t.textContent.length;
               const range = document.createRange();
               range.selectNodeContents(t);
               for (const r of range.getClientRects()) lines.add(Math.round(r.bottom / 4));
             }
             return [chars, lines.size];
           }).filter(([chars, lines]) => lines >= 4)
             .map(([chars, lines]) => chars / lines)"""
    )
    assert len(per_line) >= 5
    average = sum(per_line) / len(per_line)
    assert 60 <= average <= 75, f"{average:.1f} characters a line"


def test_phone_title_fits_and_the_text_starts_on_the_first_screen(
    visit: Callable[..., Any],
) -> None:
    page = visit(f"{ARTICLE}/", **PHONE)
    title = page.locator("h1")
    lines = title.evaluate(
        "h => h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight)"
    )
    assert round(lines) <= 4, f"the title takes {lines:.1f} lines"
    first = page.locator(".article-body p").first.bounding_box()
    assert first is not None and first["y"] < 844 * 0.6, f"the text starts at {first['y']}px"


# What a phone user taps, page by page (links inside sentences are exempt, per WCAG 2.5.8).
TAP_TARGETS = {
    "": ".site-header a, .article-list h2 a",
    f"{ARTICLE}/": ".site-header a, .marks-toggle, .note-ref a, .ledger-notes a, "
    ".ledger-source a, .mentioned-group a",
    "entities/": ".kinds a, .index-tools input, .index-tools button, .entity-list a",
    f"{ENTITY}/": ".kind-label a, .related a, .mentions h3 a, .quotes .byline a",
    "sources/": ".ledger-list a",
    "archive/": ".site-header a, .archive-list a",
}

# Which of the targets do not take every tap in the 44px square around their centre.
_SMALL_TARGETS_JS = """
([selector, size]) => {
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    el.scrollIntoView({block: 'center'});
    const r = el.getBoundingClientRect();
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2, h = size / 2 - 1;
    const points = [[cx, cy], [cx - h, cy - h], [cx + h, cy - h], [cx - h, cy + h],
                    [cx + h, cy + h]];
    for (const [x, y] of points) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(el === hit || el.contains(hit))) {
        const where = `${Math.round(x)},${Math.round(y)}`;
        const what = hit && hit.outerHTML.slice(0, 60);
        small.push(`${el.outerHTML.slice(0, 80)} at ${where}: ${what}`);
        break;
      }
    }
  }
  return small;
}
"""


@pytest.mark.parametrize("path", list(TAP_TARGETS))
def test_phone_tap_targets_are_44px(visit: Callable[..., Any], path: str) -> None:
    page = visit(path, **PHONE)
    assert page.locator(TAP_TARGETS[path]).count() >= 3
    small = page.evaluate(_SMALL_TARGETS_JS, [TAP_TARGETS[path], TAP_TARGET])
    assert small == [], "\n".join(small)


# --- contrast -----------------------------------------------------------------------------


def _axe(page: Any, rules: list[str] | None = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']}: {node['target']} {node['failureSummary']}"
        for v in results.response["violations"]
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_color_contrast(visit: Callable[..., Any], path: str, scheme: str) -> None:
    """axe-core's color-contrast rule over each page, in light and dark, and on an article
    with every mention marked and an entity card open."""
    page = visit(path, color_scheme=scheme)
    assert _axe(page, ["color-contrast"]) == []
    if path == f"{ARTICLE}/":
        page.get_by_role("button", name="Mark every mention").click()
        page.locator(".article-body a.ent").first.focus()
        page.locator("#ent-card").wait_for(state="visible")
        assert _axe(page, ["color-contrast"]) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing(visit: Callable[..., Any], path: str, width: str) -> None:
    """Every axe-core rule that runs by default (WCAG 2.2 A and AA, best practices)."""
    assert _axe(visit(path, **WIDTHS[width])) == []


# The colour of each highlight's underline and what it is drawn on.
_UNDERLINES_JS = """
(selector) => [...document.querySelectorAll(selector)].slice(0, 3).map(el => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    layers.push(bg);
    if (/^rgb\\(/.test(bg)) break;
  }
  return {line: getComputedStyle(el).textDecorationColor, layers};
})
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_underline_stands_out_3_to_1(visit: Callable[..., Any], scheme: str) -> None:
    """WCAG 1.4.11: the underline that tells an entity's kind, against what is behind it."""
    page = visit(f"{ARTICLE}/", color_scheme=scheme)
    page.get_by_role("button", name="Mark every mention").click()
    checked, low = 0, []
    for kind in ("person", "org", "gpe", "loc", "norp", "event"):
        for where in (".article-body a", ".legend span", ".mentioned a"):
            for found in page.evaluate(_UNDERLINES_JS, f"{where}.ent-{kind}"):
                background = (255.0, 255.0, 255.0, 1.0)
                for layer in reversed(found["layers"]):
                    background = over(parse_color(layer), background)
                ratio = contrast(parse_color(found["line"]), background)
                checked += 1
                if ratio < 3:
                    low.append(f"{where}.ent-{kind}: {found['line']} {ratio:.2f}")
    assert checked >= 30 and low == []


# --- annotation density --------------------------------------------------------------------


def _marked(page: Any) -> int:
    """How many of the article's highlights show an underline."""
    count: int = page.evaluate(
        "() => [...document.querySelectorAll('.article-body a.ent')]"
        ".filter(a => getComputedStyle(a).textDecorationLine.includes('underline')).length"
    )
    return count


def test_quiet_by_default_and_every_mention_marked_on_request_remembered_without_cookies(
    visit: Callable[..., Any], browser: Any
) -> None:
    page = visit(f"{ARTICLE}/")
    total = page.locator(".article-body a.ent").count()
    firsts = page.locator(".article-body a.ent-strong").count()
    assert _marked(page) == firsts < total / 2, "only first mentions are marked"
    button = page.get_by_role("button", name="Mark every mention")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert _marked(page) == total and button.get_attribute("aria-pressed") == "true"
    page.reload()
    assert _marked(page) == total, "the choice is remembered"
    assert page.get_by_role("button", name="Mark every mention").get_attribute("aria-pressed") == (
        "true"
    )
    assert page.context.cookies() == [], "remembered without cookies"
    page.get_by_role("button", name="Mark every mention").click()
    page.reload()
    assert _marked(page) == firsts, "and forgotten when turned off"


def test_without_javascript_the_quiet_default_reads_well(visit: Callable[..., Any]) -> None:
    page = visit(f"{ARTICLE}/", java_script_enabled=False)
    assert page.get_by_role("button").count() == 0, "no control that cannot work"
    assert _marked(page) == page.locator(".article-body a.ent-strong").count()
    legend = page.locator(".legend").inner_text()
    # every mention links (a later one is underlined on hover and focus): said so
    assert legend.startswith("Names link to their pages, the first mention of each marked:")
    assert legend.count("\n") == 0, "the legend is one sentence"


# --- print ---------------------------------------------------------------------------------


def test_print_has_footnotes_spelled_out_links_and_no_navigation(
    visit: Callable[..., Any],
) -> None:
    page = visit(f"{ARTICLE}/")
    page.emulate_media(media="print")
    for hidden in (".site-header nav", ".legend", ".mentioned", ".skip"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator(".print-notes li").count() == page.locator(".sidenote").count() >= 10
    assert page.locator(".sidenote").first.is_hidden()
    entity = visit(f"{ENTITY}/")
    entity.emulate_media(media="print")
    link = entity.locator("a[rel=external]")
    spelled = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert link.get_attribute("href") in spelled, spelled


# --- screenshots -----------------------------------------------------------------------------


def test_screenshots(visit: Callable[..., Any], tmp_path: Path) -> None:
    """The article at 1280px, on a phone, in dark mode and printed (A4 at 96 dpi: the
    sources and the footnotes). SITEGEN_SCREENSHOTS=1 refreshes the README's."""
    refresh = os.environ.get("SITEGEN_SCREENSHOTS") == "1"
    folder = ROOT / "docs" / "screenshots" if refresh else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shots = {
        "desktop.png": {**DESKTOP, "color_scheme": "light"},
        "phone.png": {**PHONE, "color_scheme": "light"},
        "dark.png": {**DESKTOP, "color_scheme": "dark"},
    }
    pages = {}
    for name, options in shots.items():
        pages[name] = visit(f"{ARTICLE}/", **options)
        pages[name].screenshot(path=folder / name, animations="disabled")
    # What the README says each shows must be in the picture.
    desktop = pages["desktop.png"]
    for selector in ("h1", ".article-body a.ent", ".article-body .sidenote"):
        _on_screen(desktop.locator(selector).first, 1280, 900)
    text = desktop.locator(".article-body p").first.bounding_box()
    note = desktop.locator(".article-body .sidenote").first.bounding_box()
    assert text and note and note["x"] >= text["x"] + text["width"], "the note is in the margin"
    _on_screen(pages["phone.png"].locator("h1"), 390, 844)
    _on_screen(pages["phone.png"].locator(".article-body p").first, 390, 844, whole=False)
    background = pages["dark.png"].evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert sum(map(int, re.findall(r"\d+", background)[:3])) < 3 * 64, background
    page = visit(f"{ARTICLE}/", viewport={"width": 794, "height": 1123}, color_scheme="light")
    page.emulate_media(media="print")
    page.add_style_tag(content="body { padding: 0 76px; }")  # the page's margins on paper
    top = page.locator(".sources").evaluate("e => e.getBoundingClientRect().top + scrollY")
    page.screenshot(
        path=folder / "print.png",
        full_page=True,
        clip={"x": 0, "y": top - 120, "width": 794, "height": 1123},
    )
    printed = page.locator(".print-notes li")
    assert printed.count() > 0 and printed.first.is_visible(), "notes printed as footnotes"
    sizes = {name: _png_size(folder / name) for name in [*shots, "print.png"]}
    assert sizes == {
        "desktop.png": (1280, 900),
        "phone.png": (390, 844),
        "dark.png": (1280, 900),
        "print.png": (794, 1123),
    }


def _on_screen(locator: Any, width: int, height: int, *, whole: bool = True) -> None:
    """The element lies in the viewport (wholly, or at least starts in it)."""
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    bottom = box["y"] + (box["height"] if whole else 1)
    assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] >= 0, box
    assert bottom <= height, box


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
