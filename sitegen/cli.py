"""Command line: what ``sitegen build | serve | init | annotate | entities | cache`` do
(their options are in ``options.py``). Maps SitegenError to exit codes.

Exit 0 on success (the reader of the output stopping early included), 1 when the
content or the machine has problems (a full disk under the output too), 2 for usage
errors, 130 on Ctrl-C and 143 on SIGTERM (each stopping what the command started).
No traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import shlex
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from .cache import CACHE_DIR, Cache
from .errors import (
    BuildFailed,
    Problems,
    SitegenError,
    UsageError,
    printable,
    seen_from,
    stopped,
)
from .model import BuildReport
from .options import parse
from .pipeline import Pipeline, Progress, conflict_message
from .render.urls import BaseUrlError, normalise_base_url
from .scaffold import DEFAULT_REQUIREMENT, init_site
from .source.select import build_date
from .terminal import file_size, plural, progress_bar, sitegen_command, verbose_notes
from .with_site import placed, read_with_its_site, site_of

#: Warnings a build prints without ``-v``: a site's first few, so that what is wrong is
#: seen at once, and not the hundreds an archive of quotes without sources can have.
WARNINGS_SHOWN = 5


def main(argv: Sequence[str] | None = None) -> int:
    return run(parse(argv))


def _say(text: str = "", end: str = "\n") -> None:
    """Print to standard output now: a disk that is full or a device that fails is a
    problem on the machine (exit 1, said in one line), not an error in sitegen."""
    if sys.stdout is None:  # closed (``sitegen cache >&-``): nothing to say it to
        return
    try:
        sys.stdout.write(text + end)
        sys.stdout.flush()
    except BrokenPipeError:
        raise  # (``run``: the reader stopped reading)
    except OSError as exc:
        raise SitegenError(f"writing the output failed: {exc.strerror or exc}") from None


def run(
    args: argparse.Namespace,
    worker: subprocess.Popen[bytes] | None = None,
    end: Callable[[int], NoReturn] | None = None,
) -> int:
    """Run the command ``args`` names; ``worker``: an NLP worker started for a build
    before this module was imported, ``end``: how a build may end the process when
    done (both ``launch.py``)."""
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "build": functools.partial(_build, worker=worker, end=end),
        "serve": _serve,
        "init": _init,
        "annotate": _annotate,
        "entities": _entities,
        "cache": _cache,
    }
    command = commands[args.command]
    try:
        _check_working_folder()
        return command(args)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (``Terminated``)
        return stopped(exc)
    except BrokenPipeError:  # the reader stopped reading (``| head``): not an error
        return 0  # (sitegen's own pipes, to its workers, catch theirs)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        return _failed(exc, args)


def _failed(exc: Exception, args: argparse.Namespace) -> int:
    """Say on stderr what went wrong, each file as seen from where the command runs;
    the exit status."""
    site = _named_site(args)
    if isinstance(exc, BuildFailed):
        for error in exc.errors:
            print(f"error: {printable(error.seen_from(site))}", file=sys.stderr)
        if args.command == "build":
            print(f"build failed: {exc.message}; nothing was written", file=sys.stderr)
        else:
            print(exc.message, file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, SitegenError):
        print(f"error: {printable(exc.seen_from(site))}", file=sys.stderr)
        return exc.exit_code
    print(  # a bug in sitegen: said in one line
        f"internal error: {type(exc).__name__}: {printable(str(exc))} (run with --debug "
        "for the traceback, and please report it)",
        file=sys.stderr,
    )
    return 70


def _check_working_folder() -> None:
    """A folder removed while a shell is still in it: every relative path is lost, and
    Pagefind and spaCy fail on it in ways that do not say so."""
    try:
        os.getcwd()
    except FileNotFoundError:
        raise UsageError(
            "the current folder no longer exists (removed?): change to one that does"
        ) from None


def _named_site(args: argparse.Namespace) -> Path:
    """The site folder as the command line names it (``--site``; the working folder
    if not given): the paths of problems are printed as seen from where it runs."""
    site = getattr(args, "site", None)
    return site if isinstance(site, Path) else Path(".")


def _site_dir(args: argparse.Namespace) -> Path:
    site_dir: Path = args.site
    if not site_dir.is_dir():
        what = "is a file, not a folder" if site_dir.exists() else "does not exist"
        raise UsageError(f"the site folder {site_dir} {what}")
    return site_dir


@contextmanager
def _pipeline(
    args: argparse.Namespace,
    progress: Progress | None = None,
    once: bool = False,
    worker: subprocess.Popen[bytes] | None = None,
    quiet: bool = False,
) -> Iterator[Pipeline]:
    """The pipeline of the site ``args`` name; when done, however it ends, its notes are
    printed (unless ``quiet``) and its cache closed."""
    pipeline = Pipeline(
        _site_dir(args),
        use_cache=not getattr(args, "no_cache", False),
        jobs=getattr(args, "jobs", None),
        dask=getattr(args, "dask", None),
        progress=progress,
        once=once,
        worker=worker,
    )
    try:
        yield pipeline
    finally:
        _notices(pipeline, quiet)
        pipeline.close()


def _build(
    args: argparse.Namespace,
    worker: subprocess.Popen[bytes] | None = None,
    end: Callable[[int], NoReturn] | None = None,
) -> int:
    out_dir = args.out if args.out is not None else _site_dir(args) / "build"
    base_url = None
    if args.base_url is not None:
        try:
            base_url = normalise_base_url(args.base_url)
        except BaseUrlError as exc:
            raise UsageError(f"--base-url: {exc}") from None
    today = build_date(args.now)
    bar = progress_bar(enabled=not args.quiet and sys.stderr.isatty())
    with (
        verbose_notes(args.verbose, args.site),
        bar as progress,
        _pipeline(args, progress, once=True, worker=worker, quiet=args.quiet) as pipeline,
    ):
        report = pipeline.build(
            out_dir,
            drafts=args.drafts,
            strict=args.strict,
            future=args.future,
            today=today,
            base_url=base_url,
        )
    if not args.quiet:
        shown = report.warnings if args.verbose else report.warnings[:WARNINGS_SHOWN]
        for warning in shown:
            print(f"warning: {printable(warning.seen_from(args.site))}", file=sys.stderr)
        more = len(report.warnings) - len(shown)
        hidden = f" ({more} not shown: -v lists them all)" if more else ""
        _say(
            f"Built {plural(report.articles, 'article')}, "
            f"{plural(report.entities, 'entity page')} "
            f"({report.files} files, {len(report.changed)} changed) into {out_dir}/. "
            f"{plural(len(report.warnings), 'warning')}{hidden}.{_left_out(report, args)}\n"
            f"Preview it with live reload: {_serve_command(args)}",
        )
        if args.verbose:
            _say(
                f"{plural(report.annotated, 'paragraph')} annotated by spaCy, "
                f"{plural(report.rendered, 'page')} rendered."
            )
    if end is not None:  # here, while ``pipeline`` still holds what the build made
        end(0)
    return 0


def _left_out(report: BuildReport, args: argparse.Namespace) -> str:
    """The articles the build left out (drafts, dated after today), counted: ``-v``
    names them, each with the reason and the option that builds it."""
    if not report.skipped or args.verbose:
        return ""
    return f" {plural(len(report.skipped), 'article')} left out (-v says which and why)."


def _serve_command(args: argparse.Namespace) -> str:
    """The ``sitegen serve`` of what ``args`` built (site, output folder and articles),
    as typed."""
    command = [*sitegen_command(), "serve", "--site", str(args.site)]
    command += ["--out", str(args.out)] if args.out is not None else []
    command += [flag for flag in ("--drafts", "--future") if getattr(args, flag[2:])]
    command += ["--now", args.now] if args.now is not None else []
    return shlex.join(command)


def _serve(args: argparse.Namespace) -> int:
    from .output.serve import Options, serve

    site_dir = _site_dir(args)
    out_dir = args.out if args.out is not None else site_dir / "build"
    today = build_date(args.now) if args.now is not None else None  # (else each build's)
    with _pipeline(args) as pipeline:
        try:
            pipeline.refresh()
            base_url = pipeline.config.base_url
        except SitegenError:
            base_url = ""  # the first build reports it

        def shown(**options: Any) -> BuildReport:
            """A build of the articles the command line asks for."""
            return pipeline.build(
                out_dir, drafts=args.drafts, future=args.future, today=today, **options
            )

        def build(search: bool, early: Callable[[Sequence[str]], None] | None) -> BuildReport:
            try:
                return shown(search=search, early=early)
            finally:
                _notices(pipeline, quiet=False)

        def warm_up() -> None:  # the first build may have found nothing changed
            try:
                shown(search=False, shortcut=False)
            finally:  # (a build error is the next save's to report)
                pipeline.preload()

        options = Options(site_dir, out_dir, args.host, args.port, args.open)
        serve(options, build, base_url, warm_up)
    return 0


def _init(args: argparse.Namespace) -> int:
    created = init_site(args.dir, force=args.force, requirement=args.sitegen)
    for rel in created.files:
        _say(f"created {args.dir / rel}")
    if not created.files:
        _say(f"{args.dir} has every file of a new site already: nothing to add.")
    _say(
        f"\nBuild it: {shlex.join([*sitegen_command(), 'build', '--site', str(args.dir)])}\n"
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
    from .render.annotations import article_annotations, to_json, to_text

    path: Path = args.file
    if path.is_dir():
        raise UsageError(f"{path} is a folder: give one Markdown file of it (FILE.md)")
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    if args.site is None:
        found = site_of(path)
        if found is None and not Path("content").is_dir():
            raise UsageError(
                f"{path} is in no site folder (none above it has a sitegen.toml or a "
                "content/ folder): give the site with --site"
            )
        args.site = found or Path(".")  # (none above it: this folder, a site)
    with _pipeline(args) as pipeline:
        pipeline.refresh()
        site_dir = pipeline.site_dir.resolve()
        try:
            shown = path.resolve().relative_to(site_dir).as_posix()
            place = shown  # (its problems' paths: in the site, or absolute)
        except ValueError:
            shown, place = path.as_posix(), str(path.absolute())
        try:
            site = read_with_its_site(pipeline, path, shown, _named_site(args))
        except BuildFailed as exc:
            raise BuildFailed(placed(exc.errors, shown, place)) from None
    article = next(a for a in site.articles if a.document.source == shown)
    data = article_annotations(article)
    _say(to_json(data) if args.format == "json" else to_text(data), end="")
    return 0


def _entities(args: argparse.Namespace) -> int:
    from .render.report import entity_row, format_entities

    problems = Problems()
    with _pipeline(args) as pipeline:
        site = pipeline.analyse(problems, drafts=args.drafts)
    problems.raise_if_any()
    if args.conflicts:
        rows: list[dict[str, Any]] = [dataclasses.asdict(c) for c in site.conflicts]
        text = (
            "\n".join(
                f"{seen_from(c.sources[0], _named_site(args)) if c.sources else '-'}: "
                f"{conflict_message(c)}"
                for c in site.conflicts
            )
            or "no conflicts"
        )
    else:
        rows = [entity_row(e) for e in site.entities]
        text = format_entities(rows)
    _say(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else text)
    return 0


def _cache(args: argparse.Namespace) -> int:
    if args.action == "fill":
        return _fill(args)
    cache = Cache(_site_dir(args) / CACHE_DIR, lambda note: print(f"note: {note}", file=sys.stderr))
    if args.action == "clear":
        if not cache.folder.exists():
            _say(f"No annotation cache ({cache.folder}/): nothing to clear.")
            return 0
        cache.clear()
        _say(f"Cleared the annotation cache {cache.folder}/.")
        return 0
    if not cache.path.exists():
        _say(f"No annotation cache yet ({cache.path}); a build makes one.")
        return 0
    stats = cache.stats()
    cache.close()
    _say(
        f"{stats.path}: {file_size(stats.size)}, "
        f"{plural(stats.entries['blocks'], 'annotated paragraph')}, "
        f"{plural(stats.entries['articles'], 'enriched article')}"
    )
    return 0


def _fill(args: argparse.Namespace) -> int:
    from .fill import fill  # (it imports the parse stage, which a build with nothing new skips)

    with (
        progress_bar(enabled=not args.quiet and sys.stderr.isatty()) as progress,
        _pipeline(args, progress, quiet=args.quiet) as pipeline,
    ):
        filled = fill(pipeline)
    if not args.quiet:
        where = pipeline.cache.path if pipeline.cache else CACHE_DIR
        others = "; the others were there already" if filled.annotated < filled.blocks else ""
        _say(
            f"Annotated {filled.annotated} of {plural(filled.blocks, 'paragraph')} "
            f"({plural(filled.articles, 'article')}) into {where}{others}."
        )
    return 0


def _notices(pipeline: Pipeline, quiet: bool) -> None:
    for note in pipeline.notices if not quiet else ():
        print(f"note: {printable(note)}", file=sys.stderr)
    pipeline.notices.clear()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
