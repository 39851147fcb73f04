"""Command line: ``sitegen build | annotate``. Maps SitegenError to exit codes.

Exit 0 on success, 1 when the content has problems, 2 for usage errors. No
traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import __version__
from .build import (
    Progress,
    analyse,
    build,
    conflict_message,
    make_annotator,
    read_documents,
)
from .catalog import load_catalog
from .config import load_config
from .enrich.article import enrich
from .errors import BuildFailed, Problems, SitegenError, UsageError
from .render.annotations import article_annotations, to_json, to_text
from .render.report import entity_row, format_entities
from .source.load import load_source
from .source.parse import parse_document

DESCRIPTION = """\
sitegen turns a folder of Markdown articles into a static site in which every
article is annotated: people, organisations and places are highlighted and
linked to a page per entity, and who said or reported what is shown in
numbered source notes."""

EPILOG = """\
usage of the commands:
  sitegen build [--site DIR] [--out DIR] [--drafts] [--strict] [-q|-v]
  sitegen annotate FILE.md [--format json|text] [--site DIR]
  sitegen entities [--site DIR] [--json] [--conflicts] [--drafts]

A site folder holds content/**/*.md and, optionally, sitegen.toml, templates/
(overrides the built-in theme file by file) and static/ (copied to build/static/).

exit status: 0 success, 1 problems in the content, 2 usage errors"""
_DEBUG = "show tracebacks for errors"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except BuildFailed as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        if args.run is _build:
            print(f"build failed: {exc.message}; nothing was written", file=sys.stderr)
        else:
            print(exc.message, file=sys.stderr)
        return exc.exit_code
    except SitegenError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in sitegen: say so in one line
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback, and please report it)",
            file=sys.stderr,
        )
        return 70


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG)
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for add in (_build_command, _annotate_command, _entities_command):
        command = add(commands)
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG)
    return parser


def _build_command(commands: Any) -> argparse.ArgumentParser:
    b: argparse.ArgumentParser = commands.add_parser(
        "build",
        help="build the site into DIR/build/",
        description="Build the site in DIR into DIR/build/ (or --out).",
    )
    _site_option(b, "the site folder (default: the current folder)")
    b.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: DIR/build)")
    b.add_argument("--drafts", action="store_true", help="include articles with 'draft: true'")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    loud = b.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    loud.add_argument("-v", "--verbose", action="store_true", help="also list the warnings")
    b.set_defaults(run=_build)
    return b


def _annotate_command(commands: Any) -> argparse.ArgumentParser:
    a: argparse.ArgumentParser = commands.add_parser(
        "annotate",
        help="print one file's annotations without building",
        description="Print the annotations of one Markdown file, as in annotations.json.",
    )
    a.add_argument("file", type=Path, metavar="FILE.md")
    a.add_argument("--format", choices=("json", "text"), default="json")
    _site_option(a, "the site folder whose sitegen.toml to use (default: .)")
    a.set_defaults(run=_annotate)
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
    e.set_defaults(run=_entities)
    return e


def _site_option(command: argparse.ArgumentParser, help: str) -> None:
    command.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help=help)


def _site_dir(args: argparse.Namespace) -> Path:
    site_dir: Path = args.site
    if not site_dir.is_dir():
        raise UsageError(f"no such site folder: {site_dir}")
    return site_dir


def _build(args: argparse.Namespace) -> int:
    site_dir = _site_dir(args)
    config = load_config(site_dir)
    out_dir = args.out if args.out is not None else site_dir / "build"
    with _progress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
        report = build(config, out_dir, drafts=args.drafts, strict=args.strict, progress=progress)
    if not args.quiet:
        for warning in report.warnings if args.verbose else ():
            print(f"warning: {warning}", file=sys.stderr)
        hidden = "" if args.verbose or not report.warnings else " (-v lists them)"
        print(
            f"Built {plural(report.articles, 'article')}, "
            f"{plural(report.entities, 'entity page')} "
            f"({report.files} files) into {out_dir}/. "
            f"{plural(len(report.warnings), 'warning')}{hidden}.\n"
            f"Open {out_dir / 'index.html'} in a browser, or serve it: "
            f"python -m http.server -d {out_dir}",
        )
    return 0


def _annotate(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    config = load_config(args.site)
    try:
        shown = path.resolve().relative_to(config.site_dir.resolve()).as_posix()
    except ValueError:
        shown = path.as_posix()
    problems = Problems()
    source = load_source(shown, path.read_bytes(), problems)
    document = parse_document(source, problems) if source else None
    problems.raise_if_any()
    assert document is not None
    catalog = load_catalog(config.site_dir)
    annotator = make_annotator(config, catalog)
    article = enrich(document, annotator.annotate([b.text for b in document.blocks]), catalog)
    data = article_annotations(article)
    sys.stdout.write(to_json(data) if args.format == "json" else to_text(data))
    return 0


def _entities(args: argparse.Namespace) -> int:
    site_dir = _site_dir(args)
    config = load_config(site_dir)
    catalog = load_catalog(site_dir)
    problems = Problems()
    documents = read_documents(config, problems, drafts=args.drafts)
    problems.raise_if_any()
    site = analyse(documents, make_annotator(config, catalog), catalog)
    if args.conflicts:
        rows: list[dict[str, Any]] = [dataclasses.asdict(c) for c in site.conflicts]
        text = (
            "\n".join(
                f"{c.sources[0] if c.sources else '-'}: {conflict_message(c)}"
                for c in site.conflicts
            )
            or "no conflicts"
        )
    else:
        rows = [entity_row(e) for e in site.entities]
        text = format_entities(rows)
    print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else text)
    return 0


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress as Bar

    with Bar(transient=True) as bar:

        def start(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda n: bar.advance(task, n)

        yield start


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
