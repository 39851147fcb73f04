"""Load, last step: which documents are published in this build.

Drafts (``draft: true``) and articles dated after *today* are left out unless
asked for. "Today" is an input of the build like the content, so the same
input gives the same output: it is ``--now YYYY-MM-DD`` when given, else the
date of ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) when set,
else the current date in UTC. Nothing else in the output depends on the clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Mapping, Sequence

from ..errors import Problems, Reported, UsageError
from ..model import Document
from .content import check_slugs

log = logging.getLogger("sitegen")


def build_date(now: str | None = None, environ: Mapping[str, str] | None = None) -> dt.date:
    """The date future articles are compared with (see the module docstring)."""
    environ = os.environ if environ is None else environ
    if now is not None:
        try:
            return dt.date.fromisoformat(now)
        except ValueError:
            raise UsageError(f"--now must look like 2015-09-21, not {now!r}") from None
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(
                f"SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}"
            ) from None
    return dt.datetime.now(dt.UTC).date()


def published(
    documents: Iterable[Document], *, drafts: bool, future: bool, today: dt.date
) -> list[Document]:
    """The documents this build publishes, in the order given."""
    return [
        doc
        for doc in documents
        if (drafts or not doc.draft) and (future or doc.date is None or doc.date <= today)
    ]


def publish(
    keys: Sequence[bytes],
    documents: Mapping[bytes, Document],
    problems: Problems,
    strict: bool,
    drafts: bool,
    future: bool,
    today: dt.date,
) -> dict[bytes, Document]:
    """The ``documents`` this build publishes, by key in the order of ``keys`` (each
    once; a key with no document is left out), their slugs checked; every problem so
    far raised."""
    in_order = {k: documents[k] for k in keys if k in documents}
    shown = published(in_order.values(), drafts=drafts, future=future, today=today)
    check_slugs(shown, problems)
    problems.raise_if_any(strict)
    kept = {id(d) for d in shown}
    left = [
        Reported(
            "a draft (--drafts builds it)"
            if doc.draft and not drafts
            else f"dated {doc.date}, after {today} (--future builds it)",
            doc.source,
        )
        for doc in in_order.values()
        if id(doc) not in kept
    ]
    problems.skipped += left
    say_skipped(left)
    return {k: d for k, d in in_order.items() if id(d) in kept}


def say_skipped(skipped: Iterable[Reported]) -> None:
    """Log the articles a build left out, and why (``-v`` prints them): again when a
    build with nothing changed repeats the last one's report."""
    for note in skipped:
        log.info("skipped %s: %s", note.path, note.message)
