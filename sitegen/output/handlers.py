"""The live preview's HTTP side: what ``sitegen serve`` sends for each request.

The site under its path prefix, straight from the output folder and never a
dotfile or anything through a link out of it, with the preview's scripts added
to each page as it is sent (never written into the output); the preview's own
script and its socket, which tells each open page how the last build went; and
python-livereload's protocol and client. ``serve.py`` runs them.
"""

from __future__ import annotations

import json
import mimetypes
import re
from html import escape
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import TYPE_CHECKING

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web, websocket

if TYPE_CHECKING:
    from .serve import Preview

PREVIEW_JS = Path(__file__).with_name("preview.js")
#: What the preview adds to each HTML page it sends.
SNIPPET = (
    '<script src="/_sitegen/preview.js" data-generation="{generation}" defer></script>'
    '<script src="/livereload.js?port={port}" defer></script>'
)


def resolve(out_dir: Path, request_path: str) -> Path | None:
    """The file to send for ``request_path`` (below the prefix), or None: never a
    dotfile, never anything outside ``out_dir`` (links out included)."""
    pure = PurePosixPath("/" + request_path)
    if any(part.startswith(".") or "\\" in part for part in pure.parts[1:]):
        return None
    root = out_dir.resolve()
    candidate = root.joinpath(*pure.parts[1:])
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if root not in real.parents or not real.is_file():
        return None
    return real


def inject(html: bytes, port: int, generation: int = 0) -> bytes:
    """``html`` with the preview's scripts before ``</head>`` (or at the end)."""
    snippet = SNIPPET.format(port=port, generation=generation).encode()
    at = html.lower().find(b"</head>")
    return html[:at] + snippet + html[at:] if at >= 0 else html + snippet


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return (
        f"{kind}; charset=utf-8"
        if kind.startswith("text/") or kind.endswith(("javascript", "json", "xml"))
        else kind
    )


class _Handler(web.RequestHandler):
    preview: Preview

    def initialize(self, preview: Preview) -> None:
        self.preview = preview


class _Events(websocket.WebSocketHandler):
    """Tells each open page the state of the build (ok, or the error to show)."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def open(self, *args: str, **kwargs: str) -> None:
        self.preview.sockets.add(self)
        page, sent = self.get_argument("page", ""), self.get_argument("generation", "")
        if sent.isdigit() and self.preview.stale(page, int(sent)):
            self.write_message(json.dumps({"reload": "*"}))
        self.write_message(self.preview.state.message())

    def on_close(self) -> None:
        self.preview.sockets.discard(self)


class _Script(_Handler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.write(PREVIEW_JS.read_bytes())


class _Site(_Handler):
    """The output folder under the site's path prefix, the preview script in each page."""

    def get(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")
        out_dir, prefix = self.preview.options.out_dir, self.preview.prefix
        folder = out_dir / path
        if path and not path.endswith("/") and resolve(out_dir, path + "/") and folder.is_dir():
            self.redirect(prefix + path + "/")
            return
        found = resolve(out_dir, path)
        if found is None:
            self.set_status(404)
            found = resolve(out_dir, "404.html")
            if found is None:  # not built yet: a page that shows why, and reloads once it is
                self.write(inject(_not_built(prefix), self.preview.port, self.preview.generation))
                return
        self.set_header("Content-Type", content_type(found))
        body = found.read_bytes()
        html = found.suffix == ".html"
        generation = self.preview.generation
        self.write(inject(body, self.preview.port, generation) if html else body)


def _not_built(prefix: str) -> bytes:
    """The page for a path the output folder lacks when it has no 404 page either (no
    build has succeeded): the preview shows the build's errors over it."""
    text = escape(f"No build has succeeded yet: the site is served at {prefix} once one does.")
    head = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Not built</title>'
    body = f"<main data-sitegen-unbuilt><h1>Not built yet</h1><p>{text}</p></main>"
    return f"{head}</head>\n<body>{body}</body></html>\n".encode()


class _Outside(_Handler):
    """Anything outside the prefix: ``/`` leads to the site, the rest is not found."""

    def get(self) -> None:
        if self.request.path in ("/", self.preview.prefix.rstrip("/")):  # (/repo: /repo/)
            self.redirect(self.preview.prefix)
            return
        self.set_status(404)
        self.write(f"Not found: the site is served at {self.preview.prefix}")


def application(preview: Preview) -> web.Application:
    """The Tornado application: the site under its prefix, and the preview's own paths."""
    LiveReloadHandler.watcher = SimpleNamespace(filepath=None)  # its log line reads it
    LiveReloadHandler.live_css = True
    mine = {"preview": preview}
    return web.Application(
        [
            (r"/livereload", LiveReloadHandler),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/_sitegen/events", _Events, mine),
            (r"/_sitegen/preview\.js", _Script, mine),
            (re.escape(preview.prefix) + r"(.*)", _Site, mine),
            (r"/.*", _Outside, mine),
        ],
        log_function=lambda handler: None,  # the terminal shows builds, not requests
    )
