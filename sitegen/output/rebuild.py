"""The preview's rebuilds: files watched by events, one build at a time.

A burst of saves is one rebuild; a save during a rebuild starts another right
after it, never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import SitegenError
from ..model import BuildReport


class Rebuilder:
    """Runs builds one at a time off the server's thread; a change that arrives
    during a build is built right after it, never dropped."""

    def __init__(
        self,
        build: Callable[[], BuildReport],
        done: Callable[[Any], None],
        warm_up: Callable[[], None] | None = None,
    ) -> None:
        """``warm_up`` runs once, after the first build (an edit waits for it)."""
        self._build = build
        self._done = done
        self._warm_up = warm_up
        self._wanted = asyncio.Event()

    def request(self) -> None:
        self._wanted.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                outcome: Any = await loop.run_in_executor(None, self._build)
            except Exception as exc:  # shown to the user; the preview goes on
                if not isinstance(exc, SitegenError):
                    traceback.print_exc()
                outcome = exc
            self._done(outcome)
            if self._warm_up is not None:
                warm_up, self._warm_up = self._warm_up, None
                with contextlib.suppress(Exception):  # the next build reports what is wrong
                    await loop.run_in_executor(None, warm_up)


async def watch(site_dir: Path, out_dir: Path, changed: Callable[[], None]) -> None:
    """Call ``changed()`` after each burst of changes to the site's inputs.

    ``content/``, ``templates/`` and ``static/`` are watched recursively and the
    site folder itself not (its settings files; the output and cache folders
    inside it are never watched); a folder made or removed restarts the watch.
    """
    ignored = {out_dir.resolve(), (site_dir / ".sitegen-cache").resolve()}

    def relevant(_: Any, path: str) -> bool:
        name = Path(path).name
        return not name.startswith(".") and not name.endswith("~") and Path(path) not in ignored

    while True:
        await _watch_once(site_dir, relevant, changed)


_INPUT_FOLDERS = ("content", "templates", "static")
#: A burst of changes ends when none follows for this long (watchfiles' default is
#: 50 ms; an editor's save, a temporary file renamed, takes a few).
STEP_MS = 20


async def _watch_once(site_dir: Path, relevant: Any, changed: Callable[[], None]) -> None:
    """Watch until one of the input folders appears or goes away."""
    from watchfiles import awatch

    def present() -> list[Path]:
        return [f for f in (site_dir / n for n in _INPUT_FOLDERS) if f.is_dir()]

    folders = present()
    stop = asyncio.Event()
    sources = [
        awatch(site_dir, watch_filter=relevant, recursive=False, step=STEP_MS, stop_event=stop)
    ]
    if folders:
        sources.append(awatch(*folders, watch_filter=relevant, step=STEP_MS, stop_event=stop))

    async def follow(source: Any) -> None:
        async for _ in source:
            changed()
            if present() != folders:
                stop.set()

    tasks = [asyncio.ensure_future(follow(s)) for s in sources]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
