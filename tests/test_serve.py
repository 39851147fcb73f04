"""The live preview, end to end: ``sitegen serve`` in its own process, pages open
in headless Chromium, files edited on disk as an author's editor would."""

from __future__ import annotations

import asyncio
import http.client
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER_WAIT_MS, ROOT, make_fake_annotator
from test_golden import tree
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from sitegen.output.handlers import application, inject, resolve
from sitegen.output.serve import Options, Preview, page_url, reloads
from sitegen.pipeline import Pipeline

ARTICLE = "content/us-russia-syria-talks.md"
PHRASE = "initiated high level talks last week"


class Server:
    """``sitegen serve`` running on a free port, its output read line by line."""

    def __init__(self, site: Path, *args: str, built: str = "Built") -> None:
        command = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
        self.process = subprocess.Popen(
            [*command, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        try:
            first = self.wait_for("Serving ")
            self.url = first.split(" at ", 1)[1].split(" ", 1)[0]
            self.wait_for(built)
            if built == "Built":
                self.wait_for("Ready")
        except BaseException:  # not the server expected: none left running
            self.process.kill()
            self.process.wait()
            raise  # warmed up: the first save is as quick as the next

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, start: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.log.append(line)
            if line.startswith(start):
                return line
        raise AssertionError(f"no line starting {start!r}; output: {self.log}")

    def stop(self) -> int:
        self.process.send_signal(2)  # Ctrl-C
        try:
            return self.process.wait(60)
        finally:
            self.process.kill()
            self.process.wait()
            while not self.lines.empty():
                self.log.append(self.lines.get())
            print("sitegen serve said:", *self.log, sep="\n  ")  # shown when a test fails
            if self.process.stdout is not None:
                self.process.stdout.close()


@pytest.fixture
def served(sample_site: Path, real_nlp: object, chromium: Path) -> Iterator[tuple[Path, Server]]:
    static = sample_site / "static"
    static.mkdir()
    shutil.copy(ROOT / "templates" / "static" / "style.css", static / "style.css")
    server = Server(sample_site)
    try:
        yield sample_site, server
    finally:
        assert server.stop() == 0, server.log


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.set_default_timeout(BROWSER_WAIT_MS)
    yield page
    page.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def wait_text(page: Any, text: str, present: bool = True) -> None:
    check = (
        "t => document.body.innerText.includes(t)"
        if present
        else ("t => !document.body.innerText.includes(t)")
    )
    page.wait_for_function(check, arg=text, timeout=BROWSER_WAIT_MS)


@pytest.mark.model
@pytest.mark.browser
def test_a_save_shows_in_the_open_page_and_a_second_quick_save_too(
    served: tuple[Path, Server], page: Any
) -> None:
    site, server = served
    page.goto(server.url + "us-russia-syria-talks/")
    wait_text(page, PHRASE)
    page.evaluate("window.scrollTo(0, 1200)")
    page.evaluate("window.__before = true")
    edit(site / ARTICLE, PHRASE, "initiated FIRST level talks last week")
    wait_text(page, "FIRST level talks")
    assert page.evaluate("window.__before") is True  # the new text put in place, no reload
    assert abs(page.evaluate("window.scrollY") - 1200) < 50  # at the same place
    edit(site / ARTICLE, "FIRST level", "SECOND level")
    time.sleep(0.3)
    edit(site / ARTICLE, "SECOND level", "THIRD level")
    wait_text(page, "THIRD level talks")
    time.sleep(1)
    assert "THIRD level talks" in page.inner_text("body")


@pytest.mark.model
@pytest.mark.browser
def test_a_save_updates_the_pages_it_changed_and_leaves_the_others_alone(
    served: tuple[Path, Server], browser: Any
) -> None:
    site, server = served
    edited, other = browser.new_page(), browser.new_page()
    try:
        edited.goto(server.url + "us-russia-syria-talks/")
        other.goto(server.url + "search/")  # shows nothing an article edit changes
        for page in (edited, other):
            page.wait_for_function("() => document.readyState === 'complete'")
            page.evaluate("window.__before = true")
        edit(site / ARTICLE, PHRASE, "initiated UNTOUCHED level talks last week")
        wait_text(edited, "UNTOUCHED level talks")
        server.wait_for("Built")
        time.sleep(0.5)
        assert other.evaluate("window.__before") is True
        # A new name: the page's entity cards change too, put in place without a
        # reload, and the card of the new name works.
        edit(site / ARTICLE, "UNTOUCHED level", "Angela Merkel level")
        wait_text(edited, "Angela Merkel level")
        assert edited.evaluate("window.__before") is True
        edited.locator("main a.ent", has_text="Angela Merkel").first.hover()
        card = edited.locator("#ent-card")
        card.wait_for(state="visible", timeout=BROWSER_WAIT_MS)
        assert "Angela Merkel" in card.inner_text()
    finally:
        edited.close()
        other.close()


@pytest.mark.model
@pytest.mark.browser
def test_a_build_error_shows_over_the_page_until_fixed(
    served: tuple[Path, Server], page: Any
) -> None:
    site, server = served
    page.goto(server.url + "us-russia-syria-talks/")
    original = (site / ARTICLE).read_text(encoding="utf-8")
    (site / ARTICLE).write_text("---\ntitle: [unclosed\n---\n" + original, encoding="utf-8")
    overlay = page.locator("#sitegen-preview[role=alert]")
    overlay.wait_for(timeout=BROWSER_WAIT_MS)
    assert f"{ARTICLE}:2: front matter" in overlay.inner_text()
    assert PHRASE in page.inner_text("main")  # still the last good build
    page.emulate_media(media="print")
    assert not overlay.is_visible(), "a printed page leaves the preview's box out"
    page.emulate_media(media="screen")
    (site / ARTICLE).write_text(original.replace(PHRASE, "FIXED talks"), encoding="utf-8")
    wait_text(page, "FIXED talks")
    assert page.locator("#sitegen-preview[role=alert]").count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1400])
def test_the_box_of_warnings_fits_the_screen_and_leaves_the_notes_be(
    served: tuple[Path, Server], page: Any, width: int
) -> None:
    """On a 390 px wide screen the preview's warnings stay on the screen, long paths
    wrapped, none of it off its left edge; on a wide one, the box covers no source
    note in the margin."""
    site, server = served
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(server.url + "us-russia-syria-talks/")
    undated = "an-undated-article-whose-file-name-is-longer-than-a-phone-screen-is-wide"
    (site / "content" / f"{undated}.md").write_text("---\ntitle: U\n---\nKerry spoke.\n")
    # The warnings opened and measured at once (each message of a build draws the box anew).
    measured = page.wait_for_function(
        """name => {
          const box = document.getElementById('sitegen-preview');
          const details = box && box.querySelector('details');
          if (!details) return null;
          details.open = true;
          if (!box.innerText.includes(name)) return null;
          const r = box.getBoundingClientRect();
          const covered = [...document.querySelectorAll('.sidenote')].filter(note => {
            const n = note.getBoundingClientRect();
            return n.width && n.left < r.right && r.left < n.right && n.top < r.bottom
              && r.top < n.bottom;
          });
          return [r.left, r.right, box.scrollWidth - box.clientWidth, covered.length];
        }""",
        arg=undated,
    )
    left, right, overflow, covered = measured.json_value()
    assert left >= 0 and right <= width and overflow <= 0, (left, right, overflow)
    assert covered == 0, "the box covers a margin note"


def test_the_preview_says_a_build_error_on_stderr_and_the_rest_on_stdout(
    make_site: Any,
) -> None:
    """As ``sitegen build`` does: ``sitegen serve 2>errors.log`` keeps the errors."""
    site = make_site({"content/a.md": "---\ntitle: [a, b]\n---\nBody.\n"})
    command = [sys.executable, "-m", "sitegen", "serve", "--port", "0"]
    pipes = subprocess.PIPE
    process = subprocess.Popen(command, stdout=pipes, stderr=pipes, text=True, cwd=site)
    try:
        assert process.stdout is not None
        said = []
        for line in process.stdout:
            said.append(line)
            if line.startswith("Build failed"):
                break
        process.send_signal(2)  # Ctrl-C
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert said[-1] == "Build failed: nothing to serve yet.\n", said
    assert err == "error: content/a.md:2: front matter: title must be text, not list\n"
    assert "error" not in "".join(said) + out


@pytest.mark.model
@pytest.mark.browser
def test_a_first_build_that_fails_shows_its_error_and_the_site_once_fixed(
    sample_site: Path, real_nlp: object, page: Any
) -> None:
    article = sample_site / ARTICLE
    good = article.read_text(encoding="utf-8")
    article.write_text("---\ntitle: [a, b]\n---\n" + good, encoding="utf-8")
    server = Server(sample_site, built="Build failed: nothing to serve yet.")
    try:
        page.goto(server.url)
        alert = page.locator("#sitegen-preview[role=alert]")
        alert.wait_for(timeout=BROWSER_WAIT_MS)
        assert "front matter" in alert.inner_text()
        assert "Build failed: nothing is built yet." in alert.inner_text()
        article.write_text(good, encoding="utf-8")
        wait_text(page, "Syria")  # the home page, once built, without a reload by hand
        assert alert.count() == 0
    finally:
        assert server.stop() == 0, server.log


@pytest.mark.model
@pytest.mark.browser
def test_a_stylesheet_change_applies_without_a_reload(
    served: tuple[Path, Server], page: Any
) -> None:
    site, server = served
    connected = "addEventListener('LiveReloadConnect', () => { window.__connected = true; })"
    page.add_init_script(connected)  # (livereload.js swaps stylesheets once it listens)
    page.goto(server.url)
    page.wait_for_function("window.__connected === true", timeout=BROWSER_WAIT_MS)
    page.evaluate("window.__before = true")
    with (site / "static" / "style.css").open("a") as css:
        css.write("\nbody { outline: 7px solid rgb(1, 2, 3); }\n")
    page.wait_for_function(
        "getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'", timeout=BROWSER_WAIT_MS
    )
    assert page.evaluate("window.__before") is True


@pytest.mark.model
@pytest.mark.browser
def test_the_home_page_follows_articles_added_and_deleted(
    served: tuple[Path, Server], page: Any
) -> None:
    site, server = served
    page.goto(server.url)
    new = site / "content" / "added.md"
    new.write_text("---\ntitle: A brand new article\ndate: 2016-01-01\n---\nHello.\n")
    wait_text(page, "A brand new article")
    new.unlink()
    wait_text(page, "A brand new article", present=False)


@pytest.mark.model
@pytest.mark.browser
def test_only_the_output_folder_is_served_and_builds_never_hold_the_preview_script(
    served: tuple[Path, Server],
) -> None:
    site, server = served
    for path in (".sitegen-build", "..%2F..%2Fsitegen.toml", "static/..%2F..%2Fcontent"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + path)
        assert refused.value.code == 404
        refused.value.close()
    with urllib.request.urlopen(server.url) as response:
        html = response.read().decode()
    assert "/_sitegen/preview.js" in html
    for path, content in tree(site / "build").items():
        assert b"_sitegen" not in content and b"livereload" not in content, path


@pytest.mark.model
def test_an_article_dated_later_is_said_left_out_unless_future(
    make_site: Any, real_nlp: object
) -> None:
    """Re-dated while the preview runs, an article is said to be left out, once; with
    --future (and --now) the preview shows it, as the build does."""
    site = make_site({"content/a.md": "---\ntitle: A\ndate: 2015-09-21\n---\nHello.\n"})
    server = Server(site, "--now", "2015-09-22")
    try:
        edit(site / "content" / "a.md", "2015-09-21", "2099-01-01")
        said = server.wait_for("skipped ")
        assert said == (
            f"skipped {site}/content/a.md: dated 2099-01-01, after 2015-09-22 (--future builds it)"
        )
        assert server.wait_for("Built") and not (site / "build" / "a").exists()
        (site / "content" / "b.md").write_text("---\ntitle: B\ndate: 2015-09-21\n---\nHi.\n")
        server.wait_for("Built")  # another build, which leaves a.md out again: not said again
    finally:
        assert server.stop() == 0, server.log
    assert [line for line in server.log if line.startswith("skipped")] == [said]
    server = Server(site, "--now", "2015-09-22", "--future")
    try:
        assert (site / "build" / "a" / "index.html").is_file()
    finally:
        assert server.stop() == 0, server.log
    assert not any(line.startswith("skipped") for line in server.log)


def test_a_port_in_use_is_a_clear_message(make_site: Any) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\n---\nHello.\n"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"error: port {port} is in use on 127.0.0.1: choose another with --port "
        "(--port 0 picks a free one)\n"
    )


# The pieces, without a browser ------------------------------------------------------


def test_paths_outside_the_output_folder_are_never_resolved(tmp_path: Path) -> None:
    out = tmp_path / "build"
    (out / "a").mkdir(parents=True)
    (out / "a" / "index.html").write_text("a")
    (out / ".sitegen-build").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    (out / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert resolve(out, "a/") == (out / "a" / "index.html").resolve()
    assert resolve(out, "a/index.html") is not None
    for bad in (".sitegen-build", "../secret.txt", "a/../../secret.txt", "link.txt", "nope"):
        assert resolve(out, bad) is None, bad


def test_preview_helpers() -> None:
    assert inject(b"<html><head></head></html>", 5).startswith(b"<html><head><script")
    assert reloads(["static/style.css"]) == (["static/style.css"], [], False)
    assert reloads(["static/style.css", "a/index.html", "a/annotations.json"]) == (
        ["static/style.css"],
        ["a/index.html"],
        False,
    )
    assert reloads(["static/cards.js"]) == ([], [], True)
    assert reloads([]) == ([], [], False)
    assert page_url("/repo/", "a/index.html") == "/repo/a/"
    assert page_url("/", "404.html") == "/404.html"
    assert page_url("/my%20site/", "a/index.html") == "/my site/a/"  # as preview.js has it


def test_the_project_path_without_its_slash_leads_to_the_site(tmp_path: Path) -> None:
    """``/repo`` as ``/repo/``, as ``/`` does, and a stand-in page until a build succeeds."""
    preview = Preview(Options(tmp_path, tmp_path / "build"), lambda search, early: pytest.fail())
    preview.prefix = "/repo/"
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def run() -> None:
        server = HTTPServer(application(preview))
        server.add_sockets(sockets)
        await stop.wait()
        server.stop()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),))
    thread.start()
    try:
        answers, bodies = {}, {}
        for path in ("/", "/repo", "/repo/", "/elsewhere"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path)
            response = connection.getresponse()
            answers[path] = (response.status, response.getheader("Location"))
            bodies[path] = response.read().decode()
            connection.close()
        assert answers == {
            "/": (302, "/repo/"),
            "/repo": (302, "/repo/"),
            "/repo/": (404, None),
            "/elsewhere": (404, None),
        }
        assert "No build has succeeded yet: the site is served at /repo/ once" in bodies["/repo/"]
        assert bodies["/elsewhere"] == "Not found: the site is served at /repo/"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)
        loop.close()


def test_a_page_sent_before_its_file_changed_is_stale(tmp_path: Path) -> None:
    """A page that opens its socket after the reload it missed is told to reload;
    one whose file did not change is not."""
    preview = Preview(Options(tmp_path, tmp_path), lambda search, early: pytest.fail())
    application(preview)
    preview.prefix = "/repo/"
    sent = preview.generation
    preview.reload(["a/index.html", "a/annotations.json"])
    assert preview.stale("/repo/a/", sent) and not preview.stale("/repo/a/", preview.generation)
    assert not preview.stale("/repo/b/", sent)
    preview.reload(["static/style.css"])  # swapped in place: no page is stale
    assert not preview.stale("/repo/b/", sent)
    preview.reload(["static/cards.js"])  # every page runs it
    assert preview.stale("/repo/b/", sent)


def test_incremental_preview_builds_equal_full_builds(make_site: Any, tmp_path: Path) -> None:
    """The preview's rebuild path (one pipeline, search index kept between edits)
    gives the same pages as a fresh full build, edit after edit."""
    from test_incremental import SITE, _apply

    site = make_site(SITE)
    annotator = make_fake_annotator()
    pipeline = Pipeline(site, annotator=annotator)
    preview = Preview(
        Options(site, site / "build"),
        lambda search, early: pipeline.build(site / "build", search=search, early=early),
    )
    preview.run_build()
    edits = [
        ("edit", 1, "Kerry"),
        ("add", 2, "John Kerry"),
        ("curate", 0, "Moscow"),
        ("rename", 0, "Syria"),
        ("delete", 1, "Tabler"),
        ("uncurate", 0, ""),
    ]
    for number, change in enumerate(edits):
        _apply(site, change)
        preview.run_build()
        full = tmp_path / f"full{number}"
        Pipeline(site, annotator=annotator, use_cache=False).build(full)
        ours = {k: v for k, v in tree(site / "build").items() if not k.startswith("pagefind/")}
        theirs = {k: v for k, v in tree(full).items() if not k.startswith("pagefind/")}
        ours.pop(".sitegen-build"), theirs.pop(".sitegen-build")
        assert ours == theirs, edits[: number + 1]
