"""The caches' shared file writing."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wasmlite import disk_cache


def test_replace_file_is_whole_and_has_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.cwasm"
    target.write_bytes(b"old")
    old_umask = os.umask(0o022)
    try:
        disk_cache.replace_file(str(target), b"new contents")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"new contents"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.cwasm"]  # no temporary left


def test_replace_file_reports_errors(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        disk_cache.replace_file(str(tmp_path / "missing-dir" / "x"), b"")


def test_write_atomically_creates_directories_and_ignores_failures(tmp_path: Path) -> None:
    entry = tmp_path / "a" / "b" / "entry.o"
    disk_cache.write_atomically(str(entry), b"x")
    assert entry.read_bytes() == b"x"
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    disk_cache.write_atomically(str(blocker / "entry.o"), b"x")  # not a directory: no error
