"""Write: the record of what the last build wrote into an output folder.

It is a file in the folder (``.sitegen-build``), one line of JSON: each file with
the key it was made from, and what each derived folder (a search shard) was made
from. A build compares its pages' keys with it to render only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..cache import digest

MARKER = ".sitegen-build"
"""A file in every output folder: sitegen only ever replaces a folder that has it.
It lists the files sitegen wrote there, with the key each was made from, and what
each search shard was made from: no time or machine detail, so the same input
gives the same bytes here too."""


@dataclass(frozen=True)
class Record:
    """What the last build wrote into an output folder."""

    files: dict[str, str]
    """Each file, with the key it was made from."""
    made_from: dict[str, dict[str, str]]
    """The inputs each derived folder (by prefix) was made from."""


def write_record(path: Path, record: Record) -> None:
    """Write ``record`` to the file ``path`` (a marker being made, moved in after)."""
    data = {"sitegen": __version__, "files": record.files, "made_from": record.made_from}
    # One line: json's C encoder, which an indented dump does not use (a preview's
    # edit writes this record of every file twice).
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n")


def manifest_digest(out_dir: Path) -> str:
    """A digest of the output folder's marker: it changes whenever a build writes."""
    try:
        return digest((out_dir / MARKER).read_bytes()).hex()
    except OSError:
        return ""


def read_record(out_dir: Path) -> Record:
    """What the last build wrote in ``out_dir`` (nothing if unknown or another version)."""
    try:
        data = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
        files, made_from = data["files"], data.get("made_from", {})
        if data.get("sitegen") == __version__ and _str_map(files) and isinstance(made_from, dict):
            return Record(files, {k: v for k, v in made_from.items() if _str_map(v)})
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return Record({}, {})


def _str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
