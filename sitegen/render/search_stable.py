"""Render: Pagefind's bundle made byte-identical for the same pages.

Pagefind writes the values of each filter, and the filters of the metadata file,
in hash-map order, which changes from run to run (upstream: Pagefind issue 638,
"other files will still change, such as the filter/metadata indexes"). Each such
file is gzip-compressed CBOR after a ``pagefind_dcd`` signature, named after the
SHA-1 of its CBOR the way Pagefind names it. This sorts what was unsorted and
names the files again, so the bundle Pagefind's own script loads is the same.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import cbor2

from ..model import OutputFile

SIGNATURE = b"pagefind_dcd"


def _load(content: bytes) -> Any:
    raw = gzip.decompress(content)
    if not raw.startswith(SIGNATURE):
        raise ValueError("not a Pagefind data file")
    return cbor2.loads(raw[len(SIGNATURE) :])


def _dump(data: Any) -> tuple[bytes, str]:
    """The file's bytes and the hex digest Pagefind names it by (bytes unpadded)."""
    body = cbor2.dumps(data)
    digest = "".join(f"{b:x}" for b in hashlib.sha1(body).digest())
    return gzip.compress(SIGNATURE + body, compresslevel=9, mtime=0), digest


def stable_bundle(files: Sequence[OutputFile], bundle: str) -> list[OutputFile]:
    """``files`` (the bundle under ``bundle/``) with filters and metadata sorted."""
    by_path = {f.path: f.content for f in files}
    entry_path = f"{bundle}/pagefind-entry.json"
    entry = json.loads(by_path.pop(entry_path))
    for language, info in sorted(entry["languages"].items()):
        meta_path = f"{bundle}/pagefind.{info['hash']}.pf_meta"
        meta = _load(by_path.pop(meta_path))
        renamed: dict[str, str] = {}
        for _name, old in meta[3]:
            data = _load(by_path.pop(f"{bundle}/filter/{old}.pf_filter"))
            data[1] = sorted(data[1], key=lambda value: value[0])
            content, digest = _dump(data)
            renamed[old] = f"{language}_{digest[:7]}"
            by_path[f"{bundle}/filter/{renamed[old]}.pf_filter"] = content
        meta[3] = sorted([name, renamed[old]] for name, old in meta[3])
        content, digest = _dump(meta)
        info["hash"] = f"{language}_{digest[:10]}"
        by_path[f"{bundle}/pagefind.{info['hash']}.pf_meta"] = content
    by_path[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
    return [OutputFile(path, by_path[path]) for path in sorted(by_path)]
