"""Command line, the options: what each command accepts (argparse), kept apart
from what the commands do (``cli.py``). Each command's parser sets ``command``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .cores import default_jobs
from .names import CACHE_DIR

DESCRIPTION = """\
sitegen turns a folder of Markdown articles into a static site in which every
article is annotated: people, organisations and places are highlighted and
linked to a page per entity, and who said or reported what is shown in
numbered source notes."""


EPILOG = """\
usage of the commands:
  sitegen build [--site DIR] [--out DIR] [--base-url URL] [--drafts] [--future]
                [--now DATE] [--strict] [--jobs N | --dask ADDRESS] [--no-cache] [-q|-v]
  sitegen serve [--site DIR] [--out DIR] [--host 127.0.0.1] [--port 8000] [--open]
                [--drafts] [--future] [--now DATE] [--no-cache]
  sitegen init DIR [--force] [--sitegen REQUIREMENT]
  sitegen annotate FILE.md [--format json|text] [--site DIR] [--no-cache]
  sitegen entities [--site DIR] [--json] [--conflicts] [--drafts] [--no-cache]
  sitegen cache [info|clear] [--site DIR]
  sitegen cache fill [--site DIR] [--jobs N | --dask ADDRESS] [-q]

A site folder holds content/**/*.md and, optionally, sitegen.toml, templates/
(overrides the built-in theme file by file) and static/ (copied to build/static/).
What spaCy found in each paragraph is kept in DIR/.sitegen-cache/, so only new
or edited paragraphs are annotated again. --dask annotates them on a Dask
cluster: ADDRESS is a scheduler (tcp://host:8786) or local[:N], N processes here.

exit status: 0 success, 1 problems in the content or on the machine (read-only
folder, full disk), 2 usage errors, 130 Ctrl-C, 143 SIGTERM (both stop cleanly;
serve stops on either with 0)"""


_DEBUG = "also show the traceback of an error (the exit status stays the same)"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options of ``argv``. An argument no option takes is a usage error, which
    says how to give it when it names a folder (``sitegen build mysite``)."""
    parser, commands = _parsers()
    argv = list(sys.argv[1:] if argv is None else argv)
    args, extra = parser.parse_known_args(argv)
    if extra:
        message = f"unrecognized arguments: {' '.join(extra)}"
        if "site" in vars(args) and len(extra) == 1 and Path(extra[0]).is_dir():
            at = len(argv) - 1 - argv[::-1].index(extra[0])
            fix = shlex.join(["sitegen", *argv[:at], "--site", *argv[at:]])
            message += f" (a site folder is given with --site: {fix})"
        commands[args.command].error(message)  # (with the usage of the command given)
    return args


def make_parser() -> argparse.ArgumentParser:
    return _parsers()[0]


def _parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``sitegen`` parser, and the parser of each command by name."""
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    named = {}
    for add in (
        _build_command,
        _serve_command,
        _init_command,
        _annotate_command,
        _entities_command,
        _cache_command,
    ):
        command = add(commands)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG)
        named[command.get_default("command")] = command
    return parser, named


def _build_command(commands: Any) -> argparse.ArgumentParser:
    b: argparse.ArgumentParser = commands.add_parser(
        "build",
        help="build the site into DIR/build/",
        description="Build the site in DIR into DIR/build/ (or --out).",
    )
    _site_option(b, "the site folder (default: the current folder)")
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: DIR/build)")
    b.add_argument(
        "--base-url",
        metavar="URL",
        help="the absolute URL the site is served from, such as https://user.github.io/repo/ "
        "(overrides [site] base_url; feeds, sitemap and canonical links need it)",
    )
    _which_articles(b)
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _where_options(b, renders=True)
    _no_cache_option(b)
    loud = b.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    loud.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every warning (without it: the first 5, and how many more), each "
        "file skipped and why, and how many paragraphs were annotated and pages rendered",
    )
    b.set_defaults(command="build")
    return b


def _which_articles(command: argparse.ArgumentParser) -> None:
    """The options that publish drafts and articles dated after today."""
    command.add_argument(
        "--drafts", action="store_true", help="include articles with 'draft: true'"
    )
    command.add_argument(
        "--future", action="store_true", help="include articles dated after today (see --now)"
    )
    command.add_argument(
        "--now",
        metavar="DATE",
        help="today's date for --future, as 2015-09-21 (default: SOURCE_DATE_EPOCH if set, "
        "else today in UTC)",
    )


def _annotate_command(commands: Any) -> argparse.ArgumentParser:
    a: argparse.ArgumentParser = commands.add_parser(
        "annotate",
        help="print one file's annotations without building",
        description="Print the annotations of one Markdown file, as in annotations.json.",
    )
    a.add_argument("file", type=Path, metavar="FILE.md", help="the Markdown file")
    a.add_argument(
        "--format",
        choices=("json", "text"),
        default="json",
        help="JSON as in annotations.json, or a listing to read (default: json)",
    )
    help = "the site folder the file is read with (default: the one it is in, else .)"
    a.add_argument("--site", type=Path, metavar="DIR", help=help)
    _no_cache_option(a)
    a.set_defaults(command="annotate")
    return a


def _entities_command(commands: Any) -> argparse.ArgumentParser:
    e: argparse.ArgumentParser = commands.add_parser(
        "entities",
        help="list the site's entities, to curate entities.toml",
        description="List every entity of the site with its kind, the names it is "
        "written as, and article and mention counts.",
    )
    _site_option(e, "the site folder (default: the current folder)")
    e.add_argument("--json", action="store_true", help="print JSON instead of a table")
    e.add_argument(
        "--conflicts",
        action="store_true",
        help="list only short names that could be several entities",
    )
    e.add_argument("--drafts", action="store_true", help="include drafts")
    _no_cache_option(e)
    e.set_defaults(command="entities")
    return e


def _cache_command(commands: Any) -> argparse.ArgumentParser:
    c: argparse.ArgumentParser = commands.add_parser(
        "cache",
        help="show, fill or clear the annotation cache",
        description=f"Show the size of the annotation cache (DIR/{CACHE_DIR}/), clear it, "
        "or fill it: annotate every paragraph of every article (drafts too) that it lacks, "
        "and nothing else (for CI or a nightly job; builds then only read it).",
    )
    c.add_argument(
        "action",
        nargs="?",
        choices=("info", "fill", "clear"),
        default="info",
        help="default: info",
    )
    _site_option(c, "the site folder (default: the current folder)")
    _where_options(c)
    c.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    c.set_defaults(command="cache")
    return c


def _where_options(command: argparse.ArgumentParser, renders: bool = False) -> None:
    """Where blocks missing from the cache are annotated (``renders``: and pages rendered)."""
    where = command.add_mutually_exclusive_group()
    render = " and render pages" if renders else ""
    where.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help=f"annotate{render} with N processes here, even where sitegen.toml sets "
        f"[nlp] dask (default: all {default_jobs()} cores)",
    )
    where.add_argument(
        "--dask",
        type=_dask_address,
        metavar="ADDRESS",
        help="annotate on a Dask cluster: a scheduler (tcp://host:8786) or local[:N] "
        "for N worker processes here (default: [nlp] dask in sitegen.toml); "
        "needs pip install 'sitegen[dask]'",
    )


def _dask_address(text: str) -> str:
    from .nlp.cluster import address_problem  # (the command parses before importing it)

    problem = address_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text


def _no_cache_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--no-cache",
        action="store_true",
        help=f"neither read nor write the annotation cache ({CACHE_DIR}/)",
    )


def _whole(low: int, high: int | None, what: str) -> Callable[[str], int]:
    """An argument type: a whole number from ``low`` to ``high`` (no bound: None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}")
        return value

    return parse


_positive = _whole(1, None, "a whole number of at least 1")
_port = _whole(0, 65535, "a port from 0 to 65535")


def _site_option(command: argparse.ArgumentParser, help: str) -> None:
    command.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help=help)


def _serve_command(commands: Any) -> argparse.ArgumentParser:
    s: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="preview the site, rebuilt and reloaded on every save",
        description="Build the site, serve it and rebuild it whenever content/, templates/, "
        "static/, sitegen.toml or entities.toml change; the page of the article saved is "
        "written first, open pages whose file changed update by themselves (stylesheets in "
        "place), and build errors show over the last good build.",
    )
    _site_option(s, "the site folder (default: the current folder)")
    s.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: DIR/build)")
    s.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; "
        "0.0.0.0 is every network interface)",
    )
    s.add_argument(
        "--port", type=_port, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    _which_articles(s)
    _no_cache_option(s)
    s.set_defaults(command="serve")
    return s


def _init_command(commands: Any) -> argparse.ArgumentParser:
    i: argparse.ArgumentParser = commands.add_parser(
        "init",
        help="create a new site that builds at once and publishes on GitHub Pages",
        description="Create a site in DIR: sitegen.toml, content/ with an example "
        "article, entities.toml, .gitignore and .github/workflows/pages.yml.",
    )
    i.add_argument("dir", type=Path, metavar="DIR", help="the new site's folder (made if need be)")
    i.add_argument(
        "--force",
        action="store_true",
        help="add the files to a folder that is not empty (never replacing a file)",
    )
    i.add_argument(
        "--sitegen",
        metavar="REQUIREMENT",
        help="what the workflow pip-installs sitegen from (default: where this sitegen "
        "was installed from with pip install git+URL, if so)",
    )
    i.set_defaults(command="init")
    return i
