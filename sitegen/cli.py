"""Command line: ``sitegen build | annotate | entities | cache``. Maps SitegenError to exit codes.

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
from .cache import CACHE_DIR, Cache
from .errors import (
    BuildFailed,
    Problems,
    SitegenError,
    UsageError,
    printable,
)
from .fill import fill
from .model import BuildReport
from .nlp.cluster import address_problem
from .nlp.workers import default_jobs
from .pipeline import ContentFile, Pipeline, Progress, conflict_message
from .render.annotations import article_annotations, to_json, to_text
from .render.report import entity_row, format_entities
from .render.urls import BaseUrlError, normalise_base_url
from .scaffold import DEFAULT_REQUIREMENT, init_site
from .source.select import build_date
from .terminal import verbose_notes

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
                [--drafts] [--no-cache]
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
folder, full disk), 2 usage errors"""
_DEBUG = "show tracebacks for errors"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.run(args)
        return result
    except BuildFailed as exc:
        for error in exc.errors:
            print(f"error: {printable(str(error))}", file=sys.stderr)
        if args.run is _build:
            print(f"build failed: {exc.message}; nothing was written", file=sys.stderr)
        else:
            print(exc.message, file=sys.stderr)
        return exc.exit_code
    except SitegenError as exc:
        if args.debug:
            raise
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in sitegen: say so in one line
        if args.debug:
            raise
        print(
            f"internal error: {type(exc).__name__}: {printable(str(exc))} (run with --debug "
            "for the traceback, and please report it)",
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
    return parser


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
    b.add_argument("--drafts", action="store_true", help="include articles with 'draft: true'")
    b.add_argument(
        "--future", action="store_true", help="include articles dated after today (see --now)"
    )
    b.add_argument(
        "--now",
        metavar="DATE",
        help="today's date for --future, as 2015-09-21 (default: SOURCE_DATE_EPOCH if set, "
        "else today in UTC)",
    )
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    _where_options(b)
    _no_cache_option(b)
    loud = b.add_mutually_exclusive_group()
    loud.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    loud.add_argument(
        "-v", "--verbose", action="store_true", help="also list the warnings and the files skipped"
    )
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
    _site_option(a, "the site folder the file is read with (default: .)")
    _no_cache_option(a)
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
    _no_cache_option(e)
    e.set_defaults(run=_entities)
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
    c.set_defaults(run=_cache)
    return c


def _where_options(command: argparse.ArgumentParser) -> None:
    """Where blocks missing from the cache are annotated."""
    where = command.add_mutually_exclusive_group()
    where.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help=f"annotate with N processes here, even if sitegen.toml sets [nlp] dask "
        f"(default: all {default_jobs()} cores)",
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


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _site_option(command: argparse.ArgumentParser, help: str) -> None:
    command.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help=help)


def _site_dir(args: argparse.Namespace) -> Path:
    site_dir: Path = args.site
    if not site_dir.is_dir():
        raise UsageError(f"no such site folder: {site_dir}")
    return site_dir


def _pipeline(args: argparse.Namespace, progress: Progress | None = None) -> Pipeline:
    site_dir = _site_dir(args)
    return Pipeline(
        site_dir,
        use_cache=not getattr(args, "no_cache", False),
        jobs=getattr(args, "jobs", None),
        dask=getattr(args, "dask", None),
        progress=progress,
    )


def _build(args: argparse.Namespace) -> int:
    out_dir = args.out if args.out is not None else _site_dir(args) / "build"
    base_url = None
    if args.base_url is not None:
        try:
            base_url = normalise_base_url(args.base_url)
        except BaseUrlError as exc:
            raise UsageError(f"--base-url: {exc}") from None
    today = build_date(args.now)
    bar = _progress(enabled=not args.quiet and sys.stderr.isatty())
    with verbose_notes(enabled=args.verbose), bar as progress:
        pipeline = _pipeline(args, progress)
        try:
            report = pipeline.build(
                out_dir,
                drafts=args.drafts,
                strict=args.strict,
                future=args.future,
                today=today,
                base_url=base_url,
            )
        finally:
            _notices(pipeline, args.quiet)
    if not args.quiet:
        for warning in report.warnings if args.verbose else ():
            print(f"warning: {printable(warning)}", file=sys.stderr)
        hidden = "" if args.verbose or not report.warnings else " (-v lists them)"
        print(
            f"Built {plural(report.articles, 'article')}, "
            f"{plural(report.entities, 'entity page')} "
            f"({report.files} files, {len(report.changed)} changed) into {out_dir}/. "
            f"{plural(len(report.warnings), 'warning')}{hidden}.\n"
            f"Preview it with live reload: sitegen serve --site {args.site}",
        )
        if args.verbose:
            print(
                f"{plural(report.annotated, 'paragraph')} annotated by spaCy, "
                f"{plural(report.rendered, 'page')} rendered."
            )
    return 0


def _serve_command(commands: Any) -> argparse.ArgumentParser:
    s: argparse.ArgumentParser = commands.add_parser(
        "serve",
        help="preview the site, rebuilt and reloaded on every save",
        description="Build the site, serve it and rebuild it whenever content/, templates/, "
        "static/, sitegen.toml or entities.toml change; open pages reload by themselves "
        "(stylesheets in place) and show build errors over the last good build.",
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
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    s.add_argument("--open", action="store_true", help="open the site in a web browser")
    s.add_argument("--drafts", action="store_true", help="include articles with 'draft: true'")
    _no_cache_option(s)
    s.set_defaults(run=_serve)
    return s


def _serve(args: argparse.Namespace) -> int:
    from .output.serve import Options, serve

    site_dir = _site_dir(args)
    out_dir = args.out if args.out is not None else site_dir / "build"
    pipeline = _pipeline(args)
    try:
        pipeline.refresh()
        base_url = pipeline.config.base_url
    except SitegenError:
        base_url = ""  # the first build reports it

    def build(search: bool) -> BuildReport:
        try:
            return pipeline.build(out_dir, drafts=args.drafts, search=search)
        finally:
            _notices(pipeline, quiet=False)

    options = Options(site_dir, out_dir, args.host, args.port, args.open, args.drafts)
    serve(options, build, base_url)
    return 0


def _init_command(commands: Any) -> argparse.ArgumentParser:
    i: argparse.ArgumentParser = commands.add_parser(
        "init",
        help="create a new site that builds at once and publishes on GitHub Pages",
        description="Create a site in DIR: sitegen.toml, content/ with an example "
        "article, entities.toml, .gitignore and .github/workflows/pages.yml.",
    )
    i.add_argument("dir", type=Path, metavar="DIR")
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
    i.set_defaults(run=_init)
    return i


def _init(args: argparse.Namespace) -> int:
    created = init_site(args.dir, force=args.force, requirement=args.sitegen)
    for rel in created.files:
        print(f"created {args.dir / rel}")
    print(
        f"\nBuild it: sitegen build --site {args.dir}\n"
        "Publish it: push to a GitHub repository and set Settings > Pages > Source "
        "to 'GitHub Actions'."
    )
    if created.requirement == DEFAULT_REQUIREMENT:
        print(
            "Before you push: set SITEGEN in .github/workflows/pages.yml to where pip "
            "installs sitegen from (replace OWNER), or run init with --sitegen.",
            file=sys.stderr,
        )
    return 0


def _annotate(args: argparse.Namespace) -> int:
    """One file's annotations, exactly as the build writes them: the file is read
    with the site it belongs to, so names resolve across articles as in the build."""
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    pipeline = _pipeline(args)
    pipeline.refresh()
    site_dir = pipeline.site_dir.resolve()
    try:
        shown = path.resolve().relative_to(site_dir).as_posix()
    except ValueError:
        shown = path.as_posix()
    inside = path.resolve().is_relative_to(pipeline.config.content_dir.resolve())
    extra = [] if inside and path.suffix == ".md" else [ContentFile.of(shown, path.read_bytes())]
    problems = Problems()
    try:
        site = pipeline.analyse(problems, drafts=True, extra=extra)
    finally:
        _notices(pipeline, quiet=False)
    errors = [e for e in problems.errors if e.path == shown]
    if errors:
        raise BuildFailed(errors)
    article = next(a for a in site.articles if a.document.source == shown)
    data = article_annotations(article)
    sys.stdout.write(to_json(data) if args.format == "json" else to_text(data))
    return 0


def _entities(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    problems = Problems()
    try:
        site = pipeline.analyse(problems, drafts=args.drafts)
    finally:
        _notices(pipeline, quiet=False)
    problems.raise_if_any()
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


def _cache(args: argparse.Namespace) -> int:
    if args.action == "fill":
        return _fill(args)
    cache = Cache(_site_dir(args) / CACHE_DIR, lambda note: print(f"note: {note}", file=sys.stderr))
    if args.action == "clear":
        cache.clear()
        print(f"Cleared the annotation cache {cache.folder}/.")
        return 0
    if not cache.path.exists():
        print(f"No annotation cache yet ({cache.path}); a build makes one.")
        return 0
    stats = cache.stats()
    cache.close()
    print(
        f"{stats.path}: {stats.size / 2**20:.1f} MiB, "
        f"{plural(stats.entries['blocks'], 'annotated paragraph')}, "
        f"{plural(stats.entries['articles'], 'enriched article')}"
    )
    return 0


def _fill(args: argparse.Namespace) -> int:
    with _progress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
        pipeline = _pipeline(args, progress)
        try:
            filled = fill(pipeline)
        finally:
            _notices(pipeline, args.quiet)
    if not args.quiet:
        where = pipeline.cache.path if pipeline.cache else CACHE_DIR
        print(
            f"Annotated {filled.annotated} of {plural(filled.blocks, 'paragraph')} "
            f"({plural(filled.articles, 'article')}) into {where}; "
            "the others were there already."
        )
    return 0


def _notices(pipeline: Pipeline, quiet: bool) -> None:
    for note in pipeline.notices if not quiet else ():
        print(f"note: {printable(note)}", file=sys.stderr)
    pipeline.notices.clear()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import MofNCompleteColumn
    from rich.progress import Progress as Bar

    with Bar(*Bar.get_default_columns(), MofNCompleteColumn(), transient=True) as bar:

        def start(description: str, total: int) -> Callable[[int], None]:
            task = bar.add_task(description, total=total)
            return lambda n: bar.advance(task, n)

        yield start


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
