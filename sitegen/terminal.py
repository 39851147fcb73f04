"""What the command line prints as a build goes: with ``-v``, the notes sitegen logs
(the files it skipped), each once, with control characters escaped. Each note names
the file it is about as its first argument, a path in the site folder, shown as
problems are: as seen from where the command runs (``errors.seen_from``). On a
terminal, a progress bar; how counts and sizes are written; and how to run sitegen
again from where it runs."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import printable, seen_from

if TYPE_CHECKING:
    from .pipeline import Progress


class _Once(logging.Filter):
    """A file is skipped again each time a stage looks at the folder: say it once."""

    def __init__(self) -> None:
        super().__init__()
        self.said: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        new = message not in self.said
        self.said.add(message)
        return new


class _Printable(logging.Formatter):
    def __init__(self, site: Path) -> None:
        super().__init__("%(message)s")
        self.site = site

    def format(self, record: logging.LogRecord) -> str:
        args = record.args
        if isinstance(args, tuple) and args and isinstance(args[0], str):
            record.args = (seen_from(args[0], self.site), *args[1:])
        return printable(super().format(record))


@contextmanager
def verbose_notes(enabled: bool, site: Path) -> Iterator[None]:
    """With ``-v``, print what sitegen logs as it goes (such as the files it skipped);
    ``site``: the site folder as the command line names it."""
    if not enabled:
        yield
        return
    logger = logging.getLogger("sitegen")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Printable(site))
    handler.addFilter(_Once())
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def file_size(size: int) -> str:
    """A file's size to read: ``4.2 MiB``, ``96 KiB``."""
    kib = max(1, round(size / 2**10))
    return f"{size / 2**20:.1f} MiB" if kib >= 1000 else f"{kib} KiB"


def plural(count: int, noun: str) -> str:
    """``3 articles``, ``1 article``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import MofNCompleteColumn
    from rich.progress import Progress as Bar

    # Drawn when it moves, with no refresh thread: a build with no other thread may
    # fork copies of itself to render pages (output/shares.py).
    columns = (*Bar.get_default_columns(), MofNCompleteColumn())
    with Bar(*columns, transient=True, auto_refresh=False) as bar:

        def start(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            bar.refresh()

            def advance(n: int) -> None:
                bar.advance(task, n)
                bar.refresh()

            return advance

        yield start


def sitegen_command() -> list[str]:
    """How to run sitegen again from here: ``sitegen`` where that is on the PATH, else
    the command as it was run (``.venv/bin/sitegen``, ``python -m sitegen``)."""
    found = shutil.which("sitegen")
    script = Path(sys.argv[0])
    if found is not None and (script.name != "sitegen" or _same_file(found, script)):
        return ["sitegen"]
    if script.name == "sitegen":
        return [_as_typed(script)]
    return [_as_typed(Path(sys.executable)), "-m", "sitegen"]


def _same_file(one: str, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _as_typed(path: Path) -> str:
    """``path`` relative to the working folder if inside it (``.venv/bin/sitegen``)."""
    try:
        inside = path.absolute().relative_to(Path.cwd())
    except ValueError:
        return str(path.absolute())
    return str(inside) if inside.parent != Path(".") else f"./{inside}"
