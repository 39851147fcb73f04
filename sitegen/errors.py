"""One exception hierarchy for every problem a user can act on.

Each error names a place (file and, where known, line) so the message reads
``content/foo.md:3: front matter: ...``: a path in the site folder (or an absolute
one, or ``theme:name.html``). The CLI maps these to exit codes and prints them
without a traceback, each path as seen from where the command runs
(``mysite/content/foo.md:3`` after ``--site mysite``), so a terminal or editor can
open it.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import errno
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


class Placed:
    """A message with the place it is about: a path in the site folder (or absolute,
    or ``theme:name.html``) and, where known, a line; ``cites``: other files of the
    site the message names (written in it as they are here)."""

    message: str
    path: str | None
    line: int | None
    cites: tuple[str, ...]

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"

    def seen_from(self, site: Path) -> str:
        """The message with its paths (its place and the files it cites) as seen from
        where the command runs, which named the site folder ``site``."""
        message = self.message
        for cited in self.cites:
            message = message.replace(cited, seen_from(cited, site) or cited)
        return str(Reported(message, seen_from(self.path, site), self.line))


class SitegenError(Placed, Exception):
    """A problem in the user's input or setup, with the place it comes from."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        path: str | None = None,
        line: int | None = None,
        cites: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.cites = cites

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path or "", self.line or 0, self.message)


@dataclass(frozen=True)
class Reported(Placed):
    """A warning as a build's report keeps it (plain data: the report is cached)."""

    message: str
    path: str | None = None
    line: int | None = None
    cites: tuple[str, ...] = ()


def seen_from(path: str | None, site: Path) -> str | None:
    """``path``, a path in the folder ``site`` (as the command line named it) or an
    absolute one, as seen from where the command runs: relative to the working folder
    when it is in it (``mysite/content/a.md`` for ``content/a.md`` after ``--site
    mysite``), else as named. A template of sitegen's own theme (``theme:home.html``)
    is as it is."""
    if path is None or path.startswith("theme:"):
        return path
    named = site / path  # (an absolute path as it is; "." and a final "/" dropped)
    try:
        here = _working_folder()
    except OSError:  # (removed meanwhile)
        return named.as_posix()
    full = os.path.normpath(os.path.join(here, named))  # (``abspath``, from the shell's folder)
    inside = full == here or full.startswith(os.path.join(here, ""))
    seen = Path(os.path.relpath(full, here)).as_posix() if inside else named.as_posix()
    return seen + "/" if path.endswith("/") and seen != "." else seen


def _working_folder() -> str:
    """The working folder as the shell names it (``$PWD``, through links), if that is it;
    else as the system does."""
    here, shell = os.getcwd(), os.environ.get("PWD", "")
    with contextlib.suppress(OSError):
        if os.path.isabs(shell) and shell != here and os.path.samefile(shell, here):
            return os.path.normpath(shell)
    return here


#: What must not reach a terminal raw: control characters (C0, DEL, C1), bidi overrides,
#: and the lone surrogates that stand for file name bytes that are not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with what could drive a terminal escaped: ``\\x1b``, ``\\u202e``, and
    ``\\xe9`` for a byte of a file name that is not UTF-8."""
    return _UNPRINTABLE.sub(_escape, text)


def quoted(text: str) -> str:
    """``text`` in double quotes, as TOML and JSON write a string: how a message shows
    a value the user gave."""
    return json.dumps(text, ensure_ascii=False)


def as_toml(value: object) -> str:
    """``value`` as TOML writes it (a table by its kind): how a message shows a value
    of a settings file."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(map(as_toml, value)) + "]"
    return repr(value)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def toml_error(exc: Exception, path: str, text: str = "") -> SitegenError:
    """A ``tomllib.TOMLDecodeError`` as an error naming the file and line. Where tomllib
    says "at end of document", the line is found in ``text``: the string left open, else
    the last line."""
    match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
    line = int(match.group(1)) if match else None
    message = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
    message = re.sub(r"\((?:(?:'[^']*'|\"[^\"]*\"),? ?)+\)", _table_name, message)
    message = _TOML_SAYS.get(message, message)
    if line is None and "(at end of document)" in str(exc) and text.strip():
        lines = text.rstrip().split("\n")
        line = _unclosed_line(lines) if message == _UNCLOSED else None
        line = line or len(lines)
    return SitegenError(f"invalid TOML: {message}", path, line)


def _unclosed_line(lines: list[str]) -> int | None:
    """The first line with a key whose one-line string is not closed (an odd number of
    quotes of the kind its value opens with), if one is."""
    for number, line in enumerate(lines, start=1):
        value = re.match(r"""\s*[^#\s][^=]*=\s*(["'])(.*)""", line)
        if value and '"""' not in line and "'''" not in line:
            quote, rest = value.groups()
            if rest.replace("\\\\", "").replace(f"\\{quote}", "").count(quote) % 2 == 0:
                return number
    return None


_UNCLOSED = "a string is not closed: a quote is missing at the end of this line"
#: tomllib's words where they do not say what is wrong.
_TOML_SAYS = {
    "Illegal character '\\n'": _UNCLOSED,  # (a newline inside a one-line string)
    "Found invalid character '\\n'": _UNCLOSED,  # (the same in a literal string)
    "Unterminated string": _UNCLOSED,
    'Expected "\'"': _UNCLOSED,
}


def _table_name(match: re.Match[str]) -> str:
    """tomllib's name of a table, a Python tuple (``('a', 'my b')``), as TOML writes it
    (``[a."my b"]``)."""
    keys = ast.literal_eval(match.group())
    return "[" + ".".join(k if _BARE_KEY.fullmatch(k) else quoted(k) for k in keys) + "]"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
"""A TOML key written without quotes."""


#: OSErrors that say something about the machine, not about sitegen: their causes.
ENVIRONMENT_ERRNOS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.EIO: "input/output error",
    errno.ENAMETOOLONG: "the path is too long",
    errno.EMLINK: "too many links",
    errno.ENOTDIR: "part of the path is a file, not a folder",
}


def is_environment_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS


def cause(exc: OSError) -> str:
    """What went wrong, in words: ``no space left on the device``."""
    known = ENVIRONMENT_ERRNOS.get(exc.errno or 0)
    return known or (exc.strerror or type(exc).__name__).lower()


class UsageError(SitegenError):
    """The command was called wrongly (bad option, missing folder)."""

    exit_code = 2


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: ``timeout``, a cancelled CI job): it
    stops as on Ctrl-C, stopping what it started and removing its scratch files."""


def stopped(exc: KeyboardInterrupt) -> int:
    """Say on stderr how the command was stopped (Ctrl-C or SIGTERM); its exit status."""
    terminated = isinstance(exc, Terminated)
    print("terminated" if terminated else "interrupted", file=sys.stderr)
    return 143 if terminated else 130


class ModelMissingError(SitegenError):
    """The configured spaCy pipeline is not installed, or cannot be used."""


class ModelNotInstalledError(ModelMissingError):
    """No package of the configured spaCy pipeline's name is installed."""


class BuildFailed(SitegenError):
    """Several problems found in one run; all of them are reported."""

    def __init__(self, errors: Iterable[SitegenError]) -> None:
        self.errors = sorted(errors, key=SitegenError.sort_key)
        count = len(self.errors)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


@dataclass
class Problems:
    """Collects errors and warnings across a stage so every problem is reported."""

    errors: list[SitegenError] = field(default_factory=list)
    warnings: list[SitegenError] = field(default_factory=list)
    skipped: list[Reported] = field(default_factory=list)
    """The articles left out of the build, each with why (said with ``-v``)."""

    def error(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.errors.append(SitegenError(message, path, line))

    def warn(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.warnings.append(SitegenError(message, path, line))

    def raise_if_any(self, strict: bool = False) -> None:
        """Raise BuildFailed with every error (and, when strict, every warning)."""
        fatal = self.errors + (self.warnings if strict else [])
        if fatal:
            raise BuildFailed(fatal)
