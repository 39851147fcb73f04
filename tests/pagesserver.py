"""Test helper: a loopback server that answers like GitHub Pages.

A folder ``served/`` holds the site at ``served/<prefix>/``; the server serves it
at ``http://127.0.0.1:<port>/<prefix>/``. As on GitHub Pages, a folder is served
by its ``index.html`` (a folder without its trailing slash redirects to it) and a
missing path gets the site's ``404.html`` with status 404, whatever its depth.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}


def _handler(root: Path, prefix: str) -> type[BaseHTTPRequestHandler]:
    site = root / prefix if prefix else root

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            target = (root / path.lstrip("/")).resolve()
            if site.resolve() not in (target, *target.parents):
                return self._send(404, site / "404.html")
            if target.is_dir() and not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return None
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                return self._send(404, site / "404.html")
            return self._send(200, target)

        def _send(self, status: int, file: Path) -> None:
            body = file.read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", TYPES.get(file.suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@contextmanager
def serve(root: Path, prefix: str) -> Iterator[str]:
    """Serve ``root`` (the site in ``root/prefix``); yields the site's URL, ending in ``/``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(root, prefix))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        path = f"/{prefix}/" if prefix else "/"
        yield f"http://127.0.0.1:{server.server_address[1]}{path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
