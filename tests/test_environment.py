"""A machine that cannot take the site (read-only folder, full disk, unreadable
file) is a user-facing error with the path and the cause, exit 1, found before
the NLP runs where it can be; the previous output stays as it was."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import missing, run_in
from test_golden import tree

GOOD = "---\ntitle: Talks\ndate: 2015-09-21\n---\nJohn Kerry flew to Moscow.\n"
MakeSite = Callable[..., Path]


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` cannot be written to, for real: chmod, or for root ``chattr +i``."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("chattr") is None:
        missing("chattr (e2fsprogs), to make a folder read-only for root")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        missing(f"chattr +i on this file system ({made.stderr.decode().strip()})")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_output_parent_fails_before_the_nlp(
    make_site: MakeSite,
    tmp_path: Path,
    fake_cli: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"content/a.md": GOOD})
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        code = run_in(site, ["build", "--site", str(site), "--out", str(parent / "build")])
    err = capsys.readouterr().err
    assert code == 1
    assert re.fullmatch(
        rf"error: {re.escape(str(parent))}: cannot write the output folder "
        rf"{re.escape(str(parent / 'build'))} here: (permission denied|operation not "
        r"permitted); choose another --out\n",
        err,
    ), err
    assert fake_cli == []  # found before the NLP ran
    assert list(parent.iterdir()) == []


def test_a_missing_output_parent_under_a_read_only_folder_fails(
    make_site: MakeSite, tmp_path: Path, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    parent = tmp_path / "locked"
    parent.mkdir()
    with read_only(parent):
        out = parent / "a" / "b" / "build"
        code = run_in(site, ["build", "--site", str(site), "--out", str(out)])
    assert code == 1
    assert capsys.readouterr().err.startswith(f"error: {parent}: cannot write the output folder")
    assert fake_cli == []


def test_an_output_path_through_a_file_is_a_usage_error(
    make_site: MakeSite, tmp_path: Path, fake_cli: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/a.md": GOOD})
    (tmp_path / "notes.txt").write_text("mine")
    out = tmp_path / "notes.txt" / "build"
    assert run_in(site, ["build", "--site", str(site), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"error: output folder {out}: {tmp_path / 'notes.txt'} is a file; choose another --out\n"
    )
    # from where the file is, as the command line names it
    assert run_in(tmp_path, ["build", "--site", str(site), "--out", "notes.txt/build"]) == 2
    assert capsys.readouterr().err == (
        "error: output folder notes.txt/build: notes.txt is a file; choose another --out\n"
    )
    assert fake_cli == []


def _disk_full(self: Path, data: bytes) -> int:
    """Path.write_bytes on a full disk: the kernel's own ENOSPC from /dev/full."""
    if not Path("/dev/full").exists():  # pragma: no cover - not Linux
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
    with open("/dev/full", "wb") as full:
        full.write(data or b"x")
        full.flush()
    raise AssertionError("/dev/full accepted a write")


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (None, "no space left on the device"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only file system"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "the disk quota is used up"),
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    ],
    ids=["disk full", "read-only", "quota", "permission"],
)
def test_a_failure_while_writing_is_exit_1_and_keeps_the_previous_output(
    make_site: MakeSite,
    fake_cli: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    error: OSError | None,
    cause: str,
) -> None:
    site = make_site({"content/a.md": GOOD})
    out = site / "build"
    assert run_in(site, ["build", "--site", str(site)]) == 0
    before = tree(out)
    capsys.readouterr()

    def fail(self: Path, data: bytes) -> int:
        if error is None:
            return _disk_full(self, data)
        raise error

    monkeypatch.setattr(Path, "write_bytes", fail)
    (site / "content" / "a.md").write_text(GOOD.replace("Talks", "Changed"))
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == f"error: build: cannot write the output folder: {cause}\n"
    assert tree(out) == before
    assert not [p.name for p in site.iterdir() if "sitegen-tmp" in p.name or "old" in p.name]


def test_an_unreadable_content_file_names_the_file(
    make_site: MakeSite,
    fake_cli: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"content/a.md": GOOD, "content/b.md": GOOD.replace("Talks", "B")})
    read_bytes = Path.read_bytes

    def unreadable(self: Path) -> bytes:
        if self.name == "b.md":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: content/b.md: cannot read the file: permission denied\n"
        "build failed: 1 problem found; nothing was written\n"
    )
    assert fake_cli == []


def test_an_unreadable_static_file_names_the_file(
    make_site: MakeSite,
    fake_cli: list[int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    site = make_site({"content/a.md": GOOD, "static/logo.svg": "<svg/>"})
    read_bytes = Path.read_bytes

    def unreadable(self: Path) -> bytes:
        if self.name == "logo.svg":
            raise OSError(errno.EIO, "Input/output error", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    assert run_in(site, ["build", "--site", str(site)]) == 1
    assert capsys.readouterr().err == (
        "error: static/logo.svg: cannot read the file: input/output error\n"
    )
