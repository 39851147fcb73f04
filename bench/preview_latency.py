"""Benchmark: from a saved file to the new text in the browser, sitegen serve vs hugo server.

Starts ``sitegen serve`` on a generated site (its cache warmed by a first build),
opens an article in headless Chromium, edits one paragraph of it ``--edits``
times and measures each time from the file write to the new text in the page's
DOM; then the same with ``hugo server`` on the same Markdown, in the same run.
Prints median and worst.

    python bench/preview_latency.py [--articles 1000] [--edits 20]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from incremental import hugo_binary, hugo_site
from sites import as_a_user_runs_it, make_site

CHROMIUM = "/usr/bin/chromium"


@contextmanager
def running(command: list[str], cwd: Path, ready: str) -> Iterator[Iterator[str]]:
    """Run a server until the block ends; yields its output lines matching ``ready``
    (an iterator: the first one when the server has started)."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    lines = (line for line in process.stdout if re.search(ready, line))
    try:
        yield lines
    finally:
        process.terminate()
        process.wait(60)
        process.stdout.close()


def measure(page: Any, url: str, path: Path, edits: int) -> list[float]:
    """Seconds from each write of ``path`` to its new words in the open page."""
    page.goto(url)
    time.sleep(1.5)  # the page's live-reload socket connects (a write before it is missed)
    text = path.read_text(encoding="utf-8")
    paragraph = text.split("\n\n")[3]
    times = []
    for number in range(edits):
        marker = f"edit-{number}-{time.monotonic_ns()}"
        start = time.perf_counter()
        path.write_text(text.replace(paragraph, f"{paragraph} {marker}", 1), encoding="utf-8")
        page.wait_for_function(
            "m => document.body && document.body.innerText.includes(m)",
            arg=marker,
            timeout=60_000,
            polling=5,
        )
        times.append(time.perf_counter() - start)
        time.sleep(1.0)  # the reloaded page connects again
    path.write_text(text, encoding="utf-8")
    return times


def latency(site: Path, edits: int, root: Path) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    article = sorted((site / "content").glob("*.md"))[10]
    hugo_dir = hugo_site(site, root)
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        serve = [sys.executable, "-m", "sitegen", "serve", "--site", str(site), "--port", "0"]
        with running(serve, site, r"^Serving|^Ready") as lines:
            url = next(lines).split(" at ", 1)[1].split(" ", 1)[0]
            next(lines)  # ready for edits: the site's indexes made, the model loaded
            results["sitegen serve"] = measure(page, url + article.stem + "/", article, edits)
        hugo = [hugo_binary(), "server", "--port", "1414", "--bind", "127.0.0.1"]
        with running(hugo, hugo_dir, r"Web Server is available") as lines:
            next(lines)
            post = hugo_dir / "content" / "posts" / article.name
            results["hugo server"] = measure(
                page, f"http://127.0.0.1:1414/posts/{article.stem}/", post, edits
            )
        browser.close()
    return results


def report(results: dict[str, list[float]]) -> list[tuple[str, str, str]]:
    rows = []
    for name, times in results.items():
        median, worst = statistics.median(times), max(times)
        rows.append(
            (
                f"{name}: file write to new text in Chromium's DOM ({len(times)} edits)",
                f"median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms",
                "",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    as_a_user_runs_it()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = make_site(root / "site", args.articles)
        subprocess.run(
            [sys.executable, "-m", "sitegen", "build", "--site", str(site), "-q"], check=True
        )
        for row in report(latency(site, args.edits, root)):
            print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
