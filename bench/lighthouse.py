"""Measure: Lighthouse scores of a built site's article page (mobile, the default).

Serves the build on loopback with gzip, as GitHub Pages does, and runs the
Lighthouse CLI (npm ``lighthouse``; Lighthouse 13 wants Node 22, so 12.2.3 on
Node 20) against Debian's Chromium. Prints each category's score out of 100
and the audits that lost points. A measurement to record in the README, not a
test: scores move a point or two from run to run on a busy machine.

    make lighthouse     # installs it into .lighthouse/ once, builds, measures
    python bench/lighthouse.py [--build build] [--page us-russia-syria-talks/] [--runs 3]
                               [--no-gzip]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _GzipHandler(_QuietHandler):
    """A static file server that gzips text, like GitHub Pages."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()  # also the redirect of a folder to its URL with "/"
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_: Any) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def lighthouse_command() -> list[str]:
    local = ROOT / ".lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return [str(local)]
    found = shutil.which("lighthouse")
    if found:
        return [found]
    sys.exit("lighthouse not found: npm install --prefix .lighthouse lighthouse@12.2.3")


def run_once(url: str, report: Path) -> dict[str, Any]:
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    command = [
        *lighthouse_command(),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report}",
    ]
    subprocess.run(command, env=env, check=True, timeout=300)
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return result


def lost_points(result: dict[str, Any]) -> list[str]:
    """The audits of each category that scored below 1, with what they measured."""
    out = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue", "")
                out.append(f"  {name}: {ref['id']} {audit['score']:.2f} {shown}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--page", default="us-russia-syria-talks/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-gzip", action="store_true", help="serve files uncompressed")
    args = parser.parse_args()
    serve = _QuietHandler if args.no_gzip else _GzipHandler
    handler = functools.partial(serve, directory=str(args.build))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{args.page}"
    scores: dict[str, list[int]] = {name: [] for name in CATEGORIES}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                result = run_once(url, Path(tmp) / f"run{run}.json")
                for name in CATEGORIES:
                    scores[name].append(round(result["categories"][name]["score"] * 100))
                print(f"run {run + 1}: " + ", ".join(f"{n} {s[-1]}" for n, s in scores.items()))
                print("\n".join(lost_points(result)))
    finally:
        server.shutdown()
    print("median: " + ", ".join(f"{n} {statistics.median(s):g}" for n, s in scores.items()))


if __name__ == "__main__":
    main()
