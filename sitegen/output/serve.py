"""The live preview: ``sitegen serve``. Build, serve, watch, rebuild, reload.

One long-running process keeps one ``Pipeline``, so the model stays loaded and
a save re-reads, re-annotates and re-renders only what it changed (the cache
and page keys do that). Files are watched by events (watchfiles), a burst of
saves is one rebuild, and a save during a rebuild starts another right after
it. Pages are served by Tornado with python-livereload's reload protocol and
client (``livereload.js``: stylesheets swapped in place),
but reloads are sent straight after each rebuild, never through livereload's
poller, which drops changes within 3 s of the last reload. The pages of the
edited articles are written first, before the rest of the site is planned, and
shown at once; an open page is updated only when its own file changed
(``preview.js`` puts its new ``<main>`` in place, or reloads it), so readers of
other pages are left in peace. After the first build the preview
gets ready for edits (the site's indexes made, the model loaded) while it
serves, so the first save is as quick as the next. Build errors go to
the terminal and to every open page (``preview.js``), which keeps showing the
last good build. What is sent for each request is ``handlers.py``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import json
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler

from ..errors import BuildFailed, Reported, SitegenError, printable
from ..model import BuildReport
from ..render.urls import base_path
from .handlers import application
from .rebuild import Rebuilder, watch
from .record import MARKER

#: ``build(search, early)``: a build of the site (see ``Pipeline.build``).
Build = Callable[[bool, Callable[[Sequence[str]], None] | None], BuildReport]


@dataclass
class State:
    """What the open pages are told: the last build's errors and warnings."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def message(self) -> str:
        return json.dumps({"errors": self.errors, "warnings": self.warnings})


@dataclass(frozen=True)
class Options:
    site_dir: Path
    out_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False


def reloads(changed: Sequence[str]) -> tuple[list[str], list[str], bool]:
    """What a build's changed files ask of the open pages: the stylesheets to swap in
    place, the pages (HTML files) to reload where they are open, and whether every
    page reloads (a script, image or font of the theme changed)."""
    css = [path for path in changed if path.endswith(".css")]
    pages = [path for path in changed if path.endswith(".html")]
    every = any(path.startswith("static/") and not path.endswith(".css") for path in changed)
    return css, pages, every


def page_url(prefix: str, path: str) -> str:
    """The URL path an output file is read at (``a/index.html`` -> ``/prefix/a/``),
    not percent-encoded (as ``preview.js`` compares them)."""
    return unquote(prefix) + path.removesuffix("index.html")


def describe(exc: BaseException, site: Path) -> list[str]:
    """One line per problem, as the terminal shows them (paths as seen from where the
    command runs, which named the site folder ``site``)."""
    if isinstance(exc, BuildFailed):
        return [e.seen_from(site) for e in exc.errors]
    if isinstance(exc, SitegenError):
        return [exc.seen_from(site)]
    return [f"internal error: {type(exc).__name__}: {exc} (please report it)"]


def bind(host: str, port: int) -> list[Any]:
    """Listening sockets, or a message a person can act on."""
    from tornado.netutil import bind_sockets

    try:
        return bind_sockets(port, host)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise SitegenError(
                f"port {port} is in use on {host}: choose another with --port "
                "(--port 0 picks a free one)"
            ) from None
        raise SitegenError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


class Preview:
    """The running preview: its pipeline's builds, the open pages, the server."""

    def __init__(
        self,
        options: Options,
        build: Build,
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        """``build(search, early)``: see ``Pipeline.build``; ``warm_up`` gets ready for
        the first edit (indexes made, model loaded) after the first build."""
        self.options = options
        self.warm_up = warm_up
        self.loop: asyncio.AbstractEventLoop | None = None
        self._sent: set[str] = set()
        """Files of the running build whose pages were reloaded ahead of it."""
        self._skipped: tuple[Reported, ...] = ()
        """The articles the last build that succeeded left out."""
        self.state = State()
        self.generation = 0
        """How many times open pages were told to reload; pages are sent with it."""
        self._changed_at: dict[str, int] = {}
        """Page URL (``*``: every page) -> the generation its file last changed in."""
        self.sockets: set[Any] = set()
        self._build = build
        self.builds = 0
        self.prefix = "/"
        self.port = options.port

    def run_build(self) -> BuildReport:
        """A build; the first one also makes the search index (edits keep it). The
        pages of the articles edited are written first and reloaded at once."""
        self.builds += 1
        return self._build(self.builds == 1, self._early)

    def _early(self, changed: Sequence[str]) -> None:
        """(From the build's thread.) Reload the pages written ahead of the build."""
        self._sent.update(changed)
        if self.loop is not None and changed:
            self.loop.call_soon_threadsafe(self.reload, changed)

    def reload(self, changed: Sequence[str]) -> None:
        """Swap changed stylesheets in place (livereload.js); update the open pages
        whose file changed, or reload every page when a theme asset other than CSS did."""
        css, pages, every = reloads(changed)
        for path in css:
            LiveReloadHandler.reload_waiters(self.prefix + path)
        if pages or every:
            self.generation += 1
            urls = [page_url(self.prefix, path) for path in pages] + ["*"] * every
            self._changed_at.update(dict.fromkeys(urls, self.generation))
            for socket in list(self.sockets):
                socket.write_message(json.dumps({"reload": "*" if every else urls}))

    def stale(self, url: str, generation: int) -> bool:
        """Whether a page sent at ``generation`` changed since (it opened too late to
        hear its reload)."""
        changed = self._changed_at
        return max(changed.get(url, 0), changed.get("*", 0)) > generation

    def built(self, outcome: Any) -> None:
        """Tell the terminal and every open page how the build went."""
        sent, self._sent = self._sent, set()
        if isinstance(outcome, BuildReport):
            site = self.options.site_dir
            self.state = State([], [w.seen_from(site) for w in outcome.warnings])
            files = len(outcome.changed)
            said = f"{files} file{'s' if files != 1 else ''} changed" if files else "no change"
            for note in outcome.skipped:  # (a draft, or dated after today: said once)
                if note not in self._skipped:
                    print(f"skipped {printable(note.seen_from(site))}", flush=True)
            self._skipped = outcome.skipped
            print(f"Built: {said}.", flush=True)
            self.reload([path for path in outcome.changed if path not in sent])
        else:
            self.state = State(describe(outcome, self.options.site_dir), [])
            for line in self.state.errors:
                _error(line)
            built_before = (self.options.out_dir / MARKER).is_file()
            kept = "still serving the last good build" if built_before else "nothing to serve yet"
            print(f"Build failed: {kept}.", flush=True)
        for socket in list(self.sockets):
            socket.write_message(self.state.message())
        if self.builds == 1 and self.options.open_browser:
            import webbrowser

            webbrowser.open(self.url)

    def get_ready(self) -> None:
        """(After the first build.) Get ready for edits, and say so."""
        if self.warm_up is not None:
            self.warm_up()
            # What the preview keeps (articles, indexes, memos) lives as long as it
            # runs: the cycle collector need not walk it again on every edit.
            gc.collect()
            gc.freeze()
            print("Ready: saves are rebuilt as you make them.", flush=True)

    @property
    def url(self) -> str:
        host = "localhost" if self.options.host in ("0.0.0.0", "::", "") else self.options.host
        return f"http://{host}:{self.port}{self.prefix}"


def serve(
    options: Options, build: Build, base_url: str, warm_up: Callable[[], None] | None = None
) -> None:
    """Serve until Ctrl-C or SIGTERM; the output folder is a whole site when it returns."""
    sockets = bind(options.host, options.port)
    preview = Preview(options, build, warm_up)
    preview.prefix = base_path(base_url)
    preview.port = sockets[0].getsockname()[1]
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)  # a page asked for during a build: sent in 15 ms, not 45
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(preview, sockets))
    sys.setswitchinterval(interval)
    for signum, handler in handlers.items():  # (the loop leaves Python's defaults)
        if handler is not None:
            signal.signal(signum, handler)
    if preview.builds > 1:  # edits kept the old search index: make it whole again
        print("Stopping: updating the search index…", flush=True)
        try:
            build(True, None)
        except SitegenError as exc:
            _error(exc.seen_from(options.site_dir))
    print("Stopped.", flush=True)


def _error(line: str) -> None:
    """A build's error, on standard error (the rest of the preview's log is on standard
    output), as ``sitegen build`` says it."""
    print(f"error: {printable(line)}", file=sys.stderr, flush=True)


async def _main(preview: Preview, sockets: list[Any]) -> None:
    from tornado.httpserver import HTTPServer

    options = preview.options
    server = HTTPServer(application(preview))
    server.add_sockets(sockets)
    site = "this folder" if options.site_dir == Path(".") else options.site_dir
    print(f"Serving {site} at {preview.url} (Ctrl-C to stop)", flush=True)
    if options.host in ("0.0.0.0", "::", ""):
        print(
            f"Listening on all network interfaces ({options.host}): anyone who can reach "
            "this machine can read the preview.",
            flush=True,
        )
    stop = asyncio.Event()
    loop = preview.loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    rebuilder = Rebuilder(preview.run_build, preview.built, preview.get_ready)
    rebuilder.request()
    tasks = [
        asyncio.ensure_future(rebuilder.run()),
        asyncio.ensure_future(watch(options.site_dir, options.out_dir, rebuilder.request)),
    ]
    await stop.wait()
    server.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
